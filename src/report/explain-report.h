/* SPDX-License-Identifier: MIT */
/* What `tcptune explain [KEY]` shows: the catalog (or one entry) with the
 * live values and the kernel facts its defaults and ranges depend on.
 * Collected before anything is printed; no printing here. */
#pragma once

#include "kernel.h"
#include "live.h"

struct explain_report {
        const struct kernel_info *kernel;  /* borrowed: HZ for jiffies ranges, the build's congestion control */
        const struct tunable *only;        /* explain KEY: that catalog entry; NULL: all of them */
        struct live live;                  /* owned */
};

/* Read the live values under root. Returns 0 or -ENOMEM; per-key
 * failures are in live.error[]. Free with explain_report_done(). */
int explain_report_collect(const struct root *root, const struct kernel_info *k, const struct tunable *only,
                           struct explain_report *ret);
void explain_report_done(struct explain_report *rep);

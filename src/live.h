/* SPDX-License-Identifier: MIT */
/* The live values of every catalog tunable, read once per run. */
#pragma once

#include "tunables.h"

struct live {
        size_t n;        /* catalog size; index i is tunable_all()[i] */
        char **value;    /* NULL when absent or unreadable */
        int *error;      /* 0, -ENOENT (absent on this kernel), other -errno */
};

/* Read every catalog key under root's /proc/sys (the current netns).
 * Returns 0 or -ENOMEM; per-key failures are in error[]. */
int live_read(const char *root, struct live *ret);
void live_done(struct live *l);
/* Value of a catalog key (canonical), or NULL. */
const char *live_get(const struct live *l, const char *key);
/* Log one line per key that exists but cannot be read ("tcptune: PATH:
 * Permission denied"); absent keys (-ENOENT) are normal on older kernels.
 * only, when not NULL, limits it to that catalog entry. Returns how many
 * were logged. */
size_t live_report_errors(const char *root, const struct live *l, const struct tunable *only);
/* The same for one key and the error reading it; returns true when logged. */
bool live_report_error(const char *root, const char *key, int error);

/* SPDX-License-Identifier: MIT */
#include "explain-report.h"

int explain_report_collect(const struct root *root, const struct kernel_info *k, const struct tunable *only,
                           struct explain_report *ret) {
        *ret = (struct explain_report) { .kernel = k, .only = only };
        return live_read(root, &ret->live);
}

void explain_report_done(struct explain_report *rep) {
        live_done(&rep->live);
}

/* SPDX-License-Identifier: MIT */
/* What `tcptune model` shows, and the detection table `profile show`
 * reuses: the input, the kernel facts and one result per scenario. */
#pragma once

#include "kernel.h"
#include "live.h"
#include "model.h"

struct model_report {
        const struct kernel_info *kernel;  /* borrowed */
        bool hz_assumed;
        const struct model_input *input;   /* borrowed */
        const struct model_result *results;  /* borrowed, n_results in scenario order */
        size_t n_results;
        bool timeline;                     /* text: each timer event */
        /* A what-if (--profile, --set): the input before them (borrowed),
         * so the header says which tunables changed, from what to what;
         * NULL without one. profile: --profile's NAME, or NULL. */
        const struct model_input *before;
        const char *profile;
        /* With a what-if: the results for `before` (borrowed), one per
         * entry of results, same scenarios in the same order; NULL
         * otherwise. */
        const struct model_result *before_results;
};

/* Run the model for each scenario in the mask, in scenario order. live
 * (may be NULL): drop from each result the governors this kernel lacks.
 * Returns 0 with *ret (malloc'ed, room for _SCENARIO_MAX) and *ret_n,
 * -ENOMEM, or the model's negative errno with *ret_failed the scenario it
 * could not compute. */
int model_report_run(const struct model_input *in, unsigned scenarios, const struct live *live,
                     struct model_result **ret, size_t *ret_n, unsigned *ret_failed);

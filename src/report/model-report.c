/* SPDX-License-Identifier: MIT */
#include "model-report.h"

int model_report_run(const struct model_input *in, unsigned scenarios, const struct live *live,
                     struct model_result **ret, size_t *ret_n, unsigned *ret_failed) {
        _cleanup_free_ struct model_result *results = calloc(_SCENARIO_MAX, sizeof(*results));
        size_t n = 0;
        if (!results)
                return -ENOMEM;
        for (unsigned s = 0; s < _SCENARIO_MAX; s++)
                if (scenarios & SCENARIO_BIT(s)) {
                        int r = model_run(in, s, &results[n]);
                        if (r < 0) {
                                *ret_failed = s;
                                return r;
                        }
                        if (live)
                                live_drop_absent(live, &results[n]);
                        n++;
                }
        *ret = TAKE_PTR(results);
        *ret_n = n;
        return 0;
}

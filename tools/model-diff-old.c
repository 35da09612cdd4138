/* SPDX-License-Identifier: MIT */
/* The old side's struct sizes, for tools/model-diff.c: compiled by
 * tools/model-diff.sh with the old revision's headers and its entry points
 * renamed to old_*, like the old model. A size is 0 where the old entry
 * point takes other types, or where there is no advise at all, so that the
 * driver narrows or refuses a comparison instead of handing the old side a
 * struct it reads differently. */
#include "model.h"
#if __has_include("advise.h")
#include "advise.h"
#endif

/* size when fn has type t, else 0: a constant expression either way. */
#define SIZE_IF(fn, t, size) _Generic(&(fn), t: (size_t) (size), default: (size_t) 0)

const size_t old_model_diff_input_size = sizeof(struct model_input);
const size_t old_model_diff_result_size =
        SIZE_IF(model_run, int (*)(const struct model_input *, enum scenario, struct model_result *),
                sizeof(struct model_result));
#if __has_include("advise.h")
const size_t old_model_diff_report_size =
        SIZE_IF(advise_run,
                int (*)(const struct model_input *, uint64_t, unsigned, bool, bool, struct advise_report *),
                sizeof(struct advise_report));
#else
const size_t old_model_diff_report_size = 0;
#endif

/* SPDX-License-Identifier: MIT */
/* Renderers for `explain`: text and JSON. Return 0 or a negative errno. */
#pragma once

#include "explain-report.h"
#include "output.h"

/* The whole catalog, or rep->only in detail. */
int output_explain(const struct output *out, const struct explain_report *rep);
/* Text: the catalog table (TUNABLE, LIVE, DEFAULT, UNIT, GOVERNS); with
 * only_differing, only the keys whose live value differs from the kernel
 * default (nothing when none does). Shared with the audit's screen. */
int output_explain_table(const struct output *out, const struct kernel_info *k, const struct live *live,
                         bool only_differing);

/* Shared with other emitters: the catalog entry's facts as a JSON object
 * (key, value, present, default, min, max, unit, since, scenarios, summary,
 * differs). hz decides the range of jiffies keys. */
json_object *output_tunable_json(const struct tunable *t, const char *live, unsigned hz);
/* "established, zero-window", or "-" for none. Writes into buf. */
const char *output_scenario_list(unsigned mask, char *buf, size_t size);

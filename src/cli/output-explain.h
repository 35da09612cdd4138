/* SPDX-License-Identifier: MIT */
/* Emitters for `explain`: text and JSON. Return 0 or -EIO. */
#pragma once

#include "cmd.h"
#include "live.h"

int output_explain_all(struct context *ctx, const struct live *live);
/* Text: the same table with only the keys whose live value differs from
 * the kernel default (nothing when none does). */
int output_explain_differing(struct context *ctx, const struct live *live);
int output_explain_one(struct context *ctx, const struct tunable *t, const struct live *live);

/* Shared with other emitters: the catalog entry's facts as a JSON object
 * (key, value, present, default, min, max, unit, since, scenarios, summary,
 * differs). hz decides the range of jiffies keys. */
json_object *output_tunable_json(const struct tunable *t, const char *live, unsigned hz);
/* "established, zero-window", or "-" for none. Writes into buf. */
const char *output_scenario_list(unsigned mask, char *buf, size_t size);

/* SPDX-License-Identifier: MIT */
/* Renderers for `model`: text (one line per scenario, optional timeline)
 * and the JSON contract of DESIGN.md. Return 0 or a negative errno. */
#pragma once

#include "model-report.h"
#include "output.h"

int output_model(const struct output *out, const struct model_report *rep);

/* Shared with advise/audit/profile emitters. */
json_object *output_model_result_json(const struct model_result *r, bool with_events);
json_object *output_model_kernel_json(const struct kernel_info *k, unsigned hz, bool hz_assumed);
json_object *output_model_tunables_json(const struct model_input *in);
/* "ETIMEDOUT", or NULL for 0. */
const char *output_errno_name(int err);
/* "15m 38.7s" style range "15m 37.7s .. 15m 39.7s" into buf. */
const char *output_range(const struct model_result *r, char *buf, size_t size);

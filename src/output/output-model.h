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
/* The longest outage a scenario survives (struct model_result's outage,
 * docs/MODEL.md §15), as advise, audit and model show it: "any" when it
 * never gives up, else a duration. malloc'ed; NULL on OOM. */
char *output_model_tolerance_text(const struct model_outage *o);
/* The same in JSON, "survives_outage_s": null when the scenario sends
 * nothing an outage holds up or never gives up. */
json_object *output_model_survives_json(const struct model_result *r);
/* "resume_within_s": how long traffic may wait after a survived outage;
 * null when the scenario sends nothing an outage holds up. */
json_object *output_model_resume_json(const struct model_result *r);
/* "15m 38.7s" style range "15m 37.7s .. 15m 39.7s" into buf. */
const char *output_range(const struct model_result *r, char *buf, size_t size);

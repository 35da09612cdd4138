/* SPDX-License-Identifier: MIT */
/* The audit report in out->format: text for people, the JSON document
 * (tcptune(8), OUTPUT) or Prometheus (output-prometheus.h). One report
 * struct, three emitters behind one call. Returns 0 or a negative errno. */
#pragma once

#include "audit.h"
#include "output.h"

int output_audit(const struct output *out, const struct audit_report *rep);

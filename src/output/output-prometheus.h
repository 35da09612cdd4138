/* SPDX-License-Identifier: MIT */
/* The audit in node_exporter's textfile format (text exposition 0.0.4):
 * every family with # HELP and # TYPE (all gauges), base units, label
 * values escaped, all samples of a family together. tcptune(8), OUTPUT,
 * lists the metrics. */
#pragma once

#include <stdio.h>

#include "audit.h"

/* Returns 0 or -EIO / -ENOMEM. */
int output_prometheus(FILE *f, const struct audit_report *rep);

/* A label value with \ " and newline escaped as the format wants.
 * malloc'ed; NULL on OOM. */
char *prometheus_escape_label(const char *s);

/* A sample value: seconds with up to six decimals, or "+Inf" for never
 * (UINT64_MAX). Writes into buf (>= 32 bytes). */
const char *prometheus_seconds(uint64_t usec, char *buf, size_t size);

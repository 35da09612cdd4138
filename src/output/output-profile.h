/* SPDX-License-Identifier: MIT */
/* Renderers for `profile list|show|diff|verify`: text and JSON. The
 * command fills the report (profile-report.h); these only render. Return
 * 0 or a negative errno. */
#pragma once

#include "output.h"
#include "profile-report.h"

int output_profile_list(const struct output *out, const struct profile_entry *e, size_t n);
int output_profile_show(const struct output *out, const struct profile_report *rep);
int output_profile_diff(const struct output *out, const struct profile_report *rep);
int output_profile_verify(const struct output *out, const struct profile_report *rep);

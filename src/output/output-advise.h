/* SPDX-License-Identifier: MIT */
/* Renderers for `advise`: text with a ready sysctl.d snippet, and JSON.
 * Return 0 or a negative errno. */
#pragma once

#include "advise.h"
#include "output.h"

int output_advise(const struct output *out, const struct advise_report *rep, const struct model_input *in);

/* SPDX-License-Identifier: MIT */
/* Emitters for `advise`: text with a ready sysctl.d snippet, and JSON. */
#pragma once

#include "advise.h"
#include "cmd.h"

int output_advise(struct context *ctx, const struct advise_report *rep, const struct model_input *in);

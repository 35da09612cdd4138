/* SPDX-License-Identifier: MIT */
/* Emitters for `profile apply` and `profile revert`: text and JSON.
 * Return 0 or -EIO. */
#pragma once

#include "apply.h"
#include "cmd.h"

int output_apply(struct context *ctx, const struct apply_request *req, const struct apply_result *res, int r);
int output_revert(struct context *ctx, const struct apply_request *req, const struct apply_result *res, int r);

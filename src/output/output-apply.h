/* SPDX-License-Identifier: MIT */
/* Emitters for `profile apply` and `profile revert`: text and JSON.
 * Return 0 or -EIO. */
#pragma once

#include "apply.h"
#include "output.h"

/* netns: --netns as typed, or NULL (JSON's "netns"); r: the engine's
 * return (< 0: failed, 0: nothing changed, 1: changed). */
int output_apply(const struct output *out, const char *netns, const struct apply_request *req,
                 const struct apply_result *res, int r);
int output_revert(const struct output *out, const char *netns, const struct apply_request *req,
                  const struct apply_result *res, int r);

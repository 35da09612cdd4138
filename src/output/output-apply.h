/* SPDX-License-Identifier: MIT */
/* Emitters for `profile apply` and `profile revert`: text and JSON.
 * Return 0 or -EIO. */
#pragma once

#include "apply.h"
#include "output.h"

/* netns: --netns as typed, or NULL (JSON's "netns"); r: the engine's
 * return (< 0: failed, 0: nothing changed, 1: changed); warnings: a
 * NULL-terminated list for JSON's "warnings" (NULL: none; the text goes to
 * standard error from the command). */
int output_apply(const struct output *out, const char *netns, const struct apply_request *req,
                 const struct apply_result *res, int r, char *const *warnings);
int output_revert(const struct output *out, const char *netns, const struct apply_request *req,
                  const struct apply_result *res, int r);
/* `profile active`: r is apply_active_read()'s return (0 holds, 1 drifted,
 * < 0 nothing recorded (a->none) or failed). */
int output_active(const struct output *out, const char *netns, const struct apply_active *a, int r);

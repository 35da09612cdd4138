/* SPDX-License-Identifier: MIT */
/* `profile apply` and `profile revert`, for the profile command table.
 * Both return an exit status and print what the user hears. */
#pragma once

#include "apply.h"
#include "cmd.h"

/* argv: "apply" and its options (--dry-run, --dropin NAME, --reload); the
 * settings are already parsed and validated (canonical keys). */
int cmd_profile_apply(struct context *ctx, int argc, char **argv, const char *profile_name, const char *profile_file,
                      const struct apply_setting *settings, size_t n);
/* argv: "revert" [--dropin NAME] [--reload] */
int cmd_profile_revert(struct context *ctx, int argc, char **argv);

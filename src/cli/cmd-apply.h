/* SPDX-License-Identifier: MIT */
/* `profile apply` and `profile revert`, for the profile command table.
 * Both return an exit status and print what the user hears. */
#pragma once

#include "apply.h"
#include "cmd.h"

/* The options of `profile apply` and `profile revert`, parsed once, by
 * apply_options_parse(); everyone else reads this struct, never argv. */
struct apply_options {
        bool apply;          /* apply; false: revert */
        bool help;           /* --help was printed: nothing more to do */
        bool dry_run;        /* apply only */
        const char *dropin;  /* --dropin FILE.conf, checked; NULL: default */
        bool reload;
        char **args;         /* the other words, in order (borrowed from argv) */
        size_t n_args;
};

/* Parse argv ("apply" or "revert", then options and words in any order;
 * exact option names only, "--" ends them) into *ret and check the options
 * against the context (--dropin's name, --netns, --root). Returns EXIT_OK
 * (with ret->help after printing --help) or EXIT_USAGE after logging one
 * line. getopt may reorder argv's words. */
int apply_options_parse(struct context *ctx, int argc, char **argv, bool apply, struct apply_options *ret);

/* Apply settings (already parsed and validated: canonical keys) as *o says. */
int cmd_profile_apply(struct context *ctx, const struct apply_options *o, const char *profile_name,
                      const char *profile_file, const struct apply_setting *settings, size_t n);
/* argv: "revert" [--dropin NAME] [--reload] */
int cmd_profile_revert(struct context *ctx, int argc, char **argv);
/* `profile active`: what apply recorded and whether it still holds. Exit
 * 0 holds, 1 drifted, 3 nothing recorded or unreadable. */
int cmd_profile_active(struct context *ctx);

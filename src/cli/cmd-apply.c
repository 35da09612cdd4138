/* SPDX-License-Identifier: MIT */
/* tcptune profile apply NAME [--dry-run] [--dropin NAME] [--reload] and
 * tcptune profile revert [--dropin NAME] [--reload]: the command layer over
 * apply.c, and the one parser of their options. */
#include <getopt.h>
#include <stdio.h>

#include "cmd-apply.h"
#include "cmd-util.h"
#include "log.h"
#include "output-apply.h"

static void help(bool apply) {
        fputs(apply ? "Usage: tcptune profile apply NAME [--dry-run] [--dropin FILE.conf] [--reload]\n"
                      "Write the profile's drop-in to /etc/sysctl.d (atomically) and set the live\n"
                      "values, in a way profile revert undoes.\n"
                      "  --dry-run           list what would change; exit 1 if anything would\n"
                      "  --dropin FILE.conf  the drop-in's name in /etc/sysctl.d (default " APPLY_DROPIN_DEFAULT ")\n"
                      "  --reload            restart systemd-sysctl.service instead of writing /proc/sys\n"
                    : "Usage: tcptune profile revert [--dropin FILE.conf] [--reload]\n"
                      "Put back the drop-in and live values as they were before tcptune's first apply.\n"
                      "  --dropin FILE.conf  the drop-in that apply recorded\n"
                      "  --reload            restart systemd-sysctl.service after restoring the drop-in\n",
              stdout);
}

/* getopt_long() takes any unambiguous prefix ("--dry" for --dry-run); we
 * take exact names only, as main.c's command table does. The word getopt
 * just consumed is the one before optind, or the one before that when the
 * option's argument was a separate word. */
static bool exact_option(char **argv, const struct option *o) {
        const char *w = optarg && optind >= 2 && optarg == argv[optind - 1] ? argv[optind - 2] : argv[optind - 1];
        size_t l = strlen(o->name);
        return startswith(w, "--") && strncmp(w + 2, o->name, l) == 0 && (w[2 + l] == '\0' || w[2 + l] == '=');
}

static int check_options(struct context *ctx, const struct apply_options *o) {
        if (o->dropin && !apply_dropin_name_valid(o->dropin)) {
                log_error("--dropin '%s': not a plain file name ending in .conf (like %s)", o->dropin,
                          APPLY_DROPIN_DEFAULT);
                return EXIT_USAGE;
        }
        if (o->dropin && ctx->netns) {
                log_error("--dropin: with --netns no drop-in is written (sysctl.d configures the host at boot)");
                return EXIT_USAGE;
        }
        if (o->reload && (ctx->netns || (ctx->root && !streq(ctx->root, "/")))) {
                log_error("--reload: systemd-sysctl configures the host's kernel, not %s",
                          ctx->netns ? "another network namespace (drop --reload)" : "a --root tree (drop --reload)");
                return EXIT_USAGE;
        }
        return EXIT_OK;
}

int apply_options_parse(struct context *ctx, int argc, char **argv, bool apply, struct apply_options *ret) {
        enum { ARG_DRY_RUN = 0x100, ARG_DROPIN, ARG_RELOAD };
        static const struct option options[] = {
                { "dry-run", no_argument,       NULL, ARG_DRY_RUN },
                { "dropin",  required_argument, NULL, ARG_DROPIN  },
                { "reload",  no_argument,       NULL, ARG_RELOAD  },
                { "help",    no_argument,       NULL, 'h'         },
                {}
        };
        const char *verb = apply ? "apply" : "revert";
        struct apply_options o = { .apply = apply };
        int c, index;

        optind = 0;
        opterr = 0;
        /* Options and words in any order ("apply NAME --dry-run"): getopt
         * moves the words to the end; "--" ends the options. */
        while ((index = -1, c = getopt_long(argc, argv, "h", options, &index)) >= 0) {
                if (c != '?' && index >= 0 && !exact_option(argv, &options[index])) {
                        const char *w = optarg && optarg == argv[optind - 1] ? argv[optind - 2] : argv[optind - 1];
                        log_error("profile %s: option '%.*s' is unknown; options are not abbreviated (--%s?)", verb,
                                  (int) strcspn(w, "="), w, options[index].name);
                        return EXIT_USAGE;
                }
                switch (c) {
                case ARG_DRY_RUN:
                        if (!apply)
                                goto unknown;
                        o.dry_run = true;
                        break;
                case ARG_DROPIN:
                        o.dropin = optarg;
                        break;
                case ARG_RELOAD:
                        o.reload = true;
                        break;
                case 'h':
                        help(apply);
                        *ret = (struct apply_options) { .apply = apply, .help = true };
                        return EXIT_OK;
                default:
                unknown:
                        return cmd_bad_option(apply ? "profile apply" : "profile revert", options, argv);
                }
        }
        o.args = argv + optind;
        o.n_args = (size_t) (argc - optind);
        int r = check_options(ctx, &o);
        if (r != EXIT_OK)
                return r;
        *ret = o;
        return EXIT_OK;
}

static int finish(struct context *ctx, const struct apply_request *req, const struct apply_result *res, int r,
                  bool apply) {
        if (r < 0)
                log_error("%s", res->error ? res->error : strerror(-r));
        int k = apply ? output_apply(&ctx->output, ctx->netns, req, res, r)
                      : output_revert(&ctx->output, ctx->netns, req, res, r);
        if (k < 0)
                return EXIT_OPERATION;
        if (r < 0)
                return EXIT_OPERATION;
        return req->dry_run && r > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/* --reload needs systemd as PID 1; say so before touching anything. */
static bool reload_possible(const struct apply_options *o) {
        if (!o->reload || apply_reload_available())
                return true;
        log_error("--reload: PID 1 is not systemd (no /run/systemd/system), so there is no systemd-sysctl.service "
                  "to restart; run without --reload to write /proc/sys directly");
        return false;
}

int cmd_profile_apply(struct context *ctx, const struct apply_options *o, const char *profile_name,
                      const char *profile_file, const struct apply_setting *settings, size_t n) {
        _cleanup_(apply_result_done) struct apply_result res = {};

        if (!o->dry_run && !reload_possible(o))
                return EXIT_OPERATION;
        const struct apply_request req = {
                .root = ctx->root,
                .netns = ctx->netns != NULL,
                .dropin = o->dropin,
                .profile_name = profile_name,
                .profile_file = profile_file,
                .settings = settings,
                .n_settings = n,
                .dry_run = o->dry_run,
                .reload = o->reload,
        };
        int r = apply_run(&req, &res);
        return finish(ctx, &req, &res, r, /* apply= */ true);
}

int cmd_profile_revert(struct context *ctx, int argc, char **argv) {
        struct apply_options o;
        _cleanup_(apply_result_done) struct apply_result res = {};

        int r = apply_options_parse(ctx, argc, argv, /* apply= */ false, &o);
        if (r != EXIT_OK || o.help)
                return r;
        if (o.n_args > 0) {
                log_error("profile revert: unexpected argument '%s'", o.args[0]);
                return EXIT_USAGE;
        }
        if (!reload_possible(&o))
                return EXIT_OPERATION;
        const struct apply_request req = {
                .root = ctx->root,
                .netns = ctx->netns != NULL,
                .dropin = o.dropin,
                .reload = o.reload,
        };
        r = apply_revert(&req, &res);
        return finish(ctx, &req, &res, r, /* apply= */ false);
}

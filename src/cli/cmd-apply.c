/* SPDX-License-Identifier: MIT */
/* tcptune profile apply NAME [--dry-run] [--dropin NAME] [--reload] and
 * tcptune profile revert [--dry-run] [--dropin NAME] [--reload]: the command layer over
 * apply.c, and the one parser of their options. */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "cmd-apply.h"
#include "cmd-util.h"
#include "log.h"
#include "output-apply.h"
#include "root.h"
#include "sysctld.h"

static void help(bool apply) {
        fputs(apply ? "Usage: tcptune profile apply NAME [--dry-run] [--dropin FILE.conf] [--reload]\n"
                      "Write the profile's drop-in to /etc/sysctl.d (atomically) and set the live\n"
                      "values, in a way profile revert undoes.\n"
                      "  --dry-run           list what would change; exit 1 if anything would\n"
                      "  --dropin FILE.conf  the drop-in's name in /etc/sysctl.d (default " APPLY_DROPIN_DEFAULT ")\n"
                      "  --reload            restart systemd-sysctl.service instead of writing /proc/sys\n"
                    : "Usage: tcptune profile revert [--dry-run] [--dropin FILE.conf] [--reload]\n"
                      "Put back the drop-in and live values as they were before tcptune's first apply.\n"
                      "  --dry-run           list what would be put back; exit 1 if anything would\n"
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
        if (o->dropin && !apply_dropin_name_valid(o->dropin))
                return cmd_fail(EXIT_USAGE, "--dropin '%s': not a plain, printable file name ending in .conf (like %s)",
                                o->dropin, APPLY_DROPIN_DEFAULT);
        if (o->dropin && ctx->netns)
                return cmd_fail(EXIT_USAGE, "--dropin: with --netns no drop-in is written (sysctl.d configures the "
                                "host at boot)");
        if (o->reload && (ctx->netns || !root_is_host(&ctx->root)))
                return cmd_fail(EXIT_USAGE, "--reload: systemd-sysctl configures the host's kernel, not %s",
                                ctx->netns ? "another network namespace (drop --reload)"
                                           : "a --root tree (drop --reload)");
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
                        return cmd_fail(EXIT_USAGE, "profile %s: option '%.*s' is unknown; options are not abbreviated "
                                        "(--%s?)", verb, (int) strcspn(w, "="), w, options[index].name);
                }
                switch (c) {
                case ARG_DRY_RUN:
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

/* A key that a drop-in sorting after ours also sets, to another value,
 * gets that file's value at boot: systemd-sysctl applies files in the
 * order of their names, across directories, the last one winning. The
 * live value is ours until the next boot, so it is a warning naming the
 * file and line, and `profile verify` reports it as a difference. Said on
 * every run, dry or not, changed or not: the drop-in may already be there
 * (the second run of a playbook) and still lose. With ours not written
 * yet, sysctld's winner is compared by name. Returns a NULL-terminated
 * list (possibly empty) or NULL on OOM; an unreadable sysctl.d gives none
 * (verify and config say what is wrong with it). */
static char **shadow_warnings(struct context *ctx, const struct apply_request *req) {
        _cleanup_(sysctld_freep) struct sysctld *s = NULL;
        _cleanup_strv_free_ char **w = calloc(req->n_settings + 1, sizeof(char *));
        const char *ours = req->dropin ? req->dropin : APPLY_DROPIN_DEFAULT;
        size_t n = 0;

        if (!w)
                return NULL;
        /* A refused tree has no entries: nothing to warn about here. */
        if (req->netns || sysctld_load(&ctx->root, &s) < 0 || s->refused)
                return TAKE_PTR(w);
        for (size_t i = 0; i < req->n_settings; i++) {
                const struct sysctld_entry *e = sysctld_find(s, req->settings[i].key);
                const char *base = e ? strrchr(e->file, '/') : NULL;
                base = base ? base + 1 : e ? e->file : NULL;
                if (!e || strcmp(base, ours) <= 0 || apply_value_same(e->value, req->settings[i].value))
                        continue;
                if (asprintf(&w[n], "%s:%u: sets %s = %s after " APPLY_SYSCTLD_DIR "/%s, and wins at boot (see "
                             "tcptune profile verify)", e->file, e->line, e->key, e->value, ours) < 0) {
                        w[n] = NULL;
                        return NULL;
                }
                n++;
        }
        return TAKE_PTR(w);
}

static int finish(struct context *ctx, const struct apply_request *req, const struct apply_result *res, int r,
                  bool apply) {
        _cleanup_strv_free_ char **warnings = NULL;
        if (r < 0)
                cmd_log_error(&res->error, r);
        else if (apply) {
                warnings = shadow_warnings(ctx, req);
                if (!warnings)
                        return cmd_fail(EXIT_OPERATION, "out of memory");
                for (char **w = warnings; *w; w++)
                        log_warning("%s", *w);
        }
        int k = apply ? output_apply(&ctx->output, ctx->netns, req, res, r, warnings)
                      : output_revert(&ctx->output, ctx->netns, req, res, r);
        if (k < 0)
                return EXIT_OPERATION;
        if (r < 0)
                return EXIT_OPERATION;
        return req->dry_run && r > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/* Writing /etc/sysctl.d, /var/lib/tcptune and /proc/sys is root's; say
 * so in one line before touching anything, rather than failing on the
 * lock or half-way. A --root tree this user may write is fine (tests,
 * image builds), and a dry run only reads. */
static bool privileged_enough(struct context *ctx, const struct apply_options *o) {
        bool tree = !root_is_host(&ctx->root);
        if (o->dry_run || geteuid() == 0 || (tree && faccessat(ctx->root.fd, ".", W_OK, 0) == 0))
                return true;
        if (tree)
                log_error("profile %s: --root '%s' is not writable by this user; run as its owner or root",
                          o->apply ? "apply" : "revert", root_prefix(&ctx->root));
        else
                log_error("profile %s needs root: it writes /etc/sysctl.d, /var/lib/tcptune and /proc/sys (try "
                          "sudo, or --dry-run to see what it would change)", o->apply ? "apply" : "revert");
        return false;
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

        if (!privileged_enough(ctx, o) || (!o->dry_run && !reload_possible(o)))
                return EXIT_OPERATION;
        const struct apply_request req = {
                .root = &ctx->root,
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
        if (o.n_args > 0)
                return cmd_fail(EXIT_USAGE, "profile revert: unexpected argument '%s'", o.args[0]);
        if (!privileged_enough(ctx, &o) || (!o.dry_run && !reload_possible(&o)))
                return EXIT_OPERATION;
        const struct apply_request req = {
                .root = &ctx->root,
                .netns = ctx->netns != NULL,
                .dropin = o.dropin,
                .dry_run = o.dry_run,
                .reload = o.reload,
        };
        r = apply_revert(&req, &res);
        return finish(ctx, &req, &res, r, /* apply= */ false);
}

int cmd_profile_active(struct context *ctx) {
        _cleanup_(apply_active_done) struct apply_active a = {};
        const struct apply_request req = { .root = &ctx->root, .netns = ctx->netns != NULL };
        int r = apply_active_read(&req, &a);
        if (r < 0 && !a.none)
                cmd_log_error(&a.error, r);
        if (output_active(&ctx->output, ctx->netns, &a, r) < 0)
                return EXIT_OPERATION;
        return r < 0 ? EXIT_OPERATION : r > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/* SPDX-License-Identifier: MIT */
/* tcptune profile list|show|diff|verify NAME: named settings with their
 * promises ([expect]), compared with the live kernel and sysctl.d; apply
 * and revert hand the loaded profile to the apply engine (cmd-apply.c). */
#include <getopt.h>
#include <stdio.h>

#include "live.h"
#include "cmd-apply.h"
#include "cmd-util.h"
#include "cmd.h"
#include "log.h"
#include "model-input.h"
#include "output-profile.h"
#include "profile-report.h"
#include "parse.h"
#include "sysctl.h"
#include "sysctld.h"
#include "tunables.h"

static unsigned ctx_hz(struct context *ctx) {
        unsigned hz = context_kernel(ctx)->hz;
        return hz_or_assumed(hz);
}

/* Load NAME and check its [expect] against its own [sysctl] on kernel
 * defaults (a property of the file, not of this host): one line and
 * EXIT_USAGE (malformed, not found) or EXIT_OPERATION (cannot read). */
static int load(struct context *ctx, const char *name, struct profile **ret) {
        _cleanup_(profile_freep) struct profile *p = NULL;
        _cleanup_(error_done) struct error err = {};
        _cleanup_free_ struct profile_expect_result *res = NULL;
        struct model_input base;
        size_t n;

        int r = profile_load(&ctx->root, name, ctx_hz(ctx), &p, &err);
        if (r < 0)
                return cmd_fail_error(&err, r);
        model_input_defaults(&base);
        base.hz = ctx_hz(ctx);
        r = profile_check_expect(p, &base, &res, &n);
        if (r < 0)
                return cmd_fail(EXIT_USAGE, "%s: cannot model the profile: %s", p->file, strerror(-r));
        for (size_t i = 0; i < n; i++)
                if (!res[i].holds) {
                        const struct profile_expect *e = res[i].expect;
                        char key[64];
                        _cleanup_free_ char *lim = format_duration(e->limit_us);
                        _cleanup_free_ char *got = format_duration(e->bound == PROFILE_BOUND_MAX ? res[i].detect_max_us
                                                                                                : res[i].detect_min_us);
                        if (res[i].never)
                                return cmd_fail(EXIT_USAGE, "%s:%u: %s = %s cannot hold: with these settings the "
                                                "kernel never gives up (%s)", e->file, e->line,
                                                profile_expect_key(e, key, sizeof(key)), strempty(lim),
                                                scenario_to_string(e->scenario));
                        return cmd_fail(EXIT_USAGE, "%s:%u: %s = %s cannot hold: the model predicts %s %s (kernel "
                                        "defaults, HZ %u, then the profile)", e->file, e->line,
                                        profile_expect_key(e, key, sizeof(key)), strempty(lim),
                                        e->bound == PROFILE_BOUND_MAX ? "as late as" : "as early as", strempty(got),
                                        base.hz);
                }
        *ret = TAKE_PTR(p);
        return EXIT_OK;
}

/* Collect what show, diff and verify say (profile-report.c) and log what
 * could not be read: the report is still complete. Returns EXIT_OK,
 * EXIT_OPERATION (something unreadable, or no report) or EXIT_USAGE (a
 * value this kernel's HZ cannot hold). */
static int collect(struct context *ctx, const struct profile *p, bool boot, struct profile_report *rep) {
        /* Not with --netns: sysctl.d configures the host's namespace at boot. */
        int r = profile_report_collect(&ctx->root, context_kernel(ctx), p, boot && !ctx->netns, rep);
        const struct sysctld *s = rep->boot_config;
        if (s && sysctld_refused(s))
                return cmd_sysctld_refused(s);
        int status = cmd_sysctld_unreadable(s);
        if (r == -EINVAL)
                return cmd_fail(EXIT_USAGE, "%s: a value does not fit HZ %u", p->file, rep->before.hz);
        if (r == -EDOM)
                return cmd_fail(EXIT_OPERATION, "cannot model %s", scenario_to_string(rep->failed_scenario));
        if (r < 0)
                return cmd_fail(EXIT_OPERATION, "out of memory");
        for (size_t i = 0; i < rep->n_rows; i++) {
                const struct profile_row *row = &rep->rows[i];
                if (row->live_error && row->live_error != -ENOENT) {
                        _cleanup_free_ char *path = sysctl_path(&ctx->root, row->setting->key);
                        log_error("%s: %s", path ? path : row->setting->key, strerror(-row->live_error));
                        status = EXIT_OPERATION;
                }
        }
        return status;
}

/* Returned by parse_args() after --help: nothing more to do. */
#define HELP_SHOWN (-1)

/* The sub-command's own options (only --help) and its NAME, when it takes
 * one (ret non-NULL). */
static int parse_args(const char *verb, int argc, char **argv, const char **ret) {
        static const struct option options[] = { { "help", no_argument, NULL, 'h' }, {} };
        int c;
        opterr = 0;
        optind = 0;
        if ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
                if (c != 'h')
                        return cmd_fail(EXIT_USAGE, "profile %s: option '%s' is unknown (see tcptune profile --help)",
                                        verb, argv[optind - 1]);
                printf("Usage: tcptune profile %s%s\nSee tcptune(8), COMMANDS, and tcptune.profile(5).\n", verb,
                       ret ? " NAME" : "");
                return HELP_SHOWN;
        }
        if (ret && optind >= argc)
                return cmd_fail(EXIT_USAGE, "profile %s: expected a profile NAME (tcptune profile list shows them)",
                                verb);
        if (optind + !!ret < argc)
                return cmd_fail(EXIT_USAGE, "profile %s: unexpected argument '%s'", verb, argv[optind + !!ret]);
        if (ret)
                *ret = argv[optind];
        return EXIT_OK;
}

static int run_report(struct context *ctx, int argc, char **argv, const char *verb, bool boot,
                      int (*emit)(const struct output *, const struct profile_report *), bool exit_on_difference) {
        _cleanup_(profile_freep) struct profile *p = NULL;
        _cleanup_(profile_report_done) struct profile_report rep = {};
        const char *name = NULL;
        int r = parse_args(verb, argc, argv, &name);
        if (r == HELP_SHOWN)
                return EXIT_OK;
        if (r != EXIT_OK)
                return r;
        if ((r = load(ctx, name, &p)) != EXIT_OK)
                return r;
        int status = collect(ctx, p, boot, &rep);
        if (rep.rows && emit(&ctx->output, &rep) < 0)
                status = EXIT_OPERATION;
        if (status == EXIT_OK && exit_on_difference && rep.n_differences)
                status = EXIT_FINDINGS;
        return status;
}

static int profile_show(struct context *ctx, int argc, char **argv) {
        return run_report(ctx, argc, argv, "show", false, output_profile_show, false);
}

static int profile_diff(struct context *ctx, int argc, char **argv) {
        return run_report(ctx, argc, argv, "diff", true, output_profile_diff, true);
}

static int profile_verify(struct context *ctx, int argc, char **argv) {
        return run_report(ctx, argc, argv, "verify", true, output_profile_verify, true);
}

static int profile_list_cmd(struct context *ctx, int argc, char **argv) {
        struct profile_entry *e = NULL;
        size_t n = 0;
        int status = EXIT_OK;
        int r = parse_args("list", argc, argv, NULL);
        if (r != EXIT_OK)
                return r == HELP_SHOWN ? EXIT_OK : r;
        r = profile_list(&ctx->root, &e, &n);
        if (r == -ENOMEM)
                return cmd_fail(EXIT_OPERATION, "out of memory");
        if (r < 0) {
                /* Nothing to list is not success: the profiles are missing. */
                _cleanup_(strv_freep) char **dirs = profile_dirs();
                return cmd_fail(EXIT_OPERATION, "profile list: neither %s nor %s can be read (%s): is tcptune "
                                "installed (meson install)?", dirs && dirs[0] ? dirs[0] : "?",
                                dirs && dirs[0] && dirs[1] ? dirs[1] : "?", strerror(-r));
        }
        for (size_t i = 0; i < n; i++)
                if (error_is_set(&e[i].error)) {
                        /* As load(): a profile that cannot be read is 3, a malformed one 2. */
                        int k = cmd_fail_error(&e[i].error, e[i].error.code);
                        if (status != EXIT_OPERATION)
                                status = k;
                }
        if (output_profile_list(&ctx->output, e, n) < 0)
                status = EXIT_OPERATION;
        profile_entries_free(e, n);
        return status;
}

/* apply NAME [--dry-run] [--dropin FILE] [--reload]: parse the options
 * once (cmd-apply.c), load and check the profile, keep the keys this kernel
 * has (an optional "-KEY" it lacks is dropped, a required one is an error
 * naming the profile line), and hand the rest to the apply engine. */
static int profile_apply_cmd(struct context *ctx, int argc, char **argv) {
        _cleanup_(profile_freep) struct profile *p = NULL;
        _cleanup_free_ struct apply_setting *settings = NULL;
        struct apply_options o;
        size_t n = 0;

        int r = apply_options_parse(ctx, argc, argv, /* apply= */ true, &o);
        if (r != EXIT_OK || o.help)
                return r;
        if (o.n_args == 0)
                return cmd_fail(EXIT_USAGE, "profile apply: which profile? (see tcptune profile list)");
        if (o.n_args > 1)
                return cmd_fail(EXIT_USAGE, "profile apply: unexpected argument '%s'", o.args[1]);
        if ((r = load(ctx, o.args[0], &p)) != EXIT_OK)
                return r;

        settings = calloc(p->n_settings ? p->n_settings : 1, sizeof(*settings));
        if (!settings)
                return cmd_fail(EXIT_OPERATION, "out of memory");
        for (size_t i = 0; i < p->n_settings; i++) {
                const struct profile_setting *set = &p->settings[i];
                _cleanup_free_ char *live = NULL;
                r = sysctl_read(&ctx->root, set->key, &live);
                if (r == -ENOENT && set->optional)
                        continue;
                if (r == -ENOENT)
                        return cmd_fail(EXIT_OPERATION, "%s:%u: %s does not exist on this kernel (%s); write it as "
                                        "'-%s' to make it optional", set->file, set->line, set->key,
                                        strempty(context_kernel(ctx)->release), set->key);
                settings[n++] = (struct apply_setting) { set->key, set->value };
        }
        return cmd_profile_apply(ctx, &o, p->name, p->file, settings, n);
}

static int profile_revert_cmd(struct context *ctx, int argc, char **argv) {
        return cmd_profile_revert(ctx, argc, argv);
}

static int profile_active_cmd(struct context *ctx, int argc, char **argv) {
        int r = parse_args("active", argc, argv, NULL);
        if (r != EXIT_OK)
                return r == HELP_SHOWN ? EXIT_OK : r;
        return cmd_profile_active(ctx);
}

static const struct {
        const char *name;
        int (*run)(struct context *ctx, int argc, char **argv);
} subcommands[] = {
        { "list",   profile_list_cmd },
        { "show",   profile_show     },
        { "diff",   profile_diff     },
        { "verify", profile_verify   },
        { "apply",  profile_apply_cmd  },
        { "revert", profile_revert_cmd },
        { "active", profile_active_cmd },
};

static void help(void) {
        fputs("Usage: tcptune profile COMMAND [NAME]\n"
              "Named settings with the detection times they promise ([expect]).\n\n"
              "  list            every profile on the search path: name, description, file\n"
              "  show NAME       its keys after includes, its [expect] checks, the predicted\n"
              "                  detection\n"
              "  diff NAME       live and boot-time values against it, detection before and\n"
              "                  after\n"
              "                  (exit 1 when something differs)\n"
              "  verify NAME     exit 0 when live and boot values match and every [expect]\n"
              "                  holds, 1 listing each difference\n"
              "  apply NAME [--dry-run] [--dropin FILE.conf] [--reload]\n"
              "                  write its sysctl.d drop-in atomically and set the live values\n"
              "                  (--dry-run: list the changes, exit 1 when any are pending)\n"
              "  revert [--dry-run] [--dropin FILE.conf] [--reload]\n"
              "                  put back the drop-in and live values from before tcptune's\n"
              "                  first apply\n"
              "  active          the profile tcptune applied, when, and whether it still\n"
              "                  holds (exit 1 when it drifted, 3 when none is recorded)\n\n"
              "NAME is a file of /usr/share/tcptune/profiles or /etc/tcptune/profiles.d\n"
              "without .ini, or a path containing '/'. See tcptune.profile(5).\n",
              stdout);
}

int cmd_profile(struct context *ctx, int argc, char **argv) {
        if (argc < 2)
                return cmd_fail(EXIT_USAGE, "profile: expected list, show, diff, verify, apply, revert or active (see "
                                "tcptune profile --help)");
        if (streq(argv[1], "--help") || streq(argv[1], "-h")) {
                help();
                return EXIT_OK;
        }
        if (ctx->output.format == FORMAT_PROMETHEUS)
                return cmd_fail(EXIT_USAGE, "profile: --format prometheus is for audit; use text or json");
        for (size_t i = 0; i < ELEMENTSOF(subcommands); i++)
                if (streq(subcommands[i].name, argv[1]))
                        return subcommands[i].run(ctx, argc - 1, argv + 1);
        return cmd_fail(EXIT_USAGE, "profile: '%s' is not a profile command (list, show, diff, verify, apply, revert, "
                        "active)", argv[1]);
}

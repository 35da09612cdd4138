/* SPDX-License-Identifier: MIT */
/* tcptune profile list|show|diff|verify NAME: named settings with their
 * promises ([expect]), compared with the live kernel and sysctl.d; apply
 * and revert hand the loaded profile to the apply engine (cmd-apply.c). */
#include <getopt.h>
#include <stdio.h>

#include "cmd-apply.h"
#include "cmd-util.h"
#include "cmd.h"
#include "log.h"
#include "model-input.h"
#include "output-profile.h"
#include "parse.h"
#include "sysctl.h"
#include "sysctld.h"

static unsigned ctx_hz(struct context *ctx) {
        unsigned hz = context_kernel(ctx)->hz;
        return hz ? hz : 250;
}

/* Load NAME and check its [expect] against its own [sysctl] on kernel
 * defaults (a property of the file, not of this host): one line and
 * EXIT_USAGE (malformed, not found) or EXIT_OPERATION (cannot read). */
static int load(struct context *ctx, const char *name, struct profile **ret) {
        _cleanup_(profile_freep) struct profile *p = NULL;
        _cleanup_free_ char *error = NULL;
        _cleanup_free_ struct profile_expect_result *res = NULL;
        struct model_input base;
        size_t n;

        int r = profile_load(ctx->root, name, ctx_hz(ctx), &p, &error);
        if (r == -ENOMEM)
                return log_error("out of memory"), EXIT_OPERATION;
        if (r < 0) {
                log_error("%s", error ? error : strerror(-r));
                return r == -EACCES || r == -EIO || r == -EPERM ? EXIT_OPERATION : EXIT_USAGE;
        }
        model_input_defaults(&base);
        base.hz = ctx_hz(ctx);
        r = profile_check_expect(p, &base, &res, &n);
        if (r < 0)
                return log_error("%s: cannot model the profile: %s", p->file, strerror(-r)), EXIT_USAGE;
        for (size_t i = 0; i < n; i++)
                if (!res[i].holds) {
                        const struct profile_expect *e = res[i].expect;
                        char key[64];
                        _cleanup_free_ char *lim = format_duration(e->limit_us);
                        _cleanup_free_ char *got = format_duration(e->bound == PROFILE_BOUND_MAX ? res[i].detect_max_us
                                                                                                : res[i].detect_min_us);
                        if (res[i].never)
                                log_error("%s:%u: %s = %s cannot hold: with these settings the kernel never gives up "
                                          "(%s)", e->file, e->line, profile_expect_key(e, key, sizeof(key)),
                                          strempty(lim), scenario_to_string(e->scenario));
                        else
                                log_error("%s:%u: %s = %s cannot hold: the model predicts %s %s (kernel defaults, HZ "
                                          "%u, then the profile)", e->file, e->line,
                                          profile_expect_key(e, key, sizeof(key)), strempty(lim),
                                          e->bound == PROFILE_BOUND_MAX ? "as late as" : "as early as", strempty(got),
                                          base.hz);
                        return EXIT_USAGE;
                }
        *ret = TAKE_PTR(p);
        return EXIT_OK;
}

static void report_done(struct profile_report *rep) {
        for (size_t i = 0; i < rep->n_rows; i++) {
                free(rep->rows[i].want);
                free(rep->rows[i].live);
                free(rep->rows[i].boot_held);
        }
        free(rep->rows);
        free(rep->expects);
        free(rep->before_r);
        free(rep->after_r);
        sysctld_free(rep->boot_config);
}

/* Everything show, diff and verify say: live values, boot-time values
 * (not with --netns: sysctl.d configures the host's namespace at boot),
 * the model before and after. Returns EXIT_OK, or EXIT_OPERATION when
 * something could not be read (logged; the report is still complete). */
static int collect(struct context *ctx, const struct profile *p, bool boot, struct profile_report *rep) {
        _cleanup_(live_done) struct live live = {};
        struct sysctld *s = NULL;
        int status = EXIT_OK, r;

        rep->profile = p;
        rep->kernel = context_kernel(ctx);
        rep->boot_checked = boot && !ctx->netns;
        if (live_read(ctx->root, &live) < 0)
                return log_error("out of memory"), EXIT_OPERATION;
        if (rep->boot_checked) {
                if (sysctld_load(ctx->root, &s) < 0)
                        return log_error("out of memory"), EXIT_OPERATION;
                /* rows borrow its entries */
                rep->boot_config = s;
                if (sysctld_refused(s))
                        return cmd_sysctld_refused(s);
                for (size_t i = 0; i < s->n_diags; i++)
                        if (s->diags[i].error) {
                                log_error("%s: %s", strempty(s->diags[i].file), s->diags[i].message);
                                status = EXIT_OPERATION;
                        }
        }
        model_input_from_live(&live, rep->kernel, &rep->before, &rep->hz_assumed);
        unsigned hz = rep->before.hz;
        /* The model sees what this kernel can hold: an optional key it
         * lacks is left out (a shallow copy borrowing p's strings). */
        size_t n;
        const struct tunable *t = tunable_all(&n);
        _cleanup_free_ struct profile_setting *held = calloc(p->n_settings ? p->n_settings : 1, sizeof(*held));
        if (!held)
                return log_error("out of memory"), EXIT_OPERATION;
        struct profile applicable = *p;
        applicable.settings = held;
        applicable.n_settings = 0;
        for (size_t i = 0; i < p->n_settings; i++) {
                bool absent = false;
                for (size_t j = 0; j < n; j++)
                        absent = absent || (streq(t[j].key, p->settings[i].key) && live.error[j] == -ENOENT);
                if (!(p->settings[i].optional && absent))
                        held[applicable.n_settings++] = p->settings[i];
        }
        if (profile_apply_input(&applicable, &rep->before, &rep->after) < 0)
                return log_error("%s: a value does not fit HZ %u", p->file, hz), EXIT_USAGE;
        rep->before.srtt_us = rep->after.srtt_us;
        rep->before_r = calloc(_SCENARIO_MAX, sizeof(struct model_result));
        rep->after_r = calloc(_SCENARIO_MAX, sizeof(struct model_result));
        rep->rows = calloc(p->n_settings ? p->n_settings : 1, sizeof(struct profile_row));
        if (!rep->before_r || !rep->after_r || !rep->rows)
                return log_error("out of memory"), EXIT_OPERATION;
        for (unsigned sc = 0; sc < _SCENARIO_MAX; sc++) {
                if (model_run(&rep->before, sc, &rep->before_r[sc]) < 0 ||
                    model_run(&rep->after, sc, &rep->after_r[sc]) < 0)
                        return log_error("cannot model %s", scenario_to_string(sc)), EXIT_OPERATION;
                /* Optional keys this kernel lacks were left out above. */
                model_result_drop_absent(&rep->before_r[sc], &live);
                model_result_drop_absent(&rep->after_r[sc], &live);
        }
        if (profile_check_expect(&applicable, &rep->before, &rep->expects, &rep->n_expects) < 0)
                return log_error("out of memory"), EXIT_OPERATION;
        for (size_t i = 0; i < rep->n_expects; i++)
                rep->n_differences += !rep->expects[i].holds;

        for (size_t i = 0; i < p->n_settings; i++) {
                const struct profile_setting *set = &p->settings[i];
                struct profile_row *row = &rep->rows[rep->n_rows++];
                row->setting = set;
                for (size_t j = 0; j < n; j++)
                        if (streq(t[j].key, set->key)) {
                                row->live_error = live.error[j];
                                if (live.value[j] && !(row->live = strdup(live.value[j])))
                                        return log_error("out of memory"), EXIT_OPERATION;
                        }
                if (row->live_error && row->live_error != -ENOENT) {
                        _cleanup_free_ char *path = sysctl_path(ctx->root, set->key);
                        log_error("%s: %s", path ? path : set->key, strerror(-row->live_error));
                        status = EXIT_OPERATION;
                }
                if (!(row->want = sysctld_held(set->key, set->value, row->live, hz)))
                        return log_error("out of memory"), EXIT_OPERATION;
                row->not_applicable = set->optional && row->live_error == -ENOENT;
                row->live_ok = row->not_applicable || (row->live && streq(row->live, row->want));
                if (rep->boot_checked) {
                        row->boot = sysctld_find(s, set->key);
                        if (row->boot) {
                                struct sysctld_check c = {};
                                r = sysctld_check_entry(ctx->root, row->boot, hz, NULL, &c);
                                if (r < 0)
                                        return log_error("out of memory"), EXIT_OPERATION;
                                if (c.valid)
                                        row->boot_held = TAKE_PTR(c.held);
                                sysctld_check_done(&c);
                        }
                        row->boot_ok = row->not_applicable || (row->boot_held && streq(row->boot_held, row->want));
                } else
                        row->boot_ok = true;
                rep->n_differences += !row->live_ok || !row->boot_ok;
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
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
                if (c == 'h') {
                        printf("Usage: tcptune profile %s%s\nSee tcptune(8), COMMANDS, and tcptune.profile(5).\n", verb,
                               ret ? " NAME" : "");
                        return HELP_SHOWN;
                }
                log_error("profile %s: option '%s' is unknown (see tcptune profile --help)", verb, argv[optind - 1]);
                return EXIT_USAGE;
        }
        if (ret && optind >= argc) {
                log_error("profile %s: expected a profile NAME (tcptune profile list shows them)", verb);
                return EXIT_USAGE;
        }
        if (optind + !!ret < argc) {
                log_error("profile %s: unexpected argument '%s'", verb, argv[optind + !!ret]);
                return EXIT_USAGE;
        }
        if (ret)
                *ret = argv[optind];
        return EXIT_OK;
}

static int run_report(struct context *ctx, int argc, char **argv, const char *verb, bool boot,
                      int (*emit)(struct context *, const struct profile_report *), bool exit_on_difference) {
        _cleanup_(profile_freep) struct profile *p = NULL;
        struct profile_report rep = {};
        const char *name = NULL;
        int r = parse_args(verb, argc, argv, &name);
        if (r == HELP_SHOWN)
                return EXIT_OK;
        if (r != EXIT_OK)
                return r;
        if ((r = load(ctx, name, &p)) != EXIT_OK)
                return r;
        int status = collect(ctx, p, boot, &rep);
        r = rep.rows ? emit(ctx, &rep) : 0;
        if (r < 0)
                status = EXIT_OPERATION;
        if (status == EXIT_OK && exit_on_difference && rep.n_differences)
                status = EXIT_FINDINGS;
        report_done(&rep);
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
        if (profile_list(ctx->root, &e, &n) < 0)
                return log_error("out of memory"), EXIT_OPERATION;
        for (size_t i = 0; i < n; i++)
                if (e[i].load_error) {
                        int le = e[i].load_error;
                        log_error("%s", e[i].error ? e[i].error : strerror(-le));
                        /* As load(): a profile that cannot be read is 3, a malformed one 2. */
                        if (le == -EACCES || le == -EIO || le == -EPERM)
                                status = EXIT_OPERATION;
                        else if (status == EXIT_OK)
                                status = EXIT_USAGE;
                }
        if (output_profile_list(ctx, e, n) < 0)
                status = EXIT_OPERATION;
        profile_entries_free(e, n);
        return status;
}

/* After an apply: a key that a drop-in sorting after ours also sets gets
 * that file's value at boot (systemd-sysctl applies later files last).
 * The live value is ours until the next boot, so it is a warning naming
 * the file and line, and `profile verify` reports it as a difference. */
static void warn_shadowed(struct context *ctx, int argc, char **argv, const struct apply_setting *settings,
                          size_t n) {
        _cleanup_(sysctld_freep) struct sysctld *s = NULL;
        _cleanup_free_ char *ours = NULL;
        const char *dropin = APPLY_DROPIN_DEFAULT;

        for (int i = 1; i < argc; i++) {
                if (streq(argv[i], "--dry-run"))
                        return;
                if (streq(argv[i], "--dropin") && i + 1 < argc)
                        dropin = argv[++i];
                else if (startswith(argv[i], "--dropin="))
                        dropin = argv[i] + strlen("--dropin=");
        }
        /* A refused tree has no entries: nothing to warn about here; the
         * verify that follows says why. */
        if (asprintf(&ours, "/etc/sysctl.d/%s", dropin) < 0 || sysctld_load(ctx->root, &s) < 0 || s->refused)
                return;
        for (size_t i = 0; i < n; i++) {
                const struct sysctld_entry *e = sysctld_find(s, settings[i].key);
                if (e && !streq(e->file, ours))
                        log_warning("%s:%u: sets %s = %s after %s, and wins at boot (see tcptune profile verify)",
                                    e->file, e->line, e->key, e->value, ours);
        }
}

/* apply NAME [--dry-run] [--dropin FILE] [--reload]: load and check the
 * profile, keep the keys this kernel has (an optional "-KEY" it lacks is
 * dropped, a required one is an error naming the profile line), and hand
 * the rest to the apply engine with NAME taken out of its argv. */
static int profile_apply_cmd(struct context *ctx, int argc, char **argv) {
        _cleanup_(profile_freep) struct profile *p = NULL;
        _cleanup_free_ char **cargv = calloc((size_t) argc + 1, sizeof(char *));
        _cleanup_free_ struct apply_setting *settings = NULL;
        const char *name = NULL;
        int cargc = 0, r;
        size_t n = 0;

        if (!cargv)
                return log_error("out of memory"), EXIT_OPERATION;
        /* The engine parses the options; the one word that is not an
         * option (nor --dropin's argument) is the profile. */
        cargv[cargc++] = argv[0];
        for (int i = 1; i < argc; i++) {
                if (argv[i][0] == '-' && argv[i][1]) {
                        cargv[cargc++] = argv[i];
                        if (streq(argv[i], "--help") || streq(argv[i], "-h"))
                                return cmd_profile_apply(ctx, 2, (char *[]) { argv[0], argv[i], NULL }, NULL, NULL,
                                                         NULL, 0);
                        if (streq(argv[i], "--dropin") && i + 1 < argc)
                                cargv[cargc++] = argv[++i];
                        continue;
                }
                if (name) {
                        log_error("profile apply: unexpected argument '%s'", argv[i]);
                        return EXIT_USAGE;
                }
                name = argv[i];
        }
        if (!name) {
                log_error("profile apply: which profile? (see tcptune profile list)");
                return EXIT_USAGE;
        }
        if ((r = load(ctx, name, &p)) != EXIT_OK)
                return r;

        settings = calloc(p->n_settings ? p->n_settings : 1, sizeof(*settings));
        if (!settings)
                return log_error("out of memory"), EXIT_OPERATION;
        for (size_t i = 0; i < p->n_settings; i++) {
                const struct profile_setting *set = &p->settings[i];
                _cleanup_free_ char *live = NULL;
                r = sysctl_read(ctx->root, set->key, &live);
                if (r == -ENOENT && set->optional)
                        continue;
                if (r == -ENOENT)
                        return log_error("%s:%u: %s does not exist on this kernel (%s); write it as '-%s' to make "
                                         "it optional", set->file, set->line, set->key,
                                         strempty(context_kernel(ctx)->release), set->key),
                               EXIT_OPERATION;
                settings[n++] = (struct apply_setting) { set->key, set->value };
        }
        r = cmd_profile_apply(ctx, cargc, cargv, p->name, p->file, settings, n);
        if (r == EXIT_OK && !ctx->netns)
                warn_shadowed(ctx, cargc, cargv, settings, n);
        return r;
}

static int profile_revert_cmd(struct context *ctx, int argc, char **argv) {
        return cmd_profile_revert(ctx, argc, argv);
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
};

static void help(void) {
        fputs("Usage: tcptune profile COMMAND [NAME]\n"
              "Named settings with the detection times they promise ([expect]).\n\n"
              "  list            every profile on the search path: name, description, file\n"
              "  show NAME       its keys after includes, its [expect] checks, the predicted detection\n"
              "  diff NAME       live and boot-time values against it, detection before and after\n"
              "                  (exit 1 when something differs)\n"
              "  verify NAME     exit 0 when live and boot values match and every [expect] holds,\n"
              "                  1 listing each difference\n"
              "  apply NAME [--dry-run] [--dropin FILE.conf] [--reload]\n"
              "                  write its sysctl.d drop-in atomically and set the live values\n"
              "                  (--dry-run: list the changes, exit 1 when any are pending)\n"
              "  revert [--dropin FILE.conf] [--reload]\n"
              "                  put back the drop-in and live values from before tcptune's first apply\n\n"
              "NAME is a file of /usr/share/tcptune/profiles or /etc/tcptune/profiles.d without .ini,\n"
              "or a path containing '/'. See tcptune.profile(5).\n",
              stdout);
}

int cmd_profile(struct context *ctx, int argc, char **argv) {
        if (argc < 2) {
                log_error("profile: expected list, show, diff, verify, apply or revert (see tcptune profile --help)");
                return EXIT_USAGE;
        }
        if (streq(argv[1], "--help") || streq(argv[1], "-h")) {
                help();
                return EXIT_OK;
        }
        if (ctx->format == FORMAT_PROMETHEUS) {
                log_error("profile: --format prometheus is for audit; use text or json");
                return EXIT_USAGE;
        }
        for (size_t i = 0; i < ELEMENTSOF(subcommands); i++)
                if (streq(subcommands[i].name, argv[1]))
                        return subcommands[i].run(ctx, argc - 1, argv + 1);
        log_error("profile: '%s' is not a profile command (list, show, diff, verify, apply, revert)", argv[1]);
        return EXIT_USAGE;
}

/* SPDX-License-Identifier: MIT */
/* Test driver for the apply engine until `tcptune profile apply` is wired
 * to profiles: the same command layer, with settings from the command line.
 *   apply-driver [--root DIR] [--netns SPEC] [--json] [--file PROFILE_FILE]
 *                apply [--dry-run] [--dropin N] [--reload] PROFILE KEY=VALUE...
 *   apply-driver [--root DIR] [--netns SPEC] [--json] revert [--dry-run] [--dropin N] [--reload]
 *   apply-driver [--root DIR] [--netns SPEC] [--json] active
 * Keys and values are checked against the catalog as profiles are. Exit
 * status and output are those of the commands. */
#include <stdio.h>

#include "cmd-apply.h"
#include "cmd-util.h"
#include "log.h"
#include "sysctl.h"
#include "tunables.h"

static int usage(void) {
        log_error("usage: apply-driver [--root DIR] [--netns SPEC] [--json] [--file F] apply|revert ...");
        return EXIT_USAGE;
}

static int run_apply(struct context *ctx, int argc, char **argv, const char *file) {
        /* The options as `profile apply` parses them; the first other word
         * is the profile name, the rest KEY=VALUE. */
        struct apply_options o;
        int r = apply_options_parse(ctx, argc, argv, /* apply= */ true, &o);
        if (r != EXIT_OK || o.help)
                return r;
        if (o.n_args == 0) {
                log_error("apply: no profile name");
                return EXIT_USAGE;
        }
        struct apply_setting *settings = calloc(o.n_args, sizeof(*settings));
        char **keys = calloc(o.n_args + 1, sizeof(char *));
        size_t n = 0;
        if (!settings || !keys) {
                log_error("out of memory");
                r = EXIT_OPERATION;
                goto out;
        }
        for (size_t i = 1; i < o.n_args; i++) {
                const char *a = o.args[i], *eq = strchr(a, '=');
                if (!eq) {
                        log_error("'%s': not KEY=VALUE", a);
                        r = EXIT_USAGE;
                        goto out;
                }
                _cleanup_free_ char *k = strndup(a, (size_t) (eq - a));
                const struct tunable *t = k ? tunable_find(k) : NULL;
                if (!t) {
                        log_error("'%s': not a tunable tcptune knows (see tcptune explain)", k ? k : a);
                        r = EXIT_USAGE;
                        goto out;
                }
                unsigned hz = context_kernel(ctx)->hz;
                int e = tunable_check_value(t, eq + 1, hz ? hz : 250, NULL);
                if (e < 0) {
                        log_error("%s = %s: %s", t->key, eq + 1, e == -ERANGE ? "out of range" : "not a valid value");
                        r = EXIT_USAGE;
                        goto out;
                }
                if (sysctl_key_normalize(k, &keys[n]) < 0) {
                        log_error("'%s': malformed key", k);
                        r = EXIT_USAGE;
                        goto out;
                }
                settings[n] = (struct apply_setting) { keys[n], eq + 1 };
                n++;
        }
        r = cmd_profile_apply(ctx, &o, o.args[0], file, settings, n);
out:
        strv_free(keys);
        free(settings);
        return r;
}

int main(int argc, char **argv) {
        _cleanup_(context_done) struct context ctx = {
                .root = { .fd = -1 },
                .output = { .stream = stdout, .format = FORMAT_TEXT, .width = OUTPUT_WIDTH },
        };
        const char *file = NULL;
        int i = 1, r;

        for (; i < argc && argv[i][0] == '-'; i++) {
                if (streq(argv[i], "--json"))
                        ctx.output.format = FORMAT_JSON;
                else if (streq(argv[i], "--root") && i + 1 < argc) {
                        const char *path = argv[++i];
                        root_done(&ctx.root);
                        if (!*path || root_open(path, &ctx.root) < 0) {
                                log_error("--root '%s': not a directory", path);
                                return EXIT_USAGE;
                        }
                } else if (streq(argv[i], "--netns") && i + 1 < argc)
                        ctx.netns = argv[++i];
                else if (streq(argv[i], "--file") && i + 1 < argc)
                        file = argv[++i];
                else
                        return usage();
        }
        if (i >= argc)
                return usage();
        if ((r = context_open_root(&ctx)) != EXIT_OK)
                return r;
        if (ctx.netns) {
                r = cmd_enter_netns(ctx.netns);
                if (r != EXIT_OK)
                        return r;
        }
        if (streq(argv[i], "apply"))
                r = run_apply(&ctx, argc - i, argv + i, file);
        else if (streq(argv[i], "revert"))
                r = cmd_profile_revert(&ctx, argc - i, argv + i);
        else if (streq(argv[i], "active") && i + 1 == argc)
                r = cmd_profile_active(&ctx);
        else
                return usage();
        if (fflush(stdout) != 0 || ferror(stdout)) {
                log_error("cannot write output: %s", strerror(errno ? errno : EIO));
                return EXIT_OPERATION;
        }
        return r;
}

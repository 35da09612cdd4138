/* SPDX-License-Identifier: MIT */
/* tcptune config [--all] [--cat]: what the sysctl.d files set at boot, the
 * FILE:LINE behind each key, and where the live kernel differs (drift).
 * config-report.c collects and judges, output-config.c renders; this file
 * says what went wrong and decides the exit status. */
#include <getopt.h>
#include <stdio.h>

#include "cmd-util.h"
#include "cmd.h"
#include "config-report.h"
#include "live.h"
#include "log.h"
#include "output-config.h"

/* A file --cat could not show. Returns whether it is an operational
 * failure: a link loop or a directory is what the files are; an access
 * error means we could not see them. */
static bool cat_error(const char *file, unsigned line, int error) {
        if (error == -ENOBUFS) {
                cmd_log_at(file, line, "line of 1 MiB or more: systemd-sysctl --cat-config stops here");
                return false;
        }
        /* systemd-sysctl --cat-config stops at these; we go on. */
        cmd_log_at(file, 0, error == -ENOENT  ? "dangling symbolic link (systemd-sysctl --cat-config stops here)"
                          : error == -ELOOP ? "symbolic link loop (systemd-sysctl --cat-config stops here)"
                          : error == -EISDIR ? "a directory (systemd-sysctl --cat-config stops here)"
                          : error == -ENXIO  ? "not a regular file: not shown"
                                             : strerror(-error));
        return error != -ELOOP && error != -EISDIR && error != -ENOENT && error != -ENXIO;
}

static int config_cat(struct context *ctx, const struct sysctld *s, int status) {
        _cleanup_(config_cat_done) struct config_cat cat = {};
        if (config_cat_collect(&ctx->root, s, &cat) < 0)
                return cmd_fail(EXIT_OPERATION, "out of memory");
        for (size_t i = 0; i < cat.n_files; i++) {
                const struct config_cat_file *f = &cat.files[i];
                if (f->error < 0 && cat_error(f->file, f->open_error < 0 ? 0 : f->error_line, f->error))
                        status = EXIT_OPERATION;
        }
        if (output_config_cat(&ctx->output, &cat) < 0)
                return EXIT_OPERATION;
        return status;
}

/* What the kernel makes of an entry, when it is worth a line: its
 * problem, unless it is the documented "-KEY" for a key the kernel may
 * lack, or a note. */
static void log_check(const struct config_row *row) {
        const struct sysctld_entry *e = row->entry;
        const struct sysctld_check *c = &row->check;
        _cleanup_free_ char *msg = NULL;
        int r = 0;
        /* Key and value as the file has them: cmd_log_at() escapes. */
        if (c->problem && !(e->ignore_failure && !c->exists))
                r = asprintf(&msg, "%s = %s: %s%s", e->key, e->value, c->problem,
                             !c->exists || e->ignore_failure ? " (systemd-sysctl ignores it)" : "");
        else if (c->note)
                r = asprintf(&msg, "%s = %s: %s", e->key, e->value, c->note);
        if (r < 0)
                log_error("out of memory");
        else if (msg)
                cmd_log_at(e->file, e->line, msg);
}

/* HZ for config_report_collect(): read on first use. */
static unsigned context_hz(void *userdata) {
        return context_kernel(userdata)->hz;
}

static int config_table(struct context *ctx, const struct sysctld *s, bool all, int status) {
        _cleanup_(config_report_done) struct config_report rep = {};
        int r = config_report_collect(&ctx->root, s, all, context_hz, ctx, &rep);
        if (!rep.rows)
                return cmd_fail(EXIT_OPERATION, "out of memory");
        for (size_t i = 0; i < rep.n_rows; i++) {
                log_check(&rep.rows[i]);
                if (cmd_report_live_error(&ctx->root, rep.rows[i].entry->key, rep.rows[i].check.live_error))
                        status = EXIT_OPERATION;
        }
        if (r < 0) {
                log_error("out of memory");
                status = EXIT_OPERATION;
        }
        if (output_config(&ctx->output, &rep) < 0)
                return EXIT_OPERATION;
        if (status != EXIT_OK)
                return status;
        return config_report_differs(&rep) ? EXIT_FINDINGS : EXIT_OK;
}

int cmd_config(struct context *ctx, int argc, char **argv) {
        static const struct option options[] = {
                { "all",  no_argument, NULL, 'a' },
                { "cat",  no_argument, NULL, 'c' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(sysctld_freep) struct sysctld *s = NULL;
        bool all = false, cat = false;
        int c, r, status = EXIT_OK;

        if (cmd_check_options("config", options, argc, argv, /* stop_at_operand= */ false) != EXIT_OK)
                return EXIT_USAGE;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'a':
                        all = true;
                        break;
                case 'c':
                        cat = true;
                        break;
                case 'h':
                        fputs("Usage: tcptune config [--all] [--cat]\n"
                              "What the sysctl.d files set at boot (as systemd-sysctl applies them), the\n"
                              "file and line behind each net.ipv4.tcp_* key (--all: every key), the live\n"
                              "value and drift.\n"
                              "--cat prints the files in the order they apply. Exit 1 on drift.\n",
                              stdout);
                        return EXIT_OK;
                default:
                        return cmd_bad_option("config", options, argv);
                }
        if (optind < argc)
                return cmd_fail(EXIT_USAGE, "config: unexpected argument '%s'", argv[optind]);
        if (ctx->output.format == FORMAT_PROMETHEUS)
                return cmd_fail(EXIT_USAGE, "config: --format prometheus is for audit; use text or json");

        r = sysctld_load(&ctx->root, &s);
        if (r < 0)
                return cmd_fail(EXIT_OPERATION, "cannot read sysctl.d: %s", strerror(-r));
        if (sysctld_refused(s))
                return cmd_sysctld_refused(s);
        for (size_t i = 0; i < s->n_diags; i++) {
                const struct sysctld_diag *d = &s->diags[i];
                if (!cat || d->error)
                        cmd_log_at(d->file, d->line, d->message);
                if (d->error)
                        status = EXIT_OPERATION;
        }
        return cat ? config_cat(ctx, s, status) : config_table(ctx, s, all, status);
}

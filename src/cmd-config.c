/* SPDX-License-Identifier: MIT */
/* tcptune config [--all] [--cat]: what the sysctl.d files set at boot, the
 * FILE:LINE behind each key, and where the live kernel differs (drift). */
#include <getopt.h>
#include <stdio.h>

#include "cmd-util.h"
#include "cmd.h"
#include "live.h"
#include "log.h"
#include "output-config.h"
#include "sysctl.h"

/* One line: "FILE:LINE: message", control bytes escaped. */
static void log_diag(const char *file, unsigned line, const char *msg) {
        _cleanup_free_ char *f = file ? output_config_safe(file) : NULL, *m = output_config_safe(msg);
        if (file && line)
                log_error("%s:%u: %s", f ? f : "?", line, m ? m : msg);
        else if (file)
                log_error("%s: %s", f ? f : "?", m ? m : msg);
        else
                log_error("%s", m ? m : msg);
}

static void cat_error(const char *file, unsigned line, int error, void *userdata) {
        int *status = userdata;
        if (error == -ENOBUFS) {
                log_diag(file, line, "line of 1 MiB or more: systemd-sysctl --cat-config stops here");
                return;
        }
        /* systemd-sysctl --cat-config stops at these; we go on. */
        log_diag(file, 0, error == -ENOENT  ? "dangling symbolic link (systemd-sysctl --cat-config stops here)"
                          : error == -ELOOP ? "symbolic link loop (systemd-sysctl --cat-config stops here)"
                          : error == -EISDIR ? "a directory (systemd-sysctl --cat-config stops here)"
                          : error == -ENXIO  ? "not a regular file: not shown"
                                             : strerror(-error));
        /* A link loop or a directory is what the files are; an access error
         * means we could not see them. */
        if (error != -ELOOP && error != -EISDIR && error != -ENOENT && error != -ENXIO)
                *status = EXIT_OPERATION;
}

/* Check one entry; HZ is read only for the few values that depend on it
 * (jiffies ranges, keys kept in jiffies); unknown, it is taken as 250. */
static int check(struct context *ctx, const struct sysctld_entry *e, struct config_row *row) {
        bool needs_hz = false;
        int r = sysctld_check_entry(ctx->root, e, 0, &needs_hz, &row->check);
        if (r >= 0 && needs_hz) {
                sysctld_check_done(&row->check);
                unsigned hz = context_kernel(ctx)->hz;
                r = sysctld_check_entry(ctx->root, e, hz ? hz : 250, &needs_hz, &row->check);
        }
        if (r < 0)
                return r;
        const struct sysctld_check *c = &row->check;
        /* systemd-sysctl fails at boot on these (not on a missing or
         * read-only key, and never with the '-' prefix). */
        row->rejected = !c->valid && c->exists && !e->ignore_failure && !streq_ptr(c->problem, "read-only");
        _cleanup_free_ char *key = output_config_safe(e->key), *val = output_config_safe(e->value);
        if (!key || !val)
                return -ENOMEM;
        /* "-KEY" for a key the kernel may lack is the documented idiom: quiet. */
        if (c->problem && !(e->ignore_failure && !c->exists)) {
                _cleanup_free_ char *msg = NULL;
                if (asprintf(&msg, "%s = %s: %s%s", key, val, c->problem,
                             !c->exists || e->ignore_failure ? " (systemd-sysctl ignores it)" : "") < 0)
                        return -ENOMEM;
                log_diag(e->file, e->line, msg);
        } else if (c->note) {
                _cleanup_free_ char *msg = NULL;
                if (asprintf(&msg, "%s = %s: %s", key, val, c->note) < 0)
                        return -ENOMEM;
                log_diag(e->file, e->line, msg);
        }
        return 0;
}

int cmd_config(struct context *ctx, int argc, char **argv) {
        static const struct option options[] = {
                { "all",  no_argument, NULL, 'a' },
                { "cat",  no_argument, NULL, 'c' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(sysctld_freep) struct sysctld *s = NULL;
        _cleanup_free_ struct config_row *rows = NULL;
        struct config_report rep = {};
        bool cat = false;
        int c, r, status = EXIT_OK;

        opterr = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'a':
                        rep.all = true;
                        break;
                case 'c':
                        cat = true;
                        break;
                case 'h':
                        fputs("Usage: tcptune config [--all] [--cat]\n"
                              "What the sysctl.d files set at boot (as systemd-sysctl applies them), the file and\n"
                              "line behind each net.ipv4.tcp_* key (--all: every key), the live value and drift.\n"
                              "--cat prints the files in the order they apply. Exit 1 on drift.\n",
                              stdout);
                        return EXIT_OK;
                default:
                        log_error("config: option '%s' is unknown (see tcptune config --help)", argv[optind - 1]);
                        return EXIT_USAGE;
                }
        if (optind < argc) {
                log_error("config: unexpected argument '%s'", argv[optind]);
                return EXIT_USAGE;
        }
        if (ctx->format == FORMAT_PROMETHEUS) {
                log_error("config: --format prometheus is for audit; use text or json");
                return EXIT_USAGE;
        }

        r = sysctld_load(ctx->root, &s);
        if (r < 0)
                return log_error("cannot read sysctl.d: %s", strerror(-r)), EXIT_OPERATION;
        if (sysctld_refused(s))
                return cmd_sysctld_refused(s);
        for (size_t i = 0; i < s->n_diags; i++) {
                const struct sysctld_diag *d = &s->diags[i];
                if (!cat || d->error)
                        log_diag(d->file, d->line, d->message);
                if (d->error)
                        status = EXIT_OPERATION;
        }
        if (cat) {
                r = output_config_cat(ctx, s, cat_error, &status);
                return r < 0 ? EXIT_OPERATION : status;
        }

        rep.s = s;
        rep.rows = rows = calloc(s->n_entries ? s->n_entries : 1, sizeof(*rows));
        if (!rows)
                return log_error("out of memory"), EXIT_OPERATION;
        bool differs = false;
        for (size_t i = 0; i < s->n_entries; i++) {
                const struct sysctld_entry *e = &s->entries[i];
                if (!output_config_shows(&rep, e->key))
                        continue;
                struct config_row *row = &rows[rep.n_rows++];
                row->entry = e;
                if (check(ctx, e, row) < 0) {
                        status = EXIT_OPERATION;
                        log_error("out of memory");
                        break;
                }
                if (live_report_error(ctx->root, e->key, row->check.live_error))
                        status = EXIT_OPERATION;
                differs = differs || row->check.drift || row->rejected;
        }
        r = output_config(ctx, &rep);
        for (size_t i = 0; i < rep.n_rows; i++)
                sysctld_check_done(&rows[i].check);
        if (r < 0)
                return EXIT_OPERATION;
        if (status != EXIT_OK)
                return status;
        return differs ? EXIT_FINDINGS : EXIT_OK;
}

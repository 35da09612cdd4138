/* SPDX-License-Identifier: MIT */
/* tcptune audit [--all] [--all-netns] [--output FILE]: how long this host
 * (or --netns, or every namespace) takes to notice a dead peer, drift
 * against sysctl.d, and findings with their fix. audit.c collects,
 * findings.c judges, output-audit.c renders; this file decides what the
 * user hears and the exit status. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "escape.h"
#include "audit.h"
#include "cmd-util.h"
#include "cmd.h"
#include "cmd-util.h"
#include "log.h"
#include "output-audit.h"
#include "parse.h"

static int load_policy(struct context *ctx, struct policy *ret) {
        _cleanup_free_ char *msg = NULL;
        unsigned line = 0;
        int r = policy_load(&ctx->root, ret, &line, &msg);
        if (r == -EINVAL) {
                _cleanup_free_ char *safe = escape_text(msg, 300);
                if (line)
                        log_error("%s:%u: %s", POLICY_FILE, line, safe ? safe : msg);
                else
                        log_error("%s: %s", POLICY_FILE, safe ? safe : msg);
        } else if (r < 0)
                log_error("%s: %s", POLICY_FILE, strerror(-r));
        return cmd_exit_from_errno(r);
}

/* SOURCE_DATE_EPOCH (reproducible builds' variable) pins the timestamp. */
static uint64_t audit_timestamp(void) {
        const char *e = getenv("SOURCE_DATE_EPOCH");
        uint64_t v;
        if (e && parse_uint(e, UINT64_MAX / 2, &v) == 0)
                return v;
        return (uint64_t) time(NULL);
}

static int emit(struct context *ctx, const struct audit_report *rep, const char *output) {
        struct output_file of = {};
        int r;
        if (!output)
                return output_audit(&ctx->output, rep) < 0 ? EXIT_OPERATION : EXIT_OK;
        r = output_file_open(output, &of);
        if (r < 0)
                return log_error("--output '%s': %s", output, strerror(-r)), EXIT_OPERATION;
        struct output to_file = ctx->output;
        to_file.stream = of.f;
        to_file.color = false;
        r = output_audit(&to_file, rep);
        if (r < 0) {
                output_file_abort(&of);
                return log_error("--output '%s': %s", output, strerror(-r)), EXIT_OPERATION;
        }
        r = output_file_commit(&of);
        if (r < 0)
                return log_error("--output '%s': %s", output, strerror(-r)), EXIT_OPERATION;
        return EXIT_OK;
}

struct audit_args {
        bool all;              /* --all: the whole catalog in text */
        bool all_netns;
        const char *output;    /* --output FILE, or NULL: stdout */
};

/* Returned by parse_args() after --help: nothing more to do. */
#define HELP_SHOWN (-1)

static void help(void) {
        fputs("Usage: tcptune audit [--all] [--all-netns] [--json | --format F] [--output FILE]\n"
              "Detection times per scenario, drift against sysctl.d, findings with their fix.\n"
              "  --all         list every tunable, not only those that differ from the defaults\n"
              "  --all-netns   every network namespace of the host, each once\n"
              "  --output FILE write atomically to FILE (node_exporter: --format prometheus)\n"
              "Policy: " POLICY_FILE ".\n"
              "Exit 0 ok, 1 warning or critical findings, 2 usage or bad policy file,\n"
              "3 cannot read (or cannot write --output).\n",
              stdout);
}

/* The options, and the combinations that make no sense. --format and
 * --json change ctx->output. */
static int parse_args(struct context *ctx, int argc, char **argv, struct audit_args *a) {
        enum { ARG_ALL = 0x100, ARG_ALL_NETNS, ARG_OUTPUT, ARG_FORMAT, ARG_JSON };
        static const struct option options[] = {
                { "all",       no_argument,       NULL, ARG_ALL       },
                { "all-netns", no_argument,       NULL, ARG_ALL_NETNS },
                { "output",    required_argument, NULL, ARG_OUTPUT    },
                /* Also after the command, as scripts write it: audit --format prometheus. */
                { "format",    required_argument, NULL, ARG_FORMAT    },
                { "json",      no_argument,       NULL, ARG_JSON      },
                { "help",      no_argument,       NULL, 'h'           },
                {}
        };
        int c, r;

        if (cmd_check_options("audit", options, argc, argv, /* stop_at_operand= */ false) != EXIT_OK)
                return EXIT_USAGE;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case ARG_ALL: a->all = true; break;
                case ARG_ALL_NETNS: a->all_netns = true; break;
                case ARG_OUTPUT: a->output = optarg; break;
                case ARG_FORMAT:
                        r = output_format_from_string(optarg);
                        if (r < 0)
                                return log_error("--format '%s': unknown format (try text, json or prometheus)", optarg),
                                       EXIT_USAGE;
                        ctx->output.format = (enum output_format) r;
                        break;
                case ARG_JSON:
                        ctx->output.format = FORMAT_JSON;
                        break;
                case 'h':
                        help();
                        return HELP_SHOWN;
                default:
                        return cmd_bad_option("audit", options, argv);
                }
        if (optind < argc)
                return log_error("audit: unexpected argument '%s'", argv[optind]), EXIT_USAGE;
        if (a->all_netns && ctx->netns)
                return log_error("audit: --all-netns and --netns exclude each other"), EXIT_USAGE;
        if (a->all_netns && !root_is_host(&ctx->root))
                return log_error("audit: --all-netns reads the kernel's namespaces and cannot be used with --root"),
                       EXIT_USAGE;
        if (ctx->output.format != FORMAT_TEXT)
                ctx->output.color = false;
        if (a->output && !*a->output)
                return log_error("audit: --output '': not a file name"), EXIT_USAGE;
        return EXIT_OK;
}

/* The policy, the kernel facts, then audit.c's report (findings judged). */
static int collect(struct context *ctx, const struct audit_args *a, struct policy *policy,
                   struct audit_report *rep) {
        int r = load_policy(ctx, policy);
        if (r != EXIT_OK)
                return r;

        /* The build's default congestion control shows only in --all's
         * table: without it the kernel config is inflated only up to
         * CONFIG_HZ (measured: ~0.1 ms of a ~1.5 ms run). */
        if (!ctx->kernel_loaded) {
                (void) kernel_info_read_full(&ctx->root, /* want_cc= */ a->all, &ctx->kernel);
                ctx->kernel_loaded = true;
        }
        r = audit_run(&ctx->root, context_kernel(ctx), policy, ctx->netns, a->all_netns, rep);
        if (r == -ENOMEM)
                return log_error("out of memory"), EXIT_OPERATION;
        if (r < 0)
                return log_error("audit: cannot return to tcptune's own network namespace: %s", strerror(-r)),
                       EXIT_OPERATION;
        rep->all_tunables = a->all;
        rep->timestamp = audit_timestamp();
        if (sysctld_refused(rep->sysctld))
                return cmd_sysctld_refused(rep->sysctld);
        return EXIT_OK;
}

/* One line per live key and drop-in that could not be read: the figures
 * rest on defaults there. Returns EXIT_OPERATION when there was any. */
static int log_unreadable(struct context *ctx, const struct audit_report *rep) {
        int status = EXIT_OK;
        for (size_t i = 0; i < rep->n_ns; i++)
                if (live_report_errors(&ctx->root, &rep->ns[i].live, NULL) > 0)
                        status = EXIT_OPERATION;
        for (size_t i = 0; rep->sysctld && i < rep->sysctld->n_diags; i++) {
                const struct sysctld_diag *d = &rep->sysctld->diags[i];
                if (!d->error)
                        continue;
                _cleanup_free_ char *f = d->file ? escape_text(d->file, SIZE_MAX) : NULL,
                                    *m = escape_text(d->message, SIZE_MAX);
                log_error("%s: %s", f ? f : "sysctl.d", m ? m : d->message);
                status = EXIT_OPERATION;
        }
        return status;
}

int cmd_audit(struct context *ctx, int argc, char **argv) {
        _cleanup_(policy_done) struct policy policy = {};
        _cleanup_(audit_report_done) struct audit_report rep = {};
        struct audit_args a = {};

        int r = parse_args(ctx, argc, argv, &a);
        if (r != EXIT_OK)
                return r == HELP_SHOWN ? EXIT_OK : r;
        r = collect(ctx, &a, &policy, &rep);
        if (r != EXIT_OK)
                return r;
        int status = log_unreadable(ctx, &rep);
        r = emit(ctx, &rep, a.output);
        if (r != EXIT_OK)
                return r;
        if (status != EXIT_OK)
                return status;
        return rep.count[SEVERITY_WARNING] || rep.count[SEVERITY_CRITICAL] ? EXIT_FINDINGS : EXIT_OK;
}

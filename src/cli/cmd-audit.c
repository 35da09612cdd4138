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

#include "audit.h"
#include "cmd-util.h"
#include "cmd.h"
#include "log.h"
#include "output-audit.h"
#include "parse.h"

static int load_policy(struct context *ctx, struct policy *ret) {
        _cleanup_(error_done) struct error err = {};
        int r = policy_load(&ctx->root, ret, &err);
        return r < 0 ? cmd_fail_error(&err, r) : EXIT_OK;
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
                return cmd_fail(EXIT_OPERATION, "--output '%s': %s", output, strerror(-r));
        struct output to_file = ctx->output;
        to_file.stream = of.f;
        to_file.color = false;
        r = output_audit(&to_file, rep);
        if (r < 0) {
                output_file_abort(&of);
                return cmd_fail(EXIT_OPERATION, "--output '%s': %s", output, strerror(-r));
        }
        r = output_file_commit(&of);
        if (r < 0)
                return cmd_fail(EXIT_OPERATION, "--output '%s': %s", output, strerror(-r));
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
 * --json after the command (audit --format prometheus, as scripts write
 * it) never reach here: main.c takes the global options out of argv. */
static int parse_args(struct context *ctx, int argc, char **argv, struct audit_args *a) {
        enum { ARG_ALL = 0x100, ARG_ALL_NETNS, ARG_OUTPUT };
        static const struct option options[] = {
                { "all",       no_argument,       NULL, ARG_ALL       },
                { "all-netns", no_argument,       NULL, ARG_ALL_NETNS },
                { "output",    required_argument, NULL, ARG_OUTPUT    },
                { "help",      no_argument,       NULL, 'h'           },
                {}
        };
        int c;

        if (cmd_check_options("audit", options, argc, argv, /* stop_at_operand= */ false) != EXIT_OK)
                return EXIT_USAGE;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case ARG_ALL: a->all = true; break;
                case ARG_ALL_NETNS: a->all_netns = true; break;
                case ARG_OUTPUT: a->output = optarg; break;
                case 'h':
                        help();
                        return HELP_SHOWN;
                default:
                        return cmd_bad_option("audit", options, argv);
                }
        if (optind < argc)
                return cmd_fail(EXIT_USAGE, "audit: unexpected argument '%s'", argv[optind]);
        if (a->all_netns && ctx->netns)
                return cmd_fail(EXIT_USAGE, "audit: --all-netns and --netns exclude each other");
        if (a->all_netns && !root_is_host(&ctx->root))
                return cmd_fail(EXIT_USAGE, "audit: --all-netns reads the kernel's namespaces and cannot be used "
                                "with --root");
        if (ctx->output.format != FORMAT_TEXT)
                ctx->output.color = false;
        if (a->output && !*a->output)
                return cmd_fail(EXIT_USAGE, "audit: --output '': not a file name");
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
                return cmd_fail(EXIT_OPERATION, "out of memory");
        if (r < 0)
                return cmd_fail(EXIT_OPERATION, "audit: cannot return to tcptune's own network namespace: %s",
                                strerror(-r));
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
                if (cmd_report_live_errors(&ctx->root, &rep->ns[i].live, NULL) > 0)
                        status = EXIT_OPERATION;
        if (cmd_sysctld_unreadable(rep->sysctld) != EXIT_OK)
                status = EXIT_OPERATION;
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

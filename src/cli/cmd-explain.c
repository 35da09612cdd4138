/* SPDX-License-Identifier: MIT */
/* tcptune explain [KEY]: the catalog, with live values. */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "cmd-util.h"
#include "explain-report.h"
#include "log.h"
#include "output-explain.h"
#include "sysctl.h"

/* Returned by parse_args() after --help: nothing more to do. */
#define HELP_SHOWN (-1)

/* KEY, in any of the three spellings, into its catalog entry. */
static int find_key(const char *key, const struct tunable **ret) {
        _cleanup_free_ char *canonical = NULL;
        int r = sysctl_key_normalize(key, &canonical);
        if (r == -ENAMETOOLONG)
                return cmd_fail(EXIT_USAGE, "explain: key of %zu characters is too long", strlen(key));
        if (r < 0)
                return cmd_fail(EXIT_USAGE, "explain: '%.*s' is not a sysctl key (try tcp_retries2)", 200, key);
        *ret = tunable_find(canonical);
        if (*ret)
                return EXIT_OK;
        const char *near = cmd_nearest_key(canonical, NULL);
        if (near)
                return cmd_fail(EXIT_USAGE, "explain: '%s' is not a tunable tcptune knows (did you mean '%s'?)",
                                canonical, near);
        return cmd_fail(EXIT_USAGE, "explain: '%s' is not a tunable tcptune knows (tcptune explain lists them)",
                        canonical);
}

/* The options (only --help) and the KEY, if one was given (*ret stays
 * NULL without). */
static int parse_args(int argc, char **argv, const struct tunable **ret) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                {}
        };
        int c;

        if (cmd_check_options("explain", options, argc, argv, /* stop_at_operand= */ false) != EXIT_OK)
                return EXIT_USAGE;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        fputs("Usage: tcptune explain [KEY]\n"
                              "Without KEY: every tunable with its live value and default.\n"
                              "With KEY (net.ipv4.tcp_retries2, net/ipv4/tcp_retries2 or tcp_retries2):\n"
                              "what it does, unit, range, default, live value, version, scenarios.\n",
                              stdout);
                        return HELP_SHOWN;
                default:
                        return cmd_bad_option("explain", options, argv);
                }
        if (argc - optind > 1)
                return cmd_fail(EXIT_USAGE, "explain: takes at most one KEY");
        return optind < argc ? find_key(argv[optind], ret) : EXIT_OK;
}

int cmd_explain(struct context *ctx, int argc, char **argv) {
        _cleanup_(explain_report_done) struct explain_report rep = {};
        const struct tunable *only = NULL;
        int status = EXIT_OK;

        int r = parse_args(argc, argv, &only);
        if (r != EXIT_OK)
                return r == HELP_SHOWN ? EXIT_OK : r;
        r = explain_report_collect(&ctx->root, context_kernel(ctx), only, &rep);
        if (r < 0)
                return cmd_fail(EXIT_OPERATION, "out of memory");

        /* Absent keys are normal on older kernels; anything else is worth a line. */
        if (cmd_report_live_errors(&ctx->root, &rep.live, only) > 0)
                status = EXIT_OPERATION;

        if (ctx->output.format == FORMAT_PROMETHEUS)
                return cmd_fail(EXIT_USAGE, "explain: --format prometheus is for audit; use text or json");
        if (output_explain(&ctx->output, &rep) < 0)
                return EXIT_OPERATION;
        return status;
}

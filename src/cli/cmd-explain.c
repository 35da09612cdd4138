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

int cmd_explain(struct context *ctx, int argc, char **argv) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(explain_report_done) struct explain_report rep = {};
        const struct tunable *only = NULL;
        int c, r, status = EXIT_OK;

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
                        return EXIT_OK;
                default:
                        return cmd_bad_option("explain", options, argv);
                }
        if (argc - optind > 1) {
                log_error("explain: takes at most one KEY");
                return EXIT_USAGE;
        }
        if (optind < argc) {
                const char *key = argv[optind];
                _cleanup_free_ char *canonical = NULL;
                r = sysctl_key_normalize(key, &canonical);
                if (r == -ENAMETOOLONG) {
                        log_error("explain: key of %zu characters is too long", strlen(key));
                        return EXIT_USAGE;
                }
                if (r < 0) {
                        log_error("explain: '%.*s' is not a sysctl key (try tcp_retries2)", 200, key);
                        return EXIT_USAGE;
                }
                only = tunable_find(canonical);
                if (!only) {
                        const char *near = cmd_nearest_key(canonical, NULL);
                        if (near)
                                return cmd_fail(EXIT_USAGE, "explain: '%s' is not a tunable tcptune knows (did you "
                                                "mean '%s'?)", canonical, near);
                        return cmd_fail(EXIT_USAGE, "explain: '%s' is not a tunable tcptune knows (tcptune explain "
                                        "lists them)", canonical);
                }
        }

        r = explain_report_collect(&ctx->root, context_kernel(ctx), only, &rep);
        if (r < 0)
                return cmd_fail(EXIT_OPERATION, "out of memory");

        /* Absent keys are normal on older kernels; anything else is worth a line. */
        if (live_report_errors(&ctx->root, &rep.live, only) > 0)
                status = EXIT_OPERATION;

        if (ctx->output.format == FORMAT_PROMETHEUS) {
                log_error("explain: --format prometheus is for audit; use text or json");
                return EXIT_USAGE;
        }
        if (output_explain(&ctx->output, &rep) < 0)
                return EXIT_OPERATION;
        return status;
}

/* SPDX-License-Identifier: MIT */
/* tcptune advise --detect-within DUR: what to set, and what it costs. */
#include <getopt.h>
#include <stdio.h>

#include "live.h"
#include "advise.h"
#include "cmd-util.h"
#include "cmd.h"
#include "log.h"
#include "model-input.h"
#include "output-advise.h"
#include "parse.h"

int cmd_advise(struct context *ctx, int argc, char **argv) {
        enum { ARG_WITHIN = 0x100, ARG_SCENARIO, ARG_RTT, ARG_RTO, ARG_SEGMENTS };
        static const struct option options[] = {
                { "detect-within", required_argument, NULL, ARG_WITHIN },
                { "scenario", required_argument, NULL, ARG_SCENARIO },
                { "rtt", required_argument, NULL, ARG_RTT },
                { "rto", required_argument, NULL, ARG_RTO },
                { "segments", required_argument, NULL, ARG_SEGMENTS },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(live_done) struct live live = {};
        _cleanup_free_ struct advise_report *rep = NULL;
        const char *within = NULL, *rtt = NULL, *rto = NULL, *segments = NULL;
        unsigned scenarios = 0;
        struct model_input in;
        uint64_t target = 0;
        int c, r;

        if (cmd_check_options("advise", options, argc, argv, /* stop_at_operand= */ false) != EXIT_OK)
                return EXIT_USAGE;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case ARG_WITHIN: within = optarg; break;
                case ARG_RTT: rtt = optarg; break;
                case ARG_RTO: rto = optarg; break;
                case ARG_SEGMENTS: segments = optarg; break;
                case ARG_SCENARIO:
                        if (cmd_parse_scenario(optarg, &scenarios) != EXIT_OK)
                                return EXIT_USAGE;
                        break;
                case 'h':
                        fputs("Usage: tcptune advise --detect-within DUR [--scenario S]... [--rtt DUR]\n"
                              "                      [--rto DUR] [--segments N]\n"
                              "The smallest change that makes each scenario's latest detection fit DUR,\n"
                              "its cost, per-application alternatives and a sysctl.d snippet.\n"
                              "DUR is seconds when bare; --rtt and --rto are ms when bare, as ss -ti\n"
                              "prints them.\n",
                              stdout);
                        return EXIT_OK;
                default:
                        return cmd_bad_option("advise", options, argv);
                }
        if (optind < argc)
                return cmd_fail(EXIT_USAGE, "advise: unexpected argument '%s'", argv[optind]);
        if (!within)
                return cmd_fail(EXIT_USAGE, "advise: --detect-within DUR is required (e.g. --detect-within 30s)");
        r = parse_duration(within, &target);
        if (r < 0 || target == 0) {
                log_error("--detect-within '%s': %s", within,
                          r == -ERANGE ? "too large" : "not a positive duration (try 30s, 5m, 1500ms)");
                return EXIT_USAGE;
        }
        if (ctx->output.format == FORMAT_PROMETHEUS) {
                log_error("advise: --format prometheus is for audit; use text or json");
                return EXIT_USAGE;
        }

        if (live_read(&ctx->root, &live) < 0)
                return cmd_fail(EXIT_OPERATION, "out of memory");
        /* A value that exists but cannot be read is modelled as the
         * kernel default: say so, and fail once the figures are out. */
        bool unreadable = cmd_report_live(&ctx->root, &live, context_kernel(ctx)->hz);
        const struct kernel_info *k = context_kernel(ctx);
        live_model_input(&live, k, &in, NULL);
        if (cmd_parse_assumptions(&in, rtt, rto, segments) != EXIT_OK)
                return EXIT_USAGE;
        if (!scenarios)
                scenarios = SCENARIO_BIT(SCENARIO_ESTABLISHED) | SCENARIO_BIT(SCENARIO_IDLE) |
                            SCENARIO_BIT(SCENARIO_CONNECT);

        rep = calloc(1, sizeof(*rep));
        if (!rep)
                return cmd_fail(EXIT_OPERATION, "out of memory");
        bool have_rto_max = live_get(&live, "net.ipv4.tcp_rto_max_ms") != NULL;
        bool have_linear = live_get(&live, "net.ipv4.tcp_syn_linear_timeouts") != NULL;
        if (advise_run(&in, target, scenarios, have_rto_max, have_linear, rep) < 0)
                return cmd_fail(EXIT_USAGE, "advise: nothing to advise");
        rep->target_text = within;
        if (output_advise(&ctx->output, rep, &in) < 0 || unreadable)
                return EXIT_OPERATION;
        for (size_t i = 0; i < rep->n_scenarios; i++)
                if (!rep->scenarios[i].possible)
                        return EXIT_FINDINGS;
        return EXIT_OK;
}

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

/* The command line as typed, --detect-within parsed. */
struct advise_args {
        const char *within;    /* --detect-within DUR as typed */
        uint64_t target_us;
        unsigned scenarios;    /* SCENARIO_BIT()s; 0: the default three */
        const char *rtt, *rto, *segments;
};

/* Returned by parse_args() after --help: nothing more to do. */
#define HELP_SHOWN (-1)

static void help(void) {
        fputs("Usage: tcptune advise --detect-within DUR [--scenario S]... [--rtt DUR]\n"
              "                      [--rto DUR] [--segments N]\n"
              "The smallest change that makes each scenario's latest detection fit DUR,\n"
              "its cost, per-application alternatives and a sysctl.d snippet.\n"
              "DUR is seconds when bare; --rtt and --rto are ms when bare, as ss -ti\n"
              "prints them.\n",
              stdout);
}

/* The options, --detect-within checked, and the formats advise has. */
static int parse_args(const struct context *ctx, int argc, char **argv, struct advise_args *a) {
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
        int c;

        if (cmd_check_options("advise", options, argc, argv, /* stop_at_operand= */ false) != EXIT_OK)
                return EXIT_USAGE;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case ARG_WITHIN: a->within = optarg; break;
                case ARG_RTT: a->rtt = optarg; break;
                case ARG_RTO: a->rto = optarg; break;
                case ARG_SEGMENTS: a->segments = optarg; break;
                case ARG_SCENARIO:
                        if (cmd_parse_scenario(optarg, &a->scenarios) != EXIT_OK)
                                return EXIT_USAGE;
                        break;
                case 'h':
                        help();
                        return HELP_SHOWN;
                default:
                        return cmd_bad_option("advise", options, argv);
                }
        if (optind < argc)
                return cmd_fail(EXIT_USAGE, "advise: unexpected argument '%s'", argv[optind]);
        if (!a->within)
                return cmd_fail(EXIT_USAGE, "advise: --detect-within DUR is required (e.g. --detect-within 30s)");
        int r = parse_duration(a->within, &a->target_us);
        if (r < 0 || a->target_us == 0)
                return cmd_fail(EXIT_USAGE, "--detect-within '%s': %s", a->within,
                                r == -ERANGE ? "too large" : "not a positive duration (try 30s, 5m, 1500ms)");
        if (ctx->output.format == FORMAT_PROMETHEUS)
                return cmd_fail(EXIT_USAGE, "advise: --format prometheus is for audit; use text or json");
        return EXIT_OK;
}

/* The model's input: the live values, then --rtt, --rto, --segments.
 * Sets *unreadable when a live value that exists could not be read (it
 * is modelled as the kernel default: the command fails once the figures
 * are out). */
static int collect_input(struct context *ctx, const struct advise_args *a, struct live *live,
                         struct model_input *in, bool *unreadable) {
        if (live_read(&ctx->root, live) < 0)
                return cmd_fail(EXIT_OPERATION, "out of memory");
        const struct kernel_info *k = context_kernel(ctx);
        *unreadable = cmd_report_live(&ctx->root, live, k->hz);
        live_model_input(live, k, in, NULL);
        if (cmd_parse_assumptions(in, a->rtt, a->rto, a->segments) != EXIT_OK)
                return EXIT_USAGE;
        return EXIT_OK;
}

int cmd_advise(struct context *ctx, int argc, char **argv) {
        _cleanup_(live_done) struct live live = {};
        _cleanup_free_ struct advise_report *rep = NULL;
        struct advise_args a = {};
        struct model_input in;
        bool unreadable = false;

        int r = parse_args(ctx, argc, argv, &a);
        if (r != EXIT_OK)
                return r == HELP_SHOWN ? EXIT_OK : r;
        r = collect_input(ctx, &a, &live, &in, &unreadable);
        if (r != EXIT_OK)
                return r;
        unsigned scenarios = a.scenarios;
        if (!scenarios)
                scenarios = SCENARIO_BIT(SCENARIO_ESTABLISHED) | SCENARIO_BIT(SCENARIO_IDLE) |
                            SCENARIO_BIT(SCENARIO_CONNECT);

        rep = calloc(1, sizeof(*rep));
        if (!rep)
                return cmd_fail(EXIT_OPERATION, "out of memory");
        bool have_rto_max = live_get(&live, "net.ipv4.tcp_rto_max_ms") != NULL;
        bool have_linear = live_get(&live, "net.ipv4.tcp_syn_linear_timeouts") != NULL;
        if (advise_run(&in, a.target_us, scenarios, have_rto_max, have_linear, rep) < 0)
                return cmd_fail(EXIT_USAGE, "advise: nothing to advise");
        rep->target_text = a.within;
        if (output_advise(&ctx->output, rep, &in) < 0 || unreadable)
                return EXIT_OPERATION;
        for (size_t i = 0; i < rep->n_scenarios; i++)
                if (!rep->scenarios[i].possible)
                        return EXIT_FINDINGS;
        return EXIT_OK;
}

/* SPDX-License-Identifier: MIT */
/* tcptune model: when does the kernel give up, per scenario. Starts from
 * the live values (or --root's), then --set; assumptions from options. */
#include <getopt.h>
#include <stdio.h>

#include "cmd-util.h"
#include "cmd.h"
#include "log.h"
#include "model-input.h"
#include "output-model.h"
#include "parse.h"

static void help(void) {
        fputs("Usage: tcptune model [OPTIONS]\n"
              "Predict when the kernel notices a dead peer, per scenario, from the live values.\n\n"
              "  --set KEY=VALUE        change a tunable for the prediction (repeatable)\n"
              "  --scenario NAME        established idle connect accept orphan fin-wait-2\n"
              "                         zero-window (repeatable; default all)\n"
              "  --rtt DUR              smoothed RTT (default 100us)\n"
              "  --rto DUR              RTO in force when the data was sent (ss -ti rto:)\n"
              "  --segments N           packets in flight (default 1)\n"
              "  --hz N                 kernel HZ (default: from the kernel config)\n"
              "  --user-timeout DUR     TCP_USER_TIMEOUT of the socket\n"
              "  --keepalive I,N,C      TCP_KEEPIDLE,TCP_KEEPINTVL,TCP_KEEPCNT of the socket\n"
              "  --backoff N            zero-window: probe backoff when the peer went silent\n"
              "  --probes-out N         zero-window: unanswered probes then\n"
              "  --local-failure K[@DUR] qdisc-drop unreachable prohibit no-route blackhole\n"
              "                         neighbour; from before the send, or DUR after it\n"
              "  --timeline             show each timer event\n",
              stdout);
}

int cmd_model(struct context *ctx, int argc, char **argv) {
        enum { ARG_SET = 0x100, ARG_SCENARIO, ARG_RTT, ARG_RTO, ARG_SEGMENTS, ARG_HZ, ARG_UT, ARG_KA,
               ARG_TIMELINE, ARG_BACKOFF, ARG_PROBES, ARG_LOCAL };
        static const struct option options[] = {
                { "set", required_argument, NULL, ARG_SET },
                { "scenario", required_argument, NULL, ARG_SCENARIO },
                { "rtt", required_argument, NULL, ARG_RTT },
                { "rto", required_argument, NULL, ARG_RTO },
                { "segments", required_argument, NULL, ARG_SEGMENTS },
                { "hz", required_argument, NULL, ARG_HZ },
                { "user-timeout", required_argument, NULL, ARG_UT },
                { "keepalive", required_argument, NULL, ARG_KA },
                { "timeline", no_argument, NULL, ARG_TIMELINE },
                { "backoff", required_argument, NULL, ARG_BACKOFF },
                { "probes-out", required_argument, NULL, ARG_PROBES },
                { "local-failure", required_argument, NULL, ARG_LOCAL },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(live_done) struct live live = {};
        _cleanup_free_ char **sets = calloc((size_t) argc + 1, sizeof(char *));
        _cleanup_free_ struct model_result *results = NULL;
        size_t n_sets = 0;
        unsigned scenarios = 0;
        bool timeline = false, hz_assumed = false;
        const char *rtt = NULL, *rto = NULL, *segments = NULL, *hz = NULL, *ut = NULL, *ka = NULL, *backoff = NULL,
                   *probes = NULL, *local = NULL;
        struct model_input in;
        uint64_t u;
        int c, r;

        if (!sets)
                return log_error("out of memory"), EXIT_OPERATION;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case ARG_SET:
                        sets[n_sets++] = optarg;
                        break;
                case ARG_SCENARIO:
                        if (cmd_parse_scenario(optarg, &scenarios) != EXIT_OK)
                                return EXIT_USAGE;
                        break;
                case ARG_RTT: rtt = optarg; break;
                case ARG_RTO: rto = optarg; break;
                case ARG_SEGMENTS: segments = optarg; break;
                case ARG_HZ: hz = optarg; break;
                case ARG_UT: ut = optarg; break;
                case ARG_KA: ka = optarg; break;
                case ARG_TIMELINE: timeline = true; break;
                case ARG_BACKOFF: backoff = optarg; break;
                case ARG_PROBES: probes = optarg; break;
                case ARG_LOCAL: local = optarg; break;
                case 'h':
                        help();
                        return EXIT_OK;
                default:
                        log_error("model: option '%s' is unknown or lacks its argument (see tcptune model --help)",
                                  argv[optind - 1]);
                        return EXIT_USAGE;
                }
        if (optind < argc) {
                log_error("model: unexpected argument '%s'", argv[optind]);
                return EXIT_USAGE;
        }

        if (live_read(ctx->root, &live) < 0)
                return log_error("out of memory"), EXIT_OPERATION;
        /* A value that exists but cannot be read is modelled as the
         * kernel default: say so, and fail once the figures are out. */
        bool unreadable = cmd_report_live(ctx->root, &live, context_kernel(ctx)->hz);
        model_input_from_live(&live, context_kernel(ctx), &in, &hz_assumed);

        if (hz) {
                if (parse_uint(hz, 10000, &u) < 0 || (u != 100 && u != 250 && u != 300 && u != 1000)) {
                        log_error("--hz '%s': the kernel's HZ is 100, 250, 300 or 1000", hz);
                        return EXIT_USAGE;
                }
                in.hz = (unsigned) u;
                hz_assumed = false;
        }
        for (size_t i = 0; i < n_sets; i++) {
                _cleanup_free_ char *kv = strdup(sets[i]);
                char *eq = kv ? strchr(kv, '=') : NULL;
                if (!eq) {
                        log_error("--set '%s': expected KEY=VALUE (e.g. tcp_retries2=8)", sets[i]);
                        return EXIT_USAGE;
                }
                *eq = '\0';
                r = model_input_set(&in, kv, eq + 1);
                if (r == -ENOENT) {
                        log_error("--set '%s': %s is not a tunable the model reads (tcptune explain lists them)",
                                  sets[i], kv);
                        return EXIT_USAGE;
                }
                if (r < 0) {
                        const struct tunable *t = tunable_find(kv);
                        long lo = 0, hi = 0;
                        if (t)
                                tunable_range(t, in.hz, &lo, &hi);
                        if (r == -ERANGE)
                                log_error("--set '%s': out of range (%ld-%ld)", sets[i], lo, hi);
                        else
                                log_error("--set '%s': not a valid value", sets[i]);
                        return EXIT_USAGE;
                }
        }
        if (cmd_parse_assumptions(&in, rtt, rto, segments) != EXIT_OK)
                return EXIT_USAGE;
        if (ut) {
                if ((r = parse_duration(ut, &in.user_timeout_us)) < 0)
                        return cmd_bad_duration("--user-timeout", ut, r);
                if (in.user_timeout_us > MODEL_USER_TIMEOUT_MAX_US) {
                        log_error("--user-timeout '%s': TCP_USER_TIMEOUT is at most %d ms", ut, INT32_MAX);
                        return EXIT_USAGE;
                }
        }
        if (ka && (r = model_input_parse_keepalive(&in, ka)) < 0) {
                log_error("--keepalive '%s': expected IDLE,INTVL,COUNT (e.g. 60s,10s,5; 1s-32767s, count 1-127)", ka);
                return EXIT_USAGE;
        }
        if (backoff && parse_uint(backoff, 255, &u) < 0) {
                log_error("--backoff '%s': a count 0-255", backoff);
                return EXIT_USAGE;
        } else if (backoff)
                in.zw_backoff = (unsigned) u;
        if (probes && parse_uint(probes, 255, &u) < 0) {
                log_error("--probes-out '%s': a count 0-255", probes);
                return EXIT_USAGE;
        } else if (probes)
                in.zw_probes_out = (unsigned) u;
        if (local && (r = model_input_parse_local_failure(&in, local)) == -ERANGE) {
                log_error("--local-failure '%s': later than any timeline the kernel runs (at most 366 days)", local);
                return EXIT_USAGE;
        }
        if (local && r < 0) {
                log_error("--local-failure '%s': expected qdisc-drop, unreachable, prohibit, no-route, blackhole or "
                          "neighbour, optionally @DUR after the send", local);
                return EXIT_USAGE;
        }
        if (ctx->format == FORMAT_PROMETHEUS) {
                log_error("model: --format prometheus is for audit; use text or json");
                return EXIT_USAGE;
        }

        if (!scenarios)
                scenarios = SCENARIO_ALL;
        results = calloc(_SCENARIO_MAX, sizeof(*results));
        if (!results)
                return log_error("out of memory"), EXIT_OPERATION;
        size_t n = 0;
        for (unsigned s = 0; s < _SCENARIO_MAX; s++)
                if (scenarios & SCENARIO_BIT(s)) {
                        r = model_run(&in, s, &results[n]);
                        if (r < 0)
                                return log_error("model: cannot compute %s: %s", scenario_to_string(s), strerror(-r)),
                                       EXIT_USAGE;
                        /* A what-if (--set) may set a key this kernel lacks: then it governs. */
                        if (n_sets == 0)
                                model_result_drop_absent(&results[n], &live);
                        n++;
                }

        struct model_report rep = {
                .kernel = context_kernel(ctx),
                .hz_assumed = hz_assumed,
                .input = &in,
                .results = results,
                .n_results = n,
                .timeline = timeline,
        };
        if (output_model(ctx, &rep) < 0)
                return EXIT_OPERATION;
        return unreadable ? EXIT_OPERATION : EXIT_OK;
}

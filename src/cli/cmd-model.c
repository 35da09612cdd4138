/* SPDX-License-Identifier: MIT */
/* tcptune model: when does the kernel give up, per scenario. Starts from
 * the live values (or --root's), then --set; assumptions from options.
 * Parse, collect the input, run the model (model-report.c), render
 * (output-model.c), decide the exit status. */
#include <getopt.h>
#include <stdio.h>

#include "live.h"
#include "cmd-util.h"
#include "cmd.h"
#include "log.h"
#include "model-input.h"
#include "model-report.h"
#include "output-model.h"
#include "parse.h"
#include "profile.h"

static void help(void) {
        fputs("Usage: tcptune model [OPTIONS]\n"
              "Predict when the kernel notices a dead peer, per scenario, from the live values.\n\n"
              "  --profile NAME         start from the profile's [sysctl] values (before --set)\n"
              "  --set KEY=VALUE        change a tunable for the prediction (repeatable)\n"
              "  --scenario NAME        established idle connect accept orphan fin-wait-2\n"
              "                         zero-window (repeatable; default all)\n"
              "  --rtt DUR              smoothed RTT; a bare number is ms, as ss -ti rtt:\n"
              "                         (default 100us; at most 10s)\n"
              "  --rto DUR              RTO in force when the data was sent; a bare number\n"
              "                         is ms, as ss -ti rto: (at most tcp_rto_max)\n"
              "  --segments N           packets in flight (default 1)\n"
              "  --hz N                 kernel HZ (default: from the kernel config)\n"
              "  --user-timeout DUR     TCP_USER_TIMEOUT of the socket; a bare number is ms, as\n"
              "                         setsockopt() takes it\n"
              "  --keepalive I,N,C      TCP_KEEPIDLE,TCP_KEEPINTVL,TCP_KEEPCNT of the socket;\n"
              "                         bare numbers are seconds, as setsockopt() and the\n"
              "                         sysctls\n"
              "  --backoff N            zero-window: probe backoff when the peer went silent\n"
              "  --probes-out N         zero-window: unanswered probes then\n"
              "  --local-failure K[@DUR] qdisc-drop unreachable prohibit no-route blackhole\n"
              "                         neighbour address-gone; from before the send, or DUR\n"
              "                         after it\n"
              "  --family F             inet (default) or inet6: for address-gone\n"
              "  --outage DUR           the path (or address) is back DUR after the send:\n"
              "                         survived? when does traffic resume?\n"
              "  --timeline             show each timer event\n",
              stdout);
}

/* The command line as typed; the values are checked once the live
 * input exists (--set ranges depend on its HZ). */
struct model_args {
        char **sets;           /* --set KEY=VALUE, n_sets of them (borrowed from argv) */
        size_t n_sets;
        unsigned scenarios;    /* SCENARIO_BIT()s; 0: all */
        bool timeline;
        const char *profile;   /* --profile NAME, or NULL */
        const char *rtt, *rto, *segments, *hz, *ut, *ka, *backoff, *probes, *local, *family, *outage;
};

/* Returned by parse_args() after --help: nothing more to do. */
#define HELP_SHOWN (-1)

static int parse_args(int argc, char **argv, struct model_args *a) {
        enum { ARG_SET = 0x100, ARG_SCENARIO, ARG_RTT, ARG_RTO, ARG_SEGMENTS, ARG_HZ, ARG_UT, ARG_KA,
               ARG_TIMELINE, ARG_BACKOFF, ARG_PROBES, ARG_LOCAL, ARG_PROFILE, ARG_FAMILY, ARG_OUTAGE };
        static const struct option options[] = {
                { "set", required_argument, NULL, ARG_SET },
                { "profile", required_argument, NULL, ARG_PROFILE },
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
                { "family", required_argument, NULL, ARG_FAMILY },
                { "outage", required_argument, NULL, ARG_OUTAGE },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        int c;

        if (cmd_check_options("model", options, argc, argv, /* stop_at_operand= */ false) != EXIT_OK)
                return EXIT_USAGE;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case ARG_SET:
                        a->sets[a->n_sets++] = optarg;
                        break;
                case ARG_SCENARIO:
                        if (cmd_parse_scenario(optarg, &a->scenarios) != EXIT_OK)
                                return EXIT_USAGE;
                        break;
                case ARG_PROFILE: a->profile = optarg; break;
                case ARG_RTT: a->rtt = optarg; break;
                case ARG_RTO: a->rto = optarg; break;
                case ARG_SEGMENTS: a->segments = optarg; break;
                case ARG_HZ: a->hz = optarg; break;
                case ARG_UT: a->ut = optarg; break;
                case ARG_KA: a->ka = optarg; break;
                case ARG_TIMELINE: a->timeline = true; break;
                case ARG_BACKOFF: a->backoff = optarg; break;
                case ARG_PROBES: a->probes = optarg; break;
                case ARG_LOCAL: a->local = optarg; break;
                case ARG_FAMILY: a->family = optarg; break;
                case ARG_OUTAGE: a->outage = optarg; break;
                case 'h':
                        help();
                        return HELP_SHOWN;
                default:
                        return cmd_bad_option("model", options, argv);
                }
        if (optind < argc)
                return cmd_fail(EXIT_USAGE, "model: unexpected argument '%s'", argv[optind]);
        return EXIT_OK;
}

/* --profile NAME: its [sysctl] keys onto the input, as apply would set
 * them; keys the model does not read are left out. */
static int apply_profile(struct context *ctx, const char *name, struct model_input *in) {
        _cleanup_(profile_freep) struct profile *p = NULL;
        _cleanup_(error_done) struct error err = {};
        int r = profile_load(&ctx->root, name, hz_or_assumed(in->hz), &p, &err);
        if (r < 0)
                return cmd_fail_error(&err, r);
        for (size_t i = 0; i < p->n_settings; i++) {
                const struct profile_setting *s = &p->settings[i];
                r = model_input_set(in, s->key, s->value);
                if (r < 0 && r != -ENOENT)
                        return cmd_fail(EXIT_USAGE, "%s:%u: %s = %s: not a value the model can use at HZ %u", s->file,
                                        s->line, s->key, s->value, in->hz);
        }
        return EXIT_OK;
}

/* --hz, then --profile, then each --set KEY=VALUE onto the input. */
static int apply_sets(struct context *ctx, const struct model_args *a, struct model_input *in, bool *hz_assumed) {
        uint64_t u;
        if (a->hz) {
                if (parse_uint(a->hz, 10000, &u) < 0 || (u != 100 && u != 250 && u != 300 && u != 1000))
                        return cmd_fail(EXIT_USAGE, "--hz '%s': the kernel's HZ is 100, 250, 300 or 1000", a->hz);
                in->hz = (unsigned) u;
                *hz_assumed = false;
        }
        int r = a->profile ? apply_profile(ctx, a->profile, in) : EXIT_OK;
        if (r != EXIT_OK)
                return r;
        for (size_t i = 0; i < a->n_sets; i++) {
                _cleanup_free_ char *kv = strdup(a->sets[i]);
                char *eq = kv ? strchr(kv, '=') : NULL;
                if (!eq)
                        return cmd_fail(EXIT_USAGE, "--set '%s': expected KEY=VALUE (e.g. tcp_retries2=8)", a->sets[i]);
                *eq = '\0';
                r = model_input_set(in, kv, eq + 1);
                if (r == -ENOENT) {
                        const char *near = cmd_nearest_key(kv, model_input_keys);
                        if (near)
                                return cmd_fail(EXIT_USAGE, "--set '%s': %s is not a tunable the model reads (did you "
                                                "mean '%s'?)", a->sets[i], kv, near);
                        return cmd_fail(EXIT_USAGE, "--set '%s': %s is not a tunable the model reads (tcptune explain "
                                        "lists them)", a->sets[i], kv);
                }
                if (r < 0) {
                        const struct tunable *t = tunable_find(kv);
                        long lo = 0, hi = 0;
                        if (t)
                                tunable_range(t, in->hz, &lo, &hi);
                        if (r == -ERANGE)
                                return cmd_fail(EXIT_USAGE, "--set '%s': out of range (%ld-%ld)", a->sets[i], lo, hi);
                        return cmd_fail(EXIT_USAGE, "--set '%s': not a valid value", a->sets[i]);
                }
        }
        return EXIT_OK;
}

/* What the socket and the path add: TCP_USER_TIMEOUT, keepalive socket
 * options, the zero-window state, a local failure. */
static int apply_socket(const struct model_args *a, struct model_input *in) {
        uint64_t u;
        int r;
        if (a->ut) {
                /* Milliseconds when bare, as setsockopt(TCP_USER_TIMEOUT) and advise print it. */
                if ((r = parse_duration_unit(a->ut, USEC_PER_MSEC, &in->user_timeout_us)) < 0)
                        return cmd_bad_duration("--user-timeout", a->ut, r);
                if (in->user_timeout_us > MODEL_USER_TIMEOUT_MAX_US)
                        return cmd_fail(EXIT_USAGE, "--user-timeout '%s': TCP_USER_TIMEOUT is at most %d ms", a->ut,
                                        INT32_MAX);
        }
        if (a->ka && model_input_parse_keepalive(in, a->ka) < 0)
                return cmd_fail(EXIT_USAGE, "--keepalive '%s': expected IDLE,INTVL,COUNT (e.g. 60s,10s,5; 1s-32767s, "
                                "count 1-127)", a->ka);
        if (a->backoff) {
                if (parse_uint(a->backoff, 255, &u) < 0)
                        return cmd_fail(EXIT_USAGE, "--backoff '%s': a count 0-255", a->backoff);
                in->zw_backoff = (unsigned) u;
        }
        if (a->probes) {
                if (parse_uint(a->probes, 255, &u) < 0)
                        return cmd_fail(EXIT_USAGE, "--probes-out '%s': a count 0-255", a->probes);
                in->zw_probes_out = (unsigned) u;
        }
        if (a->local && (r = model_input_parse_local_failure(in, a->local)) == -ERANGE)
                return cmd_fail(EXIT_USAGE, "--local-failure '%s': later than any timeline the kernel runs (at most "
                                "366 days)", a->local);
        if (a->local && r < 0)
                return cmd_fail(EXIT_USAGE, "--local-failure '%s': expected qdisc-drop, unreachable, prohibit, "
                                "no-route, blackhole, neighbour or address-gone, optionally @DUR after the send",
                                a->local);
        if (a->family && model_input_parse_family(in, a->family) < 0)
                return cmd_fail(EXIT_USAGE, "--family '%s': expected inet or inet6", a->family);
        if (a->outage) {
                if ((r = parse_duration(a->outage, &in->outage_us)) < 0)
                        return cmd_bad_duration("--outage", a->outage, r);
                in->outage = true;
        }
        return EXIT_OK;
}

/* The model's input: the live values, then the options on top. Sets
 * *unreadable when a live value that exists could not be read (it is
 * modelled as the kernel default: the command fails once the figures
 * are out). */
static int collect_input(struct context *ctx, const struct model_args *a, const struct live *live,
                         struct model_input *in, struct model_input *before, bool *hz_assumed, bool *unreadable) {
        const struct kernel_info *k = context_kernel(ctx);
        *unreadable = cmd_report_live(&ctx->root, live, k->hz);
        live_model_input(live, k, in, hz_assumed);
        *before = *in;
        int r = apply_sets(ctx, a, in, hz_assumed);
        if (r != EXIT_OK)
                return r;
        if (cmd_parse_assumptions(in, a->rtt, a->rto, a->segments) != EXIT_OK)
                return EXIT_USAGE;
        return apply_socket(a, in);
}

int cmd_model(struct context *ctx, int argc, char **argv) {
        _cleanup_(live_done) struct live live = {};
        _cleanup_free_ char **sets = calloc((size_t) argc + 1, sizeof(char *));
        _cleanup_free_ struct model_result *results = NULL, *before_results = NULL;
        struct model_args a = { .sets = sets };
        struct model_input in, before;
        bool hz_assumed = false, unreadable;
        size_t n;
        unsigned failed;
        int r;

        if (!sets)
                return cmd_fail(EXIT_OPERATION, "out of memory");
        r = parse_args(argc, argv, &a);
        if (r != EXIT_OK)
                return r == HELP_SHOWN ? EXIT_OK : r;
        if (live_read(&ctx->root, &live) < 0)
                return cmd_fail(EXIT_OPERATION, "out of memory");
        if ((r = collect_input(ctx, &a, &live, &in, &before, &hz_assumed, &unreadable)) != EXIT_OK)
                return r;
        if (ctx->output.format == FORMAT_PROMETHEUS)
                return cmd_fail(EXIT_USAGE, "model: --format prometheus is for audit; use text or json");

        /* A what-if (--set) may set a key this kernel lacks: then it governs. */
        r = model_report_run(&in, a.scenarios ? a.scenarios : SCENARIO_ALL, a.n_sets || a.profile ? NULL : &live,
                             &results, &n,
                             &failed);
        if (r == -ENOMEM)
                return cmd_fail(EXIT_OPERATION, "out of memory");
        if (r < 0)
                return cmd_fail(EXIT_USAGE, "model: cannot compute %s: %s", scenario_to_string(failed), strerror(-r));
        /* The what-if's price or gain: the same scenarios with the live values. */
        size_t n_before = 0;
        if (a.n_sets || a.profile)
                /* On failure (the live values out of the model's range) the
                 * what-if is shown without it; results are untouched. */
                (void) model_report_run(&before, a.scenarios ? a.scenarios : SCENARIO_ALL, &live, &before_results,
                                        &n_before, &failed);

        struct model_report rep = {
                .kernel = context_kernel(ctx),
                .hz_assumed = hz_assumed,
                .input = &in,
                .results = results,
                .n_results = n,
                .timeline = a.timeline,
                .before = a.n_sets || a.profile ? &before : NULL,
                .profile = a.profile,
                .before_results = n_before == n ? before_results : NULL,
        };
        if (output_model(&ctx->output, &rep) < 0)
                return EXIT_OPERATION;
        return unreadable ? EXIT_OPERATION : EXIT_OK;
}

/* SPDX-License-Identifier: MIT */
/* advise: the smallest change that brings each scenario's *latest*
 * detection under a target, verified by the model, with its cost: the
 * longest outage a connection still survives, and how long traffic may
 * then wait (current and proposed carry the model's outage figures).
 * Pure computation. */
#pragma once

#include "model.h"

#define ADVISE_MAX_CHANGES 4

/* Keepalive proposals (idle): the fewest probes per hour on a healthy idle
 * connection, that is the longest tcp_keepalive_time, such that the latest
 * detection fits the target, with at least this many probes (one lost probe
 * or ACK never kills a connection)... */
#define ADVISE_KEEPALIVE_PROBES_MIN 3
#define ADVISE_KEEPALIVE_PROBES_MAX 9
/* ...spanning (probes x interval) at least 1/this of the target, so that a
 * blip shorter than that never kills an idle connection. */
#define ADVISE_KEEPALIVE_WINDOW_SHARE 5
/* TCP_KEEPIDLE, TCP_KEEPINTVL: at most MAX_TCP_KEEPIDLE (include/net/tcp.h). */
#define ADVISE_KEEPALIVE_MAX_S 32767

struct advise_change {
        const char *key;   /* canonical sysctl key */
        char from[32], to[32];
};

struct advise_scenario {
        enum scenario scenario;
        bool already_within;  /* no change needed */
        bool possible;        /* a change meets the target */
        struct model_result current, proposed;
        struct advise_change changes[ADVISE_MAX_CHANGES];
        size_t n_changes;
        uint64_t floor_us;    /* when impossible: the best detect_max the kernel allows */
        /* idle: a healthy idle connection sends one probe (and gets an ACK)
         * per tcp_keepalive_time; this, before and after. 0: other scenarios. */
        uint64_t probe_every_us, current_probe_every_us;
        const char *reason;   /* when impossible: what to do instead */
};

struct advise_app {           /* per-application alternative */
        enum scenario scenario;
        const char *option;   /* "TCP_USER_TIMEOUT", "TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT" */
        char value[64];       /* "26000 ms", "60 s, 10 s, 5"; empty when already_within */
        bool already_within;  /* the host's settings meet the target: propose nothing, since
                               * any option would only make detection slower */
        bool possible;
        struct model_result current, proposed;
        uint64_t probe_every_us;  /* idle, when proposed: TCP_KEEPIDLE; else 0 */
};

struct advise_report {
        uint64_t target_us;
        const char *target_text;  /* borrowed: the target as the user typed it; NULL: format target_us */
        struct advise_scenario scenarios[_SCENARIO_MAX];
        size_t n_scenarios;
        struct advise_app apps[2];
        size_t n_apps;
};

/* Probes per hour a healthy idle connection sends when it probes every
 * every_us (0 for 0). */
double advise_probes_per_hour(uint64_t every_us);

/* Advise for each scenario in the mask. have_rto_max: the kernel has
 * tcp_rto_max_ms (6.15+), so lowering it may be proposed. Returns 0 or
 * -EINVAL; *ret must be zeroed by the caller (it is large: heap it). */
int advise_run(const struct model_input *in, uint64_t target_us, unsigned scenarios, bool have_rto_max,
               bool have_syn_linear, struct advise_report *ret);

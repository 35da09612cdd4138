/* SPDX-License-Identifier: MIT */
/* Every candidate is run through model_run() and accepted only when its
 * detect_max is within the target: the proposal is what the model says,
 * not a formula. Candidates are tried least aggressive first, so the first
 * that fits is the one that survives the longest outage. */
#include <stdio.h>

#include "advise.h"
#include "model-input.h"

static bool fits(const struct model_input *in, enum scenario s, uint64_t target, struct model_result *r) {
        return model_run(in, s, r) == 0 && r->detect_max_us <= target;
}

static void add_change(struct advise_scenario *a, const struct model_input *from, const struct model_input *to,
                       const char *key) {
        char x[32], y[32];
        model_input_get(from, key, x, sizeof(x));
        model_input_get(to, key, y, sizeof(y));
        if (streq(x, y) || a->n_changes >= ADVISE_MAX_CHANGES)
                return;
        struct advise_change *c = &a->changes[a->n_changes++];
        c->key = key;
        snprintf(c->from, sizeof(c->from), "%s", x);
        snprintf(c->to, sizeof(c->to), "%s", y);
}

/* Largest value of *field in [lo, hi] that fits (fitting is monotone in
 * these knobs); returns false when even lo does not. */
static bool search_u(struct model_input *in, unsigned *field, unsigned lo, unsigned hi, enum scenario s,
                     uint64_t target, struct model_result *r) {
        for (unsigned v = hi + 1; v-- > lo;) {
                *field = v;
                if (fits(in, s, target, r))
                        return true;
        }
        *field = lo;
        return false;
}

/* The largest v in [lo, hi] for which *field = v * unit_us fits, lo
 * being known to fit (fitting is monotone in these knobs): a binary
 * search. Leaves *field at the last value tried. */
static uint64_t largest_fitting(struct model_input *in, uint64_t *field, uint64_t lo, uint64_t hi, uint64_t unit_us,
                                enum scenario s, uint64_t target, struct model_result *r) {
        while (lo < hi) {
                uint64_t mid = lo + (hi - lo + 1) / 2;
                *field = mid * unit_us;
                if (fits(in, s, target, r))
                        lo = mid;
                else
                        hi = mid - 1;
        }
        return lo;
}

static bool search_seconds(struct model_input *in, uint64_t *field, uint64_t lo_s, uint64_t hi_s, enum scenario s,
                           uint64_t target, struct model_result *r) {
        if (hi_s < lo_s)
                return false;
        *field = lo_s * USEC_PER_SEC;
        if (!fits(in, s, target, r))
                return false;
        lo_s = largest_fitting(in, field, lo_s, hi_s, USEC_PER_SEC, s, target, r);
        *field = lo_s * USEC_PER_SEC;
        return fits(in, s, target, r);
}

/* Keepalive settings that fit with the least traffic (advise.h): for each
 * probe count the shortest interval whose probes span the window, then the
 * longest idle time that fits. The longest idle time wins, then fewer
 * probes. Where no count of ADVISE_KEEPALIVE_PROBES_MIN or more fits at
 * all, fewer probes 1 s apart. *x holds the choice when true is returned. */
static bool search_keepalive(struct model_input *x, uint64_t T, unsigned pmax, uint64_t imax_s,
                             struct model_result *r) {
        uint64_t window_s = (T / ADVISE_KEEPALIVE_WINDOW_SHARE + USEC_PER_SEC - 1) / USEC_PER_SEC;
        uint64_t best_t = 0, best_i = 0;
        unsigned best_p = 0;
        bool best_wide = false;
        for (unsigned p = ADVISE_KEEPALIVE_PROBES_MIN; p <= pmax; p++) {
                uint64_t i = (window_s + p - 1) / p;
                i = i < 1 ? 1 : i > imax_s ? imax_s : i;
                bool wide = p * i >= window_s;
                x->keepalive_probes = p;
                x->keepalive_intvl_us = i * USEC_PER_SEC;
                if (!search_seconds(x, &x->keepalive_time_us, 1, ADVISE_KEEPALIVE_MAX_S, SCENARIO_IDLE, T, r))
                        continue;
                uint64_t t = x->keepalive_time_us / USEC_PER_SEC;
                if ((wide && !best_wide) || (wide == best_wide && t > best_t)) {
                        best_t = t, best_i = i, best_p = p, best_wide = wide;
                }
        }
        for (unsigned p = ADVISE_KEEPALIVE_PROBES_MIN - 1; !best_p && p >= 1; p--) {
                x->keepalive_probes = p;
                x->keepalive_intvl_us = USEC_PER_SEC;
                if (search_seconds(x, &x->keepalive_time_us, 1, ADVISE_KEEPALIVE_MAX_S, SCENARIO_IDLE, T, r))
                        best_t = x->keepalive_time_us / USEC_PER_SEC, best_i = 1, best_p = p;
        }
        if (!best_p)
                return false;
        x->keepalive_probes = best_p;
        x->keepalive_intvl_us = best_i * USEC_PER_SEC;
        x->keepalive_time_us = best_t * USEC_PER_SEC;
        return fits(x, SCENARIO_IDLE, T, r);
}

double advise_probes_per_hour(uint64_t every_us) {
        return every_us ? (double) USEC_PER_HOUR / (double) every_us : 0;
}

/* The target is met as things are: the model's latest detection. */
static bool already_met(const struct model_result *current, uint64_t target) {
        return !current->never && current->detect_max_us <= target;
}

static const unsigned rto_max_steps_ms[] = { 120000, 60000, 30000, 20000, 10000, 5000, 2000, 1000 };

/* established, zero-window, orphan: fewer retransmissions (orphans keep
 * at least one); at the current rto_max first, then lower ones where the
 * kernel has tcp_rto_max_ms. */
static bool propose_retries(const struct model_input *base, struct model_input *in, enum scenario s, uint64_t T,
                            bool have_rto_max, struct advise_scenario *a) {
        bool orphan = s == SCENARIO_ORPHAN;
        unsigned *knob = orphan ? &in->orphan_retries : &in->retries2;
        const char *key = orphan ? "net.ipv4.tcp_orphan_retries" : "net.ipv4.tcp_retries2";
        unsigned cur = *knob ? *knob : (orphan ? 8 : 0);
        unsigned lo = orphan ? 1 : 0;
        bool ok = search_u(in, knob, lo, cur, s, T, &a->proposed);
        for (size_t i = 0; i < ELEMENTSOF(rto_max_steps_ms) && !ok && have_rto_max; i++) {
                uint64_t m = (uint64_t) rto_max_steps_ms[i] * USEC_PER_MSEC;
                if (m >= base->rto_max_us)
                        continue;
                in->rto_max_us = m;
                ok = search_u(in, knob, lo, cur, s, T, &a->proposed);
        }
        add_change(a, base, in, key);
        add_change(a, base, in, "net.ipv4.tcp_rto_max_ms");
        if (!ok)
                a->reason = s == SCENARIO_ESTABLISHED
                                    ? "below two RTOs the kernel cannot notice; set TCP_USER_TIMEOUT or an "
                                      "application heartbeat"
                                    : "below what the retransmission timer allows";
        return ok;
}

/* idle: keepalive settings with the fewest probes an hour
 * (search_keepalive()), the probe count and interval bounded by today's. */
static bool propose_keepalive(const struct model_input *base, struct model_input *in, uint64_t T,
                              struct advise_scenario *a) {
        unsigned pmax = base->keepalive_probes;
        pmax = pmax < ADVISE_KEEPALIVE_PROBES_MIN   ? ADVISE_KEEPALIVE_PROBES_MIN
               : pmax > ADVISE_KEEPALIVE_PROBES_MAX ? ADVISE_KEEPALIVE_PROBES_MAX
                                                    : pmax;
        uint64_t imax = base->keepalive_intvl_us / USEC_PER_SEC;
        bool ok = search_keepalive(in, T, pmax, imax ? imax : 1, &a->proposed);
        a->current_probe_every_us = base->keepalive_time_us;
        a->probe_every_us = ok ? in->keepalive_time_us : 0;
        add_change(a, base, in, "net.ipv4.tcp_keepalive_time");
        add_change(a, base, in, "net.ipv4.tcp_keepalive_intvl");
        add_change(a, base, in, "net.ipv4.tcp_keepalive_probes");
        if (!ok)
                a->reason = "keepalive ticks are whole seconds: use an application heartbeat";
        return ok;
}

/* connect: fewer SYN retries; where that is not enough and the kernel
 * has tcp_syn_linear_timeouts, fewer linear ones, then none. */
static bool propose_syn_retries(const struct model_input *base, struct model_input *in, uint64_t T,
                                bool have_syn_linear, struct advise_scenario *a) {
        const enum scenario s = SCENARIO_CONNECT;
        bool ok = search_u(in, &in->syn_retries, 1, base->syn_retries, s, T, &a->proposed);
        if (!ok && have_syn_linear && base->syn_linear_timeouts > 0) {
                ok = search_u(in, &in->syn_linear_timeouts, 0, base->syn_linear_timeouts, s, T, &a->proposed);
                if (!ok) {
                        in->syn_linear_timeouts = 0;
                        ok = search_u(in, &in->syn_retries, 1, base->syn_retries, s, T, &a->proposed);
                }
        }
        add_change(a, base, in, "net.ipv4.tcp_syn_retries");
        add_change(a, base, in, "net.ipv4.tcp_syn_linear_timeouts");
        if (!ok)
                a->reason = "the first SYN retransmission alone takes 1 s: use a connect() timeout in "
                            "the application (non-blocking connect and poll)";
        return ok;
}

/* accept: fewer SYN-ACK retries. */
static bool propose_synack_retries(const struct model_input *base, struct model_input *in, uint64_t T,
                                   struct advise_scenario *a) {
        bool ok = search_u(in, &in->synack_retries, 0, base->synack_retries, SCENARIO_ACCEPT, T, &a->proposed);
        add_change(a, base, in, "net.ipv4.tcp_synack_retries");
        if (!ok)
                a->reason = "the first SYN-ACK timeout is 1 s";
        return ok;
}

/* fin-wait-2: a shorter tcp_fin_timeout, in whole seconds. */
static bool propose_fin_timeout(const struct model_input *base, struct model_input *in, uint64_t T,
                                struct advise_scenario *a) {
        bool ok = search_seconds(in, &in->fin_timeout_us, 1, base->fin_timeout_us / USEC_PER_SEC, SCENARIO_FIN_WAIT_2,
                                 T, &a->proposed);
        add_change(a, base, in, "net.ipv4.tcp_fin_timeout");
        if (!ok)
                a->reason = "FIN-WAIT-2 lasts at least 3.5 RTO";
        return ok;
}

static void advise_one(const struct model_input *base, enum scenario s, uint64_t T, bool have_rto_max,
                       bool have_syn_linear, struct advise_scenario *a) {
        struct model_input in = *base;
        bool ok = false;

        a->scenario = s;
        /* The outage figures (docs/MODEL.md §15) for what is and what is
         * proposed only: the searches need the abort alone. */
        in.outage = true;
        in.outage_us = 0;
        (void) model_run(&in, s, &a->current);
        in.outage = false;
        if (already_met(&a->current, T)) {
                a->already_within = a->possible = true;
                a->proposed = a->current;
                return;
        }
        switch (s) {
        case SCENARIO_ESTABLISHED:
        case SCENARIO_ZERO_WINDOW:
        case SCENARIO_ORPHAN:
                ok = propose_retries(base, &in, s, T, have_rto_max, a);
                break;
        case SCENARIO_IDLE:
                ok = propose_keepalive(base, &in, T, a);
                break;
        case SCENARIO_CONNECT:
                ok = propose_syn_retries(base, &in, T, have_syn_linear, a);
                break;
        case SCENARIO_ACCEPT:
                ok = propose_synack_retries(base, &in, T, a);
                break;
        case SCENARIO_FIN_WAIT_2:
                ok = propose_fin_timeout(base, &in, T, a);
                break;
        default:
                break;
        }
        a->possible = ok;
        if (ok) {
                in.outage = true;
                (void) model_run(&in, s, &a->proposed);
        } else {
                a->floor_us = a->proposed.detect_max_us; /* the most aggressive setting tried */
                a->n_changes = 0;
        }
}

/* Per application, established: the largest TCP_USER_TIMEOUT (ms) that
 * fits. Where the host already meets the target, nothing: a user timeout
 * near the target would only make detection slower than today. */
static void app_user_timeout(const struct model_input *in, uint64_t target_us, struct advise_app *a) {
        struct model_input x = *in;
        /* TCP_USER_TIMEOUT is an int of ms: never propose more. */
        uint64_t lo = 1, hi = (target_us < MODEL_USER_TIMEOUT_MAX_US ? target_us : MODEL_USER_TIMEOUT_MAX_US) / USEC_PER_MSEC;
        a->scenario = SCENARIO_ESTABLISHED;
        a->option = "TCP_USER_TIMEOUT";
        (void) model_run(in, SCENARIO_ESTABLISHED, &a->current);
        if (already_met(&a->current, target_us)) {
                a->already_within = a->possible = true;
                a->proposed = a->current;
                return;
        }
        x.user_timeout_us = USEC_PER_MSEC;
        a->possible = fits(&x, SCENARIO_ESTABLISHED, target_us, &a->proposed);
        if (a->possible)
                lo = largest_fitting(&x, &x.user_timeout_us, lo, hi, USEC_PER_MSEC, SCENARIO_ESTABLISHED, target_us,
                                     &a->proposed);
        x.user_timeout_us = lo * USEC_PER_MSEC;
        (void) model_run(&x, SCENARIO_ESTABLISHED, &a->proposed);
        snprintf(a->value, sizeof(a->value), "%llu ms", (unsigned long long) lo);
}

/* Per application, idle: TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT. With
 * SO_KEEPALIVE alone the host's settings apply: when they meet the target,
 * nothing more is proposed. */
static void app_keepalive(const struct model_input *in, uint64_t target_us, struct advise_app *a) {
        struct model_input x = *in;
        a->scenario = SCENARIO_IDLE;
        a->option = "SO_KEEPALIVE with TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT";
        (void) model_run(in, SCENARIO_IDLE, &a->current);
        if (already_met(&a->current, target_us)) {
                a->already_within = a->possible = true;
                a->proposed = a->current;
                return;
        }
        x.keepalive_from_socket = true;
        a->possible = search_keepalive(&x, target_us, ADVISE_KEEPALIVE_PROBES_MAX, ADVISE_KEEPALIVE_MAX_S,
                                       &a->proposed);
        a->probe_every_us = a->possible ? x.keepalive_time_us : 0;
        snprintf(a->value, sizeof(a->value), "%llu s, %llu s, %u",
                 (unsigned long long) (x.keepalive_time_us / USEC_PER_SEC),
                 (unsigned long long) (x.keepalive_intvl_us / USEC_PER_SEC), x.keepalive_probes);
}

int advise_run(const struct model_input *in, uint64_t target_us, unsigned scenarios, bool have_rto_max,
               bool have_syn_linear, struct advise_report *ret) {
        if (target_us == 0 || !scenarios)
                return -EINVAL;
        ret->target_us = target_us;
        for (unsigned s = 0; s < _SCENARIO_MAX; s++)
                if (scenarios & SCENARIO_BIT(s))
                        advise_one(in, s, target_us, have_rto_max, have_syn_linear,
                                   &ret->scenarios[ret->n_scenarios++]);
        if (scenarios & SCENARIO_BIT(SCENARIO_ESTABLISHED))
                app_user_timeout(in, target_us, &ret->apps[ret->n_apps++]);
        if (scenarios & SCENARIO_BIT(SCENARIO_IDLE))
                app_keepalive(in, target_us, &ret->apps[ret->n_apps++]);
        return 0;
}

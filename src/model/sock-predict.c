/* SPDX-License-Identifier: MIT */
/* A live socket's abort, from its state. Invariants:
 *
 * 1. The retransmission chains (RTO, SYN, SYN-ACK) come from model_run()
 *    with the socket's own base RTO: the socket that has made k
 *    retransmissions waits for expiry k + 1 of that chain (or for what
 *    the model sends before it uncounted: the tail loss probe), so what
 *    is left after it is the model's abort minus that event. One account
 *    of the kernel's arithmetic, not two.
 * 2. Count-based timers (zero-window probes, keepalive) are a sum of known
 *    intervals from the pending expiry (tcp_probe_timer(), tcp_send_probe0(),
 *    tcp_keepalive_timer()).
 * 3. The range: each timer still to be armed fires up to one wheel granule
 *    of its delay late (kernel/time/timer.c rounds expiries up, never
 *    down: docs/MODEL.md §3), and the model's schedule is one such phase: the remaining time
 *    is that schedule's, give or take a granule per timer, plus the pending
 *    timer's own granule (idiag_expires is the requested expiry).
 * 4. Nothing reads a file: the caller brings the namespace's model input. */
#include <stdio.h>

#include "model-internal.h"
#include "sock-predict.h"

static const char *const tcp_state_names[_TCP_STATE_MAX] = {
        [TCP_STATE_ESTABLISHED] = "established", [TCP_STATE_SYN_SENT] = "syn-sent",
        [TCP_STATE_SYN_RECV] = "syn-recv",       [TCP_STATE_FIN_WAIT1] = "fin-wait-1",
        [TCP_STATE_FIN_WAIT2] = "fin-wait-2",    [TCP_STATE_TIME_WAIT] = "time-wait",
        [TCP_STATE_CLOSE] = "closed",            [TCP_STATE_CLOSE_WAIT] = "close-wait",
        [TCP_STATE_LAST_ACK] = "last-ack",       [TCP_STATE_LISTEN] = "listen",
        [TCP_STATE_CLOSING] = "closing",         [TCP_STATE_NEW_SYN_RECV] = "syn-recv",
};

const char *tcp_state_to_string(enum tcp_state s) {
        return (unsigned) s < _TCP_STATE_MAX ? tcp_state_names[s] : NULL;
}

int tcp_state_from_string(const char *s) {
        static const struct {
                const char *name;
                enum tcp_state state;
        } alias[] = {
                { "estab", TCP_STATE_ESTABLISHED }, { "close", TCP_STATE_CLOSE },
                { "syn-recv", TCP_STATE_SYN_RECV }, { "listening", TCP_STATE_LISTEN },
        };
        for (size_t i = 0; i < ELEMENTSOF(alias); i++)
                if (streq(s, alias[i].name))
                        return (int) alias[i].state;
        for (int i = 1; i < _TCP_STATE_MAX; i++)
                if (tcp_state_names[i] && streq(s, tcp_state_names[i]))
                        return i;
        return -EINVAL;
}

const char *sock_timer_to_string(enum sock_timer t) {
        static const char *const n[_SOCK_TIMER_MAX] = {
                [SOCK_TIMER_RETRANSMIT] = "retransmit", [SOCK_TIMER_PROBE] = "probe",
                [SOCK_TIMER_KEEPALIVE] = "keepalive",   [SOCK_TIMER_SYN] = "syn",
                [SOCK_TIMER_SYNACK] = "synack",         [SOCK_TIMER_FIN_WAIT_2] = "fin-wait-2",
                [SOCK_TIMER_TIME_WAIT] = "time-wait",
        };
        return (unsigned) t < _SOCK_TIMER_MAX ? n[t] : NULL;
}

enum sock_timer sock_timer_from_diag(unsigned idiag_timer, enum tcp_state state) {
        /* net/ipv4/inet_diag.c: inet_sk_diag_fill(), inet_twsk_diag_fill(),
         * inet_req_diag_fill() */
        switch (idiag_timer) {
        case 1:
                if (state == TCP_STATE_SYN_SENT)
                        return SOCK_TIMER_SYN;
                if (state == TCP_STATE_SYN_RECV || state == TCP_STATE_NEW_SYN_RECV)
                        return SOCK_TIMER_SYNACK;
                return SOCK_TIMER_RETRANSMIT;
        case 2:
                /* sk_timer: keepalive, or an orphan's FIN-WAIT-2 wait */
                return state == TCP_STATE_FIN_WAIT2 ? SOCK_TIMER_FIN_WAIT_2 : SOCK_TIMER_KEEPALIVE;
        case 3:
                return state == TCP_STATE_FIN_WAIT2 ? SOCK_TIMER_FIN_WAIT_2 : SOCK_TIMER_TIME_WAIT;
        case 4:
                return SOCK_TIMER_PROBE;
        default:
                return SOCK_TIMER_NONE;
        }
}

/* The granule of the wheel level a delay of d jiffies lands in. */
static uint64_t granule_j(uint64_t d) {
        return UINT64_C(1) << (3 * wheel_level(d));
}

/* A gap between two expiries of the model's schedule is the armed delay
 * rounded up by at least a jiffy: the delay's level is at most the level
 * of the gap less one. */
static uint64_t granule_of_gap(uint64_t gap_j) {
        return granule_j(gap_j ? gap_j - 1 : 0);
}

static void assume(struct sock_prediction *p, const char *what) {
        if (p->n_assumptions < SOCK_PREDICT_MAX_ASSUMPTIONS)
                p->assumptions[p->n_assumptions++] = what;
}

/* What is left from event i of the model's timeline to the abort, and
 * the wheel granules of the timers that get there: the one that fires at
 * i (its delay is the gap before it) and each one after it. */
static void tail_from(const struct model_result *r, size_t i, unsigned hz, uint64_t *ret_rest, uint64_t *ret_slack) {
        uint64_t slack = granule_of_gap(us_to_j(r->events[i].t_us - r->events[i - 1].t_us, hz));
        size_t k = i;
        while (r->events[k].kind != EVENT_ABORT && k + 1 < r->n_events) {
                k++;
                slack += granule_of_gap(us_to_j(r->events[k].t_us - r->events[k - 1].t_us, hz));
        }
        *ret_rest = r->events[k].t_us - r->events[i].t_us;
        *ret_slack = slack;
}

/* Along a model chain whose retransmissions or probes are events of
 * `kind`, `done` of them already made. The socket counts only those: the
 * pending timer is any event of the timeline after the last of them (or
 * after the triggering event) up to #(done + 1) or the abort. Where the
 * chain sends something else first, that may be pending too: before RTO
 * #1 the tail loss probe, which the kernel does not count as a
 * retransmission and after which it arms the RTO afresh (§5.2). The
 * range covers every such event: for each, what is left after it, give
 * or take a wheel granule per timer from it on and two jiffies. */
static void from_chain(const struct model_result *r, const struct sock_state *st, enum model_event_kind kind,
                       unsigned done, unsigned hz, struct sock_prediction *p) {
        size_t first = 1, last = SIZE_MAX;
        for (size_t i = 1; i < r->n_events && last == SIZE_MAX; i++) {
                const struct model_event *e = &r->events[i];
                if (e->kind == kind && e->n <= done)
                        first = i + 1;
                else if ((e->kind == kind && e->n == done + 1) || e->kind == EVENT_ABORT)
                        last = i;
        }
        p->aborts = !r->never;
        if (last == SIZE_MAX) { /* a truncated timeline: the model's latest */
                uint64_t margin = j_to_us(2, hz), base = st->expires_us + r->detect_max_us;
                p->abort_min_us = base > margin ? base - margin : 0;
                p->abort_max_us = base + margin;
                return;
        }
        p->abort_min_us = UINT64_MAX, p->abort_max_us = 0;
        for (size_t i = first; i <= last; i++) {
                uint64_t rest, slack;
                tail_from(r, i, hz, &rest, &slack);
                uint64_t margin = j_to_us(slack + 2, hz), base = st->expires_us + rest;
                uint64_t lo = base > margin ? base - margin : 0;
                p->abort_min_us = lo < p->abort_min_us ? lo : p->abort_min_us;
                p->abort_max_us = base + margin > p->abort_max_us ? base + margin : p->abort_max_us;
        }
}

/* The socket's base RTO: icsk_rto is base << backoff until it reaches
 * rto_max (tcp_retransmit_timer()). */
static uint64_t base_rto_us(const struct model_input *in, const struct sock_state *st, struct sock_prediction *p) {
        uint64_t max_j = us_to_j(in->rto_max_us, in->hz), rto_j = us_to_j(st->rto_us, in->hz);
        if (st->rto_us == 0 || (st->backoff > 0 && rto_j >= max_j)) {
                assume(p, "base RTO from the RTT and rto_min (the current RTO is capped at rto_max)");
                return 0; /* model_rto_us(): J(srtt + rto_min) */
        }
        unsigned b = st->backoff < 63 ? st->backoff : 63;
        return j_to_us(rto_j >> b ? rto_j >> b : 1, in->hz);
}

/* Which chain a pending timer is part of, and what the application reads
 * at its end (0: no application holds the socket). */
struct chain {
        enum scenario scenario;
        enum model_event_kind kind;
        unsigned done;
        int error;
};

static bool chain_of(struct model_input *in, const struct sock_state *st, struct sock_prediction *p,
                     struct chain *ret) {
        switch (st->timer) {
        case SOCK_TIMER_RETRANSMIT:
                in->rto_us = base_rto_us(in, st, p);
                *ret = (struct chain) { st->orphan ? SCENARIO_ORPHAN : SCENARIO_ESTABLISHED, EVENT_RTO,
                                        st->retransmits, st->orphan ? 0 : ETIMEDOUT };
                if (st->local_address_gone && !st->inet6 && !st->orphan) {
                        /* Every retransmission fails its route lookup: the
                         * model's route failure, from just after the send
                         * (sock_predict() also runs the chain without it:
                         * the address may have gone after RTO #1). */
                        in->local_failure = LOCAL_FAILURE_ROUTE;
                        in->local_failure_at_us = 1;
                        in->local_failure_errno = ret->error = ENETUNREACH;
                }
                return true;
        case SOCK_TIMER_SYN:
                assume(p, "tcp_syn_retries of the namespace (TCP_SYNCNT not visible)");
                *ret = (struct chain) { SCENARIO_CONNECT, EVENT_SYN, st->retransmits, ETIMEDOUT };
                return true;
        case SOCK_TIMER_SYNACK:
                *ret = (struct chain) { SCENARIO_ACCEPT, EVENT_SYNACK, st->retransmits, 0 };
                return true;
        case SOCK_TIMER_PROBE:
                /* The model's zero-window chain starts from this state. */
                in->rto_us = st->rto_us;
                in->zw_backoff = st->backoff;
                in->zw_probes_out = st->probes;
                *ret = (struct chain) { SCENARIO_ZERO_WINDOW, EVENT_PROBE, st->probes, st->orphan ? 0 : ETIMEDOUT };
                return true;
        case SOCK_TIMER_KEEPALIVE:
                if (!in->keepalive_from_socket)
                        assume(p, "keepalive time, interval and count of the namespace (TCP_KEEP* not visible)");
                *ret = (struct chain) { SCENARIO_IDLE, EVENT_KEEPALIVE, st->probes, ETIMEDOUT };
                return true;
        case SOCK_TIMER_FIN_WAIT_2:
                /* A full socket waits for the time-wait hand-over (event
                 * TIMEWAIT); a time-wait socket is past it. */
                *ret = (struct chain) { SCENARIO_FIN_WAIT_2, EVENT_TIMEWAIT, st->timewait ? 1 : 0, 0 };
                return true;
        default:
                return false;
        }
}

bool sock_failing(const struct sock_state *st) {
        return st->local_address_gone ||
               ((st->timer == SOCK_TIMER_RETRANSMIT || st->timer == SOCK_TIMER_SYN || st->timer == SOCK_TIMER_SYNACK) &&
                st->retransmits > 0) ||
               ((st->timer == SOCK_TIMER_PROBE || st->timer == SOCK_TIMER_KEEPALIVE) && st->probes > 0);
}

int sock_predict(const struct model_input *ns, const struct sock_state *st, struct sock_prediction *ret) {
        struct sock_prediction p = {};
        struct model_input in = *ns;
        struct chain c;

        if (in.hz == 0)
                return -EINVAL;
        assume(&p, "no TCP_USER_TIMEOUT (a socket's own is not visible)");
        in.user_timeout_us = 0;
        in.srtt_us = st->rtt_us;
        in.segments = st->unacked ? st->unacked : 1;
        p.failing = sock_failing(st);

        if (chain_of(&in, st, &p, &c)) {
                struct model_result *r = malloc(sizeof(*r));
                if (!r)
                        return -ENOMEM;
                int k = model_run(&in, c.scenario, r);
                if (k >= 0)
                        from_chain(r, st, c.kind, c.done, in.hz, &p);
                if (k >= 0 && in.local_failure == LOCAL_FAILURE_ROUTE) {
                        /* When the address went is not visible: the range
                         * covers it going before RTO #1 and after it. */
                        struct sock_prediction q = p;
                        in.local_failure = LOCAL_FAILURE_NONE;
                        k = model_run(&in, c.scenario, r);
                        if (k >= 0) {
                                from_chain(r, st, c.kind, c.done, in.hz, &q);
                                p.abort_min_us = q.abort_min_us < p.abort_min_us ? q.abort_min_us : p.abort_min_us;
                                p.abort_max_us = q.abort_max_us > p.abort_max_us ? q.abort_max_us : p.abort_max_us;
                        }
                }
                free(r);
                if (k < 0)
                        return k;
                p.error = p.aborts ? c.error : 0;
        }
        if (!p.aborts)
                p.n_assumptions = 0; /* nothing was predicted from them */
        *ret = p;
        return 0;
}

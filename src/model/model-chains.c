/* SPDX-License-Identifier: MIT */
/* One chain of timers per way a connection ends: retransmissions, keepalive
 * probes, SYNs, SYN-ACKs, the FIN-WAIT-2 timer, zero-window probes. Each
 * walks from the first expiry to the one at which the kernel gives up,
 * firing every timer through the wheel (fire()), and tests for giving up
 * only at an expiry, before the next transmission, as the kernel's timer
 * handlers do (MODEL.md §5.5). Sections are those of docs/MODEL.md. */
#include "model-internal.h"

static void record(struct sim *s, const struct model_input *in, uint64_t j, enum model_event_kind kind, unsigned n) {
        /* Every event but these two puts a segment on the wire. */
        if (s->tx && kind != EVENT_ABORT && kind != EVENT_TIMEWAIT && s->tx->n < ELEMENTSOF(s->tx->j))
                s->tx->j[s->tx->n++] = j;
        struct model_result *r = s->rec;
        if (!r)
                return;
        if (r->n_events >= MODEL_MAX_EVENTS - 1 && kind != EVENT_ABORT) {
                r->events_truncated = true;
                return;
        }
        r->events[r->n_events++] = (struct model_event) { j_to_us(j - s->rec_start_j, in->hz), kind, n };
}

/* tcp_clamp_rto_to_user_timeout(), tcp_clamp_probe0_to_user_timeout()
 * (§5.6): a timer may not run past the user timeout; once past, 1 jiffy. */
static uint64_t user_timeout_clamp(uint64_t delay_j, uint64_t elapsed_j, uint64_t user_timeout_ms, unsigned hz) {
        uint64_t elapsed_ms = j_to_ms(elapsed_j, hz);
        return elapsed_ms >= user_timeout_ms ? 1 : min_u64(delay_j, ms_to_j(user_timeout_ms - elapsed_ms, hz));
}

/* A kept chain whose first entry moved to first_expiry_j: refire entries
 * 1 .. n - 1 until one lands where it was (struct chain_memo). */
static void memo_rebase(struct sim *s, struct chain_memo *m, uint64_t first_expiry_j, size_t n) {
        m->expiry_j[0] = first_expiry_j;
        for (size_t i = 1; i < n; i++) {
                uint64_t expiry_j = fire(s, m->expiry_j[i - 1], m->delay_j[i], true);
                if (expiry_j == m->expiry_j[i])
                        break;
                m->expiry_j[i] = expiry_j;
        }
}

/* The first kept entry at or below `last` whose age since
 * retrans_stamp_j reaches its budget, given that `last` does and that the
 * test turns true only once along the entries. */
static size_t memo_first_expired(const struct chain_memo *m, uint64_t retrans_stamp_j, size_t last) {
        size_t lo = 0, hi = last;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (m->expiry_j[mid] - retrans_stamp_j >= m->budget_j[mid])
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return lo;
}

/* The retransmission chain's constants, copied into locals: stores
 * through a struct sim may alias a struct params. */
struct rto_chain {
        const struct model_input *in;
        unsigned hz;
        uint64_t rto_j, rto_max_j, user_timeout_ms;
        bool thin_stream;
        /* tcp_write_timeout(): orphans use tcp_orphan_retries(alive), so
         * their budget drops once the RTO reached rto_max (§9). */
        uint64_t budget_alive_j, budget_dead_j;
        bool orphan_dead;
        uint64_t fail_j;             /* transmissions fail on this host from here (§5.8) */
        bool qdisc, route;           /* and how */
        uint64_t resource_probe_j;   /* qdisc drop: the retry interval */
};

/* tcp_retransmit_timer() (§5.3, §5.7): the delay armed after RTO
 * #rto_n, the one before it having been armed_j. Thin streams keep the
 * RTO at send time for RTO #1..#6; everything else doubles up to rto_max. */
static uint64_t rto_backoff(const struct rto_chain *c, unsigned rto_n, uint64_t armed_j) {
        return c->thin_stream && rto_n <= K(THIN_LINEAR_RETRIES) ? c->rto_j : min_u64(2 * armed_j, c->rto_max_j);
}

/* The give-up age tested at the expiry of a timer armed for armed_j. */
static uint64_t rto_budget(const struct rto_chain *c, uint64_t armed_j) {
        return c->orphan_dead && armed_j >= c->rto_max_j ? c->budget_dead_j : c->budget_alive_j;
}

/* The tail-loss probe fired at tlp_j (§5.2): returns RTO #1's expiry. A
 * probe that reached the wire re-arms a full RTO from now and, alone in
 * flight, is the head's last real transmission; one that failed locally
 * re-arms what remains of the RTO (§5.8). */
static uint64_t rto_after_tlp(const struct rto_chain *c, struct sim *s, uint64_t start_j, uint64_t tlp_j,
                              uint64_t *last_real_j) {
        record(s, c->in, tlp_j, EVENT_TLP, 1);
        if (tlp_j >= c->fail_j) {
                uint64_t elapsed_j = tlp_j - start_j;
                return fire(s, tlp_j, elapsed_j < c->rto_j ? c->rto_j - elapsed_j : 1, true);
        }
        if (c->in->segments == 1)
                *last_real_j = tlp_j;
        return fire(s, tlp_j, c->rto_j, true);
}

/* From RTO #1 at rto1_j on, with the kept chain: the plain walk of
 * rto_walk() without its local-failure and user-timeout branches; entry i
 * is RTO #(i + 2). */
static uint64_t rto_walk_memo(const struct rto_chain *c, struct sim *s, uint64_t rto1_j, uint64_t retrans_stamp_j,
                              uint64_t armed_j) {
        struct chain_memo *m = s->memo;
        uint64_t rto2_j = fire(s, rto1_j, armed_j, true);

        if (m->n == 0) {
                m->expiry_j[0] = rto2_j;
                m->delay_j[0] = armed_j;
                m->budget_j[0] = rto_budget(c, armed_j);
                m->rto_n = 2;
                m->armed_j = rto_backoff(c, m->rto_n, armed_j);
                m->n = 1;
        } else if (m->expiry_j[0] != rto2_j)
                memo_rebase(s, m, rto2_j, m->n);

        /* The give-up test only turns true along the entries: expiries
         * grow and, where the dead budget is no larger than the live one,
         * the give-up age never does (the delay never shrinks). Then the
         * first entry that passes is found by bisection when the last kept
         * one passes; else the chain grows past them. */
        size_t last = m->n - 1;
        if ((!c->orphan_dead || c->budget_dead_j <= c->budget_alive_j) &&
            m->expiry_j[last] - retrans_stamp_j >= m->budget_j[last])
                return m->expiry_j[memo_first_expired(m, retrans_stamp_j, last)];
        for (size_t i = 0;; i++) {
                if (i == m->n) {
                        if (m->rto_n >= K(MAX_CHAIN))
                                return m->expiry_j[i - 1];
                        m->delay_j[i] = m->armed_j;
                        m->expiry_j[i] = fire(s, m->expiry_j[i - 1], m->armed_j, true);
                        m->budget_j[i] = rto_budget(c, m->armed_j);
                        m->rto_n++;
                        m->armed_j = rto_backoff(c, m->rto_n, m->armed_j);
                        m->n++;
                }
                if (m->expiry_j[i] - retrans_stamp_j >= m->budget_j[i])
                        return m->expiry_j[i];
        }
}

/* From RTO #1 at j on, timer by timer. A qdisc drop retries every 500 ms
 * without backoff and without the user-timeout clamp (§5.8). */
static uint64_t rto_walk(const struct rto_chain *c, struct sim *s, uint64_t j, uint64_t retrans_stamp_j, bool failing,
                         uint64_t armed_j, uint64_t next_j) {
        unsigned rto_n = 1;

        while (rto_n < K(MAX_CHAIN)) {
                uint64_t delay_j = next_j;
                if (c->user_timeout_ms && !(failing && c->qdisc))
                        delay_j = user_timeout_clamp(armed_j, j - retrans_stamp_j, c->user_timeout_ms, c->hz);
                j = fire(s, j, delay_j, true);
                rto_n++;
                if (j - retrans_stamp_j >= rto_budget(c, armed_j)) {
                        record(s, c->in, j, EVENT_ABORT, 1);
                        return j;
                }
                record(s, c->in, j, EVENT_RTO, rto_n);
                failing = j >= c->fail_j;
                if (failing && c->qdisc) {
                        next_j = c->resource_probe_j;
                        continue;
                }
                armed_j = rto_backoff(c, rto_n, armed_j);
                next_j = armed_j;
        }
        return j;
}

/* established and orphan (§5, §9): the TLP, RTO #1 (retrans_stamp), then
 * backoff until the budget. From fail_j on, transmissions die on this
 * host (§5.8): a qdisc drop retries every 500 ms (retrans_stamp still
 * refreshed); a route failure backs off normally but never refreshes
 * retrans_stamp. */
uint64_t model_chain_rto(const struct params *p, struct sim *s, uint64_t start_j, uint64_t first_j) {
        const struct model_input *in = p->in;
        const struct rto_chain c = {
                .in = in,
                .hz = p->hz,
                .rto_j = p->rto_j,
                .rto_max_j = p->rto_max_j,
                .user_timeout_ms = p->user_timeout_ms,
                .thin_stream = p->thin_stream,
                .budget_alive_j = p->user_timeout_ms ? p->user_timeout_budget_j : p->budget_j,
                .budget_dead_j = p->budget_dead_j,
                .orphan_dead = !p->user_timeout_ms && p->scenario == SCENARIO_ORPHAN,
                .fail_j = in->local_failure ? start_j + us_to_j(in->local_failure_at_us, p->hz) : UINT64_MAX,
                .qdisc = in->local_failure == LOCAL_FAILURE_QDISC_DROP,
                .route = in->local_failure == LOCAL_FAILURE_ROUTE,
                .resource_probe_j =
                        in->local_failure == LOCAL_FAILURE_QDISC_DROP ? us_to_j(K(RESOURCE_PROBE_INTERVAL), p->hz) : 0,
        };
        uint64_t j = first_j, last_real_j = start_j; /* the head's last real transmission */

        if (p->tlp_j)
                j = rto_after_tlp(&c, s, start_j, j, &last_real_j);
        bool failing = j >= c.fail_j;
        /* retrans_stamp (§5.4): the first RTO retransmission, unless it
         * never reached IP: then the last real transmission. */
        uint64_t retrans_stamp_j = failing && c.route ? last_real_j : j;
        record(s, in, j, EVENT_RTO, 1);
        uint64_t armed_j = failing && c.qdisc ? c.rto_j : rto_backoff(&c, 1, c.rto_j);
        uint64_t next_j = failing && c.qdisc ? c.resource_probe_j : armed_j;

        if (s->memo)
                return rto_walk_memo(&c, s, j, retrans_stamp_j, armed_j);
        return rto_walk(&c, s, j, retrans_stamp_j, failing, armed_j, next_j);
}

/* idle (§6): tcp_keepalive_timer(); elapsed counts from the last received
 * segment. */
uint64_t model_chain_keepalive(const struct params *p, struct sim *s, uint64_t start_j, uint64_t first_j) {
        const struct model_input *in = p->in;
        uint64_t intvl_j = us_to_j(in->keepalive_intvl_us, p->hz), j = first_j;
        unsigned probes = 0;

        for (unsigned i = 0; i < K(MAX_CHAIN); i++) {
                bool expired = p->user_timeout_ms ? j - start_j >= p->user_timeout_j && probes > 0
                                                  : probes >= in->keepalive_probes;
                if (expired) {
                        record(s, in, j, EVENT_ABORT, 1);
                        return j;
                }
                record(s, in, j, EVENT_KEEPALIVE, ++probes);
                j = fire(s, j, intvl_j, true);
        }
        return j;
}

/* connect (§7): SYN retransmissions, linear first, then doubling; the
 * kernel gives up on a count or on time, whichever comes first. */
uint64_t model_chain_syn(const struct params *p, struct sim *s, uint64_t start_j, uint64_t first_j) {
        const struct model_input *in = p->in;
        uint64_t armed_j = p->rto_j, j = first_j;
        uint64_t budget_j = p->user_timeout_ms ? p->user_timeout_budget_j : p->budget_j;
        unsigned retrans = 0;

        for (unsigned i = 0; i < K(MAX_CHAIN); i++) {
                if (retrans >= in->syn_retries + in->syn_linear_timeouts || j - start_j >= budget_j) {
                        record(s, in, j, EVENT_ABORT, 1);
                        return j;
                }
                record(s, in, j, EVENT_SYN, ++retrans);
                if (retrans > in->syn_linear_timeouts)
                        armed_j = min_u64(2 * armed_j, p->rto_max_j);
                uint64_t delay_j = armed_j;
                if (p->user_timeout_ms)
                        delay_j = user_timeout_clamp(armed_j, j - start_j, p->user_timeout_ms, p->hz);
                j = fire(s, j, delay_j, true);
        }
        return j;
}

/* accept (§8): reqsk_timer_handler(): 1, 2, 4 ... s, dropped after
 * synack_retries. The cap is the constant TCP_RTO_MAX, not
 * tcp_rto_max_ms: measured on 6.18 with tcp_rto_max_ms=1000 and
 * synack_retries=3, the request lived 15.4 s (1+2+4+8), not 4 s
 * (tests/kernel/cases.txt synack_3_max1s). */
uint64_t model_chain_synack(const struct params *p, struct sim *s, uint64_t start_j, uint64_t first_j) {
        const struct model_input *in = p->in;
        uint64_t init_j = us_to_j(K(TIMEOUT_INIT), p->hz), cap_j = us_to_j(K(RTO_MAX), p->hz), j = first_j;
        (void) start_j;

        for (unsigned n = 0; n < K(MAX_CHAIN); n++) {
                if (n >= in->synack_retries) {
                        record(s, in, j, EVENT_ABORT, 1);
                        return j;
                }
                record(s, in, j, EVENT_SYNACK, n + 1);
                uint64_t delay_j = n + 1 >= 40 ? cap_j : min_u64(init_j << (n + 1), cap_j);
                j = fire(s, j, delay_j, true);
        }
        return j;
}

/* fin-wait-2 (§10): tcp_fin_time() = max(fin_timeout, 3.5 RTO). Above
 * TCP_TIMEWAIT_LEN the full socket waits F - 60 s, then
 * tcp_keepalive_timer() hands it to a time-wait socket for another
 * max(F - 60 s, 3.5 RTO). */
static uint64_t rto_3_5_j(const struct params *p) {
        return (p->rto_j << 2) - (p->rto_j >> 1);
}

uint64_t model_fin_time_j(const struct params *p) {
        return max_u64(us_to_j(p->in->fin_timeout_us, p->hz), rto_3_5_j(p));
}

uint64_t model_chain_fin_wait_2(const struct params *p, struct sim *s, uint64_t start_j, uint64_t first_j) {
        uint64_t fin_time_j = model_fin_time_j(p), timewait_j = us_to_j(K(TIMEWAIT_LEN), p->hz), j = first_j;
        (void) start_j;
        if (fin_time_j > timewait_j) {
                record(s, p->in, j, EVENT_TIMEWAIT, 1);
                j = fire(s, j, max_u64(fin_time_j - timewait_j, rto_3_5_j(p)), true);
        }
        record(s, p->in, j, EVENT_ABORT, 1);
        return j;
}

/* zero-window (§11): tcp_probe_timer() / tcp_send_probe0(): a count of
 * unanswered probes. */
uint64_t model_probe0_base_j(const struct params *p) {
        return max_u64(p->rto_j, us_to_j(K(RTO_MIN), p->hz));
}

uint64_t model_probe0_when_j(uint64_t base_j, uint64_t rto_max_j, unsigned backoff) {
        unsigned b = (unsigned) min_u64(backoff, K(PROBE0_BACKOFF_MAX));
        return min_u64(base_j << b, rto_max_j);
}

/* The persist chain's constants, copied into locals: stores through a
 * struct sim may alias a struct params. */
struct probe0_chain {
        uint64_t base_j, rto_max_j, resource_probe_j;
        unsigned retries2;
        bool qdisc;          /* a local drop retries in 500 ms, no backoff */
};

/* The delay after a probe; backs off while under retries2. */
static uint64_t probe0_next(const struct probe0_chain *c, unsigned *backoff) {
        if (c->qdisc)
                return c->resource_probe_j;
        if (*backoff < c->retries2)
                (*backoff)++;
        return model_probe0_when_j(c->base_j, c->rto_max_j, *backoff);
}

/* With the kept chain: the walk without its user-timeout branches fires
 * once per probe until retries2 are out; entry i is probe #(i + 1). */
static uint64_t probe0_walk_memo(const struct probe0_chain *c, struct sim *s, uint64_t j, unsigned probes,
                                 unsigned backoff) {
        struct chain_memo *m = s->memo;
        size_t n = probes >= c->retries2 ? 0 : min_u64(c->retries2 - probes, K(MAX_CHAIN));

        if (m->n == 0) {
                m->expiry_j[0] = j;
                for (size_t i = 1; i <= n; i++) {
                        m->delay_j[i] = probe0_next(c, &backoff);
                        m->expiry_j[i] = fire(s, m->expiry_j[i - 1], m->delay_j[i], true);
                }
                m->n = n + 1;
        } else if (m->expiry_j[0] != j)
                memo_rebase(s, m, j, n + 1);
        return m->expiry_j[n];
}

uint64_t model_chain_probe0(const struct params *p, struct sim *s, uint64_t start_j, uint64_t first_j) {
        const struct model_input *in = p->in;
        const struct probe0_chain c = {
                .base_j = model_probe0_base_j(p),
                .rto_max_j = p->rto_max_j,
                .qdisc = in->local_failure == LOCAL_FAILURE_QDISC_DROP,
                .resource_probe_j =
                        in->local_failure == LOCAL_FAILURE_QDISC_DROP ? us_to_j(K(RESOURCE_PROBE_INTERVAL), p->hz) : 0,
                .retries2 = in->retries2,
        };
        const uint64_t user_timeout_ms = p->user_timeout_ms, user_timeout_j = p->user_timeout_j;
        const unsigned hz = p->hz;
        unsigned probes = in->zw_probes_out, backoff = in->zw_backoff;
        uint64_t j = first_j;
        /* icsk_probes_tstamp: the first unanswered probe's expiry */
        uint64_t tstamp_j = probes ? (j > p->pending_j ? j - p->pending_j : 0) : j;
        (void) start_j;

        if (s->memo)
                return probe0_walk_memo(&c, s, j, probes, backoff);
        for (unsigned i = 0; i < K(MAX_CHAIN); i++) {
                bool user_timeout_expired = user_timeout_ms && j - tstamp_j >= user_timeout_j;
                if (user_timeout_expired || probes >= c.retries2) {
                        record(s, in, j, EVENT_ABORT, 1);
                        return j;
                }
                record(s, in, j, EVENT_PROBE, ++probes);
                uint64_t delay_j = probe0_next(&c, &backoff);
                if (user_timeout_ms)
                        delay_j = user_timeout_clamp(delay_j, j - tstamp_j, user_timeout_ms, hz);
                j = fire(s, j, delay_j, true);
        }
        return j;
}

/* §5.8: an unresolved neighbour turns into a local ICMP host-unreachable
 * every ~3 s; each one is an event at which the budget (from the original
 * send) is checked. The cycle comes from neighbour timers, not the TCP
 * chain, so the range is the measured cycle's bounds. */
void model_neighbour_cycles(const struct params *p, struct model_result *r) {
        uint64_t budget_us = (p->user_timeout_ms ? p->user_timeout_ms : p->budget_ms) * USEC_PER_MSEC;
        uint64_t lo = K(NEIGH_CYCLE_MIN), typ = K(NEIGH_CYCLE_TYPICAL), hi = K(NEIGH_CYCLE_MAX);
        uint64_t cycles_min = (budget_us + hi - 1) / hi, cycles_typ = (budget_us + typ - 1) / typ,
                 cycles_max = (budget_us + lo - 1) / lo;
        r->detect_min_us = max_u64(cycles_min, 1) * lo;
        r->detect_us = max_u64(cycles_typ, 1) * typ;
        r->detect_max_us = max_u64(cycles_max, 1) * hi;
        r->n_events = 0;
        r->events[r->n_events++] = (struct model_event) { 0, EVENT_SEND, 1 };
        for (uint64_t k = 1; k < max_u64(cycles_typ, 1) && r->n_events < MODEL_MAX_EVENTS - 1; k++)
                r->events[r->n_events++] = (struct model_event) { k * typ, EVENT_RTO, (unsigned) k };
        r->events[r->n_events++] = (struct model_event) { r->detect_us, EVENT_ABORT, 1 };
}

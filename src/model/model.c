/* SPDX-License-Identifier: MIT */
/* The dead-peer timing model (KERNEL-MODEL.md). Invariants:
 *
 * 1. Timers are simulated in integer jiffies with the timer wheel's
 *    rounding (§1.2): a timer armed at J for d jiffies fires at
 *    ((E >> 3n) + 1) << 3n, E = J + d, n the wheel level of E - clk, where
 *    clk = J outside a timer callback and J + 1 inside one. Never early.
 * 2. Only the phase of the first arming is unknown. The chain is periodic
 *    in it with period 8^L (L the highest level used), so sweeping every
 *    phase is exact: min, typical and max are extremes and mean of that
 *    sweep, not samples of noise. Phases are grouped by the first timer's
 *    expiry, so a two-hour keepalive timer costs one chain, not 8^6.
 * 3. The triggering event happened at J0 + f, f in [0, 1): max is the
 *    largest J_abort - J0, min the smallest minus one jiffy, typical the
 *    mean minus half a jiffy (§1.2).
 * 4. Give-up tests run at a timer expiry, before the retransmission, as
 *    tcp_write_timeout() does; nothing aborts between expiries (§0.4). */
#include "model.h"

#define MAX_CHAIN 4096

/* Kernel constants, in microseconds, with where they are defined. */
enum {
        K_RTO_MIN,
        K_RTO_MAX,
        K_TIMEOUT_INIT,
        K_THIN_LINEAR_RETRIES,
        K_TIMEWAIT_LEN,
        K_TLP_MULTI_SEGMENT,
        K_ORPHAN_RETRIES_DEFAULT,
        K_PROBE0_BACKOFF_MAX,
        K_RESOURCE_PROBE_INTERVAL,
        K_NEIGH_CYCLE_MIN,
        K_NEIGH_CYCLE_TYPICAL,
        K_NEIGH_CYCLE_MAX,
        K_MAX_CHAIN,
};
static const struct kconst {
        const char *name;
        uint64_t value;
        const char *source;
} kconsts[] = {
        [K_RTO_MIN]                = { "TCP_RTO_MIN", 200 * USEC_PER_MSEC, "include/net/tcp.h (HZ/5)" },
        [K_RTO_MAX]                = { "TCP_RTO_MAX", 120 * USEC_PER_SEC, "include/net/tcp.h (120*HZ)" },
        [K_TIMEOUT_INIT]           = { "TCP_TIMEOUT_INIT", 1 * USEC_PER_SEC, "include/net/tcp.h (HZ)" },
        [K_THIN_LINEAR_RETRIES]    = { "TCP_THIN_LINEAR_RETRIES", 6, "include/net/tcp.h" },
        [K_TIMEWAIT_LEN]           = { "TCP_TIMEWAIT_LEN", 60 * USEC_PER_SEC, "include/net/tcp.h (60*HZ)" },
        [K_TLP_MULTI_SEGMENT]      = { "TCP_TIMEOUT_MIN_US", 2 * USEC_PER_MSEC, "net/ipv4/tcp_output.c (tcp_schedule_loss_probe)" },
        [K_ORPHAN_RETRIES_DEFAULT] = { "orphan retries when 0", 8, "net/ipv4/tcp_timer.c (tcp_orphan_retries)" },
        [K_PROBE0_BACKOFF_MAX]     = { "ilog2(TCP_RTO_MAX/TCP_RTO_MIN)+1", 10, "include/net/tcp.h (tcp_probe0_when)" },
        [K_RESOURCE_PROBE_INTERVAL] = { "TCP_RESOURCE_PROBE_INTERVAL", 500 * USEC_PER_MSEC, "include/net/tcp.h (HZ/2)" },
        /* 3 unicast/multicast solicits 1 s apart (neigh retrans_time), then a
         * local ICMP host-unreachable; measured 3.07 s on 6.18 (§2.12). */
        [K_NEIGH_CYCLE_MIN]        = { "ARP failure cycle, lower bound", 3000 * USEC_PER_MSEC, "net/core/neighbour.c (measured)" },
        [K_NEIGH_CYCLE_TYPICAL]    = { "ARP failure cycle, measured", 3070 * USEC_PER_MSEC, "net/core/neighbour.c (measured)" },
        [K_NEIGH_CYCLE_MAX]        = { "ARP failure cycle, upper bound", 3120 * USEC_PER_MSEC, "net/core/neighbour.c (measured)" },
        [K_MAX_CHAIN]              = { "model safety bound on timer expiries", MAX_CHAIN, "model.c" },
};
#define K(x) (kconsts[K_##x].value)

void model_input_defaults(struct model_input *in) {
        *in = (struct model_input) {
                .hz = 250,
                .retries2 = 15,
                .orphan_retries = 0,
                .syn_retries = 6,
                .syn_linear_timeouts = 4,
                .synack_retries = 5,
                .rto_min_us = K(RTO_MIN),
                .rto_max_us = K(RTO_MAX),
                .keepalive_time_us = 7200 * USEC_PER_SEC,
                .keepalive_intvl_us = 75 * USEC_PER_SEC,
                .keepalive_probes = 9,
                .fin_timeout_us = 60 * USEC_PER_SEC,
                .early_retrans = 3,
                .sack = true,
                .srtt_us = 100,
                .segments = 1,
        };
}

const char *model_event_kind_to_string(enum model_event_kind k) {
        static const char *const names[] = {
                [EVENT_SEND] = "send",       [EVENT_TLP] = "tlp",       [EVENT_RTO] = "rto",
                [EVENT_SYN] = "syn",         [EVENT_SYNACK] = "synack", [EVENT_PROBE] = "probe",
                [EVENT_KEEPALIVE] = "keepalive", [EVENT_TIMEWAIT] = "timewait", [EVENT_ABORT] = "abort",
        };
        return (unsigned) k < ELEMENTSOF(names) ? names[k] : "?";
}

/* Unit conversions the way include/linux/jiffies.h rounds them. */
static uint64_t us_to_j(uint64_t us, unsigned hz) {
        return (us * hz + USEC_PER_SEC - 1) / USEC_PER_SEC;
}
static uint64_t ms_to_j(uint64_t ms, unsigned hz) {
        return (ms * hz + 999) / 1000;
}
static uint64_t j_to_us(uint64_t j, unsigned hz) {
        return j * USEC_PER_SEC / hz;
}
static uint64_t j_to_ms(uint64_t j, unsigned hz) {
        return j * 1000 / hz;
}
static uint64_t min_u64(uint64_t a, uint64_t b) {
        return a < b ? a : b;
}
static uint64_t max_u64(uint64_t a, uint64_t b) {
        return a > b ? a : b;
}

/* kernel/time/timer.c: calc_wheel_index(). LVL_START(n) = 63 << 3(n-1):
 * the level is how many of 63, 63 * 8, ... 63 * 8^7 delta reaches, and
 * delta >= 63 * 8^m holds exactly when delta / 63 >= 8^m, that is when
 * ilog2(delta / 63) >= 3m. */
static unsigned wheel_level(uint64_t delta) {
        uint64_t q = delta / 63;
        if (q == 0)
                return 0;
        unsigned n = 1 + (unsigned) (63 - __builtin_clzll(q)) / 3;
        return n < 8 ? n : 8;
}

/* A chain's expiries, kept from one phase to the next (sweep()). Where
 * every delay is fixed by its ordinal (no user timeout; for chain_rto no
 * local failure either), expiry i + 1 onwards follow from expiry i
 * alone: a phase whose chain starts elsewhere rewrites entries until it
 * meets the kept one, and shares the rest. chain_rto keeps RTO #2 on,
 * where only the give-up test differs between phases (through
 * retrans_stamp, t1), and fills entries as far as some phase needed;
 * chain_probe0 keeps every probe, its give-up a count. A timer's level
 * follows from its delay alone, so the levels seen over a sweep are the
 * ones its phases would see. */
struct chain_memo {
        size_t n;                    /* entries filled; 0: empty */
        unsigned k;                  /* chain_rto: RTO ordinal of the last entry */
        uint64_t armed;              /* chain_rto: the delay after the last entry */
        uint64_t j[MAX_CHAIN + 1];   /* expiries: RTO #(i + 2), probe #(i + 1) */
        uint64_t d[MAX_CHAIN + 1];   /* the delay that timer was armed for */
        uint64_t T[MAX_CHAIN + 1];   /* chain_rto: give-up age in force there */
};

struct sim {
        unsigned max_level;          /* highest wheel level any timer used */
        struct model_result *rec;    /* record events here, or NULL */
        uint64_t rec_j0;
        struct chain_memo *memo;     /* share expiries here, or NULL */
};

static inline uint64_t fire(struct sim *s, uint64_t j, uint64_t d, bool in_callback) {
        uint64_t e = j + d, clk = j + (in_callback ? 1 : 0);
        unsigned n = wheel_level(e > clk ? e - clk : 0);
        if (n > s->max_level)
                s->max_level = n;
        return ((e >> (3 * n)) + 1) << (3 * n);
}

static void record(struct sim *s, const struct model_input *in, uint64_t j, enum model_event_kind kind, unsigned n) {
        struct model_result *r = s->rec;
        if (!r)
                return;
        if (r->n_events >= MODEL_MAX_EVENTS - 1 && kind != EVENT_ABORT) {
                r->events_truncated = true;
                return;
        }
        r->events[r->n_events++] = (struct model_event) { j_to_us(j - s->rec_j0, in->hz), kind, n };
}

/* Derived, per-run constants in jiffies. */
struct params {
        const struct model_input *in;
        enum scenario scenario;
        unsigned hz;
        uint64_t R;          /* RTO at send time */
        uint64_t P;          /* TLP delay, 0 without TLP */
        uint64_t M;          /* rto_max */
        uint64_t ut_ms;      /* TCP_USER_TIMEOUT, 0: none */
        bool thin;
        uint64_t T_ms;       /* budget (established, or orphan while alive) */
        uint64_t T_dead_ms;  /* orphan once icsk_rto reached rto_max */
        uint64_t first_d;    /* first timer, armed outside a callback at J0 */
        uint64_t pending;    /* zero-window: a probe timer already pending, up to this long */
        /* The budgets as elapsed jiffies (ms_budget_j()), so that chains
         * compare without dividing; ut_j is J(ut_ms). */
        uint64_t T_j, T_dead_j, ut_budget_j, ut_j;
        bool use_memo;       /* the chain may use a struct chain_memo */
        /* How a chain's end depends on J0 once J1 is fixed (sweep()). */
        enum {
                J0_ANY,        /* in any way: every offset is simulated */
                J0_MONOTONE,   /* expiries fixed by J1, the stop comes no later for an earlier J0 */
                J0_NONE,       /* not at all */
        } j0_dep;
};

/* The least elapsed jiffies x with j_to_ms(x) >= ms: x * 1000 / hz >= ms
 * holds exactly when x * 1000 >= ms * hz, i.e. x >= ceil(ms * hz / 1000). */
static uint64_t ms_budget_j(uint64_t ms, unsigned hz) {
        if (ms > (UINT64_MAX - 999) / hz)
                return UINT64_MAX;
        return (ms * hz + 999) / 1000;
}

uint64_t model_budget_ms(unsigned hz, unsigned boundary, uint64_t rto_base_us, uint64_t rto_max_us) {
        /* net/ipv4/tcp_timer.c: tcp_model_timeout() */
        uint64_t base = us_to_j(rto_base_us, hz), max = us_to_j(rto_max_us, hz), t;
        unsigned thresh = 0;
        if (base == 0)
                base = 1;
        while ((max / base) >> (thresh + 1))
                thresh++; /* ilog2(max / base) */
        if (boundary <= thresh)
                t = ((UINT64_C(2) << boundary) - 1) * base;
        else
                t = ((UINT64_C(2) << thresh) - 1) * base + (uint64_t) (boundary - thresh) * max;
        return j_to_ms(t, hz);
}

static uint64_t rto_min_eff_us(const struct model_input *in) {
        /* §2.1: stored in jiffies, so 50 ms at HZ=250 becomes 52 ms. */
        return j_to_us(us_to_j(in->rto_min_us, in->hz), in->hz);
}

uint64_t model_rto_us(const struct model_input *in) {
        /* §2.2: steady path R = J(SRTT + rttvar), rttvar >= rto_min. */
        uint64_t r = in->rto_us ? us_to_j(in->rto_us, in->hz) : us_to_j(in->srtt_us + rto_min_eff_us(in), in->hz);
        return j_to_us(min_u64(max_u64(r, 1), us_to_j(in->rto_max_us, in->hz)), in->hz);
}

/* §2.8 and §6: TLP, RTO #1 (retrans_stamp), then backoff until the budget.
 * §2.12: from fail_j on, transmissions die on this host: a qdisc drop
 * retries every 500 ms without backoff (retrans_stamp still refreshed); a
 * route failure backs off normally but never refreshes retrans_stamp, and a
 * failed TLP re-arms the RTO for what remains of it. */
static uint64_t chain_rto(const struct params *p, struct sim *s, uint64_t j0, uint64_t j) {
        const struct model_input *in = p->in;
        uint64_t fail_j = in->local_failure ? j0 + us_to_j(in->local_failure_at_us, p->hz) : UINT64_MAX;
        bool qdisc = in->local_failure == LOCAL_FAILURE_QDISC_DROP;
        bool route = in->local_failure == LOCAL_FAILURE_ROUTE;
        uint64_t last_real = j0; /* head skb's last real transmission */
        unsigned k = 1;
        /* Loop invariants in locals: stores through s may alias p. */
        const uint64_t R = p->R, M = p->M, ut_ms = p->ut_ms;
        const unsigned hz = p->hz;
        const uint64_t rpi = qdisc ? us_to_j(K(RESOURCE_PROBE_INTERVAL), p->hz) : 0;
        const bool thin = p->thin;
        /* tcp_write_timeout(): orphans use tcp_orphan_retries(alive) */
        const uint64_t T_live = ut_ms ? p->ut_budget_j : p->T_j, T_dead = p->T_dead_j;
        const bool orphan_dead = !ut_ms && p->scenario == SCENARIO_ORPHAN;

        if (p->P) {
                record(s, in, j, EVENT_TLP, 1);
                if (j >= fail_j) {
                        uint64_t el = j - j0;
                        j = fire(s, j, el < R ? R - el : 1, true);
                } else {
                        if (in->segments == 1)
                                last_real = j; /* the probe resent the head */
                        /* tcp_send_loss_probe() re-arms a full RTO from now. */
                        j = fire(s, j, R, true);
                }
        }
        bool failing = j >= fail_j;
        /* retrans_stamp (§2.6): the first RTO retransmission, unless it
         * never reached IP: then the last real transmission. */
        uint64_t t1 = failing && route ? last_real : j;
        record(s, in, j, EVENT_RTO, 1);
        uint64_t armed = R;
        if (!(failing && qdisc))
                armed = thin ? R : min_u64(2 * R, M);
        uint64_t next = failing && qdisc ? rpi : armed;

        struct chain_memo *m = s->memo;
        if (m) {
                /* The loop below without its local-failure and user-timeout
                 * branches; entry i is RTO #(i + 2). */
                uint64_t j2 = fire(s, j, armed, true);
                if (m->n == 0) {
                        m->j[0] = j2;
                        m->d[0] = armed;
                        m->T[0] = orphan_dead && armed >= M ? T_dead : T_live;
                        m->k = 2;
                        m->armed = thin && m->k <= K(THIN_LINEAR_RETRIES) ? R : min_u64(2 * armed, M);
                        m->n = 1;
                } else if (m->j[0] != j2) {
                        m->j[0] = j2;
                        for (size_t i = 1; i < m->n; i++) {
                                uint64_t ji = fire(s, m->j[i - 1], m->d[i], true);
                                if (ji == m->j[i])
                                        break;
                                m->j[i] = ji;
                        }
                }
                /* The give-up test only turns true along the entries:
                 * expiries grow and, where T_dead <= T_live, the give-up
                 * age never does (the delay never shrinks). Then the first
                 * entry that passes is found by bisection when the last
                 * kept one passes; else the chain grows past them. */
                size_t last = m->n - 1;
                if ((!orphan_dead || T_dead <= T_live) && m->j[last] - t1 >= m->T[last]) {
                        size_t lo = 0, hi = last;
                        while (lo < hi) {
                                size_t mid = lo + (hi - lo) / 2;
                                if (m->j[mid] - t1 >= m->T[mid])
                                        hi = mid;
                                else
                                        lo = mid + 1;
                        }
                        return m->j[lo];
                }
                for (size_t i = 0;; i++) {
                        if (i == m->n) {
                                if (m->k >= K(MAX_CHAIN))
                                        return m->j[i - 1];
                                m->d[i] = m->armed;
                                m->j[i] = fire(s, m->j[i - 1], m->armed, true);
                                m->T[i] = orphan_dead && m->armed >= M ? T_dead : T_live;
                                m->k++;
                                m->armed = thin && m->k <= K(THIN_LINEAR_RETRIES) ? R : min_u64(2 * m->armed, M);
                                m->n++;
                        }
                        if (m->j[i] - t1 >= m->T[i])
                                return m->j[i];
                }
        }

        while (k < K(MAX_CHAIN)) {
                uint64_t d = next;
                if (ut_ms && !(failing && qdisc)) {
                        /* tcp_clamp_rto_to_user_timeout() (§2.9); not on the 500 ms path */
                        uint64_t el = j_to_ms(j - t1, hz);
                        d = el >= ut_ms ? 1 : min_u64(armed, ms_to_j(ut_ms - el, hz));
                }
                j = fire(s, j, d, true);
                k++;
                if (j - t1 >= (orphan_dead && armed >= M ? T_dead : T_live)) {
                        record(s, in, j, EVENT_ABORT, 1);
                        return j;
                }
                record(s, in, j, EVENT_RTO, k);
                failing = j >= fail_j;
                if (failing && qdisc) {
                        next = rpi;
                        continue;
                }
                /* §2.10: thin streams keep R for RTO #1..#6 */
                armed = thin && k <= K(THIN_LINEAR_RETRIES) ? R : min_u64(2 * armed, M);
                next = armed;
        }
        return j;
}

/* §3: tcp_keepalive_timer(); elapsed counts from the last received segment. */
static uint64_t chain_keepalive(const struct params *p, struct sim *s, uint64_t j0, uint64_t j) {
        const struct model_input *in = p->in;
        uint64_t intvl = us_to_j(in->keepalive_intvl_us, p->hz);
        unsigned probes = 0;

        for (unsigned i = 0; i < K(MAX_CHAIN); i++) {
                bool expired = p->ut_ms ? j - j0 >= p->ut_j && probes > 0
                                        : probes >= in->keepalive_probes;
                if (expired) {
                        record(s, in, j, EVENT_ABORT, 1);
                        return j;
                }
                record(s, in, j, EVENT_KEEPALIVE, ++probes);
                j = fire(s, j, intvl, true);
        }
        return j;
}

/* §4: SYN retransmissions: linear first, then doubling; count or time. */
static uint64_t chain_syn(const struct params *p, struct sim *s, uint64_t j0, uint64_t j) {
        const struct model_input *in = p->in;
        uint64_t R = p->R, armed = R;
        unsigned retrans = 0;
        uint64_t T = p->ut_ms ? p->ut_budget_j : p->T_j;

        for (unsigned i = 0; i < K(MAX_CHAIN); i++) {
                if (retrans >= in->syn_retries + in->syn_linear_timeouts || j - j0 >= T) {
                        record(s, in, j, EVENT_ABORT, 1);
                        return j;
                }
                record(s, in, j, EVENT_SYN, ++retrans);
                if (retrans > in->syn_linear_timeouts)
                        armed = min_u64(2 * armed, p->M);
                uint64_t d = armed;
                if (p->ut_ms) {
                        uint64_t el = j_to_ms(j - j0, p->hz);
                        d = el >= p->ut_ms ? 1 : min_u64(armed, ms_to_j(p->ut_ms - el, p->hz));
                }
                j = fire(s, j, d, true);
        }
        return j;
}

/* §5: reqsk_timer_handler(): 1, 2, 4 ... s, dropped after synack_retries.
 * The cap is the constant TCP_RTO_MAX, not tcp_rto_max_ms: measured on
 * 6.18 with tcp_rto_max_ms=1000 and synack_retries=3, the request lived
 * 15.4 s (1+2+4+8), not 4 s (tests/kernel/cases.txt synack_3_max1s). */
static uint64_t chain_synack(const struct params *p, struct sim *s, uint64_t j0, uint64_t j) {
        const struct model_input *in = p->in;
        uint64_t init = us_to_j(K(TIMEOUT_INIT), p->hz), cap = us_to_j(K(RTO_MAX), p->hz);
        (void) j0;

        for (unsigned n = 0; n < K(MAX_CHAIN); n++) {
                if (n >= in->synack_retries) {
                        record(s, in, j, EVENT_ABORT, 1);
                        return j;
                }
                record(s, in, j, EVENT_SYNACK, n + 1);
                uint64_t t = n + 1 >= 40 ? cap : min_u64(init << (n + 1), cap);
                j = fire(s, j, t, true);
        }
        return j;
}

/* §7: tcp_fin_time() = max(fin_timeout, 3.5 RTO). Above TCP_TIMEWAIT_LEN
 * the full socket waits F - 60 s, then tcp_keepalive_timer() hands it to a
 * time-wait socket for another max(F - 60 s, 3.5 RTO). */
static uint64_t fin_time_j(const struct params *p) {
        uint64_t f = us_to_j(p->in->fin_timeout_us, p->hz);
        uint64_t floor = (p->R << 2) - (p->R >> 1);
        return max_u64(f, floor);
}

static uint64_t chain_fin_wait_2(const struct params *p, struct sim *s, uint64_t j0, uint64_t j) {
        uint64_t F = fin_time_j(p), tw = us_to_j(K(TIMEWAIT_LEN), p->hz);
        (void) j0;
        if (F > tw) {
                record(s, p->in, j, EVENT_TIMEWAIT, 1);
                uint64_t floor = (p->R << 2) - (p->R >> 1);
                j = fire(s, j, max_u64(F - tw, floor), true);
        }
        record(s, p->in, j, EVENT_ABORT, 1);
        return j;
}

/* §8: tcp_probe_timer() / tcp_send_probe0(): a count of unanswered probes. */
static uint64_t probe0_base(const struct params *p) {
        return max_u64(p->R, us_to_j(K(RTO_MIN), p->hz));
}

static uint64_t probe0_when(uint64_t base, uint64_t M, unsigned backoff) {
        unsigned b = (unsigned) min_u64(backoff, K(PROBE0_BACKOFF_MAX));
        return min_u64(base << b, M);
}

static uint64_t chain_probe0(const struct params *p, struct sim *s, uint64_t j0, uint64_t j) {
        const struct model_input *in = p->in;
        unsigned probes = in->zw_probes_out, backoff = in->zw_backoff;
        /* icsk_probes_tstamp: the first unanswered probe's expiry */
        uint64_t tstamp = probes ? (j > p->pending ? j - p->pending : 0) : j;
        /* Loop invariants in locals: stores through s may alias p. */
        const uint64_t base = probe0_base(p), M = p->M, ut_ms = p->ut_ms, ut_j = p->ut_j;
        const unsigned hz = p->hz;
        const bool qdisc = in->local_failure == LOCAL_FAILURE_QDISC_DROP;
        const uint64_t rpi = qdisc ? us_to_j(K(RESOURCE_PROBE_INTERVAL), p->hz) : 0;
        const unsigned retries2 = in->retries2;
        (void) j0;

        struct chain_memo *m = s->memo;
        if (m) {
                /* The loop below without its user-timeout branches: it
                 * fires once per probe until retries2 are out. */
                size_t n = probes >= retries2 ? 0 : min_u64(retries2 - probes, K(MAX_CHAIN));
                if (m->n == 0) {
                        m->j[0] = j;
                        for (size_t i = 1; i <= n; i++) {
                                if (!qdisc && backoff < retries2)
                                        backoff++;
                                m->d[i] = qdisc ? rpi : probe0_when(base, M, backoff);
                                m->j[i] = fire(s, m->j[i - 1], m->d[i], true);
                        }
                        m->n = n + 1;
                } else if (m->j[0] != j) {
                        m->j[0] = j;
                        for (size_t i = 1; i <= n; i++) {
                                uint64_t ji = fire(s, m->j[i - 1], m->d[i], true);
                                if (ji == m->j[i])
                                        break;
                                m->j[i] = ji;
                        }
                }
                return m->j[n];
        }

        for (unsigned i = 0; i < K(MAX_CHAIN); i++) {
                bool ut_expired = ut_ms && j - tstamp >= ut_j;
                if (ut_expired || probes >= retries2) {
                        record(s, in, j, EVENT_ABORT, 1);
                        return j;
                }
                record(s, in, j, EVENT_PROBE, ++probes);
                uint64_t when;
                if (qdisc) {
                        /* tcp_send_probe0(): a local drop retries in 500 ms, no backoff */
                        when = rpi;
                } else {
                        if (backoff < retries2)
                                backoff++;
                        when = probe0_when(base, M, backoff);
                }
                if (ut_ms) {
                        /* tcp_clamp_probe0_to_user_timeout() */
                        uint64_t el = j_to_ms(j - tstamp, hz);
                        when = el >= ut_ms ? 1 : min_u64(when, ms_to_j(ut_ms - el, hz));
                }
                j = fire(s, j, when, true);
        }
        return j;
}

/* §2.12: an unresolved neighbour turns into a local ICMP host-unreachable
 * every ~3 s; each one is an event at which the budget (from the original
 * send) is checked. The cycle comes from neighbour timers, not the TCP
 * chain, so the range is the measured cycle's bounds. */
static void neighbour_cycles(const struct params *p, struct model_result *r) {
        uint64_t T = (p->ut_ms ? p->ut_ms : p->T_ms) * USEC_PER_MSEC;
        uint64_t lo = K(NEIGH_CYCLE_MIN), typ = K(NEIGH_CYCLE_TYPICAL), hi = K(NEIGH_CYCLE_MAX);
        uint64_t kmin = (T + hi - 1) / hi, ktyp = (T + typ - 1) / typ, kmax = (T + lo - 1) / lo;
        r->detect_min_us = max_u64(kmin, 1) * lo;
        r->detect_us = max_u64(ktyp, 1) * typ;
        r->detect_max_us = max_u64(kmax, 1) * hi;
        r->n_events = 0;
        r->events[r->n_events++] = (struct model_event) { 0, EVENT_SEND, 1 };
        for (uint64_t k = 1; k < max_u64(ktyp, 1) && r->n_events < MODEL_MAX_EVENTS - 1; k++)
                r->events[r->n_events++] = (struct model_event) { k * typ, EVENT_RTO, (unsigned) k };
        r->events[r->n_events++] = (struct model_event) { r->detect_us, EVENT_ABORT, 1 };
}

typedef uint64_t (*chain_fn)(const struct params *p, struct sim *s, uint64_t j0, uint64_t j1);

/* A start far from 0, aligned to every wheel granularity, so J0 = J1 - off
 * never underflows and J1 keeps its phase modulo 8^L. */
#define J_BASE (UINT64_C(1) << 40)

/* One class of phases: J1 fixed, J0 = J1 - off over the offsets
 * off_lo, off_lo + stride, ... below off_hi, then off_hi. */
struct sweep_class {
        const struct params *p;
        chain_fn chain;
        struct sim *s;
        uint64_t j1, off_lo, off_hi, stride, n_offs;
        /* Extremes, sum and count of J_abort - J0 over the sweep. */
        uint64_t emin, emax, sum, count;
        bool overflow;               /* sum left uint64_t: redo in exact_order */
        bool exact_order;            /* every offset in order, summed as long double */
        long double ld_sum;
};

static uint64_t class_off(const struct sweep_class *c, uint64_t i) {
        return i + 1 < c->n_offs ? c->off_lo + i * c->stride : c->off_hi;
}

static uint64_t class_end(struct sweep_class *c, uint64_t i) {
        uint64_t j0 = c->j1 - class_off(c, i);
        return c->chain(c->p, c->s, j0, c->j1);
}

static void class_add(struct sweep_class *c, uint64_t i, uint64_t j_end) {
        uint64_t e = j_end - (c->j1 - class_off(c, i));
        c->emin = min_u64(c->emin, e);
        c->emax = max_u64(c->emax, e);
        if (c->exact_order)
                c->ld_sum += (long double) e;
        else if (__builtin_add_overflow(c->sum, e, &c->sum))
                c->overflow = true;
        c->count++;
}

/* Add offsets [a, b), J_abort known at both ends. For a J0_MONOTONE chain
 * J_abort does not grow with the offset (the expiries are the same, only
 * the stop moves, and never later for an earlier J0), so equal ends mean
 * every offset between ends there too, with the same timers fired. */
static void class_fill(struct sweep_class *c, uint64_t a, uint64_t ja, uint64_t b, uint64_t jb) {
        if (ja == jb) {
                for (uint64_t i = a; i < b; i++)
                        class_add(c, i, ja);
                return;
        }
        if (b - a == 1) {
                class_add(c, a, ja);
                return;
        }
        uint64_t m = a + (b - a) / 2, jm = class_end(c, m);
        class_fill(c, a, ja, m, jm);
        class_fill(c, m, jm, b, jb);
}

static void class_sweep(struct sweep_class *c) {
        uint64_t last = c->n_offs - 1, j_first = class_end(c, 0);

        if (c->exact_order || c->p->j0_dep == J0_ANY) {
                class_add(c, 0, j_first);
                for (uint64_t i = 1; i <= last; i++)
                        class_add(c, i, class_end(c, i));
        } else if (c->p->j0_dep == J0_NONE) {
                for (uint64_t i = 0; i <= last; i++)
                        class_add(c, i, j_first);
        } else {
                uint64_t j_last = last ? class_end(c, last) : j_first;
                class_fill(c, 0, j_first, last, j_last);
                class_add(c, last, j_last);
        }
}

/* Sweep the phases (invariant 2). The first expiry J1 comes either from a
 * timer of first_d jiffies armed at J0 (J1 - J0 in [d+1, d+g]), or from a
 * timer already pending (J1 - J0 in [0, pending]). The mean is the exact
 * sum over count: as uint64_t, or when that overflows as the long double
 * sum in sweep order, which is exact up to 2^64 and so the same below. */
static void sweep(const struct params *p, chain_fn chain, struct model_result *r) {
        struct sim probe = {};
        uint64_t off_lo, off_hi, g1;

        if (p->pending) {
                /* The pending timer was armed (by the last probe or its
                 * ACK) up to `pending` jiffies before the peer went silent
                 * and fires up to a granule after that: J1 - J0 reaches
                 * pending + g1. Measured zw_b4_r2_4 (tests/kernel/cases.txt):
                 * aborts at 17.72-17.96 s, past the 17.73 s this bound
                 * gave when it stopped at `pending`. */
                g1 = UINT64_C(1) << (3 * wheel_level(p->pending));
                off_lo = 0;
                off_hi = p->pending + g1;
        } else {
                g1 = UINT64_C(1) << (3 * wheel_level(p->first_d));
                off_lo = p->first_d + 1;
                off_hi = p->first_d + g1;
        }
        /* Offsets within a class: every one while cheap, else 65 evenly
         * spaced (only a 16 s+ first timer needs that). */
        uint64_t stride = max_u64(1, (off_hi - off_lo) / 64);
        uint64_t n_offs = 1 + (off_hi - off_lo + stride - 1) / stride;

        (void) chain(p, &probe, J_BASE - off_lo, J_BASE);
        unsigned L = probe.max_level;
        if (3 * wheel_level(max_u64(p->first_d, p->pending)) > 3 * L)
                L = wheel_level(max_u64(p->first_d, p->pending));

        struct chain_memo memo;
        for (bool exact_order = false;;) {
                memo.n = 0;
                uint64_t period = UINT64_C(1) << (3 * L), classes = period > g1 ? period / g1 : 1;
                struct sim s = { .memo = p->use_memo ? &memo : NULL };
                struct sweep_class c = {
                        .p = p, .chain = chain, .s = &s,
                        .off_lo = off_lo, .off_hi = off_hi, .stride = stride, .n_offs = n_offs,
                        .emin = UINT64_MAX, .exact_order = exact_order,
                };

                for (uint64_t k = 0; k < classes; k++) {
                        c.j1 = J_BASE + k * g1;
                        class_sweep(&c);
                }
                if (s.max_level > L) {
                        L = s.max_level; /* a longer chain reached a higher level: redo */
                        continue;
                }
                if (c.overflow && !exact_order) {
                        exact_order = true;
                        continue;
                }
                long double mean = (exact_order ? c.ld_sum : (long double) c.sum) / (long double) c.count;
                r->detect_max_us = j_to_us(c.emax, p->hz);
                r->detect_min_us = j_to_us(c.emin - 1, p->hz);
                r->detect_us = (uint64_t) ((mean - 0.5L) * (long double) USEC_PER_SEC / (long double) p->hz + 0.5L);
                break;
        }

        /* The timeline: one typical phase, first class, mean offset. */
        struct sim rs = { .rec = r };
        uint64_t off = (off_lo + off_hi) / 2;
        rs.rec_j0 = J_BASE - off;
        r->n_events = 0;
        r->events[r->n_events++] = (struct model_event) { 0, EVENT_SEND, 1 };
        (void) chain(p, &rs, rs.rec_j0, J_BASE);
}

static void governed(struct model_result *r, const char *what) {
        if (r->n_governed_by < MODEL_MAX_GOVERNORS)
                r->governed_by[r->n_governed_by++] = what;
}

int model_run(const struct model_input *in, enum scenario scenario, struct model_result *ret) {
        struct model_result *r = ret;
        struct params p = { .in = in, .scenario = scenario, .hz = in->hz };
        chain_fn chain = NULL;

        if (in->hz == 0 || in->hz > 10000 || in->segments == 0 || (unsigned) scenario >= _SCENARIO_MAX)
                return -EINVAL;

        *r = (struct model_result) { .scenario = scenario, .error = ETIMEDOUT };
        p.M = max_u64(us_to_j(in->rto_max_us, in->hz), 1);
        p.R = us_to_j(model_rto_us(in), in->hz);
        p.ut_ms = in->user_timeout_us / USEC_PER_MSEC;
        if (in->user_timeout_us && p.ut_ms == 0)
                p.ut_ms = 1;

        switch (scenario) {
        case SCENARIO_ESTABLISHED:
        case SCENARIO_ORPHAN: {
                bool orphan = scenario == SCENARIO_ORPHAN;
                /* close() after a write leaves data and FIN: two segments (§6). */
                unsigned segs = orphan ? (unsigned) max_u64(in->segments, 2) : in->segments;
                bool tlp = (in->early_retrans == 3 || in->early_retrans == 4) && in->sack;
                if (tlp) {
                        /* §2.4: PTO = J(2 SRTT + X), capped at the RTO. */
                        uint64_t x = segs == 1 ? rto_min_eff_us(in) : K(TLP_MULTI_SEGMENT);
                        uint64_t pto = in->tlp_legacy
                                               ? us_to_j(2 * in->srtt_us, in->hz) +
                                                         (segs == 1 ? us_to_j(K(RTO_MIN), in->hz) : 2)
                                               : us_to_j(2 * in->srtt_us + x, in->hz);
                        p.P = min_u64(pto, p.R);
                }
                p.thin = !orphan && in->thin_linear_timeouts && segs < 4 && !in->cc_bbr;
                unsigned boundary = orphan ? (in->orphan_retries ? in->orphan_retries
                                                                 : (unsigned) K(ORPHAN_RETRIES_DEFAULT))
                                           : in->retries2;
                p.T_ms = model_budget_ms(in->hz, boundary, K(RTO_MIN), in->rto_max_us);
                p.T_dead_ms = in->orphan_retries ? p.T_ms : model_budget_ms(in->hz, 0, K(RTO_MIN), in->rto_max_us);
                p.first_d = p.P ? p.P : p.R;
                chain = chain_rto;
                r->budget_us = (p.ut_ms ? p.ut_ms : p.T_ms) * USEC_PER_MSEC;
                r->has_naive = true;
                r->naive_us = r->budget_us;
                if (p.ut_ms)
                        governed(r, "TCP_USER_TIMEOUT");
                governed(r, orphan ? "net.ipv4.tcp_orphan_retries" : "net.ipv4.tcp_retries2");
                governed(r, "net.ipv4.tcp_rto_min_us");
                governed(r, "net.ipv4.tcp_rto_max_ms");
                governed(r, "net.ipv4.tcp_early_retrans");
                if (!orphan && in->thin_linear_timeouts) {
                        governed(r, "net.ipv4.tcp_thin_linear_timeouts");
                        governed(r, "net.ipv4.tcp_congestion_control");
                        if (in->cc_bbr)
                                r->note = "thin-stream linear timeouts never apply under bbr";
                }
                if (orphan)
                        r->error = 0;
                if (orphan || in->local_failure == LOCAL_FAILURE_NONE)
                        break;
                if (in->local_failure == LOCAL_FAILURE_NEIGHBOUR) {
                        r->error = EHOSTUNREACH;
                        r->note = "an unresolved neighbour is noticed at ~3 s ARP-failure cycles";
                        neighbour_cycles(&p, r);
                        return 0;
                }
                if (in->local_failure_before_send) {
                        /* Nothing left the host: the persist timer counts probes. */
                        p.first_d = probe0_base(&p);
                        chain = chain_probe0;
                        r->budget_us = 0;
                        r->note = "nothing ever left the host: the persist timer counts tcp_retries2 attempts";
                        break;
                }
                if (in->local_failure == LOCAL_FAILURE_ROUTE)
                        r->error = in->local_failure_errno ? in->local_failure_errno : EHOSTUNREACH;
                break;
        }
        case SCENARIO_IDLE:
                p.first_d = us_to_j(in->keepalive_time_us, in->hz);
                chain = chain_keepalive;
                r->has_naive = true;
                r->naive_us = p.ut_ms ? max_u64(p.ut_ms * USEC_PER_MSEC, in->keepalive_time_us + in->keepalive_intvl_us)
                                      : in->keepalive_time_us + in->keepalive_probes * in->keepalive_intvl_us;
                if (p.ut_ms)
                        governed(r, "TCP_USER_TIMEOUT");
                if (in->keepalive_from_socket) {
                        governed(r, "TCP_KEEPIDLE");
                        governed(r, "TCP_KEEPINTVL");
                        governed(r, "TCP_KEEPCNT");
                } else {
                        governed(r, "net.ipv4.tcp_keepalive_time");
                        governed(r, "net.ipv4.tcp_keepalive_intvl");
                        governed(r, "net.ipv4.tcp_keepalive_probes");
                }
                r->note = "only for sockets with SO_KEEPALIVE; without it an idle connection never notices";
                break;
        case SCENARIO_CONNECT:
                /* §4: initial RTO 1 s, no RTT sample, no TLP; budget base 1 s. */
                p.R = min_u64(us_to_j(K(TIMEOUT_INIT), in->hz), p.M);
                p.first_d = p.R;
                p.T_ms = model_budget_ms(in->hz, in->syn_retries, K(TIMEOUT_INIT), in->rto_max_us);
                chain = chain_syn;
                r->budget_us = (p.ut_ms ? p.ut_ms : p.T_ms) * USEC_PER_MSEC;
                r->has_naive = true;
                r->naive_us = r->budget_us;
                if (p.ut_ms)
                        governed(r, "TCP_USER_TIMEOUT");
                governed(r, "net.ipv4.tcp_syn_retries");
                governed(r, "net.ipv4.tcp_syn_linear_timeouts");
                governed(r, "net.ipv4.tcp_rto_max_ms");
                break;
        case SCENARIO_ACCEPT:
                p.first_d = us_to_j(K(TIMEOUT_INIT), in->hz);
                chain = chain_synack;
                r->error = 0;
                r->has_naive = true;
                r->naive_us = in->synack_retries >= 40 ? UINT64_MAX
                                                       : ((UINT64_C(2) << in->synack_retries) - 1) * K(TIMEOUT_INIT);
                governed(r, "net.ipv4.tcp_synack_retries");
                governed(r, "net.ipv4.tcp_syncookies");
                r->note = "no application is told; with SYN cookies in use no request is kept at all";
                break;
        case SCENARIO_FIN_WAIT_2: {
                uint64_t F = fin_time_j(&p), tw = us_to_j(K(TIMEWAIT_LEN), in->hz);
                p.first_d = F > tw ? F - tw : F;
                chain = chain_fin_wait_2;
                r->error = 0;
                r->has_naive = true;
                r->naive_us = in->fin_timeout_us;
                governed(r, "net.ipv4.tcp_fin_timeout");
                if (F > tw)
                        r->note = "above 60 s the kernel waits twice (F - 60 s): once as a full socket, once in time-wait";
                break;
        }
        case SCENARIO_ZERO_WINDOW:
                if (in->zw_backoff || in->zw_probes_out)
                        p.pending = probe0_when(probe0_base(&p), p.M, in->zw_backoff);
                else
                        p.first_d = probe0_base(&p); /* tcp_check_probe_timer() */
                chain = chain_probe0;
                if (p.ut_ms)
                        governed(r, "TCP_USER_TIMEOUT");
                governed(r, "net.ipv4.tcp_retries2");
                governed(r, "net.ipv4.tcp_rto_min_us");
                governed(r, "net.ipv4.tcp_rto_max_ms");
                break;
        default:
                return -EINVAL;
        }

        /* What each chain reads of J0: chain_rto only fail_j and the
         * last real transmission, both unused without a local failure;
         * chain_syn its give-up age, once the delays stop depending on
         * the user timeout; chain_keepalive only the user timeout's
         * age; chain_synack, chain_fin_wait_2, chain_probe0 nothing. */
        if (chain == chain_rto)
                p.j0_dep = in->local_failure == LOCAL_FAILURE_NONE ? J0_NONE : J0_ANY;
        else if (chain == chain_syn)
                p.j0_dep = p.ut_ms ? J0_ANY : J0_MONOTONE;
        else if (chain == chain_keepalive)
                p.j0_dep = p.ut_ms ? J0_MONOTONE : J0_NONE;
        else
                p.j0_dep = J0_NONE;
        p.use_memo = !p.ut_ms && (chain == chain_probe0 || (chain == chain_rto && in->local_failure == LOCAL_FAILURE_NONE));
        p.T_j = ms_budget_j(p.T_ms, in->hz);
        p.T_dead_j = ms_budget_j(p.T_dead_ms, in->hz);
        p.ut_budget_j = ms_budget_j(p.ut_ms, in->hz);
        p.ut_j = ms_to_j(p.ut_ms, in->hz);
        sweep(&p, chain, r);
        return 0;
}

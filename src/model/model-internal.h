/* SPDX-License-Identifier: MIT */
/* Private to the model (model.c, model-chains.c, model-sweep.c): kernel
 * constants, jiffies arithmetic, the timer wheel, and the contract between
 * a scenario's setup (model.c), its chain of timers (model-chains.c) and
 * the phase sweep (model-sweep.c). Sections are those of docs/MODEL.md.
 *
 * Notation. A run starts with the triggering event at jiffy start_j (the
 * write, connect(), the last received segment, the close(), the moment the
 * peer went silent). Its first timer expires at first_j. A chain follows
 * the timers from there to the kernel giving up and returns that jiffy. */
#pragma once

#include "model.h"

/* Bound on timer expiries per chain: a safety net, never reached by an
 * input the kernel can hold. */
#define MODEL_MAX_CHAIN 4096

/* Kernel constants, in microseconds unless a count, with where they are
 * defined (K(RTO_MIN) for TCP_RTO_MIN). Header-static so that every model
 * file folds them into its loops. */
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
         * local ICMP host-unreachable; measured 3.07 s on 6.18 (MODEL.md §5.8). */
        [K_NEIGH_CYCLE_MIN]        = { "ARP failure cycle, lower bound", 3000 * USEC_PER_MSEC, "net/core/neighbour.c (measured)" },
        [K_NEIGH_CYCLE_TYPICAL]    = { "ARP failure cycle, measured", 3070 * USEC_PER_MSEC, "net/core/neighbour.c (measured)" },
        [K_NEIGH_CYCLE_MAX]        = { "ARP failure cycle, upper bound", 3120 * USEC_PER_MSEC, "net/core/neighbour.c (measured)" },
        [K_MAX_CHAIN]              = { "model safety bound on timer expiries", MODEL_MAX_CHAIN, "model-internal.h" },
};
#define K(x) (kconsts[K_##x].value)

/* Unit conversions the way include/linux/jiffies.h rounds them: into
 * jiffies up, out of them down (MODEL.md §2). */
static inline uint64_t us_to_j(uint64_t us, unsigned hz) {
        return (us * hz + USEC_PER_SEC - 1) / USEC_PER_SEC;
}
static inline uint64_t ms_to_j(uint64_t ms, unsigned hz) {
        return (ms * hz + 999) / 1000;
}
static inline uint64_t j_to_us(uint64_t j, unsigned hz) {
        return j * USEC_PER_SEC / hz;
}
static inline uint64_t j_to_ms(uint64_t j, unsigned hz) {
        return j * 1000 / hz;
}
/* The least elapsed jiffies x with j_to_ms(x) >= ms: x * 1000 / hz >= ms
 * holds exactly when x * 1000 >= ms * hz, i.e. x >= ceil(ms * hz / 1000). */
static inline uint64_t ms_budget_j(uint64_t ms, unsigned hz) {
        if (ms > (UINT64_MAX - 999) / hz)
                return UINT64_MAX;
        return (ms * hz + 999) / 1000;
}
static inline uint64_t min_u64(uint64_t a, uint64_t b) {
        return a < b ? a : b;
}
static inline uint64_t max_u64(uint64_t a, uint64_t b) {
        return a > b ? a : b;
}

/* A chain's expiries, kept from one phase to the next (model_sweep()).
 * Where every delay is fixed by its ordinal (no user timeout; for
 * model_chain_rto no local failure either), expiry i + 1 onwards follow
 * from expiry i alone: a phase whose chain starts elsewhere rewrites
 * entries until it meets the kept one, and shares the rest.
 * model_chain_rto keeps RTO #2 on, where only the give-up test differs
 * between phases (through retrans_stamp), and fills entries as far as
 * some phase needed; model_chain_probe0 keeps every probe, its give-up a
 * count. A timer's level follows from its delay alone, so the levels seen
 * over a sweep are the ones its phases would see. */
struct chain_memo {
        size_t n;                           /* entries filled; 0: empty */
        unsigned rto_n;                     /* RTO chain: RTO ordinal of the last entry */
        uint64_t armed_j;                   /* RTO chain: the delay after the last entry */
        uint64_t expiry_j[MODEL_MAX_CHAIN + 1];  /* RTO #(i + 2), probe #(i + 1) */
        uint64_t delay_j[MODEL_MAX_CHAIN + 1];   /* the delay that timer was armed for */
        uint64_t budget_j[MODEL_MAX_CHAIN + 1];  /* RTO chain: give-up age in force there */
};

/* The transmissions of one walk, as jiffies (the outage sweep, §15). */
struct tx_log {
        uint64_t j[MODEL_MAX_CHAIN + 2];
        size_t n;
};

/* One walk along a chain: what it observed and where it reports. */
struct sim {
        unsigned max_level;          /* highest wheel level any timer used */
        struct model_result *rec;    /* record events here, or NULL */
        uint64_t rec_start_j;        /* the triggering event of the recorded walk */
        struct chain_memo *memo;     /* share expiries here, or NULL */
        struct tx_log *tx;           /* log transmissions here, or NULL (then memo is NULL) */
};

/* How a chain's end depends on start_j once first_j is fixed
 * (model_sweep()). */
enum start_dependence {
        START_ANY,        /* in any way: every offset is simulated */
        START_MONOTONE,   /* expiries fixed by first_j, the stop comes no later for an earlier start */
        START_NONE,       /* not at all */
};

/* Derived, per-run constants; delays in jiffies. */
struct params {
        const struct model_input *in;
        enum scenario scenario;
        unsigned hz;
        uint64_t rto_j;              /* RTO at send time (MODEL.md §5.1) */
        uint64_t tlp_j;              /* tail-loss probe delay, 0 without TLP (§5.2) */
        uint64_t rto_max_j;          /* rto_max */
        uint64_t user_timeout_ms;    /* TCP_USER_TIMEOUT, 0: none (§5.6) */
        bool thin_stream;            /* linear timeouts apply (§5.7) */
        uint64_t budget_ms;          /* give-up budget (established, connect, orphan while alive) */
        uint64_t budget_dead_ms;     /* orphan once icsk_rto reached rto_max (§9) */
        uint64_t first_delay_j;      /* first timer, armed outside a callback at start_j */
        uint64_t pending_j;          /* zero-window: a probe timer already pending, up to this long */
        /* The budgets as elapsed jiffies (ms_budget_j()), so that chains
         * compare without dividing; user_timeout_j is J(user_timeout_ms). */
        uint64_t budget_j, budget_dead_j, user_timeout_budget_j, user_timeout_j;
        bool use_memo;               /* the chain may use a struct chain_memo */
        bool trigger_sends;          /* the triggering event is a transmission (§15) */
        enum start_dependence start_dep;
};

/* A chain of timers for one scenario: from the first expiry first_j of a
 * run whose triggering event was at start_j, to the expiry at which the
 * kernel gives up, which it returns. Records events into s->rec. */
typedef uint64_t (*chain_fn)(const struct params *p, struct sim *s, uint64_t start_j, uint64_t first_j);

/* The timer wheel, kernel/time/timer.c (MODEL.md §3). */

/* calc_wheel_index(): LVL_START(n) = 63 << 3(n-1): the level is how many
 * of 63, 63 * 8, ... 63 * 8^7 delta reaches, and delta >= 63 * 8^m holds
 * exactly when delta / 63 >= 8^m, that is when ilog2(delta / 63) >= 3m. */
static inline unsigned wheel_level(uint64_t delta) {
        uint64_t q = delta / 63;
        if (q == 0)
                return 0;
        unsigned n = 1 + (unsigned) (63 - __builtin_clzll(q)) / 3;
        return n < 8 ? n : 8;
}

/* The expiry of a timer armed at now_j for delay_j jiffies: rounded up to
 * its level's granularity, never early. Inside a timer callback the
 * wheel's clock is one jiffy ahead. */
static inline uint64_t fire(struct sim *s, uint64_t now_j, uint64_t delay_j, bool in_callback) {
        uint64_t expires = now_j + delay_j, clk = now_j + (in_callback ? 1 : 0);
        unsigned n = wheel_level(expires > clk ? expires - clk : 0);
        if (n > s->max_level)
                s->max_level = n;
        return ((expires >> (3 * n)) + 1) << (3 * n);
}

/* Chains, model-chains.c: one per timer the scenarios end on. */
uint64_t model_chain_rto(const struct params *p, struct sim *s, uint64_t start_j, uint64_t first_j);
uint64_t model_chain_keepalive(const struct params *p, struct sim *s, uint64_t start_j, uint64_t first_j);
uint64_t model_chain_syn(const struct params *p, struct sim *s, uint64_t start_j, uint64_t first_j);
uint64_t model_chain_synack(const struct params *p, struct sim *s, uint64_t start_j, uint64_t first_j);
uint64_t model_chain_fin_wait_2(const struct params *p, struct sim *s, uint64_t start_j, uint64_t first_j);
uint64_t model_chain_probe0(const struct params *p, struct sim *s, uint64_t start_j, uint64_t first_j);
/* tcp_fin_time(): how long an orphaned FIN-WAIT-2 socket lives, jiffies. */
uint64_t model_fin_time_j(const struct params *p);
/* The persist timer's base interval max(RTO, TCP_RTO_MIN), and its delay
 * after `backoff` doublings (tcp_probe0_when()). */
uint64_t model_probe0_base_j(const struct params *p);
uint64_t model_probe0_when_j(uint64_t base_j, uint64_t rto_max_j, unsigned backoff);
/* An unresolved neighbour: fills r's range and timeline from the measured
 * ARP failure cycle; no timer chain to sweep. */
void model_neighbour_cycles(const struct params *p, struct model_result *r);

/* model-sweep.c: run `chain` over every phase of the first arming and set
 * r's detect_min_us, detect_us, detect_max_us and timeline. */
void model_sweep(const struct params *p, chain_fn chain, struct model_result *r);

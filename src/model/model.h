/* SPDX-License-Identifier: MIT */
/* The dead-peer timing model: pure computation, no I/O, no printing.
 *
 * Input: the tunables of a network namespace plus assumptions about the
 * connection (RTT, RTO, segments in flight, socket options). Output, per
 * scenario: the earliest, typical and latest instant at which the kernel
 * gives up, counted from the triggering event (the write, connect(), the
 * last received segment, the close(), the moment the peer went silent),
 * the textbook figure, the errno, the governing tunables and a timeline.
 *
 * Every step follows docs/MODEL.md; the section and kernel function are
 * cited where the step is taken. Time is microseconds at the edges and
 * jiffies inside, because that is what the kernel's timers count. */
#pragma once

#include "model-outage.h"
#include "scenario.h"
#include "util.h"

/* Local transmit failures (docs/MODEL.md §5.8): where the packet dies
 * on this host decides the timing, not the peer. */
enum model_local_failure {
        LOCAL_FAILURE_NONE,
        LOCAL_FAILURE_QDISC_DROP,   /* NET_XMIT_DROP: 500 ms retries, no backoff */
        LOCAL_FAILURE_ROUTE,        /* route lookup fails: backoff, soft error */
        LOCAL_FAILURE_NEIGHBOUR,    /* ARP/ND never resolves: ~3 s ICMP cycles */
};

struct model_input {
        unsigned hz;                    /* CONFIG_HZ: 100, 250, 300, 1000 */

        /* Tunables (sysctl values of the socket's namespace). */
        unsigned retries2;              /* tcp_retries2 */
        unsigned orphan_retries;        /* tcp_orphan_retries (0 means 8 while alive) */
        unsigned syn_retries;           /* tcp_syn_retries, or TCP_SYNCNT */
        unsigned syn_linear_timeouts;   /* tcp_syn_linear_timeouts (0 before 6.5) */
        unsigned synack_retries;        /* tcp_synack_retries */
        uint64_t rto_min_us;            /* tcp_rto_min_us (200 ms before 6.11) */
        uint64_t rto_max_us;            /* tcp_rto_max_ms * 1000 (120 s before 6.15) */
        uint64_t keepalive_time_us;     /* tcp_keepalive_time, or TCP_KEEPIDLE */
        uint64_t keepalive_intvl_us;    /* tcp_keepalive_intvl, or TCP_KEEPINTVL */
        unsigned keepalive_probes;      /* tcp_keepalive_probes, or TCP_KEEPCNT */
        bool keepalive_from_socket;     /* the three above come from socket options */
        uint64_t fin_timeout_us;        /* tcp_fin_timeout (negative values read as 0) */
        unsigned early_retrans;         /* tcp_early_retrans: 3, 4 enable TLP */
        bool sack;                      /* tcp_sack: TLP needs SACK */
        bool thin_linear_timeouts;      /* tcp_thin_linear_timeouts */
        bool cc_bbr;                    /* congestion control is bbr */
        bool tlp_legacy;                /* kernel < 6.6: PTO = J(2 SRTT) + 200 ms */

        /* Assumptions about the connection. */
        uint64_t srtt_us;               /* smoothed RTT (--rtt) */
        uint64_t rto_us;                /* RTO in force when the data was sent (--rto); 0: J(srtt + rto_min) */
        unsigned segments;              /* packets in flight (>= 1) */
        uint64_t user_timeout_us;       /* TCP_USER_TIMEOUT; 0: none */
        unsigned zw_backoff;            /* zero-window: icsk_backoff when the peer went silent */
        unsigned zw_probes_out;         /* zero-window: unanswered probes then */

        enum model_local_failure local_failure;  /* established only */
        bool local_failure_before_send;  /* from before the first transmission */
        uint64_t local_failure_at_us;   /* else: this long after the send */
        int local_failure_errno;        /* route: EHOSTUNREACH, ENETUNREACH, EACCES, EINVAL */

        /* Appended, so that tools/model-diff.sh can hand this struct to
         * an older model: everything below is zero unless asked for. */
        bool address_gone;              /* the local failure is this host's address disappearing */
        bool inet6;                     /* the connection is IPv6 (address-gone keeps sending) */
        bool outage;                    /* fold outage survival into the result (model-outage.h) */
        uint64_t outage_us;             /* the path is back this long after the triggering event */
};

/* Fill with kernel defaults (docs/MODEL.md §12) and a LAN connection:
 * HZ_ASSUMED, RTT 100 us, one segment. The tunables come from the catalog
 * (tunables.c), the only place a default lives. */
void model_input_defaults(struct model_input *in);

enum model_event_kind {
        EVENT_SEND,        /* the triggering event */
        EVENT_TLP,         /* tail-loss probe */
        EVENT_RTO,         /* retransmission timeout: a retransmission */
        EVENT_SYN,         /* SYN retransmission */
        EVENT_SYNACK,      /* SYN-ACK retransmission */
        EVENT_PROBE,       /* zero-window probe */
        EVENT_KEEPALIVE,   /* keepalive probe */
        EVENT_TIMEWAIT,    /* FIN-WAIT-2 socket becomes a time-wait socket */
        EVENT_ABORT,       /* the kernel gives up */
};
const char *model_event_kind_to_string(enum model_event_kind k);

struct model_event {
        uint64_t t_us;     /* from the triggering event, one typical phase */
        enum model_event_kind kind;
        unsigned n;        /* 1-based ordinal within its kind (RTO #n) */
};

#define MODEL_MAX_EVENTS 300
#define MODEL_MAX_GOVERNORS 8

struct model_result {
        enum scenario scenario;
        bool never;                  /* no timer ever fires (keepalive off, ...) */
        uint64_t detect_us;          /* typical: mean over timer-wheel phases */
        uint64_t detect_min_us;
        uint64_t detect_max_us;
        bool has_naive;
        uint64_t naive_us;           /* the manual's figure */
        uint64_t budget_us;          /* give-up budget when time-based (0: count-based) */
        int error;                   /* errno reported (ETIMEDOUT), 0: no descriptor left */
        const char *governed_by[MODEL_MAX_GOVERNORS];  /* tunable keys or socket options */
        size_t n_governed_by;
        struct model_event events[MODEL_MAX_EVENTS];
        size_t n_events;
        bool events_truncated;
        const char *note;            /* one caveat worth printing, or NULL */

        /* Appended (see struct model_input). With in->outage: how the
         * scenario's transmissions fare across an outage of
         * in->outage_us, over every timer phase (docs/MODEL.md §15). */
        bool has_outage;             /* the scenario transmits: outage is filled */
        struct model_outage outage;
        const char *outage_note;     /* what the outage does beyond the timing, or NULL */
};

/* Run one scenario. Returns 0, or -EINVAL for inputs the kernel cannot
 * hold (hz 0, segments 0). */
int model_run(const struct model_input *in, enum scenario s, struct model_result *ret);

/* tcp_model_timeout(): the give-up budget of `boundary` doubling RTOs from
 * rto_base, capped at rto_max, in milliseconds as the kernel computes it
 * (jiffies, then jiffies_to_msecs). */
uint64_t model_budget_ms(unsigned hz, unsigned boundary, uint64_t rto_base_us, uint64_t rto_max_us);

/* The RTO the model assumes at send time, in microseconds (jiffy-rounded). */
uint64_t model_rto_us(const struct model_input *in);

/* SPDX-License-Identifier: MIT */
/* When will the kernel give up on this live socket? The model's chains,
 * entered in the middle: from what sock_diag shows of one socket (its
 * pending timer, how many retransmissions or probes are out, its RTO) and
 * its namespace's tunables, the time from now until the abort, as a range,
 * and the errno the application will read. Pure, no I/O.
 *
 * What sock_diag does not show is taken from the namespace and named in
 * the result as an assumption, never guessed silently: a socket's
 * TCP_USER_TIMEOUT, TCP_KEEPIDLE/KEEPINTVL/KEEPCNT and TCP_SYNCNT. */
#pragma once

#include "model.h"

/* TCP states, numbered as the kernel's enum in include/net/tcp_states.h
 * (what inet_diag reports in idiag_state). */
enum tcp_state {
        TCP_STATE_ESTABLISHED = 1,
        TCP_STATE_SYN_SENT,
        TCP_STATE_SYN_RECV,
        TCP_STATE_FIN_WAIT1,
        TCP_STATE_FIN_WAIT2,
        TCP_STATE_TIME_WAIT,
        TCP_STATE_CLOSE,
        TCP_STATE_CLOSE_WAIT,
        TCP_STATE_LAST_ACK,
        TCP_STATE_LISTEN,
        TCP_STATE_CLOSING,
        TCP_STATE_NEW_SYN_RECV,
        _TCP_STATE_MAX,
};
/* "established", "syn-sent", ... (ss's names, lower case); NULL if unknown. */
const char *tcp_state_to_string(enum tcp_state s);
/* Returns the state or -EINVAL; accepts ss's spellings too ("estab"). */
int tcp_state_from_string(const char *s);

/* The pending timer, from inet_diag's idiag_timer and the state. */
enum sock_timer {
        SOCK_TIMER_NONE,
        SOCK_TIMER_RETRANSMIT,  /* RTO (also TLP, RACK reorder) in a synchronised state */
        SOCK_TIMER_PROBE,       /* zero-window probe (persist) */
        SOCK_TIMER_KEEPALIVE,   /* keepalive (sk_timer) */
        SOCK_TIMER_SYN,         /* SYN retransmission: SYN-SENT */
        SOCK_TIMER_SYNACK,      /* SYN-ACK retransmission: a request socket */
        SOCK_TIMER_FIN_WAIT_2,  /* orphaned FIN-WAIT-2: sk_timer or the time-wait socket */
        SOCK_TIMER_TIME_WAIT,   /* TIME-WAIT: ends by design, nothing fails */
        _SOCK_TIMER_MAX,
};
/* "retransmit", "probe", ... as the JSON output names them; NULL for NONE. */
const char *sock_timer_to_string(enum sock_timer t);

/* From idiag_timer (0 none, 1 retransmit, 2 keepalive, 3 time-wait, 4
 * zero-window probe) and the socket's state. */
enum sock_timer sock_timer_from_diag(unsigned idiag_timer, enum tcp_state state);

struct sock_state {
        enum tcp_state state;
        enum sock_timer timer;
        bool orphan;             /* no file (idiag_inode 0): the application closed it */
        bool inet6;
        bool local_address_gone; /* its local address is no longer assigned */
        bool timewait;           /* a time-wait socket (idiag_timer 3): FIN-WAIT-2's second wait */
        uint64_t expires_us;     /* until the pending timer fires (idiag_expires) */
        unsigned retransmits;    /* icsk_retransmits; num_retrans of a request socket */
        unsigned probes;         /* icsk_probes_out: zero-window or keepalive probes */
        unsigned backoff;        /* icsk_backoff (tcpi_backoff) */
        uint64_t rto_us;         /* tcpi_rto: icsk_rto, backed off; 0: unknown */
        uint64_t rtt_us;         /* tcpi_rtt; 0: unknown */
        unsigned unacked;        /* tcpi_unacked: segments in flight */
};

#define SOCK_PREDICT_MAX_ASSUMPTIONS 4

struct sock_prediction {
        bool failing;            /* a retransmission or probe is out, or the address is gone */
        bool aborts;             /* the kernel will end it if nothing answers */
        uint64_t abort_min_us;   /* from now */
        uint64_t abort_max_us;
        int error;               /* errno the application reads; 0: no application (orphan, request) */
        const char *assumptions[SOCK_PREDICT_MAX_ASSUMPTIONS]; /* static strings */
        size_t n_assumptions;
};

/* Whether a socket is failing now: a retransmission or probe is out, or
 * its local address is gone (what sock_predict() reports as failing,
 * without running the model). */
bool sock_failing(const struct sock_state *st);

/* Predict for one socket from its state and its namespace's model input
 * (live_model_input()). A socket that nothing will abort (no timer, a
 * keepalive or retransmit timer with nothing out is still predicted:
 * "if the peer is gone now") gets aborts false only where no timer can
 * end it. Returns 0, or -EINVAL for an input the model refuses. */
int sock_predict(const struct model_input *ns, const struct sock_state *st, struct sock_prediction *ret);

/* SPDX-License-Identifier: MIT */
/* model/sock-predict.c: a live socket's abort from its state. The expected
 * figures are worked out by hand below from the kernel's rules, at HZ 250
 * (a jiffy is 4 ms), not taken from the code. */
#include <errno.h>

#include "sock-predict.h"
#include "test.h"

#define MS(x) ((uint64_t) (x) * USEC_PER_MSEC)

static struct model_input ns(void) {
        struct model_input in;
        model_input_defaults(&in);
        in.hz = 250;
        return in;
}

/* expected (from now) inside [min, max], and the range no wider than
 * width. The widths follow the wheel: each timer still to fire may be up
 * to one granule of its delay late (1 jiffy below 63 jiffies, 8 below
 * 504, 64 below 4032, 512 below 32256), so the range is the schedule
 * plus or minus the granules of the timers left, pending one included,
 * and two jiffies. */
static void check_range(const struct sock_prediction *p, uint64_t expected, uint64_t width) {
        test_assert(p->aborts);
        if (p->abort_min_us > expected || p->abort_max_us < expected || p->abort_max_us - p->abort_min_us > width)
                printf("# expected %" PRIu64 " us in [%" PRIu64 ", %" PRIu64 "], width <= %" PRIu64 "\n", expected,
                       p->abort_min_us, p->abort_max_us, width);
        test_assert(p->abort_min_us <= expected);
        test_assert(p->abort_max_us >= expected);
        test_assert(p->abort_max_us - p->abort_min_us <= width);
}

static bool assumed(const struct sock_prediction *p, const char *word) {
        for (size_t i = 0; i < p->n_assumptions; i++)
                if (strstr(p->assumptions[i], word))
                        return true;
        return false;
}

/* tcp_retries2 5, RTO 204 ms (51 jiffies: RTT ~0 + rto_min 200 ms), two
 * retransmissions made (backoff 2, icsk_rto 816 ms), RTO #3 due in 500 ms.
 * Budget tcp_model_timeout(5, 200 ms) = 63 x 200 ms = 12.6 s from RTO #1;
 * RTO #2..#5 at +2R, +6R, +14R, +30R, the abort at +62R (12.648 s >= 12.6).
 * Left after RTO #3: 56R = 11.424 s; from now 11.924 s. */
static void test_retransmit(void) {
        struct model_input in = ns();
        in.retries2 = 5;
        struct sock_state st = {
                .state = TCP_STATE_ESTABLISHED, .timer = SOCK_TIMER_RETRANSMIT, .expires_us = MS(500),
                .retransmits = 2, .backoff = 2, .rto_us = MS(816), .rtt_us = 100, .unacked = 1,
        };
        struct sock_prediction p;
        test_assert_int(sock_predict(&in, &st, &p), 0);
        check_range(&p, MS(11924), MS(1200));
        test_assert(p.failing);
        test_assert_int(p.error, ETIMEDOUT);
        test_assert(assumed(&p, "TCP_USER_TIMEOUT"));

        /* One retransmission later, RTO #4 due in 1 s: left 48R = 9.792 s. */
        st.retransmits = 3, st.backoff = 3, st.rto_us = MS(1632), st.expires_us = MS(1000);
        test_assert_int(sock_predict(&in, &st, &p), 0);
        check_range(&p, MS(10792), MS(1200));

        /* The last expiry is the abort: after RTO #5 only the wait of 32R. */
        st.retransmits = 5, st.backoff = 5, st.rto_us = MS(6528), st.expires_us = MS(3000);
        test_assert_int(sock_predict(&in, &st, &p), 0);
        check_range(&p, MS(3000), MS(600));
}

/* Nothing retransmitted yet (tcp_retries2 5, RTO R = 204 ms, one segment,
 * RTT 100 us): the pending timer may be the tail loss probe, armed for
 * J(2 SRTT + rto_min) = 51 jiffies, capped at R, or RTO #1, which the
 * probe arms a full R after it; the socket shows neither apart (both
 * idiag_timer 1, icsk_retransmits 0). RTO #1 at 2R, the abort 62R after
 * it (as above). Due in 100 ms: 62R = 12.648 s left after RTO #1, 12.748 s
 * from now; 63R after the probe, 12.952 s from now. Without the probe
 * (tcp_early_retrans 0) the pending timer is RTO #1: the latest abort is
 * a whole R earlier. */
static void test_tail_loss_probe(void) {
        struct model_input in = ns();
        in.retries2 = 5;
        struct sock_state st = {
                .state = TCP_STATE_ESTABLISHED, .timer = SOCK_TIMER_RETRANSMIT, .expires_us = MS(100),
                .rto_us = MS(204), .rtt_us = 100, .unacked = 1,
        };
        struct sock_prediction p, q;
        test_assert_int(sock_predict(&in, &st, &p), 0);
        test_assert(!p.failing);
        check_range(&p, MS(12748), MS(1500));
        check_range(&p, MS(12952), MS(1500));

        in.early_retrans = 0;
        test_assert_int(sock_predict(&in, &st, &q), 0);
        check_range(&q, MS(12748), MS(1300));
        /* The probe's R on top of the same chain: a range that left the
         * probe out would end where this one does. */
        test_assert(p.abort_max_us >= q.abort_max_us + MS(204));
}

/* The local address is gone (IPv4): every retransmission fails its route
 * lookup, retrans_stamp stays at the original send, and the application
 * reads ENETUNREACH. Expiries from the send: R, 3R, 7R, 15R, 31R, then 63R
 * = 12.852 s >= 12.6 s aborts; after RTO #3 (7R) 56R remain, as above.
 * IPv6 keeps sending from the deleted address: an ordinary dead peer. */
static void test_local_address_gone(void) {
        struct model_input in = ns();
        in.retries2 = 5;
        struct sock_state st = {
                .state = TCP_STATE_ESTABLISHED, .timer = SOCK_TIMER_RETRANSMIT, .expires_us = MS(500),
                .retransmits = 2, .backoff = 2, .rto_us = MS(816), .rtt_us = 100, .unacked = 1,
                .local_address_gone = true,
        };
        struct sock_prediction p;
        test_assert_int(sock_predict(&in, &st, &p), 0);
        test_assert(p.failing);
        test_assert_int(p.error, ENETUNREACH);
        /* The union of "gone before RTO #1" and "gone after it": the
         * route-failure chain's waits round up a little further. */
        check_range(&p, MS(11924), MS(1300));

        st.inet6 = true;
        test_assert_int(sock_predict(&in, &st, &p), 0);
        test_assert_int(p.error, ETIMEDOUT);

        /* Gone but nothing retransmitted yet: failing all the same. */
        st.inet6 = false, st.retransmits = 0, st.backoff = 0, st.rto_us = MS(204);
        test_assert_int(sock_predict(&in, &st, &p), 0);
        test_assert(p.failing);
}

/* An orphan (closed with data unacknowledged): tcp_orphan_retries, no
 * application to tell. */
static void test_orphan(void) {
        struct model_input in = ns();
        in.orphan_retries = 2;
        struct sock_state st = {
                .state = TCP_STATE_FIN_WAIT1, .timer = SOCK_TIMER_RETRANSMIT, .orphan = true,
                .expires_us = MS(100), .retransmits = 1, .backoff = 1, .rto_us = MS(408), .rtt_us = 100,
                .unacked = 2,
        };
        struct sock_prediction p;
        test_assert_int(sock_predict(&in, &st, &p), 0);
        test_assert(p.aborts);
        test_assert_int(p.error, 0);
        /* Budget (2, 200 ms) = 7 x 200 ms = 1.4 s from RTO #1: RTO #2 at
         * +2R = 408 ms, the abort at +6R = 1.224 s? No: 1.224 < 1.4, so RTO
         * #3 at +6R and the abort at +14R = 2.856 s. Left after RTO #2: 12R
         * = 2.448 s; from now 2.548 s. */
        check_range(&p, MS(2548), MS(800));
}

/* SYN-SENT, tcp_syn_retries 2 without linear timeouts: SYN #1 at 1 s, #2
 * at 3 s, the abort at 7 s. With one retransmission made and SYN #2 due in
 * 1.2 s: 4 s remain after it, 5.2 s from now. */
static void test_syn(void) {
        struct model_input in = ns();
        in.syn_retries = 2;
        in.syn_linear_timeouts = 0;
        struct sock_state st = {
                .state = TCP_STATE_SYN_SENT, .timer = sock_timer_from_diag(1, TCP_STATE_SYN_SENT),
                .expires_us = MS(1200), .retransmits = 1, .backoff = 1, .rto_us = MS(2000),
        };
        test_assert_int(st.timer, SOCK_TIMER_SYN);
        struct sock_prediction p;
        test_assert_int(sock_predict(&in, &st, &p), 0);
        check_range(&p, MS(5200), MS(1100)); /* 2 s and 4 s: 64 + 64 jiffies */
        test_assert_int(p.error, ETIMEDOUT);
        test_assert(assumed(&p, "TCP_SYNCNT"));
}

/* A request socket, tcp_synack_retries 3: SYN-ACKs at 1, 3, 7 s, dropped
 * at 15 s; with two retransmitted and the third due in 2 s: 8 s remain
 * after it. Nobody accepted it: no errno. */
static void test_synack(void) {
        struct model_input in = ns();
        in.synack_retries = 3;
        struct sock_state st = {
                .state = TCP_STATE_NEW_SYN_RECV, .timer = sock_timer_from_diag(1, TCP_STATE_NEW_SYN_RECV),
                .expires_us = MS(2000), .retransmits = 2,
        };
        test_assert_int(st.timer, SOCK_TIMER_SYNACK);
        struct sock_prediction p;
        test_assert_int(sock_predict(&in, &st, &p), 0);
        check_range(&p, MS(10000), MS(1100)); /* 4 s and 8 s: 64 + 64 jiffies */
        test_assert_int(p.error, 0);
}

/* Zero-window probing, tcp_retries2 3, RTO 204 ms, one probe out (backoff
 * 1), probe #2 due in 300 ms: after it backoff 2 (816 ms) to probe #3,
 * backoff 3 (1.632 s) to the expiry that finds 3 probes out and aborts:
 * 2.448 s after the pending one, 2.748 s from now. */
static void test_probe(void) {
        struct model_input in = ns();
        in.retries2 = 3;
        struct sock_state st = {
                .state = TCP_STATE_ESTABLISHED, .timer = sock_timer_from_diag(4, TCP_STATE_ESTABLISHED),
                .expires_us = MS(300), .probes = 1, .backoff = 1, .rto_us = MS(204), .rtt_us = 100,
        };
        test_assert_int(st.timer, SOCK_TIMER_PROBE);
        struct sock_prediction p;
        test_assert_int(sock_predict(&in, &st, &p), 0);
        check_range(&p, MS(2748), MS(700));
        test_assert(p.failing);
        test_assert_int(p.error, ETIMEDOUT);
}

/* Keepalive 30 s / 10 s / 3 probes, one probe out, the next in 4 s: probe
 * #2 then, #3 10 s later, the abort 10 s after that: 24 s from now. */
static void test_keepalive(void) {
        struct model_input in = ns();
        in.keepalive_time_us = 30 * USEC_PER_SEC;
        in.keepalive_intvl_us = 10 * USEC_PER_SEC;
        in.keepalive_probes = 3;
        struct sock_state st = {
                .state = TCP_STATE_ESTABLISHED, .timer = sock_timer_from_diag(2, TCP_STATE_ESTABLISHED),
                .expires_us = 4 * USEC_PER_SEC, .probes = 1, .rto_us = MS(204), .rtt_us = 100,
        };
        test_assert_int(st.timer, SOCK_TIMER_KEEPALIVE);
        struct sock_prediction p;
        test_assert_int(sock_predict(&in, &st, &p), 0);
        check_range(&p, 24 * USEC_PER_SEC, MS(1600)); /* 3 x 10 s: 3 x 64 jiffies */
        test_assert(p.failing);
        test_assert(assumed(&p, "TCP_KEEP"));

        /* Idle, nothing out yet: predicted if the peer is gone now, not failing. */
        st.probes = 0, st.expires_us = 20 * USEC_PER_SEC;
        test_assert_int(sock_predict(&in, &st, &p), 0);
        test_assert(!p.failing);
        check_range(&p, 50 * USEC_PER_SEC, MS(5700)); /* 30 s: 512, 3 x 10 s: 64 */
}

/* fin_timeout 70 s: the full socket waits 10 s, then a time-wait socket
 * 10 s more; the time-wait socket's own expiry is the end. */
static void test_fin_wait_2(void) {
        struct model_input in = ns();
        in.fin_timeout_us = 70 * USEC_PER_SEC;
        struct sock_state st = {
                .state = TCP_STATE_FIN_WAIT2, .timer = sock_timer_from_diag(2, TCP_STATE_FIN_WAIT2),
                .orphan = true, .expires_us = 3 * USEC_PER_SEC, .rto_us = MS(204),
        };
        test_assert_int(st.timer, SOCK_TIMER_FIN_WAIT_2);
        struct sock_prediction p;
        test_assert_int(sock_predict(&in, &st, &p), 0);
        check_range(&p, 13 * USEC_PER_SEC, MS(1100)); /* 2 x 10 s: 2 x 64 jiffies */
        test_assert_int(p.error, 0);
        test_assert(!p.failing);

        st.timer = sock_timer_from_diag(3, TCP_STATE_FIN_WAIT2);
        st.timewait = true;
        test_assert_int(st.timer, SOCK_TIMER_FIN_WAIT_2);
        test_assert_int(sock_predict(&in, &st, &p), 0);
        check_range(&p, 3 * USEC_PER_SEC, MS(550)); /* 10 s: 64 jiffies */
}

/* Nothing pending, or TIME-WAIT: nothing will abort, no assumptions. */
static void test_nothing(void) {
        struct model_input in = ns();
        struct sock_state st = { .state = TCP_STATE_ESTABLISHED, .timer = sock_timer_from_diag(0, TCP_STATE_ESTABLISHED) };
        struct sock_prediction p;
        test_assert_int(sock_predict(&in, &st, &p), 0);
        test_assert(!p.aborts && !p.failing);
        test_assert_int(p.error, 0);
        test_assert_int(p.n_assumptions, 0);
        st.state = TCP_STATE_TIME_WAIT;
        st.timer = sock_timer_from_diag(3, TCP_STATE_TIME_WAIT);
        test_assert_int(st.timer, SOCK_TIMER_TIME_WAIT);
        test_assert_int(sock_predict(&in, &st, &p), 0);
        test_assert(!p.aborts);
        in.hz = 0;
        test_assert_int(sock_predict(&in, &st, &p), -EINVAL);
}

/* icsk_rto capped at rto_max: the base RTO cannot be read back, so it is
 * taken from the RTT, and said so. */
static void test_capped_rto(void) {
        struct model_input in = ns();
        struct sock_state st = {
                .state = TCP_STATE_ESTABLISHED, .timer = SOCK_TIMER_RETRANSMIT, .expires_us = MS(100000),
                .retransmits = 12, .backoff = 12, .rto_us = 120 * USEC_PER_SEC, .rtt_us = 100, .unacked = 1,
        };
        struct sock_prediction p;
        test_assert_int(sock_predict(&in, &st, &p), 0);
        test_assert(assumed(&p, "base RTO"));
        /* Default retries2 15 at R 204 ms: RTO #13..#15 and the abort are
         * 120 s apart; after RTO #13 three waits remain: 360 s + 100 s. */
        check_range(&p, 460 * USEC_PER_SEC, MS(16500)); /* 4 x 120 s: 4 x 512 jiffies */
}

static void test_names(void) {
        test_assert_str(tcp_state_to_string(TCP_STATE_ESTABLISHED), "established");
        test_assert_str(tcp_state_to_string(TCP_STATE_FIN_WAIT2), "fin-wait-2");
        test_assert(tcp_state_to_string(_TCP_STATE_MAX) == NULL);
        test_assert_int(tcp_state_from_string("established"), TCP_STATE_ESTABLISHED);
        test_assert_int(tcp_state_from_string("estab"), TCP_STATE_ESTABLISHED);
        test_assert_int(tcp_state_from_string("syn-sent"), TCP_STATE_SYN_SENT);
        test_assert_int(tcp_state_from_string("fin_wait_2"), -EINVAL);
        test_assert_int(tcp_state_from_string(""), -EINVAL);
        test_assert_str(sock_timer_to_string(SOCK_TIMER_PROBE), "probe");
        test_assert(sock_timer_to_string(SOCK_TIMER_NONE) == NULL);
        test_assert_int(sock_timer_from_diag(9, TCP_STATE_ESTABLISHED), SOCK_TIMER_NONE);
}

int main(void) {
        TEST(test_retransmit);
        TEST(test_tail_loss_probe);
        TEST(test_local_address_gone);
        TEST(test_orphan);
        TEST(test_syn);
        TEST(test_synack);
        TEST(test_probe);
        TEST(test_keepalive);
        TEST(test_fin_wait_2);
        TEST(test_nothing);
        TEST(test_capped_rto);
        TEST(test_names);
        return test_done();
}

/* SPDX-License-Identifier: MIT */
/* Defaults and ranges: net/ipv4/sysctl_net_ipv4.c (ipv4_net_table) and
 * net/ipv4/tcp_ipv4.c (tcp_sk_init), checked by writing each bound into a
 * fresh network namespace of Linux 6.18 (docs/MODEL.md §12). Since 5.13
 * the small counters are u8 (proc_dou8vec_minmax): 0-255. */
#include <ctype.h>
#include <limits.h>

#include "parse.h"
#include "sysctl-key.h"
#include "tunables.h"

#define S(x) SCENARIO_BIT(SCENARIO_##x)

static const struct tunable catalog[] = {
        { "net.ipv4.tcp_retries2", TUNABLE_INT, UNIT_COUNT, 15, NULL, 0, 255, false, NULL,
          S(ESTABLISHED) | S(ZERO_WINDOW),
          "give-up budget for unacknowledged data (model of N doubling RTOs from 200 ms)",
          "Not a retry count for data in flight: the kernel turns it into a time budget, "
          "model(N) with a fixed 200 ms base capped by rto_max (15 -> 924.6 s), counted from "
          "the first RTO retransmission; the connection aborts at the first RTO expiry past it. "
          "For zero-window probes it is a plain count of unanswered probes.",
          "net/ipv4/tcp_timer.c (tcp_write_timeout, tcp_probe_timer)" },
        { "net.ipv4.tcp_retries1", TUNABLE_INT, UNIT_COUNT, 3, NULL, 0, 255, false, NULL,
          0,
          "RTOs after which the route is re-validated (never aborts)",
          "Past model(retries1) each RTO asks the routing layer for a fresh route and, with "
          "tcp_mtu_probing, probes a smaller MSS. It does not move the abort.",
          "net/ipv4/tcp_timer.c (tcp_write_timeout)" },
        { "net.ipv4.tcp_orphan_retries", TUNABLE_INT, UNIT_COUNT, 0, NULL, 0, 255, false, NULL,
          S(ORPHAN),
          "budget boundary for closed sockets with unacknowledged data (0 means 8)",
          "Replaces tcp_retries2 once the application has closed the socket. 0 means 8 "
          "(model(8) = 102.2 s) while the RTO is below rto_max, and 0 once it reached it.",
          "net/ipv4/tcp_timer.c (tcp_orphan_retries)" },
        { "net.ipv4.tcp_fin_timeout", TUNABLE_INT, UNIT_SECONDS, 60, NULL, 0, 0, true, NULL,
          S(FIN_WAIT_2),
          "lifetime of an orphaned FIN-WAIT-2 socket",
          "After close(), once our FIN is acknowledged, the socket waits this long for the "
          "peer's FIN (at least 3.5 RTO; TCP_LINGER2 overrides per socket). Nothing is "
          "reported to the application.",
          "include/net/tcp.h (tcp_fin_time)" },
        { "net.ipv4.tcp_syn_retries", TUNABLE_INT, UNIT_COUNT, 6, NULL, 1, 127, false, NULL,
          S(CONNECT),
          "SYN retransmissions before connect() fails",
          "connect() gives up at the expiry where the retransmission count reaches "
          "syn_retries + syn_linear_timeouts, or where model(syn_retries) with a 1 s base has "
          "elapsed since the first SYN, whichever comes first. TCP_SYNCNT overrides per socket.",
          "net/ipv4/tcp_timer.c (tcp_write_timeout)" },
        { "net.ipv4.tcp_syn_linear_timeouts", TUNABLE_INT, UNIT_COUNT, 4, NULL, 0, 127, false, "6.5",
          S(CONNECT),
          "first SYN retransmissions sent 1 s apart instead of doubling",
          "The first N SYN retransmission timeouts stay at the initial 1 s; they are added to "
          "the SYN retry count, and the time test with model(syn_retries) still applies.",
          "net/ipv4/tcp_timer.c (tcp_retransmit_timer)" },
        { "net.ipv4.tcp_synack_retries", TUNABLE_INT, UNIT_COUNT, 5, NULL, 0, 255, false, NULL,
          S(ACCEPT),
          "SYN-ACK retransmissions for a half-open passive connection",
          "SYN-ACKs are resent after 1, 2, 4 ... s; the request is dropped at the expiry after "
          "the last one (2^(n+1) - 1 s: 63 s by default). No application sees it.",
          "net/ipv4/inet_connection_sock.c (reqsk_timer_handler)" },
        { "net.ipv4.tcp_rto_min_us", TUNABLE_INT, UNIT_MICROSECONDS, 200000, NULL, 1, INT_MAX, false, "6.11",
          S(ESTABLISHED) | S(ORPHAN) | S(ZERO_WINDOW),
          "minimum RTO term, rounded up to jiffies, copied at socket creation",
          "Added to the smoothed RTT (RTO ~ RTT + rto_min on a steady path) and used by the "
          "tail-loss probe. A smaller value means more, faster retransmissions inside the same "
          "tcp_retries2 budget, and often a later abort. A locked route rto_min wins.",
          "include/net/tcp.h (tcp_rto_min), net/ipv4/tcp_input.c (tcp_rtt_estimator)" },
        { "net.ipv4.tcp_rto_max_ms", TUNABLE_INT, UNIT_MILLISECONDS, 120000, NULL, 1000, 120000, false, "6.15",
          S(ESTABLISHED) | S(ORPHAN) | S(ZERO_WINDOW) | S(CONNECT),
          "cap of the exponential backoff, also in the retries2 budget",
          "Caps every retransmission interval and enters tcp_model_timeout(), so lowering it "
          "shrinks the default budget too (retries2 15 with 2 s: 3.0 + 2*(15-3) = 27 s). "
          "Copied at socket creation; TCP_RTO_MAX_MS overrides per socket. It does not cap "
          "SYN-ACK retransmissions of a listener (measured on 6.18).",
          "net/ipv4/tcp_timer.c (tcp_model_timeout), include/net/tcp.h (tcp_rto_max)" },
        { "net.ipv4.tcp_keepalive_time", TUNABLE_INT, UNIT_SECONDS, 7200, NULL, 0, 0, true, NULL,
          S(IDLE),
          "idle time before the first keepalive probe (SO_KEEPALIVE sockets only)",
          "Counted from the last segment received. Applies only to sockets that enabled "
          "SO_KEEPALIVE; TCP_KEEPIDLE overrides per socket.",
          "net/ipv4/tcp_timer.c (tcp_keepalive_timer)" },
        { "net.ipv4.tcp_keepalive_intvl", TUNABLE_INT, UNIT_SECONDS, 75, NULL, 0, 0, true, NULL,
          S(IDLE),
          "interval between unanswered keepalive probes",
          "TCP_KEEPINTVL overrides per socket.",
          "net/ipv4/tcp_timer.c (tcp_keepalive_timer)" },
        { "net.ipv4.tcp_keepalive_probes", TUNABLE_INT, UNIT_COUNT, 9, NULL, 0, 255, false, NULL,
          S(IDLE),
          "unanswered keepalive probes before the connection is dropped",
          "The abort comes at idle + probes * interval after the last received segment. "
          "TCP_KEEPCNT overrides per socket.",
          "net/ipv4/tcp_timer.c (tcp_keepalive_timer)" },
        { "net.ipv4.tcp_early_retrans", TUNABLE_INT, UNIT_MODE, 3, NULL, 0, 4, false, "3.5",
          S(ESTABLISHED) | S(ORPHAN),
          "tail-loss probe: 3 and 4 enable it, 0-2 disable it",
          "With TLP a lone segment is probed after one RTO and the first real RTO comes one "
          "RTO later, which is when the give-up clock starts.",
          "net/ipv4/tcp_output.c (tcp_schedule_loss_probe)" },
        { "net.ipv4.tcp_thin_linear_timeouts", TUNABLE_INT, UNIT_BOOL, 0, NULL, 0, 255, false, "2.6.34",
          S(ESTABLISHED),
          "linear (non-doubling) first six RTOs for thin streams",
          "A stream with fewer than 4 packets in flight, out of initial slow start, keeps its "
          "RTO for RTO #1-#6. Under BBR a stream never qualifies, so it has no effect there.",
          "net/ipv4/tcp_timer.c (tcp_retransmit_timer)" },
        { "net.ipv4.tcp_frto", TUNABLE_INT, UNIT_MODE, 2, NULL, 0, 255, false, NULL,
          0,
          "F-RTO spurious-timeout detection (does not move the abort)",
          "Acts only on ACKs after an RTO; a silent peer sends none.",
          "net/ipv4/tcp_input.c (tcp_process_loss)" },
        { "net.ipv4.tcp_congestion_control", TUNABLE_STRING, UNIT_NAME, 0, NULL, 0, 0, false, NULL,
          S(ESTABLISHED),
          "default congestion control (bbr disables thin-stream timeouts)",
          "Copied at socket creation. Its only effect on dead-peer timing: under bbr "
          "tcp_thin_linear_timeouts never applies. The default is chosen at build time "
          "(CONFIG_DEFAULT_TCP_CONG).",
          "net/ipv4/tcp_cong.c" },
        { "net.ipv4.tcp_sack", TUNABLE_INT, UNIT_BOOL, 1, NULL, 0, 255, false, NULL,
          S(ESTABLISHED) | S(ORPHAN),
          "selective acknowledgements (the tail-loss probe needs them)",
          "Without SACK no tail-loss probe is scheduled and RTO #1 comes one RTO after the send.",
          "net/ipv4/tcp_output.c (tcp_schedule_loss_probe)" },
        { "net.ipv4.tcp_mtu_probing", TUNABLE_INT, UNIT_MODE, 0, NULL, 0, 255, false, "2.6.17",
          0,
          "packetization-layer MTU probing past tcp_retries1 (does not move the abort)",
          "With 1 or 2, RTOs past model(retries1) also try a smaller MSS.",
          "net/ipv4/tcp_timer.c (tcp_mtu_probing)" },
        { "net.ipv4.tcp_syncookies", TUNABLE_INT, UNIT_MODE, 1, NULL, 0, 255, false, NULL,
          S(ACCEPT),
          "SYN cookies: under SYN flood no request state is kept at all",
          "With cookies in use there is no half-open request to time out; tcp_synack_retries "
          "governs only requests that were queued.",
          "net/ipv4/syncookies.c" },
};

const struct tunable *tunable_all(size_t *ret_n) {
        *ret_n = ELEMENTSOF(catalog);
        return catalog;
}

const struct tunable *tunable_find(const char *key) {
        _cleanup_free_ char *k = NULL;
        if (sysctl_key_normalize(key, &k) < 0)
                return NULL;
        for (size_t i = 0; i < ELEMENTSOF(catalog); i++)
                if (streq(catalog[i].key, k))
                        return &catalog[i];
        return NULL;
}

void tunable_range(const struct tunable *t, unsigned hz, long *ret_min, long *ret_max) {
        if (t->jiffies) {
                /* proc_dointvec_jiffies: seconds * HZ must fit an int. */
                long m = INT_MAX / (long) hz_or_assumed(hz);
                *ret_min = -m;
                *ret_max = m;
                return;
        }
        *ret_min = t->min;
        *ret_max = t->max;
}

const char *tunable_unit_to_string(enum tunable_unit u) {
        static const char *const names[] = {
                [UNIT_COUNT] = "count",
                [UNIT_BOOL] = "boolean",
                [UNIT_MODE] = "mode",
                [UNIT_SECONDS] = "seconds",
                [UNIT_MILLISECONDS] = "milliseconds",
                [UNIT_MICROSECONDS] = "microseconds",
                [UNIT_NAME] = "name",
        };
        return (unsigned) u < ELEMENTSOF(names) ? names[u] : "?";
}

bool tunable_is_u8(const struct tunable *t) {
        return t->type == TUNABLE_INT && !t->jiffies && t->min >= 0 && t->max <= 255;
}

int tunable_check_value(const struct tunable *t, const char *value, unsigned hz, long *ret_value) {
        if (t->type == TUNABLE_STRING) {
                /* TCP_CA_NAME_MAX is 16 including the NUL. */
                size_t n = strlen(value);
                if (n == 0 || n > 15 || strpbrk(value, " \t\n"))
                        return -EINVAL;
                return 0;
        }
        long v, lo, hi;
        int r = parse_kernel_long(value, &v);
        if (r < 0)
                return r;
        /* What proc_get_long() refuses beyond that syntax: a number of 21
         * characters or more (TMPBUFLEN - 1: it cannot tell where a
         * longer one ends), a number followed by other than a space, a
         * tab or the newline systemd-sysctl adds ("5\v"), and, for the
         * u8 counters (proc_dou8vec_minmax), any sign, even "-0". */
        const char *p = value, *start;
        bool neg;
        unsigned long u;
        while (isspace((unsigned char) *p))
                p++;
        start = p;
        if (parse_kernel_digits(&p, &neg, &u) < 0 || p - start >= 21 || (*p && *p != ' ' && *p != '\t' && *p != '\n'))
                return -EINVAL;
        if (neg && tunable_is_u8(t))
                return -ERANGE;
        tunable_range(t, hz, &lo, &hi);
        if (v < lo || v > hi)
                return -ERANGE;
        if (ret_value)
                *ret_value = v;
        return 0;
}

bool tunable_is_default(const struct tunable *t, const char *live) {
        if (t->type == TUNABLE_STRING)
                return !t->def_string || streq(t->def_string, live);
        long v;
        return parse_kernel_long(live, &v) >= 0 && v == t->def;
}

const char *tunable_short_key(const char *key) {
        const char *s = startswith(key, "net.ipv4.");
        return s ? s : key;
}

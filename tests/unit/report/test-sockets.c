/* SPDX-License-Identifier: MIT */
/* report/sockets.c: filters, the address check and the memo, on the
 * recorded dumps of tests/data/sockdiag (no namespace needed). */
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <sys/socket.h>

#include "sockets.h"
#include "test.h"
#include "unit/sockdiag/recording.h"

/* The client namespace of record.sh: sockets and addresses. */
static void load_ns(struct sockets_ns *ns, bool drop_client_address) {
        size_t len;
        _cleanup_free_ char *abuf = NULL;
        *ns = (struct sockets_ns) {};
        model_input_defaults(&ns->in);
        ns->in.retries2 = 5;
        test_assert_int(recording_parse("client.bin", &ns->table), 2);
        abuf = recording_load("client-addrs.bin", &len);
        test_assert(abuf);
        if (abuf)
                test_assert_int(sockdiag_parse_addrs(abuf, len, &ns->addrs), 1);
        if (drop_client_address) {
                uint8_t x[16] = {};
                inet_pton(AF_INET, "10.200.250.1", x);
                for (size_t i = 0; i < ns->addrs.n; i++)
                        if (ns->addrs.addrs[i].family == AF_INET && memcmp(ns->addrs.addrs[i].addr, x, 4) == 0)
                                ns->addrs.addrs[i].addr[3] = 99;
        }
}

static void ns_free(struct sockets_ns *ns) {
        sockdiag_table_done(&ns->table);
        sockdiag_addrs_done(&ns->addrs);
        free(ns->entries);
}

static void test_prefix(void) {
        struct sockets_prefix p;
        test_assert_int(sockets_prefix_parse("10.0.0.0/8", &p), 0);
        test_assert_int(p.family, AF_INET);
        test_assert_int(p.bits, 8);
        test_assert_int(sockets_prefix_parse("[::1]", &p), 0);
        test_assert_int(p.bits, 128);
        test_assert_int(sockets_prefix_parse("fd00::/64", &p), 0);
        static const char *const bad[] = { "", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "host", "::1/129",
                                           "10.0.0.0/8/8", "10.0.0.0/-1", "[10.0.0.1" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                test_assert_int(sockets_prefix_parse(bad[i], &p), -EINVAL);
}

static void test_default_view(void) {
        struct sockets_ns ns;
        struct sockets_filter f = { .port = -1 };
        load_ns(&ns, false);
        test_assert_int(sockets_predict(&f, &ns), 0);
        test_assert_int(ns.total, 4);
        /* The retransmitting socket and SYN-SENT if it had retransmitted. */
        test_assert(ns.failing >= 1);
        test_assert_int(ns.n_entries, ns.failing);
        test_assert_int(ns.gone, 0);
        const struct sockets_entry *e = &ns.entries[0];
        test_assert(e->pred.failing && e->pred.aborts);
        test_assert_int(e->st.timer, SOCK_TIMER_RETRANSMIT);
        test_assert_int(e->pred.error, ETIMEDOUT);
        ns_free(&ns);
}

static void test_filters(void) {
        struct sockets_ns ns;
        struct sockets_filter f = { .port = 5001, .all = true };
        load_ns(&ns, false);
        test_assert_int(sockets_predict(&f, &ns), 0);
        test_assert_int(ns.total, 1); /* the SYN-SENT socket */
        test_assert_int(ns.entries[0].st.state, TCP_STATE_SYN_SENT);
        ns_free(&ns);

        f = (struct sockets_filter) { .port = -1, .all = true, .has_src = true };
        test_assert_int(sockets_prefix_parse("fd00:200::/64", &f.src), 0);
        load_ns(&ns, false);
        test_assert_int(sockets_predict(&f, &ns), 0);
        test_assert_int(ns.total, 1);
        ns_free(&ns);

        f = (struct sockets_filter) { .port = -1, .all = true, .states = 1u << TCP_STATE_FIN_WAIT2 };
        load_ns(&ns, false);
        test_assert_int(sockets_predict(&f, &ns), 0);
        test_assert_int(ns.total, 1); /* the time-wait socket in its FIN-WAIT-2 substate */
        test_assert(ns.entries[0].st.timewait);
        test_assert(!ns.entries[0].pred.failing);
        test_assert(sockets_filter_narrows(&f));
        ns_free(&ns);
}

static void test_address_gone(void) {
        struct sockets_ns ns;
        struct sockets_filter f = { .port = -1, .has_dst = true };
        test_assert_int(sockets_prefix_parse("10.200.250.2", &f.dst), 0);
        load_ns(&ns, true);
        test_assert_int(sockets_predict(&f, &ns), 0);
        /* The established socket from .1; the time-wait one is not
         * flagged, the SYN-SENT one is from .3. */
        test_assert_int(ns.gone, 1);
        const struct sockets_entry *e = NULL;
        for (size_t i = 0; i < ns.n_entries; i++)
                if (ns.entries[i].st.timer == SOCK_TIMER_RETRANSMIT)
                        e = &ns.entries[i];
        test_assert(e && e->st.local_address_gone && e->pred.error == ENETUNREACH);
        ns_free(&ns);
}

/* The memo: the same state with other pending timers gives exactly what
 * sock_predict() gives uncached, in one model run. */
static void test_memo(void) {
        struct sockets_ns ns;
        struct sockets_filter f = { .port = -1 };
        load_ns(&ns, false);
        size_t src = SIZE_MAX;
        for (size_t i = 0; i < ns.table.n; i++)
                if (ns.table.socks[i].state == TCP_STATE_ESTABLISHED && ns.table.socks[i].timer == 1)
                        src = i;
        test_assert(src != SIZE_MAX);
        if (src == SIZE_MAX)
                return;
        struct sockdiag_sock proto = ns.table.socks[src];
        ns.table.n = 0;
        for (uint32_t k = 0; k < 1000; k++) {
                struct sockdiag_sock s = proto;
                s.expires_ms = k * 7 % 900;
                s.sport = (uint16_t) (20000 + k);
                if (ns.table.n == ns.table.cap) {
                        ns.table.cap = ns.table.cap * 2 + 16;
                        ns.table.socks = reallocarray(ns.table.socks, ns.table.cap, sizeof(s));
                }
                ns.table.socks[ns.table.n++] = s;
        }
        test_assert_int(sockets_predict(&f, &ns), 0);
        test_assert_int(ns.model_runs, 1);
        test_assert_int(ns.n_entries, 1000);
        size_t differ = 0;
        for (size_t i = 0; i < ns.n_entries; i++) {
                struct sock_prediction p;
                test_assert_int(sock_predict(&ns.in, &ns.entries[i].st, &p), 0);
                differ += p.abort_min_us != ns.entries[i].pred.abort_min_us ||
                          p.abort_max_us != ns.entries[i].pred.abort_max_us || p.error != ns.entries[i].pred.error;
                if (i)
                        differ += ns.entries[i].pred.abort_min_us < ns.entries[i - 1].pred.abort_min_us;
        }
        test_assert_int(differ, 0);
        ns_free(&ns);
}

int main(void) {
        TEST(test_prefix);
        TEST(test_default_view);
        TEST(test_filters);
        TEST(test_address_gone);
        TEST(test_memo);
        return test_done();
}

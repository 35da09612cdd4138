/* SPDX-License-Identifier: MIT */
/* sockdiag/sockdiag-parse.c over recorded replies (tests/data/sockdiag,
 * from record.sh: two namespaces holding one socket of each kind) and
 * hand-made broken ones. */
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <sys/socket.h>

#include "sockdiag.h"
#include "test.h"
#include "unit/sockdiag/recording.h"

static const struct sockdiag_sock *find(const struct sockdiag_table *t, uint8_t family, uint8_t state, uint8_t timer) {
        for (size_t i = 0; i < t->n; i++)
                if (t->socks[i].family == family && t->socks[i].state == state && t->socks[i].timer == timer)
                        return &t->socks[i];
        return NULL;
}

static void test_client_recording(void) {
        struct sockdiag_table t = {};
        char a[SOCKDIAG_ENDPOINT_MAX];
        test_assert_int(recording_parse("client.bin", &t), 2);
        test_assert_int(t.n, 4);
        /* Retransmitting: data out to a server whose replies die. */
        const struct sockdiag_sock *s = find(&t, AF_INET, 1, 1);
        test_assert(s);
        if (s) {
                test_assert(s->has_info);
                test_assert(s->retrans >= 1 && s->info_retransmits == s->retrans);
                test_assert(s->info_backoff >= 1);
                test_assert_int(s->unacked, 1);
                test_assert_int(s->dport, 5000);
                test_assert_str(sockdiag_endpoint(s->family, s->dst, s->dport, a, sizeof(a)), "10.200.250.2:5000");
                test_assert(s->inode != 0);
                test_assert(s->cookie[0] || s->cookie[1]);
        }
        /* SYN-SENT: connect() to a port whose SYN-ACKs die. */
        s = find(&t, AF_INET, 2, 1);
        test_assert(s && s->dport == 5001 && s->rto_us == 1000000);
        /* A time-wait socket in its FIN-WAIT-2 substate: no tcp_info. */
        s = find(&t, AF_INET, 5, 3);
        test_assert(s && !s->has_info && s->inode == 0 && s->expires_ms > 0);
        /* IPv6, bracketed. */
        s = find(&t, AF_INET6, 1, 0);
        test_assert(s);
        if (s)
                test_assert(startswith(sockdiag_endpoint(s->family, s->src, s->sport, a, sizeof(a)), "[fd00:200::1]:"));
        sockdiag_table_done(&t);
}

static void test_server_recording(void) {
        struct sockdiag_table t = {};
        test_assert_int(recording_parse("server.bin", &t), 2);
        size_t listen = 0;
        for (size_t i = 0; i < t.n; i++)
                listen += t.socks[i].state == 10;
        test_assert_int(listen, 3);
        /* A request socket retransmitting its SYN-ACK: inet_diag reports
         * it as SYN-RECV, with no tcp_info and no inode. */
        const struct sockdiag_sock *s = find(&t, AF_INET, 3, 1);
        test_assert(s && !s->has_info && s->sport == 5001 && s->inode == 0 && s->retrans >= 1);
        sockdiag_table_done(&t);
}

static void test_addresses(void) {
        struct sockdiag_addrs a = {};
        size_t len;
        _cleanup_free_ char *buf = recording_load("client-addrs.bin", &len);
        test_assert(buf);
        if (!buf)
                return;
        test_assert_int(sockdiag_parse_addrs(buf, len, &a), 1);
        uint8_t x[16] = {};
        inet_pton(AF_INET, "10.200.250.1", x);
        test_assert(sockdiag_addr_assigned(&a, AF_INET, x));
        inet_pton(AF_INET, "10.200.250.9", x);
        test_assert(!sockdiag_addr_assigned(&a, AF_INET, x));
        inet_pton(AF_INET, "127.0.0.5", x); /* 127.0.0.1/8 on lo makes all of it local */
        test_assert(sockdiag_addr_assigned(&a, AF_INET, x));
        inet_pton(AF_INET6, "::ffff:10.200.250.1", x);
        test_assert(sockdiag_addr_assigned(&a, AF_INET6, x));
        inet_pton(AF_INET6, "fd00:200::1", x);
        test_assert(sockdiag_addr_assigned(&a, AF_INET6, x));
        inet_pton(AF_INET6, "fd00:200::7", x);
        test_assert(!sockdiag_addr_assigned(&a, AF_INET6, x));
        memset(x, 0, sizeof(x)); /* the wildcard */
        test_assert(sockdiag_addr_assigned(&a, AF_INET6, x));
        sockdiag_addrs_done(&a);
}

/* Every cut of a recording: whole messages parse (0: more to come), a cut
 * inside a message adds nothing and is -EBADMSG. */
static void test_every_truncation(void) {
        size_t len;
        _cleanup_free_ char *buf = recording_load("client.bin", &len);
        test_assert(buf);
        if (!buf)
                return;
        size_t first = ((const struct nlmsghdr *) buf)->nlmsg_len, bad = 0;
        for (size_t cut = 1; cut < first; cut++) {
                struct sockdiag_table t = {};
                int r = sockdiag_parse(buf, cut, &t);
                bad += r != -EBADMSG || t.n != 0;
                sockdiag_table_done(&t);
        }
        test_assert_int(bad, 0);
        struct sockdiag_table t = {};
        test_assert_int(sockdiag_parse(buf, first, &t), 0);
        test_assert_int(t.n, 1);
        sockdiag_table_done(&t);
}

static void test_hand_made(void) {
        static const struct {
                const char *file;
                int r;
        } cases[] = {
                { "truncated.bin", -EBADMSG },
                { "bad-attr.bin", -EBADMSG },
                { "short-msg.bin", -EBADMSG },
                { "error-eperm.bin", -EPERM },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                size_t len;
                _cleanup_free_ char *buf = recording_load(cases[i].file, &len);
                struct sockdiag_table t = {};
                test_assert(buf);
                if (!buf)
                        continue;
                int r = sockdiag_parse(buf, len, &t);
                if (r != cases[i].r)
                        printf("# %s: %d\n", cases[i].file, r);
                test_assert_int(r, cases[i].r);
                test_assert_int(t.n, 0);
                sockdiag_table_done(&t);
        }
}

/* Built here: what the kernel may also send. */
static void test_control_messages(void) {
        struct {
                struct nlmsghdr h;
                int32_t err;
        } done = { { sizeof(done), NLMSG_DONE, NLM_F_MULTI, 1, 0 }, -ENOBUFS };
        struct sockdiag_table t = {};
        test_assert_int(sockdiag_parse(&done, sizeof(done), &t), -ENOBUFS);
        done.err = 0;
        test_assert_int(sockdiag_parse(&done, sizeof(done), &t), 1);
        done.h.nlmsg_flags |= NLM_F_DUMP_INTR;
        test_assert_int(sockdiag_parse(&done, sizeof(done), &t), -EAGAIN);
        /* A socket of a family we do not know. */
        struct {
                struct nlmsghdr h;
                struct inet_diag_msg m;
        } odd = { { sizeof(odd), 20 /* SOCK_DIAG_BY_FAMILY */, NLM_F_MULTI, 1, 0 }, { .idiag_family = AF_UNIX } };
        test_assert_int(sockdiag_parse(&odd, sizeof(odd), &t), -EBADMSG);
        odd.m.idiag_family = AF_INET;
        test_assert_int(sockdiag_parse(&odd, sizeof(odd), &t), 0);
        test_assert_int(t.n, 1);
        /* Trailing bytes that are not a message. */
        char more[sizeof(odd) + 8] = {};
        memcpy(more, &odd, sizeof(odd));
        test_assert_int(sockdiag_parse(more, sizeof(more), &t), -EBADMSG);
        test_assert_int(t.n, 1);
        test_assert_int(sockdiag_parse(more, 0, &t), 0);
        /* The kernel answers TCPDIAG_GETSOCK (both families) in that
         * type; any other is refused. */
        odd.h.nlmsg_type = TCPDIAG_GETSOCK;
        test_assert_int(sockdiag_parse(&odd, sizeof(odd), &t), 0);
        test_assert_int(t.n, 2);
        odd.h.nlmsg_type = DCCPDIAG_GETSOCK;
        test_assert_int(sockdiag_parse(&odd, sizeof(odd), &t), -EBADMSG);
        test_assert_int(t.n, 2);
        sockdiag_table_done(&t);
}

int main(void) {
        TEST(test_client_recording);
        TEST(test_server_recording);
        TEST(test_addresses);
        TEST(test_every_truncation);
        TEST(test_hand_made);
        TEST(test_control_messages);
        return test_done();
}

/* SPDX-License-Identifier: MIT */
/* The I/O half of sockdiag.h: netlink sockets, requests, receive loops.
 * Invariants:
 * 1. A socket is opened per dump, in the namespace the thread is in at
 *    that moment (a netlink socket binds to it at socket()).
 * 2. A reply the kernel had to cut (MSG_TRUNC) or that does not parse is
 *    an error: the caller gets nothing rather than part of a namespace.
 * 3. The receive buffer is 32 KiB: the kernel sizes each dump skb up to
 *    the largest buffer we have read with (netlink_dump(),
 *    max_recvmsg_len, capped at 32 KiB), so a larger one gains nothing and
 *    a page-sized one costs eight times the system calls. */
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

#include "sockdiag.h"

#define RECV_BUFFER_SIZE 32768
#define DUMP_ATTEMPTS 3  /* an interrupted dump is restarted this often */
#define REQUEST_SIZE 256      /* a request: header and inet_diag_req_v2 or ifaddrmsg */
#define ACK_BUFFER_SIZE 4096  /* an ACK echoes the request */
#define TCPF_ALL 0x1fff  /* every state bit, up to (1 << TCP_NEW_SYN_RECV): request sockets */

static void mnl_closep(struct mnl_socket **nl) {
        if (*nl)
                mnl_socket_close(*nl);
}

static int open_bound(int bus, struct mnl_socket **ret) {
        struct mnl_socket *nl = mnl_socket_open2(bus, SOCK_CLOEXEC);
        if (!nl)
                return -errno;
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
                int r = -errno;
                mnl_socket_close(nl);
                return r;
        }
        *ret = nl;
        return 0;
}

static uint32_t new_seq(void) {
        return (uint32_t) time(NULL);
}

/* Send the request in buf and feed each reply to parse() until it says
 * done (1) or fails. */
static int run_dump(struct mnl_socket *nl, struct nlmsghdr *req, FILE *record,
                    int (*parse)(const void *buf, size_t len, void *into), void *into) {
        _cleanup_free_ char *buf = malloc(RECV_BUFFER_SIZE);
        if (!buf)
                return -ENOMEM;
        if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0)
                return -errno;
        for (;;) {
                ssize_t n = mnl_socket_recvfrom(nl, buf, RECV_BUFFER_SIZE);
                if (n < 0)
                        return errno == ENOSPC ? -EBADMSG : -errno; /* ENOSPC: MSG_TRUNC */
                if (n == 0)
                        return -EBADMSG;
                if (record && fwrite(buf, 1, (size_t) n, record) != (size_t) n)
                        return -EIO;
                int r = parse(buf, (size_t) n, into);
                if (r != 0)
                        return r < 0 ? r : 0;
        }
}

static int parse_socks(const void *buf, size_t len, void *into) {
        return sockdiag_parse(buf, len, into);
}

static int parse_addrs(const void *buf, size_t len, void *into) {
        return sockdiag_parse_addrs(buf, len, into);
}

static int dump_family(struct mnl_socket *nl, uint8_t family, uint32_t states, struct sockdiag_table *t,
                       FILE *record) {
        char req[REQUEST_SIZE];
        struct nlmsghdr *h = mnl_nlmsg_put_header(req);
        h->nlmsg_type = SOCK_DIAG_BY_FAMILY;
        h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        h->nlmsg_seq = new_seq();
        struct inet_diag_req_v2 *r = mnl_nlmsg_put_extra_header(h, sizeof(*r));
        *r = (struct inet_diag_req_v2) {
                .sdiag_family = family, .sdiag_protocol = IPPROTO_TCP,
                .idiag_ext = 1 << (INET_DIAG_INFO - 1), .idiag_states = states,
        };
        return run_dump(nl, h, record, parse_socks, t);
}

int sockdiag_dump(struct sockdiag_table *ret, FILE *record) {
        int r = -EAGAIN;
        for (unsigned attempt = 0; attempt < DUMP_ATTEMPTS && r == -EAGAIN; attempt++) {
                _cleanup_(mnl_closep) struct mnl_socket *nl = NULL;
                struct sockdiag_table t = {};
                r = open_bound(NETLINK_SOCK_DIAG, &nl);
                if (r < 0)
                        return r;
                r = dump_family(nl, AF_INET, TCPF_ALL, &t, record);
                if (r >= 0)
                        r = dump_family(nl, AF_INET6, TCPF_ALL, &t, record);
                if (r >= 0) {
                        *ret = t;
                        return 0;
                }
                sockdiag_table_done(&t);
        }
        return r;
}

int sockdiag_dump_family(struct sockdiag_table *t, uint8_t family, uint32_t states, size_t *ret_added) {
        size_t n0 = t->n;
        int r = -EAGAIN;
        for (unsigned attempt = 0; attempt < DUMP_ATTEMPTS && r == -EAGAIN; attempt++) {
                _cleanup_(mnl_closep) struct mnl_socket *nl = NULL;
                t->n = n0; /* an interrupted attempt's sockets go */
                r = open_bound(NETLINK_SOCK_DIAG, &nl);
                if (r < 0)
                        return r;
                r = dump_family(nl, family, states, t, NULL);
        }
        if (r < 0) {
                t->n = n0;
                return r;
        }
        if (ret_added)
                *ret_added = t->n - n0;
        return 0;
}

int sockdiag_dump_addrs(struct sockdiag_addrs *ret, FILE *record) {
        int r = -EAGAIN;
        for (unsigned attempt = 0; attempt < DUMP_ATTEMPTS && r == -EAGAIN; attempt++) {
                _cleanup_(mnl_closep) struct mnl_socket *nl = NULL;
                struct sockdiag_addrs a = {};
                char req[REQUEST_SIZE];
                r = open_bound(NETLINK_ROUTE, &nl);
                if (r < 0)
                        return r;
                struct nlmsghdr *h = mnl_nlmsg_put_header(req);
                h->nlmsg_type = RTM_GETADDR;
                h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
                h->nlmsg_seq = new_seq();
                struct ifaddrmsg *m = mnl_nlmsg_put_extra_header(h, sizeof(*m));
                m->ifa_family = AF_UNSPEC;
                r = run_dump(nl, h, record, parse_addrs, &a);
                if (r >= 0) {
                        *ret = a;
                        return 0;
                }
                sockdiag_addrs_done(&a);
        }
        return r;
}

int sockdiag_destroy(const struct sockdiag_sock *s) {
        _cleanup_(mnl_closep) struct mnl_socket *nl = NULL;
        char buf[ACK_BUFFER_SIZE];
        int r = open_bound(NETLINK_SOCK_DIAG, &nl);
        if (r < 0)
                return r;
        struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
        h->nlmsg_type = SOCK_DESTROY;
        h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
        h->nlmsg_seq = new_seq();
        struct inet_diag_req_v2 *q = mnl_nlmsg_put_extra_header(h, sizeof(*q));
        *q = (struct inet_diag_req_v2) {
                .sdiag_family = s->family, .sdiag_protocol = IPPROTO_TCP, .idiag_states = TCPF_ALL,
                .id = { .idiag_sport = htons(s->sport), .idiag_dport = htons(s->dport), .idiag_if = s->ifindex,
                        .idiag_cookie = { s->cookie[0], s->cookie[1] } },
        };
        memcpy(q->id.idiag_src, s->src, sizeof(q->id.idiag_src));
        memcpy(q->id.idiag_dst, s->dst, sizeof(q->id.idiag_dst));
        if (mnl_socket_sendto(nl, h, h->nlmsg_len) < 0)
                return -errno;
        ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
        if (n < 0)
                return -errno;
        /* The answer is an NLMSG_ERROR: 0 for done, else the errno. */
        h = (struct nlmsghdr *) buf;
        int left = (int) n;
        if (!mnl_nlmsg_ok(h, left) || h->nlmsg_type != NLMSG_ERROR ||
            mnl_nlmsg_get_payload_len(h) < sizeof(struct nlmsgerr))
                return -EBADMSG;
        const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);
        return e->error > 0 || e->error < -4095 ? -EBADMSG : e->error;
}

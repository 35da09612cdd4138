/* SPDX-License-Identifier: MIT */
/* The I/O half of sockdiag.h: netlink sockets, requests, receive loops.
 * Invariants:
 * 1. A socket is opened per call, in the namespace the thread is in at
 *    that moment (a netlink socket binds to it at socket()), and serves
 *    the call's dumps one after the other, into one receive buffer.
 * 2. A reply the kernel had to cut (MSG_TRUNC) or that does not parse is
 *    an error: the caller gets nothing rather than part of a namespace.
 *    The rest of such a reply may still be queued, so the socket is
 *    closed and the next dump opens another.
 * 3. The receive buffer is 32 KiB: the kernel sizes each dump skb up to
 *    the largest buffer we have read with (netlink_dump(),
 *    max_recvmsg_len, capped at 32 KiB), so a larger one gains nothing and
 *    a page-sized one costs eight times the system calls.
 * 4. A dump of any state but LISTEN walks the kernel's whole established
 *    hash, every bucket of every namespace's sockets, whatever family it
 *    asks for (tcp_diag_dump(), inet_diag_dump_icsk() in older kernels):
 *    262144 buckets, about 1 ms of CPU with 24 GB of memory, and more wall
 *    time under load, as it yields after each bucket that holds sockets.
 *    sockdiag_dump_connections() asks for both families in one walk with
 *    TCPDIAG_GETSOCK, the request older than inet_diag_req_v2 that the
 *    kernel still serves, with sdiag_family AF_UNSPEC
 *    (inet_diag_dump_compat()); where a kernel refuses it, one
 *    inet_diag_req_v2 dump per family. */
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
#define TCPF_LISTEN (1u << 10)  /* TCP_LISTEN */
#define EXT_INFO (1 << (INET_DIAG_INFO - 1))  /* idiag_ext: struct tcp_info */

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

/* The socket and receive buffer of one call (invariant 1). */
struct link {
        int bus;
        struct mnl_socket *nl;  /* NULL: the next dump opens one */
        char *buf;              /* RECV_BUFFER_SIZE bytes */
};

static int link_init(struct link *l, int bus) {
        *l = (struct link) { .bus = bus, .buf = malloc(RECV_BUFFER_SIZE) };
        return l->buf ? 0 : -ENOMEM;
}

static void link_done(struct link *l) {
        mnl_closep(&l->nl);
        free(l->buf);
        *l = (struct link) {};
}

static int exchange(struct link *l, struct nlmsghdr *req, FILE *record,
                    int (*parse)(const void *buf, size_t len, void *into), void *into) {
        if (mnl_socket_sendto(l->nl, req, req->nlmsg_len) < 0)
                return -errno;
        for (;;) {
                ssize_t n = mnl_socket_recvfrom(l->nl, l->buf, RECV_BUFFER_SIZE);
                if (n < 0)
                        return errno == ENOSPC ? -EBADMSG : -errno; /* ENOSPC: MSG_TRUNC */
                if (n == 0)
                        return -EBADMSG;
                if (record && fwrite(l->buf, 1, (size_t) n, record) != (size_t) n)
                        return -EIO;
                int r = parse(l->buf, (size_t) n, into);
                if (r != 0)
                        return r < 0 ? r : 0;
        }
}

/* Send the request in req and feed each reply to parse() until it says
 * done (1) or fails (then the socket goes: invariant 2). */
static int run_dump(struct link *l, struct nlmsghdr *req, FILE *record,
                    int (*parse)(const void *buf, size_t len, void *into), void *into) {
        int r;
        if (!l->nl && (r = open_bound(l->bus, &l->nl)) < 0)
                return r;
        r = exchange(l, req, record, parse, into);
        if (r < 0) {
                mnl_closep(&l->nl);
                l->nl = NULL;
        }
        return r;
}

static int parse_socks(const void *buf, size_t len, void *into) {
        return sockdiag_parse(buf, len, into);
}

static int parse_addrs(const void *buf, size_t len, void *into) {
        return sockdiag_parse_addrs(buf, len, into);
}

static struct nlmsghdr *put_dump_request(char *req, uint16_t type) {
        struct nlmsghdr *h = mnl_nlmsg_put_header(req);
        h->nlmsg_type = type;
        h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        h->nlmsg_seq = new_seq();
        return h;
}

/* One family (inet_diag_req_v2). */
static int dump_family(struct link *l, uint8_t family, uint32_t states, uint8_t ext, struct sockdiag_table *t,
                       FILE *record) {
        char req[REQUEST_SIZE];
        struct nlmsghdr *h = put_dump_request(req, SOCK_DIAG_BY_FAMILY);
        struct inet_diag_req_v2 *r = mnl_nlmsg_put_extra_header(h, sizeof(*r));
        *r = (struct inet_diag_req_v2) {
                .sdiag_family = family, .sdiag_protocol = IPPROTO_TCP, .idiag_ext = ext, .idiag_states = states,
        };
        return run_dump(l, h, record, parse_socks, t);
}

/* Both families in one walk of each hash the states need (invariant 4):
 * TCPDIAG_GETSOCK, else one dump per family. On failure t is as it was. */
static int dump_both(struct link *l, uint32_t states, uint8_t ext, struct sockdiag_table *t) {
        char req[REQUEST_SIZE];
        size_t n0 = t->n;
        struct nlmsghdr *h = put_dump_request(req, TCPDIAG_GETSOCK);
        struct inet_diag_req *q = mnl_nlmsg_put_extra_header(h, sizeof(*q));
        *q = (struct inet_diag_req) { .idiag_family = AF_UNSPEC, .idiag_ext = ext, .idiag_states = states };
        int r = run_dump(l, h, NULL, parse_socks, t);
        if (r == -EINVAL || r == -ENOENT || r == -EOPNOTSUPP) {
                t->n = n0; /* nothing parsed, but be sure */
                r = dump_family(l, AF_INET, states, ext, t, NULL);
                if (r >= 0)
                        r = dump_family(l, AF_INET6, states, ext, t, NULL);
        }
        if (r < 0)
                t->n = n0;
        return r;
}

/* One attempt at a call's dumps on l: -EAGAIN when the kernel
 * interrupted one (a table changed under it), leaving nothing behind. */
typedef int (*attempt_fn)(struct link *l, void *userdata);

/* Attempts on one link, until one is not interrupted or DUMP_ATTEMPTS. */
static int attempts(int bus, attempt_fn fn, void *userdata) {
        struct link l;
        int r = link_init(&l, bus);
        if (r < 0)
                return r;
        r = -EAGAIN;
        for (unsigned i = 0; i < DUMP_ATTEMPTS && r == -EAGAIN; i++)
                r = fn(&l, userdata);
        link_done(&l);
        return r;
}

struct every_dump {
        struct sockdiag_table *t;
        FILE *record;
};

static int dump_every(struct link *l, void *userdata) {
        const struct every_dump *d = userdata;
        d->t->n = 0; /* an interrupted attempt's sockets go */
        int r = dump_family(l, AF_INET, TCPF_ALL, EXT_INFO, d->t, d->record);
        if (r >= 0)
                r = dump_family(l, AF_INET6, TCPF_ALL, EXT_INFO, d->t, d->record);
        return r;
}

int sockdiag_dump(struct sockdiag_table *ret, FILE *record) {
        struct sockdiag_table t = {};
        int r = attempts(NETLINK_SOCK_DIAG, dump_every, &(struct every_dump) { &t, record });
        if (r < 0) {
                sockdiag_table_done(&t);
                return r;
        }
        *ret = t;
        return 0;
}

/* The listeners of each family, counted: a dump of the listening hash
 * only, without tcp_info. */
static int count_listeners(struct link *l, uint64_t ret_n[2]) {
        struct sockdiag_table t = {};
        int r = dump_both(l, TCPF_LISTEN, /* ext= */ 0, &t);
        ret_n[0] = ret_n[1] = 0;
        for (size_t i = 0; r >= 0 && i < t.n; i++)
                ret_n[t.socks[i].family == AF_INET6]++;
        sockdiag_table_done(&t);
        return r;
}

struct connections_dump {
        struct sockdiag_table *t;
        uint32_t states;
        const uint64_t *in_use;  /* NULL: walk */
};

static int dump_connections(struct link *l, void *userdata) {
        const struct connections_dump *d = userdata;
        if (d->in_use) {
                uint64_t listeners[2];
                int r = count_listeners(l, listeners);
                if (r < 0)
                        return r;
                if (listeners[0] >= d->in_use[0] && listeners[1] >= d->in_use[1])
                        return 0; /* nothing but listeners: no walk */
        }
        return dump_both(l, d->states, EXT_INFO, d->t);
}

int sockdiag_dump_connections(struct sockdiag_table *t, uint32_t states, const uint64_t in_use[2]) {
        if (states & TCPF_LISTEN)
                in_use = NULL; /* the listeners are asked for: nothing to skip */
        if (in_use && in_use[0] == 0 && in_use[1] == 0)
                return 0;
        int r = attempts(NETLINK_SOCK_DIAG, dump_connections, &(struct connections_dump) { t, states, in_use });
        return r < 0 ? r : 0;
}

struct addrs_dump {
        struct sockdiag_addrs *a;
        FILE *record;
};

static int dump_addrs(struct link *l, void *userdata) {
        const struct addrs_dump *d = userdata;
        char req[REQUEST_SIZE];
        struct nlmsghdr *h = put_dump_request(req, RTM_GETADDR);
        struct ifaddrmsg *m = mnl_nlmsg_put_extra_header(h, sizeof(*m));
        m->ifa_family = AF_UNSPEC;
        d->a->n = 0; /* an interrupted attempt's addresses go */
        return run_dump(l, h, d->record, parse_addrs, d->a);
}

int sockdiag_dump_addrs(struct sockdiag_addrs *ret, FILE *record) {
        struct sockdiag_addrs a = {};
        int r = attempts(NETLINK_ROUTE, dump_addrs, &(struct addrs_dump) { &a, record });
        if (r < 0) {
                sockdiag_addrs_done(&a);
                return r;
        }
        *ret = a;
        return 0;
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

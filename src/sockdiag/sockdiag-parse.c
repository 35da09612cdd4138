/* SPDX-License-Identifier: MIT */
/* The pure half of sockdiag.h: netlink replies in, plain structs out.
 * Invariants:
 * 1. Every length is checked against the bytes we were given before it is
 *    read; libmnl's walkers (mnl_nlmsg_ok(), mnl_attr_ok()) do the
 *    checking, and what they leave over must be nothing (or an attribute's
 *    alignment padding): a truncated reply is an error, not a short list.
 * 2. A buffer is all or nothing: on any failure the table is cut back to
 *    its length before the call.
 * 3. No I/O, no allocation but the table's own. */
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#include "sockdiag.h"

void sockdiag_table_done(struct sockdiag_table *t) {
        free(t->socks);
        *t = (struct sockdiag_table) {};
}

void sockdiag_addrs_done(struct sockdiag_addrs *a) {
        free(a->addrs);
        *a = (struct sockdiag_addrs) {};
}

/* Walk the attributes in [p, p + len); each one to fn. Returns 0 or
 * -EBADMSG when one runs past the end or bytes other than padding remain. */
static int walk_attrs(const void *p, size_t len, void (*fn)(const struct nlattr *a, void *data), void *data) {
        const struct nlattr *a = p;
        int left = (int) len;
        while (mnl_attr_ok(a, left)) {
                fn(a, data);
                left -= (int) MNL_ALIGN(a->nla_len);
                a = (const struct nlattr *) ((const char *) a + MNL_ALIGN(a->nla_len));
        }
        return left < MNL_ALIGNTO ? 0 : -EBADMSG;
}

static void sock_attr(const struct nlattr *a, void *data) {
        struct sockdiag_sock *s = data;
        if (mnl_attr_get_type(a) != INET_DIAG_INFO)
                return;
        /* An older kernel's tcp_info is shorter, a newer one longer:
         * what we read is at its start since 2.6. */
        struct tcp_info ti = {};
        size_t n = mnl_attr_get_payload_len(a);
        if (n < offsetof(struct tcp_info, tcpi_rtt) + sizeof(ti.tcpi_rtt))
                return;
        memcpy(&ti, mnl_attr_get_payload(a), n < sizeof(ti) ? n : sizeof(ti));
        s->has_info = true;
        s->info_retransmits = ti.tcpi_retransmits;
        s->info_probes = ti.tcpi_probes;
        s->info_backoff = ti.tcpi_backoff;
        s->rto_us = ti.tcpi_rto;
        s->rtt_us = ti.tcpi_rtt;
        s->unacked = ti.tcpi_unacked;
}

static int parse_sock(const struct nlmsghdr *h, struct sockdiag_sock *s) {
        const struct inet_diag_msg *m = mnl_nlmsg_get_payload(h);
        if (mnl_nlmsg_get_payload_len(h) < sizeof(*m))
                return -EBADMSG;
        if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
                return -EBADMSG;
        *s = (struct sockdiag_sock) {
                .family = m->idiag_family, .state = m->idiag_state, .timer = m->idiag_timer,
                .retrans = m->idiag_retrans, .sport = ntohs(m->id.idiag_sport), .dport = ntohs(m->id.idiag_dport),
                .ifindex = m->id.idiag_if, .cookie = { m->id.idiag_cookie[0], m->id.idiag_cookie[1] },
                .expires_ms = m->idiag_expires, .uid = m->idiag_uid, .inode = m->idiag_inode,
        };
        size_t alen = m->idiag_family == AF_INET ? 4 : 16;
        memcpy(s->src, m->id.idiag_src, alen);
        memcpy(s->dst, m->id.idiag_dst, alen);
        return walk_attrs((const char *) m + MNL_ALIGN(sizeof(*m)),
                          mnl_nlmsg_get_payload_len(h) - MNL_ALIGN(sizeof(*m)), sock_attr, s);
}

struct addr_attrs {
        struct sockdiag_addr *a;
        bool local, address;
};

static void addr_attr(const struct nlattr *at, void *data) {
        struct addr_attrs *x = data;
        size_t alen = x->a->family == AF_INET ? 4 : 16;
        uint16_t type = mnl_attr_get_type(at);
        if ((type != IFA_LOCAL && type != IFA_ADDRESS) || mnl_attr_get_payload_len(at) < alen)
                return;
        /* IFA_LOCAL is the address of a point-to-point IPv4 link's own
         * end (IFA_ADDRESS its peer); IPv6 has only IFA_ADDRESS. */
        if (type == IFA_LOCAL || !x->local)
                memcpy(x->a->addr, mnl_attr_get_payload(at), alen);
        x->local |= type == IFA_LOCAL;
        x->address |= type == IFA_ADDRESS;
}

/* One message of a dump that is not a control message: appended to the
 * array at into, or skipped. Returns 0 or a return of sockdiag_parse(). */
typedef int (*entry_fn)(const struct nlmsghdr *h, void *into);

static int append_sock(const struct nlmsghdr *h, void *into) {
        struct sockdiag_table *t = into;
        /* The kernel answers in the request's type: TCPDIAG_GETSOCK for
         * the one of both families. */
        if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY && h->nlmsg_type != TCPDIAG_GETSOCK)
                return -EBADMSG;
        if (GROW(t->socks, t->n, t->cap) < 0)
                return -ENOMEM;
        int r = parse_sock(h, &t->socks[t->n]);
        if (r < 0)
                return r;
        t->n++;
        return 0;
}

static int append_addr(const struct nlmsghdr *h, void *into) {
        const struct ifaddrmsg *m = mnl_nlmsg_get_payload(h);
        struct sockdiag_addrs *l = into;
        if (h->nlmsg_type != RTM_NEWADDR)
                return -EBADMSG;
        if (mnl_nlmsg_get_payload_len(h) < sizeof(*m))
                return -EBADMSG;
        if (m->ifa_family != AF_INET && m->ifa_family != AF_INET6)
                return 0; /* a dump for AF_UNSPEC may hold others */
        if (GROW(l->addrs, l->n, l->cap) < 0)
                return -ENOMEM;
        struct sockdiag_addr *a = &l->addrs[l->n];
        *a = (struct sockdiag_addr) { .family = m->ifa_family, .prefixlen = m->ifa_prefixlen,
                                      .scope = m->ifa_scope, .ifindex = m->ifa_index };
        struct addr_attrs x = { .a = a };
        int r = walk_attrs((const char *) m + MNL_ALIGN(sizeof(*m)),
                           mnl_nlmsg_get_payload_len(h) - MNL_ALIGN(sizeof(*m)), addr_attr, &x);
        if (r < 0)
                return r;
        if (!x.local && !x.address)
                return -EBADMSG;
        l->n++;
        return 0;
}

/* The shared walk: control messages here, the others to fn, which
 * appends to an array of *n elements. Returns as sockdiag_parse(), *n cut
 * back on failure. */
static int parse_dump(const void *buf, size_t len, entry_fn fn, void *into, size_t *n) {
        const struct nlmsghdr *h = buf;
        size_t n0 = *n;
        int left = len > INT32_MAX ? -1 : (int) len, r = 0;

        if (left < 0)
                return -E2BIG;
        for (; mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left)) {
                if (h->nlmsg_flags & NLM_F_DUMP_INTR) {
                        r = -EAGAIN;
                        break;
                }
                if (h->nlmsg_type == NLMSG_NOOP)
                        continue;
                if (h->nlmsg_type == NLMSG_DONE) {
                        /* Since 4.x the DONE of a dump carries an int: 0, or
                         * the error that ended it early. */
                        int err = 0;
                        if (mnl_nlmsg_get_payload_len(h) >= sizeof(int))
                                memcpy(&err, mnl_nlmsg_get_payload(h), sizeof(int));
                        r = err < 0 ? err : 1;
                        break;
                }
                if (h->nlmsg_type == NLMSG_ERROR) {
                        const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);
                        if (mnl_nlmsg_get_payload_len(h) < sizeof(int) || e->error >= 0 || e->error < -4095)
                                r = -EBADMSG;
                        else
                                r = e->error;
                        break;
                }
                r = fn(h, into);
                if (r < 0)
                        break;
        }
        /* Bytes that are not a whole message: a truncated reply. */
        if (r == 0 && left > 0)
                r = -EBADMSG;
        if (r < 0)
                *n = n0;
        return r;
}

int sockdiag_parse(const void *buf, size_t len, struct sockdiag_table *t) {
        return parse_dump(buf, len, append_sock, t, &t->n);
}

int sockdiag_parse_addrs(const void *buf, size_t len, struct sockdiag_addrs *a) {
        return parse_dump(buf, len, append_addr, a, &a->n);
}

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static bool in_prefix(const uint8_t *a, const uint8_t *net, unsigned bits) {
        size_t bytes = bits / 8;
        if (memcmp(a, net, bytes) != 0)
                return false;
        if (bits % 8 == 0)
                return true;
        uint8_t mask = (uint8_t) (0xff << (8 - bits % 8));
        return (a[bytes] & mask) == (net[bytes] & mask);
}

bool sockdiag_addr_assigned(const struct sockdiag_addrs *a, uint8_t family, const uint8_t addr[16]) {
        static const uint8_t zero[16];
        const uint8_t *p = addr;
        if (family == AF_INET6 && memcmp(addr, v4mapped, sizeof(v4mapped)) == 0)
                family = AF_INET, p = addr + 12;
        size_t alen = family == AF_INET ? 4 : 16;
        if (memcmp(p, zero, alen) == 0)
                return true;
        for (size_t i = 0; i < a->n; i++) {
                const struct sockdiag_addr *x = &a->addrs[i];
                if (x->family != family)
                        continue;
                if (memcmp(x->addr, p, alen) == 0)
                        return true;
                if (family == AF_INET && x->scope == RT_SCOPE_HOST && x->prefixlen <= 32 &&
                    in_prefix(p, x->addr, x->prefixlen))
                        return true;
        }
        return false;
}

const char *sockdiag_endpoint(uint8_t family, const uint8_t addr[16], uint16_t port, char *buf, size_t size) {
        char a[INET6_ADDRSTRLEN] = "?";
        if (!inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, a, sizeof(a)))
                a[0] = '?', a[1] = 0;
        snprintf(buf, size, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, (unsigned) port);
        return buf;
}

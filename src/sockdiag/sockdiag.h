/* SPDX-License-Identifier: MIT */
/* Every TCP socket of a network namespace, as NETLINK_SOCK_DIAG (inet_diag)
 * reports it, and the addresses assigned there (rtnetlink RTM_GETADDR).
 *
 * Two halves, as ss(8) has with TCPDIAG_FILE: the parsers read byte
 * buffers and touch nothing else, so tests replay recorded dumps; the
 * sockdiag_dump*() and sockdiag_destroy() functions do the socket I/O and
 * feed the parsers. The netlink framing (message and attribute walking,
 * requests) is libmnl's.
 *
 * What the parsers refuse, rather than skip: a message or attribute that
 * runs past the buffer, bytes after the last whole message, an
 * inet_diag_msg or ifaddrmsg shorter than its struct, an address family
 * other than AF_INET/AF_INET6. A refused buffer adds nothing: no partial
 * garbage reaches a caller. */
#pragma once

#include <stdio.h>

#include "util.h"

/* One socket, in the order the kernel dumped it. Addresses are in network
 * byte order (an IPv4 address in the first 4 bytes), ports in host order. */
struct sockdiag_sock {
        uint8_t family;          /* AF_INET, AF_INET6 */
        uint8_t state;           /* idiag_state: the kernel's TCP_* (enum tcp_state) */
        uint8_t timer;           /* idiag_timer: 0 none, 1 retransmit, 2 keepalive, 3 time-wait, 4 probe */
        uint8_t retrans;         /* idiag_retrans: retransmits, probes or a request's SYN-ACKs */
        uint16_t sport, dport;
        uint8_t src[16], dst[16];
        uint32_t ifindex;        /* idiag_if: bound device, 0 for none */
        uint32_t cookie[2];      /* idiag_cookie: what SOCK_DESTROY checks */
        uint32_t expires_ms;     /* idiag_expires: until the pending timer fires */
        uint32_t uid, inode;     /* inode 0: no file (orphan, time-wait, request) */
        /* From INET_DIAG_INFO (struct tcp_info); full sockets only. */
        bool has_info;
        uint8_t info_retransmits; /* tcpi_retransmits (icsk_retransmits) */
        uint8_t info_probes;      /* tcpi_probes (icsk_probes_out) */
        uint8_t info_backoff;     /* tcpi_backoff (icsk_backoff) */
        uint32_t rto_us;          /* tcpi_rto */
        uint32_t rtt_us;          /* tcpi_rtt */
        uint32_t unacked;         /* tcpi_unacked */
};

struct sockdiag_table {
        struct sockdiag_sock *socks;
        size_t n, cap;
};
void sockdiag_table_done(struct sockdiag_table *t);

/* Parse one buffer of a SOCK_DIAG_BY_FAMILY or TCPDIAG_GETSOCK dump
 * reply (one recv(), or several concatenated, or a whole recorded dump),
 * appending each socket to *t. Returns 0 when the dump goes on, 1 when NLMSG_DONE was seen (the
 * bytes after it are not read), the kernel's -errno for an NLMSG_ERROR
 * (or a DONE carrying one), -EBADMSG for a malformed buffer, -EAGAIN for a
 * dump the kernel marked interrupted (NLM_F_DUMP_INTR: start again), or
 * -ENOMEM. On failure *t holds what it held before the call. */
int sockdiag_parse(const void *buf, size_t len, struct sockdiag_table *t);

/* The addresses assigned in a namespace. */
struct sockdiag_addr {
        uint8_t family;          /* AF_INET, AF_INET6 */
        uint8_t prefixlen;
        uint8_t scope;           /* ifa_scope: RT_SCOPE_HOST for 127.0.0.1/8, ::1 */
        uint8_t addr[16];        /* IFA_LOCAL (IPv4) or IFA_ADDRESS */
        uint32_t ifindex;
};
struct sockdiag_addrs {
        struct sockdiag_addr *addrs;
        size_t n, cap;
};
void sockdiag_addrs_done(struct sockdiag_addrs *a);

/* Parse a buffer of an RTM_GETADDR dump reply, as sockdiag_parse() does
 * (same returns). */
int sockdiag_parse_addrs(const void *buf, size_t len, struct sockdiag_addrs *a);

/* Whether a socket's local address is assigned: equal to an address of
 * the namespace, or inside the prefix of a host-scope IPv4 address (the
 * kernel makes all of 127.0.0.0/8 local for 127.0.0.1/8 on lo). An
 * IPv4-mapped IPv6 address is looked up as IPv4; the wildcard is always
 * assigned. */
bool sockdiag_addr_assigned(const struct sockdiag_addrs *a, uint8_t family, const uint8_t addr[16]);

/* "10.1.0.2:40000", "[2001:db8::1]:443" (IPv6 in brackets), into buf. */
const char *sockdiag_endpoint(uint8_t family, const uint8_t addr[16], uint16_t port, char *buf, size_t size);
#define SOCKDIAG_ENDPOINT_MAX 64

/* I/O, in the namespace the calling thread is in (a netlink socket binds
 * to it when opened). record, when not NULL, receives every reply byte as
 * received, for tests/data/sockdiag/.
 *
 * sockdiag_dump(): every TCP socket, IPv4 then IPv6, every state (request
 * and time-wait sockets too), with INET_DIAG_INFO. Returns 0, or -errno:
 * the socket call's, a kernel error, -EBADMSG for a malformed or truncated
 * reply, -EAGAIN when the dump kept being interrupted. On failure *ret is
 * left empty. sockdiag_dump_addrs(): the same for the RTM_GETADDR dump. */
int sockdiag_dump(struct sockdiag_table *ret, FILE *record);
/* The connections of a namespace: its TCP sockets in the states of the
 * mask (bit 1 << TCP state, as idiag_states), both families, with
 * INET_DIAG_INFO, appended to *t (which the caller frees; nothing is
 * appended on failure). Without TCP_LISTEN in the mask the kernel walks
 * the established hash only, once for both families (sockdiag-io.c,
 * invariant 4), and not at all when in_use (the namespace's TCP sockets
 * of each family, IPv4 then IPv6, as sockstat counts them: listeners and
 * connections, not request or time-wait sockets; NULL: unknown) are all
 * listeners, which a dump of the far smaller listening hash counts.
 * Returns 0 or -errno as sockdiag_dump(). */
int sockdiag_dump_connections(struct sockdiag_table *t, uint32_t states, const uint64_t in_use[2]);
int sockdiag_dump_addrs(struct sockdiag_addrs *ret, FILE *record);

/* End one socket now with SOCK_DESTROY: the kernel's tcp_abort(), the
 * application reads ECONNABORTED (what ss -K does). Returns 0, -ENOENT
 * (no longer there, or its cookie changed), -EPERM (needs CAP_NET_ADMIN),
 * -EOPNOTSUPP (a kernel without CONFIG_INET_DIAG_DESTROY), or another
 * -errno. */
int sockdiag_destroy(const struct sockdiag_sock *s);

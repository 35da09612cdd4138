/* SPDX-License-Identifier: MIT */
/* What the two programs that live through a failing TCP connection share:
 * tests/kernel/tcpdead.c (docs/MODEL.md §14) and
 * tests/sockets/sockvictim.c. Both print their result as JSON on stdout,
 * so nothing here writes there. Test-only; not part of tcptune. */
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

union sockaddr_any {
        struct sockaddr sa;
        struct sockaddr_in in;
        struct sockaddr_in6 in6;
};

/* "PROGRAM: message" on stderr (%m works), then exit(1). */
__attribute__((format(printf, 1, 2))) _Noreturn void die(const char *fmt, ...);

/* CLOCK_MONOTONIC, in seconds. */
double now(void);

/* "10.200.1.2:5000" or "[fd00:200:1:2::2]:5000" into *ret and its
 * length; dies naming what was expected otherwise. */
void parse_addr(const char *s, union sockaddr_any *ret, socklen_t *ret_len);

/* The port of an AF_INET or AF_INET6 address, in host order. */
unsigned addr_port(const union sockaddr_any *a);

/* Run cmd with /bin/sh, its stdout sent to our stderr (our stdout is the
 * result). Returns its exit status, or -1 when it could not be run or did
 * not exit. */
int run_shell(const char *cmd);

/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tcpcase.h"

void die(const char *fmt, ...) {
        int saved = errno; /* for %m */
        va_list ap;
        fprintf(stderr, "%s: ", program_invocation_short_name);
        errno = saved;
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        exit(1);
}

double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

void parse_addr(const char *s, union sockaddr_any *ret, socklen_t *ret_len) {
        char host[64];
        const char *colon = strrchr(s, ':'), *h = s;
        size_t len;
        if (!colon)
                die("--addr '%s': expected ADDR:PORT", s);
        len = (size_t) (colon - s);
        if (*s == '[' && len > 2 && colon[-1] == ']')
                h++, len -= 2;
        if (len >= sizeof host)
                die("--addr '%s': expected ADDR:PORT", s);
        snprintf(host, sizeof host, "%.*s", (int) len, h);
        memset(ret, 0, sizeof *ret);
        if (inet_pton(AF_INET, host, &ret->in.sin_addr) == 1) {
                ret->in.sin_family = AF_INET;
                ret->in.sin_port = htons((uint16_t) atoi(colon + 1));
                *ret_len = sizeof ret->in;
        } else if (inet_pton(AF_INET6, host, &ret->in6.sin6_addr) == 1) {
                ret->in6.sin6_family = AF_INET6;
                ret->in6.sin6_port = htons((uint16_t) atoi(colon + 1));
                *ret_len = sizeof ret->in6;
        } else
                die("--addr '%s': not an IPv4 or [IPv6] address", s);
}

unsigned addr_port(const union sockaddr_any *a) {
        return ntohs(a->sa.sa_family == AF_INET6 ? a->in6.sin6_port : a->in.sin_port);
}

int run_shell(const char *cmd) {
        int status;
        pid_t pid = fork();
        if (pid < 0)
                return -1;
        if (pid == 0) {
                dup2(STDERR_FILENO, STDOUT_FILENO);
                execl("/bin/sh", "sh", "-c", cmd, (char *) NULL);
                _exit(127);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

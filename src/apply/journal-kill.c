/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <sys/uio.h>

#include "journal-kill.h"
#include "sd-dlopen.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

static char *field(const char *fmt, ...) _printf_(1, 2);
static char *field(const char *fmt, ...) {
        char *s;
        va_list ap;
        va_start(ap, fmt);
        int r = vasprintf(&s, fmt, ap);
        va_end(ap);
        return r < 0 ? NULL : s;
}

int journal_log_kill(const char *netns, const char *local, const char *remote, const char *state,
                     const char *reason) {
        if (access(JOURNAL_SOCKET, F_OK) < 0 || sd_dlopen() < 0)
                return -EOPNOTSUPP;
        char *f[] = {
                field("MESSAGE=tcptune: killed TCP socket %s -> %s (%s) in netns %s: %s", local, remote, state, netns,
                      reason),
                strdup("MESSAGE_ID=" KILL_MESSAGE_ID),
                strdup("PRIORITY=5"),
                strdup("SYSLOG_IDENTIFIER=tcptune"),
                field("NETNS=%s", netns),
                field("LOCAL=%s", local),
                field("REMOTE=%s", remote),
                field("STATE=%s", state),
                field("REASON=%s", reason),
        };
        struct iovec iov[ELEMENTSOF(f)];
        int r = 0;
        for (size_t i = 0; i < ELEMENTSOF(f); i++) {
                if (!f[i])
                        r = -ENOMEM;
                else
                        iov[i] = (struct iovec) { .iov_base = f[i], .iov_len = strlen(f[i]) };
        }
        /* A record, not a precondition: the socket is gone either way. */
        if (r == 0)
                r = sym_sd_journal_sendv(iov, (int) ELEMENTSOF(f));
        for (size_t i = 0; i < ELEMENTSOF(f); i++)
                free(f[i]);
        return r;
}

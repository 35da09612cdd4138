/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>

#include "escape.h"
#include "log.h"

static char *last_error;

const char *log_last_error(void) {
        return last_error;
}

_printf_(3, 0) static void logv(const char *prefix, bool error, const char *fmt, va_list ap) {
        /* One fprintf per line: concurrent runs do not interleave mid-line. */
        char *msg = NULL;
        if (vasprintf(&msg, fmt, ap) < 0) {
                fputs("tcptune: out of memory\n", stderr);
                return;
        }
        /* Messages quote what users typed and what files hold: a control
         * byte or a bidi mark in either must reach the terminal as \xNN, so
         * every message is escaped here, once, whatever its caller did. */
        char *safe = escape_text(msg, SIZE_MAX);
        if (safe) {
                free(msg);
                msg = safe;
        }
        fprintf(stderr, "tcptune: %s%s\n", prefix, msg);
        if (error) {
                free(last_error);
                last_error = msg;
        } else
                free(msg);
}

int log_error_errno(int err, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        logv("", true, fmt, ap);
        va_end(ap);
        return err < 0 ? err : -err;
}

void log_error(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        logv("", true, fmt, ap);
        va_end(ap);
}

void log_warning(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        logv("warning: ", false, fmt, ap);
        va_end(ap);
}

void log_notice(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        logv("", false, fmt, ap);
        va_end(ap);
}

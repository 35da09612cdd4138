/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>

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

/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

_printf_(2, 0) static void logv(const char *prefix, const char *fmt, va_list ap) {
        /* One fprintf per line: concurrent runs do not interleave mid-line. */
        char *msg = NULL;
        if (vasprintf(&msg, fmt, ap) < 0) {
                fputs("tcptune: out of memory\n", stderr);
                return;
        }
        fprintf(stderr, "tcptune: %s%s\n", prefix, msg);
        free(msg);
}

int log_error_errno(int err, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        logv("", fmt, ap);
        va_end(ap);
        return err < 0 ? err : -err;
}

void log_error(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        logv("", fmt, ap);
        va_end(ap);
}

void log_warning(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        logv("warning: ", fmt, ap);
        va_end(ap);
}

void log_notice(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        logv("", fmt, ap);
        va_end(ap);
}

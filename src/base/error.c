/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "error.h"

int error_setv(struct error *e, int r, const char *file, unsigned line, const char *fmt, va_list ap) {
        if (!e || e->code != 0)
                return r;
        _cleanup_free_ char *f = file ? strdup(file) : NULL, *m = NULL;
        if (file && !f)
                return -ENOMEM;
        if (vasprintf(&m, fmt, ap) < 0) {
                m = NULL; /* undefined after a failure */
                return -ENOMEM;
        }
        *e = (struct error) { .code = r, .file = TAKE_PTR(f), .line = line, .message = TAKE_PTR(m) };
        return r;
}

int error_set(struct error *e, int r, const char *file, unsigned line, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        r = error_setv(e, r, file, line, fmt, ap);
        va_end(ap);
        return r;
}

int error_move(struct error *dst, struct error *src) {
        int r = src->code;
        if (dst && dst->code == 0) {
                *dst = *src;
                *src = (struct error) {};
        } else
                error_done(src);
        return r;
}

void error_done(struct error *e) {
        if (!e)
                return;
        free(e->file);
        free(e->message);
        *e = (struct error) {};
}

char *error_format_at(const char *file, unsigned line, const char *message) {
        char *s = NULL;
        int k = file && line ? asprintf(&s, "%s:%u: %s", file, line, message)
                : file       ? asprintf(&s, "%s: %s", file, message)
                             : asprintf(&s, "%s", message);
        return k < 0 ? NULL : s;
}

char *error_format(const struct error *e) {
        if (!error_is_set(e) || !e->message)
                return NULL;
        return error_format_at(e->file, e->line, e->message);
}

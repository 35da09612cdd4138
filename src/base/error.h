/* SPDX-License-Identifier: MIT */
/* How a module says what went wrong: one carrier, the same everywhere.
 *
 * A module returns a negative errno, as always, and fills the caller's
 * struct error with where and what: the file (as the host sees it) and
 * line when a file is at fault, and one line of text. It never prints;
 * the command layer logs it once (cmd_fail_error()), compiler-style:
 *
 *   /etc/tcptune/tcptune.conf:3: idle = 5x: not a duration (try 5m, 30s or off)
 *
 *   static int check(..., struct error *err) {
 *           if (!known)
 *                   return error_set(err, -EINVAL, path, line, "unknown key '%s'", key);
 *
 * Rules:
 *  1. The first failure wins: error_set() on a carrier that already holds
 *     one changes nothing. The first names the cause; later ones are its
 *     consequences (a rollback that fails after the write that failed).
 *  2. err may be NULL everywhere: the caller wants only the errno.
 *  3. -ENOMEM needs no message: a carrier left empty is told by the errno
 *     alone (cmd_fail_error() says "out of memory").
 *  4. The text is as the module wrote it, quoting what it read; escaping
 *     for a terminal happens once, in log.c, for every message. */
#pragma once

#include <stdarg.h>

#include "util.h"

struct error {
        int code;        /* negative errno it was set with; 0: nothing set */
        char *file;      /* host path the failure concerns, or NULL */
        unsigned line;   /* 1-based line in file; 0: the whole file (or no file) */
        char *message;   /* what is wrong, without FILE:LINE; NULL only when code is 0 */
};

/* Record a failure in e unless e is NULL or already holds one (rule 1).
 * file may be NULL; line 0 says "the whole file". Returns r (a negative
 * errno), for `return error_set(err, -EINVAL, ...)`; -ENOMEM, with e
 * left empty, when the text cannot be allocated. */
int error_set(struct error *e, int r, const char *file, unsigned line, const char *fmt, ...) _printf_(5, 6);
int error_setv(struct error *e, int r, const char *file, unsigned line, const char *fmt, va_list ap) _printf_(5, 0);

/* Whether e holds a failure. NULL holds none. */
static inline bool error_is_set(const struct error *e) {
        return e && e->code != 0;
}

/* Move src's failure into dst (rule 1: unless dst holds one already) and
 * leave src empty. Returns src's code, 0 when it held none. */
int error_move(struct error *dst, struct error *src);

/* Free what e holds and make it empty; e may be NULL. */
void error_done(struct error *e);

/* The one line a user reads, as compilers write it so editors can jump
 * there: "FILE:LINE: message", "FILE: message" for line 0, "message"
 * without a file. As written: log.c escapes what reaches a terminal, a JSON
 * string escapes its own. malloc'ed; NULL when e holds nothing, or on OOM. */
char *error_format(const struct error *e);

/* The same for parts that are not a struct error (a sysctl.d diagnostic):
 * file may be NULL, message may not. */
char *error_format_at(const char *file, unsigned line, const char *message);

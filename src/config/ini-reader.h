/* SPDX-License-Identifier: MIT */
/* tcptune's INI dialect, for profiles and the policy file: inih's
 * ini_parse_stream() fed by a reader that checks each line first and hands
 * inih only lines it reads the one obvious way.
 *
 * inih r55 (Debian 12's libinih 55, built with its defaults; we link the
 * shared library and may not change them with -DINI_*) would otherwise,
 * silently:
 *  1. cut lines at INI_MAX_LINE (200 bytes with "\r\n\0") and parse the
 *     rest as a line of its own: a longer line is an error here;
 *  2. take an indented line as the continuation of the previous value
 *     (INI_ALLOW_MULTILINE): an indented KEY = VALUE or [section] is an
 *     error (indented comments and blank lines are fine);
 *  3. cut a value at " ;" but keep "a;b" and "a # b": here ';' and '#'
 *     start a comment only as the first non-blank character of a line,
 *     and anywhere else they are an error;
 *  4. accept ':' as a separator and cut section names at 49 bytes: keys
 *     are [A-Za-z0-9_./-]+ followed by '=', and section names go to the
 *     caller's on_section() before inih sees them;
 *  5. end a line at a NUL byte: NUL and control characters are refused.
 * A UTF-8 BOM at the start and CRLF line ends are accepted (stripped here).
 * inih calls the handler for the line the reader returned last, so
 * `lineno` is the handler's line number. */
#pragma once

#include <ini.h>
#include <stdarg.h>

#include "error.h"
#include "util.h"

/* Room for the line, "\n" and the NUL in inih's buffer, with one to spare. */
#define INI_READER_LINE_MAX (INI_MAX_LINE - 3)

struct ini_reader {
        const char *buf;          /* the whole file */
        size_t len, pos;
        const char *file;         /* its host path, for messages */
        unsigned lineno;          /* the line handed to inih last */
        bool in_section;          /* a [section] header was accepted */
        int err;                  /* first failure: a negative errno, 0 none */
        struct error *error;      /* the caller's: told file, line and text of the first failure; may be NULL */
        /* Each [section] header, name without brackets: return 0 to accept
         * it, or the result of ini_reader_fail(). NULL accepts every name. */
        int (*on_section)(struct ini_reader *r, const char *name, size_t len, void *userdata);
        void *userdata;
};

/* Record the first failure, at file and the current line, in r->err and
 * r->error (later ones are ignored: one error, one line). Returns -1, for
 * `return ini_reader_fail(...)` in inih's callbacks. */
int ini_reader_fail(struct ini_reader *r, int err, const char *fmt, ...) _printf_(3, 4);
/* The same with a va_list, for callers' own printf-like wrappers. */
int ini_reader_failv(struct ini_reader *r, int err, const char *fmt, va_list ap) _printf_(3, 0);

/* Run inih over r->buf with the checks above, then handler(user, ...) for
 * each KEY = VALUE. Returns 0, or r->err: -EINVAL with r->error set,
 * -ENOMEM. */
int ini_reader_parse(struct ini_reader *r, ini_handler handler, void *user);

/* SPDX-License-Identifier: MIT */
/* The only code that writes to stderr. Every message is one line:
 *   tcptune: WHERE: what is wrong
 * Control bytes, bytes that are not UTF-8 and bidi marks in a message are
 * printed as \xNN (escape_text()), whatever the message quotes.
 * log_*() return -abs(err) so callers can log and return in one statement. */
#pragma once

#include "util.h"

int log_error_errno(int err, const char *fmt, ...) _printf_(2, 3);
void log_error(const char *fmt, ...) _printf_(1, 2);
void log_warning(const char *fmt, ...) _printf_(1, 2);
void log_notice(const char *fmt, ...) _printf_(1, 2);

/* The last message log_error()/log_error_errno() wrote (without the
 * "tcptune: " prefix), or NULL: what main.c repeats in the --json error
 * document. Owned by log.c, valid until the next error. */
const char *log_last_error(void);

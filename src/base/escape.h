/* SPDX-License-Identifier: MIT */
/* Making untrusted text safe to print. */
#pragma once

#include "util.h"

/* A copy of file text safe for a terminal line: control bytes and bytes
 * that are not UTF-8 become \xNN (so escaping twice changes nothing); at
 * most max bytes of s, then "...". malloc'ed; NULL on OOM. */
char *escape_text(const char *s, size_t max);

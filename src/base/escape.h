/* SPDX-License-Identifier: MIT */
/* Making untrusted text safe to print. */
#pragma once

#include "util.h"

/* A copy of file text safe for a terminal line: control bytes and bytes
 * that are not UTF-8 become \xNN, each byte of it (so escaping twice changes
 * nothing); what escape_is_control() names counts as a control; at
 * most max bytes of s, then "...". malloc'ed; NULL on OOM. */
char *escape_text(const char *s, size_t max);

/* Decode one strict UTF-8 sequence (no overlong forms, surrogates or
 * values past U+10FFFF) of at most n bytes. Returns its length, or 0 when
 * s does not start a valid one. */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *ret_cp);
/* Whether n bytes of s are valid UTF-8 (JSON and Prometheus need it). */
bool utf8_valid(const char *s, size_t n);
/* Code points that must never reach a terminal as they are: C0, DEL, C1
 * (U+009B is a CSI), bidi marks, embeddings, overrides and isolates
 * (U+202E reverses what follows), line and paragraph separators, BOM. */
bool escape_is_control(uint32_t cp);

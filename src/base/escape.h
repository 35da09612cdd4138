/* SPDX-License-Identifier: MIT */
/* Making untrusted text safe to print. */
#pragma once

#include "util.h"

/* How escape_walk() rewrites text: one policy per place text goes (a
 * terminal here, Prometheus labels and JSON documents in src/output). */
struct escape_policy {
        /* Written before two lower-case hex digits for each byte that is
         * not UTF-8 and for each byte of a code point as_bytes() names:
         * "\\x" for \xNN. */
        const char *byte_prefix;
        /* Whether a valid code point is written as its bytes through
         * byte_prefix; NULL: none is. */
        bool (*as_bytes)(uint32_t cp);
        /* Text written instead of a valid code point, or NULL to keep it;
         * the function NULL: every one is kept. */
        const char *(*replace)(uint32_t cp);
        /* The most bytes written for one byte in: escape_alloc() sizes its
         * buffer with it. */
        size_t max_per_byte;
};

/* Walk n bytes of s, strict UTF-8 (utf8_decode()), handing put() in order
 * the runs kept as they are and the escapes p asks for. Returns 0, or the
 * first negative value put() returns, where the walk stops. */
int escape_walk(const char *s, size_t n, const struct escape_policy *p,
                int (*put)(void *userdata, const char *bytes, size_t len), void *userdata);

/* escape_walk() into memory: n bytes of s rewritten by p, then suffix
 * (may be NULL). malloc'ed; NULL on OOM. */
char *escape_alloc(const char *s, size_t n, const struct escape_policy *p, const char *suffix);

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

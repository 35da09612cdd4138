/* SPDX-License-Identifier: MIT */
/* Shared by the fuzz targets: each defines LLVMFuzzerTestOneInput() and
 * checks invariants with fuzz_assert(), which aborts so that libFuzzer
 * (and the corpus replay, replay.c) reports the input as a crash. */
#pragma once

#include <stdio.h>
#include <stdlib.h>

#include "root.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_assert(expr)                                                                        \
        do {                                                                                     \
                if (!(expr)) {                                                                   \
                        fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #expr); \
                        abort();                                                                 \
                }                                                                                \
        } while (0)

/* Out of memory is not what we look for: stop quietly rather than report. */
#define fuzz_oom(r)                                    \
        do {                                           \
                if ((r) == -ENOMEM) {                  \
                        fprintf(stderr, "out of memory\n"); \
                        abort();                       \
                }                                      \
        } while (0)

/* A message meant for one terminal line: no control bytes but the tabs
 * that the INI dialect allows inside a line (and messages quote). */
static inline bool fuzz_one_line(const char *s) {
        for (const unsigned char *c = (const unsigned char *) s; *c; c++)
                if ((*c < ' ' && *c != '\t') || *c == 0x7f)
                        return false;
        return true;
}

/* Escaped text (escape_text()): no control bytes at all. */
static inline bool fuzz_no_control(const char *s) {
        for (const unsigned char *c = (const unsigned char *) s; *c; c++)
                if (*c < ' ' || *c == 0x7f)
                        return false;
        return true;
}

/* Lines in a buffer as the INI reader counts them (a last line without
 * '\n' counts). */
static inline unsigned fuzz_count_lines(const uint8_t *data, size_t size) {
        unsigned n = 0;
        for (size_t i = 0; i < size; i++)
                n += data[i] == '\n';
        return n + (size > 0 && data[size - 1] != '\n');
}

#ifdef FUZZ_ROOT
/* The fixture tree FUZZ_ROOT names, opened on first use and kept for the
 * run, as main.c opens --root once. */
static inline const struct root *fuzz_root(void) {
        static struct root r = { .fd = -1 };
        if (r.fd < 0)
                fuzz_assert(root_open(FUZZ_ROOT, &r) == 0);
        return &r;
}
#endif

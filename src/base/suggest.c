/* SPDX-License-Identifier: MIT */
#include <limits.h>

#include "suggest.h"

static char fold(char c) {
        if (c == '_')
                return '-';
        if (c >= 'A' && c <= 'Z')
                return (char) (c - 'A' + 'a');
        return c;
}

static unsigned min3(unsigned a, unsigned b, unsigned c) {
        unsigned m = a < b ? a : b;
        return m < c ? m : c;
}

unsigned suggest_distance(const char *a, const char *b) {
        size_t n = strlen(a), m = strlen(b);
        if (n > SUGGEST_MAX_LEN || m > SUGGEST_MAX_LEN)
                return SUGGEST_FAR;
        /* Three rows of the (n+1) x (m+1) table: the swap looks two back. */
        _cleanup_free_ unsigned *rows = calloc(3 * (m + 1), sizeof(unsigned));
        if (!rows)
                return SUGGEST_FAR;
        unsigned *prev2 = rows, *prev = rows + m + 1, *cur = rows + 2 * (m + 1);
        for (size_t j = 0; j <= m; j++)
                prev[j] = (unsigned) j;
        for (size_t i = 1; i <= n; i++) {
                cur[0] = (unsigned) i;
                for (size_t j = 1; j <= m; j++) {
                        unsigned cost = fold(a[i - 1]) != fold(b[j - 1]);
                        cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
                        if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1]) &&
                            prev2[j - 2] + 1 < cur[j])
                                cur[j] = prev2[j - 2] + 1;
                }
                unsigned *t = prev2;
                prev2 = prev;
                prev = cur;
                cur = t;
        }
        return prev[m];
}

void suggest_init(struct suggest *s, const char *word) {
        *s = (struct suggest) { .word = word, .best_distance = SUGGEST_FAR };
}

void suggest_add(struct suggest *s, const char *candidate) {
        if (!candidate || !s->word)
                return;
        unsigned d = suggest_distance(s->word, candidate);
        if (d < s->best_distance) {
                s->best = candidate;
                s->best_distance = d;
        }
}

const char *suggest_result(const struct suggest *s) {
        size_t len = s->word ? strlen(s->word) : 0;
        unsigned limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
        if (!s->best || s->best_distance > limit || streq(s->best, s->word))
                return NULL;
        return s->best;
}

const char *suggest_nearest(const char *word, const char *const *candidates, size_t n) {
        struct suggest s;
        suggest_init(&s, word);
        for (size_t i = 0; i < n; i++)
                suggest_add(&s, candidates[i]);
        return suggest_result(&s);
}

/* SPDX-License-Identifier: MIT */
/* "Did you mean": the name nearest to what the user typed, for commands,
 * options, profiles, tunable keys and scenarios. Pure, no I/O. */
#pragma once

#include <limits.h>

#include "util.h"

/* Optimal-string-alignment (Damerau-Levenshtein) distance: insertions,
 * deletions, substitutions and swaps of two neighbours each cost 1.
 * ASCII case and '_' versus '-' do not count ("fin_wait_2" is 0 from
 * "fin-wait-2"). Returns SUGGEST_FAR for strings longer than
 * SUGGEST_MAX_LEN or on OOM. */
#define SUGGEST_MAX_LEN 128
#define SUGGEST_FAR UINT_MAX
unsigned suggest_distance(const char *a, const char *b);

/* Feed candidates one at a time (they may live in any table), then ask.
 * Close enough: 1 edit for words of up to 4 characters, 2 up to 8, else
 * 3. Ties go to the first candidate. word and candidates are borrowed
 * and must outlive the struct. */
struct suggest {
        const char *word;
        const char *best;
        unsigned best_distance;
};
void suggest_init(struct suggest *s, const char *word);
void suggest_add(struct suggest *s, const char *candidate);
/* The nearest candidate close enough to word, or NULL. */
const char *suggest_result(const struct suggest *s);

/* The same over an array. */
const char *suggest_nearest(const char *word, const char *const *candidates, size_t n);

/* SPDX-License-Identifier: MIT */
/* String -> index, open addressing. Keys are borrowed: they must outlive
 * the map. A zeroed struct strmap is an empty map. */
#pragma once

#include "util.h"

struct strmap {
        const char **keys;
        size_t *vals, cap, n;
};

/* The value stored for k, or NULL. */
size_t *strmap_get(const struct strmap *m, const char *k);
/* Store v for k (replacing). Returns 0 or -ENOMEM (the map unchanged). */
int strmap_put(struct strmap *m, const char *k, size_t v);
void strmap_done(struct strmap *m);

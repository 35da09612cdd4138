/* SPDX-License-Identifier: MIT */
/* FNV-1a hashing, linear probing, doubling at half full. */
#include "strmap.h"

static size_t slot(const struct strmap *m, const char *k) {
        size_t h = 14695981039346656037u;
        for (const unsigned char *c = (const unsigned char *) k; *c; c++)
                h = (h ^ *c) * 1099511628211u;
        for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1))
                if (!m->keys[i] || streq(m->keys[i], k))
                        return i;
}

size_t *strmap_get(const struct strmap *m, const char *k) {
        if (m->cap == 0)
                return NULL;
        size_t i = slot(m, k);
        return m->keys[i] ? &m->vals[i] : NULL;
}

int strmap_put(struct strmap *m, const char *k, size_t v) {
        if (2 * (m->n + 1) > m->cap) {
                struct strmap g = { .cap = m->cap ? m->cap * 2 : 64 };
                g.keys = calloc(g.cap, sizeof(char *));
                g.vals = calloc(g.cap, sizeof(size_t));
                if (!g.keys || !g.vals) {
                        free(g.keys);
                        free(g.vals);
                        return -ENOMEM;
                }
                for (size_t i = 0; i < m->cap; i++)
                        if (m->keys[i]) {
                                size_t j = slot(&g, m->keys[i]);
                                g.keys[j] = m->keys[i];
                                g.vals[j] = m->vals[i];
                        }
                g.n = m->n;
                free(m->keys);
                free(m->vals);
                *m = g;
        }
        size_t i = slot(m, k);
        if (!m->keys[i]) {
                m->keys[i] = k;
                m->n++;
        }
        m->vals[i] = v;
        return 0;
}

void strmap_done(struct strmap *m) {
        free(m->keys);
        free(m->vals);
        *m = (struct strmap) {};
}

/* SPDX-License-Identifier: MIT */
#include "live.h"
#include "sysctl.h"

int live_read(const char *root, struct live *ret) {
        size_t n;
        const struct tunable *t = tunable_all(&n);
        struct live l = { .n = n };

        l.value = calloc(n, sizeof(char *));
        l.error = calloc(n, sizeof(int));
        if (!l.value || !l.error) {
                live_done(&l);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
                l.error[i] = sysctl_read(root, t[i].key, &l.value[i]);
                if (l.error[i] == -ENOMEM) {
                        live_done(&l);
                        return -ENOMEM;
                }
        }
        *ret = l;
        return 0;
}

void live_done(struct live *l) {
        if (l->value)
                for (size_t i = 0; i < l->n; i++)
                        free(l->value[i]);
        free(l->value);
        free(l->error);
        *l = (struct live) {};
}

const char *live_get(const struct live *l, const char *key) {
        size_t n;
        const struct tunable *t = tunable_all(&n);
        for (size_t i = 0; i < n && i < l->n; i++)
                if (streq(t[i].key, key))
                        return l->value[i];
        return NULL;
}

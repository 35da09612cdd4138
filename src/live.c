/* SPDX-License-Identifier: MIT */
#include "live.h"
#include "log.h"
#include "sysctl.h"
#include "sysctld.h"

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

bool live_report_error(const char *root, const char *key, int error) {
        if (error >= 0 || error == -ENOENT)
                return false;
        /* Keys from sysctl.d files may hold any byte: keep the line safe. */
        _cleanup_free_ char *path = sysctl_path(root, key), *safe = path ? sysctld_escape(path, SIZE_MAX) : NULL;
        log_error("%s: %s", safe ? safe : key,
                  error == -ENXIO ? "not a regular file (a FIFO or a device?): not read" : strerror(-error));
        return true;
}

size_t live_report_errors(const char *root, const struct live *l, const struct tunable *only) {
        size_t n, logged = 0;
        const struct tunable *t = tunable_all(&n);
        for (size_t i = 0; i < n && i < l->n; i++)
                if ((!only || only == &t[i]) && live_report_error(root, t[i].key, l->error[i]))
                        logged++;
        return logged;
}

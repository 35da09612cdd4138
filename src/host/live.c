/* SPDX-License-Identifier: MIT */
#include "live.h"
#include "sysctl.h"

int live_read(const struct root *root, struct live *ret) {
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

const char *live_unreadable(int error) {
        if (error >= 0 || error == -ENOENT)
                return NULL;
        return error == -ENXIO ? "not a regular file (a FIFO or a device?): not read" : strerror(-error);
}

int live_model_input(const struct live *live, const struct kernel_info *k, struct model_input *ret,
                     bool *ret_hz_assumed) {
        struct model_input in;
        size_t n;
        const struct tunable *t = tunable_all(&n);

        model_input_defaults(&in);
        if (k->hz)
                in.hz = k->hz;
        if (ret_hz_assumed)
                *ret_hz_assumed = k->hz == 0;
        /* Absent keys: the behaviour of kernels that predate them. */
        in.syn_linear_timeouts = 0;
        in.tlp_legacy = !kernel_version_at_least(k->release, "6.6");
        for (size_t i = 0; i < n && i < live->n; i++)
                if (live->value[i])
                        (void) model_input_set(&in, t[i].key, live->value[i]);
        if (k->default_cc && !live_get(live, "net.ipv4.tcp_congestion_control"))
                in.cc_bbr = streq(k->default_cc, "bbr");
        *ret = in;
        return 0;
}

void live_drop_absent(const struct live *live, struct model_result *r) {
        size_t n;
        const struct tunable *t = tunable_all(&n);
        size_t k = 0;
        for (size_t g = 0; g < r->n_governed_by; g++) {
                bool absent = false;
                for (size_t i = 0; i < n && i < live->n; i++)
                        if (streq(t[i].key, r->governed_by[g]))
                                absent = live->error[i] == -ENOENT;
                if (!absent)
                        r->governed_by[k++] = r->governed_by[g];
        }
        r->n_governed_by = k;
}

/* SPDX-License-Identifier: MIT */
#include <inttypes.h>
#include <stdio.h>

#include "model-input.h"
#include "parse.h"
#include "sysctl.h"

const char *const model_input_keys[] = {
        "net.ipv4.tcp_retries2",
        "net.ipv4.tcp_orphan_retries",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_syn_retries",
        "net.ipv4.tcp_syn_linear_timeouts",
        "net.ipv4.tcp_synack_retries",
        "net.ipv4.tcp_rto_min_us",
        "net.ipv4.tcp_rto_max_ms",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
        "net.ipv4.tcp_early_retrans",
        "net.ipv4.tcp_thin_linear_timeouts",
        "net.ipv4.tcp_congestion_control",
        "net.ipv4.tcp_sack",
        NULL,
};

static uint64_t secs(long v) {
        return v > 0 ? (uint64_t) v * USEC_PER_SEC : 0;
}

int model_input_set(struct model_input *in, const char *key, const char *value) {
        const struct tunable *t = tunable_find(key);
        long v = 0;
        int r;

        if (!t)
                return -ENOENT;
        bool known = false;
        for (size_t i = 0; model_input_keys[i]; i++)
                known |= streq(model_input_keys[i], t->key);
        if (!known)
                return -ENOENT;
        r = tunable_check_value(t, value, in->hz, &v);
        if (r < 0)
                return r;

        const char *k = t->key + strlen("net.ipv4.");
        if (streq(k, "tcp_retries2"))
                in->retries2 = (unsigned) v;
        else if (streq(k, "tcp_orphan_retries"))
                in->orphan_retries = (unsigned) v;
        else if (streq(k, "tcp_fin_timeout"))
                in->fin_timeout_us = secs(v);
        else if (streq(k, "tcp_syn_retries"))
                in->syn_retries = (unsigned) v;
        else if (streq(k, "tcp_syn_linear_timeouts"))
                in->syn_linear_timeouts = (unsigned) v;
        else if (streq(k, "tcp_synack_retries"))
                in->synack_retries = (unsigned) v;
        else if (streq(k, "tcp_rto_min_us"))
                in->rto_min_us = (uint64_t) v;
        else if (streq(k, "tcp_rto_max_ms"))
                in->rto_max_us = (uint64_t) v * USEC_PER_MSEC;
        else if (streq(k, "tcp_keepalive_time")) {
                in->keepalive_time_us = secs(v);
                in->keepalive_from_socket = false;
        } else if (streq(k, "tcp_keepalive_intvl")) {
                in->keepalive_intvl_us = secs(v);
                in->keepalive_from_socket = false;
        } else if (streq(k, "tcp_keepalive_probes")) {
                in->keepalive_probes = (unsigned) v;
                in->keepalive_from_socket = false;
        } else if (streq(k, "tcp_early_retrans"))
                in->early_retrans = (unsigned) v;
        else if (streq(k, "tcp_thin_linear_timeouts"))
                in->thin_linear_timeouts = v != 0;
        else if (streq(k, "tcp_congestion_control"))
                in->cc_bbr = streq(value, "bbr");
        else if (streq(k, "tcp_sack"))
                in->sack = v != 0;
        return 0;
}

const char *model_input_get(const struct model_input *in, const char *key, char *buf, size_t size) {
        const struct tunable *t = tunable_find(key);
        if (!t)
                return NULL;
        const char *k = t->key + strlen("net.ipv4.");
        uint64_t v;
        if (streq(k, "tcp_retries2"))
                v = in->retries2;
        else if (streq(k, "tcp_orphan_retries"))
                v = in->orphan_retries;
        else if (streq(k, "tcp_fin_timeout"))
                v = in->fin_timeout_us / USEC_PER_SEC;
        else if (streq(k, "tcp_syn_retries"))
                v = in->syn_retries;
        else if (streq(k, "tcp_syn_linear_timeouts"))
                v = in->syn_linear_timeouts;
        else if (streq(k, "tcp_synack_retries"))
                v = in->synack_retries;
        else if (streq(k, "tcp_rto_min_us"))
                v = in->rto_min_us;
        else if (streq(k, "tcp_rto_max_ms"))
                v = in->rto_max_us / USEC_PER_MSEC;
        else if (streq(k, "tcp_keepalive_time"))
                v = in->keepalive_time_us / USEC_PER_SEC;
        else if (streq(k, "tcp_keepalive_intvl"))
                v = in->keepalive_intvl_us / USEC_PER_SEC;
        else if (streq(k, "tcp_keepalive_probes"))
                v = in->keepalive_probes;
        else if (streq(k, "tcp_early_retrans"))
                v = in->early_retrans;
        else if (streq(k, "tcp_thin_linear_timeouts"))
                v = in->thin_linear_timeouts;
        else if (streq(k, "tcp_sack"))
                v = in->sack;
        else if (streq(k, "tcp_congestion_control")) {
                snprintf(buf, size, "%s", in->cc_bbr ? "bbr" : "cubic");
                return buf;
        } else
                return NULL;
        snprintf(buf, size, "%" PRIu64, v);
        return buf;
}

int model_input_from_live(const struct live *live, const struct kernel_info *k, struct model_input *ret,
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

int model_input_parse_keepalive(struct model_input *in, const char *spec) {
        _cleanup_free_ char *s = strdup(spec);
        uint64_t idle, intvl, cnt;
        if (!s)
                return -ENOMEM;
        char *a = s, *b = strchr(a, ','), *c = b ? strchr(b + 1, ',') : NULL;
        if (!b || !c || strchr(c + 1, ','))
                return -EINVAL;
        *b++ = '\0';
        *c++ = '\0';
        int r = parse_duration(a, &idle);
        if (r == 0)
                r = parse_duration(b, &intvl);
        if (r == 0)
                r = parse_uint(c, 127, &cnt);
        if (r < 0)
                return r;
        /* TCP_KEEPIDLE / TCP_KEEPINTVL take whole seconds 1..32767 */
        if (idle < USEC_PER_SEC || idle > 32767 * USEC_PER_SEC || intvl < USEC_PER_SEC ||
            intvl > 32767 * USEC_PER_SEC || cnt < 1)
                return -ERANGE;
        in->keepalive_time_us = idle / USEC_PER_SEC * USEC_PER_SEC;
        in->keepalive_intvl_us = intvl / USEC_PER_SEC * USEC_PER_SEC;
        in->keepalive_probes = (unsigned) cnt;
        in->keepalive_from_socket = true;
        return 0;
}

int model_input_parse_local_failure(struct model_input *in, const char *spec) {
        static const struct {
                const char *name;
                enum model_local_failure kind;
                int err;
        } kinds[] = {
                { "qdisc-drop", LOCAL_FAILURE_QDISC_DROP, 0 },
                { "unreachable", LOCAL_FAILURE_ROUTE, EHOSTUNREACH },
                { "prohibit", LOCAL_FAILURE_ROUTE, EACCES },
                { "no-route", LOCAL_FAILURE_ROUTE, ENETUNREACH },
                { "blackhole", LOCAL_FAILURE_ROUTE, EINVAL },
                { "neighbour", LOCAL_FAILURE_NEIGHBOUR, EHOSTUNREACH },
        };
        const char *at = strchr(spec, '@');
        size_t len = at ? (size_t) (at - spec) : strlen(spec);
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++)
                if (strlen(kinds[i].name) == len && strncmp(kinds[i].name, spec, len) == 0) {
                        uint64_t t = 0;
                        if (at && parse_duration(at + 1, &t) < 0)
                                return -EINVAL;
                        in->local_failure = kinds[i].kind;
                        in->local_failure_errno = kinds[i].err;
                        in->local_failure_before_send = !at;
                        in->local_failure_at_us = t;
                        return 0;
                }
        return -EINVAL;
}

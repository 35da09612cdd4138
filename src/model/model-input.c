/* SPDX-License-Identifier: MIT */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>

#include "model-input.h"
#include "parse.h"
#include "sysctl-key.h"
#include "tunables.h"

/* One table maps each tunable the model reads onto its input field, in the
 * unit the kernel prints. */
enum field_kind {
        FIELD_UINT,       /* unsigned */
        FIELD_BOOL,       /* bool */
        FIELD_SECONDS,    /* uint64_t us, printed in seconds */
        FIELD_MSEC,       /* uint64_t us, printed in milliseconds */
        FIELD_USEC,       /* uint64_t us */
        FIELD_CC,         /* bool cc_bbr, printed as a name */
};

/* The list, once; expanded into the field table and the key list. */
#define MODEL_FIELDS(X)                                                   \
        X("tcp_retries2", retries2, FIELD_UINT, false)                     \
        X("tcp_orphan_retries", orphan_retries, FIELD_UINT, false)         \
        X("tcp_fin_timeout", fin_timeout_us, FIELD_SECONDS, false)         \
        X("tcp_syn_retries", syn_retries, FIELD_UINT, false)               \
        X("tcp_syn_linear_timeouts", syn_linear_timeouts, FIELD_UINT, false) \
        X("tcp_synack_retries", synack_retries, FIELD_UINT, false)         \
        X("tcp_rto_min_us", rto_min_us, FIELD_USEC, false)                 \
        X("tcp_rto_max_ms", rto_max_us, FIELD_MSEC, false)                 \
        X("tcp_keepalive_time", keepalive_time_us, FIELD_SECONDS, true)    \
        X("tcp_keepalive_intvl", keepalive_intvl_us, FIELD_SECONDS, true)  \
        X("tcp_keepalive_probes", keepalive_probes, FIELD_UINT, true)      \
        X("tcp_early_retrans", early_retrans, FIELD_UINT, false)           \
        X("tcp_thin_linear_timeouts", thin_linear_timeouts, FIELD_BOOL, false) \
        X("tcp_congestion_control", cc_bbr, FIELD_CC, false)               \
        X("tcp_sack", sack, FIELD_BOOL, false)

static const struct field {
        const char *key;
        size_t offset;
        enum field_kind kind;
        bool keepalive;   /* a sysctl that replaces socket keepalive options */
} fields[] = {
#define FIELD_ENTRY(k, member, kind, ka) { "net.ipv4." k, offsetof(struct model_input, member), kind, ka },
        MODEL_FIELDS(FIELD_ENTRY)
#undef FIELD_ENTRY
};

const char *const model_input_keys[] = {
#define KEY_ENTRY(k, member, kind, ka) "net.ipv4." k,
        MODEL_FIELDS(KEY_ENTRY)
#undef KEY_ENTRY
        NULL,
};

static const struct field *field_find(const char *key) {
        const struct tunable *t = tunable_find(key);
        if (!t)
                return NULL;
        for (size_t i = 0; i < ELEMENTSOF(fields); i++)
                if (streq(fields[i].key, t->key))
                        return &fields[i];
        return NULL;
}

int model_input_set(struct model_input *in, const char *key, const char *value) {
        const struct field *f = field_find(key);
        long v = 0;
        int r;

        if (!f)
                return -ENOENT;
        r = tunable_check_value(tunable_find(f->key), value, in->hz, &v);
        if (r < 0)
                return r;
        void *p = (char *) in + f->offset;
        switch (f->kind) {
        case FIELD_UINT:
                *(unsigned *) p = (unsigned) v;
                break;
        case FIELD_BOOL:
                *(bool *) p = v != 0;
                break;
        case FIELD_SECONDS:
                /* negative jiffies values behave as 0 */
                *(uint64_t *) p = v > 0 ? (uint64_t) v * USEC_PER_SEC : 0;
                break;
        case FIELD_MSEC:
                *(uint64_t *) p = (uint64_t) v * USEC_PER_MSEC;
                break;
        case FIELD_USEC:
                *(uint64_t *) p = (uint64_t) v;
                break;
        case FIELD_CC:
                *(bool *) p = streq(value, "bbr");
                break;
        }
        if (f->keepalive)
                in->keepalive_from_socket = false;
        return 0;
}

const char *model_input_get(const struct model_input *in, const char *key, char *buf, size_t size) {
        const struct field *f = field_find(key);
        if (!f)
                return NULL;
        const void *p = (const char *) in + f->offset;
        uint64_t v = 0;
        switch (f->kind) {
        case FIELD_UINT:
                v = *(const unsigned *) p;
                break;
        case FIELD_BOOL:
                v = *(const bool *) p;
                break;
        case FIELD_SECONDS:
                v = *(const uint64_t *) p / USEC_PER_SEC;
                break;
        case FIELD_MSEC:
                v = *(const uint64_t *) p / USEC_PER_MSEC;
                break;
        case FIELD_USEC:
                v = *(const uint64_t *) p;
                break;
        case FIELD_CC:
                snprintf(buf, size, "%s", *(const bool *) p ? "bbr" : "cubic");
                return buf;
        }
        snprintf(buf, size, "%" PRIu64, v);
        return buf;
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
                /* IPv4: the source is no longer local, so every
                 * transmission fails its route lookup as with no route
                 * (measured: addr4_*); IPv6 is undone in model_run(). */
                { "address-gone", LOCAL_FAILURE_ROUTE, ENETUNREACH },
        };
        const char *at = strchr(spec, '@');
        size_t len = at ? (size_t) (at - spec) : strlen(spec);
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++)
                if (strlen(kinds[i].name) == len && strncmp(kinds[i].name, spec, len) == 0) {
                        uint64_t t = 0;
                        int r = at ? parse_duration(at + 1, &t) : 0;
                        if (r == -ERANGE || t > MODEL_AT_MAX_US)
                                return -ERANGE;
                        if (r < 0)
                                return -EINVAL;
                        in->local_failure = kinds[i].kind;
                        in->local_failure_errno = kinds[i].err;
                        in->local_failure_before_send = !at;
                        in->local_failure_at_us = t;
                        in->address_gone = streq(kinds[i].name, "address-gone");
                        return 0;
                }
        return -EINVAL;
}

int model_input_parse_family(struct model_input *in, const char *family) {
        if (streq(family, "inet"))
                in->inet6 = false;
        else if (streq(family, "inet6"))
                in->inet6 = true;
        else
                return -EINVAL;
        return 0;
}

/* SPDX-License-Identifier: MIT */
/* sysctl.d values as the kernel takes them. systemd-sysctl writes the value
 * plus '\n' (kernel/sysctl.c: proc_get_long, __do_proc_dointvec,
 * do_proc_douintvec_w), and the kernel:
 *
 *  1. skips blanks (isspace(), which in the kernel includes 0xa0), reads an
 *     optional '-', then digits in base 0: "0x1f" is hex, "010" is octal,
 *     "08" is refused; a number of 21 characters or more is refused;
 *  2. wants a space, tab or the final newline right after each number:
 *     "5#x" is refused, "5 # x" sets 5;
 *  3. reads as many numbers as the key holds and ignores the rest; fewer
 *     numbers set only the leading values (tcp_wmem "8192 16384" keeps the
 *     third); no number at all is refused; a refused number stops the write
 *     but the values before it stay set;
 *  4. u8 keys (the retry counters) refuse any '-', even "-0";
 *  5. keeps milliseconds and USER_HZ ticks as jiffies, so icmp_ratelimit
 *     "417" reads back 420 at HZ 250, and port lists as bitmaps, so
 *     ip_local_reserved_ports "5,1-3" reads back "1-3,5" (table below);
 *  6. takes string keys up to the newline.
 * All of it was checked by writing values into a fresh network namespace
 * (tests/sysctld/). */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>

#include "parse.h"
#include "sysctld-value.h"
#include "sysctld.h"
#include "tunables.h"

#define USER_HZ 100

enum conv {
        CONV_PLAIN,
        CONV_MS_JIFFIES,     /* proc_dointvec_ms_jiffies: msecs_to_jiffies, jiffies_to_msecs */
        CONV_USERHZ_JIFFIES, /* proc_dointvec_userhz_jiffies: clock_t_to_jiffies, jiffies_to_clock_t */
        CONV_BITMAP,         /* proc_do_large_bitmap: "1-3,5", read back merged and sorted */
};

/* Keys (net.ipv4 and per-namespace) whose value the kernel rounds. Whole
 * seconds (proc_dointvec_jiffies) come back unchanged and are not here. */
static const struct {
        const char *pattern;
        enum conv conv;
        const char *source;
} conversions[] = {
        { "net.ipv4.icmp_ratelimit",                CONV_MS_JIFFIES,     "net/ipv4/sysctl_net_ipv4.c" },
        { "net.ipv4.tcp_invalid_ratelimit",         CONV_MS_JIFFIES,     "net/ipv4/sysctl_net_ipv4.c" },
        { "net.ipv4.route.gc_min_interval_ms",      CONV_MS_JIFFIES,     "net/ipv4/route.c" },
        { "net.ipv4.neigh.*.retrans_time_ms",       CONV_MS_JIFFIES,     "net/core/neighbour.c" },
        { "net.ipv4.neigh.*.base_reachable_time_ms", CONV_MS_JIFFIES,    "net/core/neighbour.c" },
        { "net.ipv4.neigh.*.interval_probe_time_ms", CONV_MS_JIFFIES,    "net/core/neighbour.c" },
        { "net.ipv4.neigh.*.retrans_time",          CONV_USERHZ_JIFFIES, "net/core/neighbour.c" },
        { "net.ipv4.neigh.*.anycast_delay",         CONV_USERHZ_JIFFIES, "net/core/neighbour.c" },
        { "net.ipv4.neigh.*.proxy_delay",           CONV_USERHZ_JIFFIES, "net/core/neighbour.c" },
        { "net.ipv4.neigh.*.locktime",              CONV_USERHZ_JIFFIES, "net/core/neighbour.c" },
        { "net.ipv4.ip_local_reserved_ports",       CONV_BITMAP,         "net/ipv4/sysctl_net_ipv4.c" },
};

/* proc_get_long() on one number at *p. Returns 0 or -EINVAL. */
static int k_get_long(const char **p, struct knum *ret) {
        const char *s = *p, *start = s;

        if (parse_kernel_digits(&s, &ret->neg, &ret->v) < 0)
                return -EINVAL;
        /* The kernel copies 21 bytes at most and refuses a number filling them. */
        if (s - start >= 21 || (*s && *s != ' ' && *s != '\t' && *s != '\n'))
                return -EINVAL;
        *p = s;
        return 0;
}

size_t sysctld_value_parse(const char *s, struct knum *ret, size_t max, bool *ret_refused, const char **ret_rest) {
        size_t n = 0;
        const char *p = s;

        *ret_refused = false;
        while (n < max) {
                while (sysctld_value_isspace((unsigned char) *p))
                        p++;
                if (!*p)
                        break;
                if (k_get_long(&p, &ret[n]) < 0) {
                        *ret_refused = true;
                        break;
                }
                n++;
        }
        if (n == 0)
                *ret_refused = true;
        if (ret_rest)
                *ret_rest = p;
        return n;
}

size_t sysctld_value_vector(const char *live, struct knum *ret) {
        const char *rest;
        bool refused;
        size_t n = live ? sysctld_value_parse(live, ret, VECTOR_MAX, &refused, &rest) : 0;
        while (live && sysctld_value_isspace((unsigned char) *rest))
                rest++;
        return live && !refused && !*rest ? n : 0;
}

/* pattern with at most one '*', standing for one key component. */
static bool key_matches(const char *pattern, const char *key) {
        const char *star = strchr(pattern, '*');
        if (!star)
                return streq(pattern, key);
        size_t head = (size_t) (star - pattern), tail = strlen(star + 1), n = strlen(key);
        return n > head + tail && strncmp(key, pattern, head) == 0 && streq(key + n - tail, star + 1) &&
               !memchr(key + head, '.', n - head - tail);
}

static enum conv conv_of(const char *key) {
        if (!startswith(key, "net.ipv4."))
                return CONV_PLAIN;
        for (size_t i = 0; i < ELEMENTSOF(conversions); i++)
                if (key_matches(conversions[i].pattern, key))
                        return conversions[i].conv;
        return CONV_PLAIN;
}

bool sysctld_value_converted(const char *key) {
        return conv_of(key) != CONV_PLAIN;
}

/* include/linux/jiffies.h, kernel/time/time.c. */
static int round_trip(enum conv conv, unsigned long x, unsigned hz, unsigned long *ret) {
        unsigned long long j;
        if (conv == CONV_MS_JIFFIES) {
                j = 1000 % hz == 0 ? (x + 1000 / hz - 1) / (1000 / hz) : ((unsigned long long) x * hz + 999) / 1000;
                if (j > INT_MAX)
                        return -ERANGE;
                *ret = (unsigned long) (1000 % hz == 0 ? j * (1000 / hz) : j * 1000 / hz);
                return 0;
        }
        j = hz % USER_HZ == 0 ? (unsigned long long) x * (hz / USER_HZ) : (unsigned long long) x * hz / USER_HZ;
        if (j > INT_MAX)
                return -ERANGE;
        unsigned long long tick_nsec = (1000000000ull + hz / 2) / hz;
        *ret = (unsigned long) (tick_nsec % (1000000000ull / USER_HZ) == 0 ? j / (hz / USER_HZ)
                                                                            : j * tick_nsec / (1000000000ull / USER_HZ));
        return 0;
}

/* One number as the key stores it: 0, -ERANGE (refused), or -EAGAIN when
 * the answer depends on HZ and hz is 0. */
static int store(const struct tunable *t, enum conv conv, struct knum *v, unsigned hz) {
        if (t) {
                long lo, hi;
                /* u8 keys go through do_proc_douintvec_w: no sign at all. */
                if (v->neg && tunable_is_u8(t))
                        return -ERANGE;
                if (v->v > (v->neg ? (unsigned long) INT_MAX + 1 : (unsigned long) INT_MAX))
                        return -ERANGE;
                long x = v->neg ? -(long) v->v : (long) v->v;
                if (t->jiffies && hz == 0)
                        return v->v <= INT_MAX / 1000 ? 0 : -EAGAIN; /* fine at any HZ */
                tunable_range(t, hz, &lo, &hi);
                if (x < lo || x > hi)
                        return -ERANGE;
        }
        if (conv == CONV_PLAIN)
                return 0;
        if (v->neg && v->v > 0)
                return -ERANGE;
        if (hz == 0)
                return -EAGAIN;
        return round_trip(conv, v->v, hz, &v->v);
}

/* One port of a list, as proc_get_long() reads it there (no sign). */
static int port(const char **p, unsigned long *ret) {
        char *end;
        if (!isdigit((unsigned char) **p))
                return -EINVAL;
        errno = 0;
        unsigned long v = strtoul(*p, &end, 0);
        if (errno || end - *p >= 21 || v >= 65536)
                return -EINVAL;
        *ret = v;
        *p = end;
        return 0;
}

/* proc_do_large_bitmap's write: "A[-B],..." and nothing else (no blanks),
 * ports below 65536, A <= B. Returns the list as the kernel reads it back
 * (sorted, merged), or NULL: refused (*ret_refused) or out of memory. */
static char *bitmap_held(const char *value, bool *ret_refused) {
        _cleanup_free_ uint8_t *bits = calloc(65536 / 8, 1);
        const char *p = value;

        *ret_refused = true;
        if (!bits)
                return NULL;
        while (*p) {
                unsigned long a, b;
                if (port(&p, &a) < 0 || (*p && *p != '-' && *p != ','))
                        return NULL;
                b = a;
                if (*p == '-' && (p++, port(&p, &b) < 0 || (*p && *p != ',') || a > b))
                        return NULL;
                p += *p == ',';
                for (unsigned long i = a; i <= b; i++)
                        bits[i / 8] |= (uint8_t) (1u << (i % 8));
        }
        *ret_refused = false;
        char *out = malloc(65536 / 2 * 12 + 1), *w = out;
        if (!out)
                return NULL;
        *w = '\0';
        for (unsigned long i = 0; i < 65536; i++) {
                if (!(bits[i / 8] & (1u << (i % 8))))
                        continue;
                unsigned long j = i;
                while (j + 1 < 65536 && bits[(j + 1) / 8] & (1u << ((j + 1) % 8)))
                        j++;
                w += sprintf(w, j > i ? "%s%lu-%lu" : "%s%lu", w == out ? "" : ",", i, j);
                i = j;
        }
        return out;
}

void sysctld_value_hold(const char *key, const char *value, const char *live, unsigned hz, struct held *h) {
        const struct tunable *t = tunable_find(key);
        struct knum in[VECTOR_MAX];
        enum conv conv = conv_of(key);

        *h = (struct held) {};
        if (conv == CONV_BITMAP) {
                bool refused;
                h->is_list = true;
                h->list = bitmap_held(value, &refused);
                h->refused = refused ? REFUSED_NOT_NUMBER : REFUSED_NONE;
                return;
        }
        h->n_live = sysctld_value_vector(live, h->v);
        h->ints = t ? t->type == TUNABLE_INT : h->n_live > 0;
        if (!h->ints)
                return;
        bool junk;
        size_t max = t ? 1 : h->n_live, got = sysctld_value_parse(value, in, max, &junk, &h->rest);
        if (junk)
                h->refused = got == 0 ? REFUSED_NOT_NUMBER : REFUSED_PARTIAL;
        for (size_t i = 0; i < got; i++) {
                int r = store(t, conv, &in[i], hz);
                if (r == -EAGAIN)
                        h->needs_hz = true;
                else if (r < 0) {
                        h->refused = i == 0 ? REFUSED_RANGE : REFUSED_PARTIAL;
                        break;
                }
                h->v[i] = in[i];
                h->n_set = i + 1;
        }
        if (h->n_live < h->n_set)
                h->n_live = h->n_set;
}

char *sysctld_value_format(const struct held *h) {
        char *s = calloc(h->n_live ? h->n_live : 1, 22), *w = s;
        for (size_t i = 0; s && i < h->n_live; i++)
                w += sprintf(w, "%s%s%lu", i ? " " : "", h->v[i].neg && h->v[i].v ? "-" : "", h->v[i].v);
        return s;
}

char *sysctld_held(const char *key, const char *value, const char *live, unsigned hz) {
        struct held h;
        sysctld_value_hold(key, value, live, hz_or_assumed(hz), &h);
        if (h.is_list)
                return h.list ? h.list : strdup(h.refused ? strempty(live) : "");
        if (h.ints)
                return sysctld_value_format(&h);
        char *s = strdup(value);
        return s ? normalize_whitespace(s) : NULL;
}

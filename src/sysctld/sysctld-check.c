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
#include <sys/stat.h>

#include "parse.h"
#include "sysctl.h"
#include "sysctld.h"
#include "tunables.h"

#define VECTOR_MAX 64
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

/* Keys outside the catalog whose rules we know, so that "valid" is earned
 * for them too: the range of each value and whether the values must not
 * decrease. Any other key outside the catalog is checked only for what
 * every integer write needs (a number); config --json says "valid": null. */
static const struct {
        const char *key;
        size_t n;              /* values the key holds */
        long min, max;
        bool ascending;
        const char *source;
} limits[] = {
        { "net.core.somaxconn",           1, 0, INT_MAX, false, "net/core/sysctl_net_core.c (proc_dointvec_minmax)" },
        { "net.ipv4.ip_local_port_range", 2, 1, 65535,   true,  "net/ipv4/sysctl_net_ipv4.c (ipv4_local_port_range)" },
};

static ssize_t limits_find(const char *key) {
        for (size_t i = 0; i < ELEMENTSOF(limits); i++)
                if (streq(limits[i].key, key))
                        return (ssize_t) i;
        return -1;
}

struct knum {
        bool neg;
        unsigned long v;
};

static bool k_isspace(unsigned char c) {
        return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

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

/* Up to max numbers as a write reads them: returns how many were read;
 * *ret_refused when one was not a number (or there was none at all);
 * *ret_rest points after the last number read. */
static size_t k_parse(const char *s, struct knum *ret, size_t max, bool *ret_refused, const char **ret_rest) {
        size_t n = 0;
        const char *p = s;

        *ret_refused = false;
        while (n < max) {
                while (k_isspace((unsigned char) *p))
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

/* live as a vector of numbers (every word a number): its count, or 0. */
static size_t live_vector(const char *live, struct knum *ret) {
        const char *rest;
        bool refused;
        size_t n = live ? k_parse(live, ret, VECTOR_MAX, &refused, &rest) : 0;
        while (live && k_isspace((unsigned char) *rest))
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

enum refusal {
        REFUSED_NONE,
        REFUSED_NOT_NUMBER,  /* no number at all */
        REFUSED_RANGE,       /* the first number, by range or sign */
        REFUSED_PARTIAL,     /* after n_set numbers */
};

struct held {
        struct knum v[VECTOR_MAX];
        size_t n_live, n_set;   /* values of the key; values the write sets */
        bool ints, needs_hz;
        enum refusal refused;
        const char *rest;       /* after the last number read */
        char *list;             /* CONV_BITMAP: the port list read back */
        bool is_list;
};

/* The write of value to key, which holds live: what it sets, whether the
 * kernel refuses (part of) it. */
static void hold(const char *key, const char *value, const char *live, unsigned hz, struct held *h) {
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
        h->n_live = live_vector(live, h->v);
        h->ints = t ? t->type == TUNABLE_INT : h->n_live > 0;
        if (!h->ints)
                return;
        bool junk;
        size_t max = t ? 1 : h->n_live, got = k_parse(value, in, max, &junk, &h->rest);
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

static char *format_held(const struct held *h) {
        char *s = calloc(h->n_live ? h->n_live : 1, 22), *w = s;
        for (size_t i = 0; s && i < h->n_live; i++)
                w += sprintf(w, "%s%s%lu", i ? " " : "", h->v[i].neg && h->v[i].v ? "-" : "", h->v[i].v);
        return s;
}

char *sysctld_held(const char *key, const char *value, const char *live, unsigned hz) {
        struct held h;
        hold(key, value, live, hz_or_assumed(hz), &h);
        if (h.is_list)
                return h.list ? h.list : strdup(h.refused ? strempty(live) : "");
        if (h.ints)
                return format_held(&h);
        char *s = strdup(value);
        return s ? normalize_whitespace(s) : NULL;
}

static bool in_list(const char *list, const char *name) {
        size_t n = strlen(name);
        for (const char *p = list; (p = strstr(p, name)); p += n)
                if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
                        return true;
        return false;
}

/* A congestion control must be one the kernel has now (or a module loads
 * it), and outside the initial network namespace one that
 * tcp_allowed_congestion_control lists: tcp_set_default_congestion_control()
 * refuses the others with EPERM. Only the initial namespace has
 * net.core.netdev_max_backlog. */
static int check_cc(const struct root *root, const char *value, char **ret_problem) {
        _cleanup_free_ char *avail = NULL, *allowed = NULL;
        struct stat st;

        if (tunable_check_value(tunable_find("net.ipv4.tcp_congestion_control"), value, 0, NULL) < 0)
                return asprintf(ret_problem, "'%s' is not a congestion control name", value) < 0 ? -ENOMEM : 0;
        if (sysctl_read(root, "net.ipv4.tcp_available_congestion_control", &avail) >= 0 && !in_list(avail, value))
                return asprintf(ret_problem, "'%s' is not available (%s); only a module tcp_%s could provide it",
                                value, avail, value) < 0 ? -ENOMEM : 0;
        int core = sysctl_stat(root, "net.core", &st);
        int backlog = sysctl_stat(root, "net.core.netdev_max_backlog", &st);
        if (core == -ENOMEM || backlog == -ENOMEM)
                return -ENOMEM;
        if (core < 0 || backlog >= 0)
                return 0;
        if (sysctl_read(root, "net.ipv4.tcp_allowed_congestion_control", &allowed) >= 0 && !in_list(allowed, value))
                return asprintf(ret_problem,
                                "'%s' is not in tcp_allowed_congestion_control (%s), which binds this network namespace",
                                value, allowed) < 0 ? -ENOMEM : 0;
        return 0;
}

/* Why the kernel refuses (part of) an integer write. */
static int int_problem(const struct sysctld_entry *e, const struct held *h, unsigned hz, char **ret) {
        const struct tunable *t = tunable_find(e->key);
        long lo, hi;

        switch (h->refused) {
        case REFUSED_NOT_NUMBER:
                return asprintf(ret, *e->value ? "'%s' is not a number" : "an empty value", e->value) < 0 ? -ENOMEM : 0;
        case REFUSED_PARTIAL:
                return asprintf(ret, "the kernel sets the first %zu value%s and refuses the rest", h->n_set,
                                h->n_set == 1 ? "" : "s") < 0 ? -ENOMEM : 0;
        default:
                break;
        }
        if (!t)
                return asprintf(ret, "%s: a time cannot be negative", e->value) < 0 ? -ENOMEM : 0;
        tunable_range(t, hz, &lo, &hi);
        if (t->jiffies)
                return asprintf(ret, "%s is out of range (%ld to %ld at HZ %u)", e->value, lo, hi, hz) < 0 ? -ENOMEM : 0;
        return asprintf(ret, "%s is out of range (%ld-%ld)", e->value, lo, hi) < 0 ? -ENOMEM : 0;
}

int sysctld_check_entry(const struct root *root, const struct sysctld_entry *e, unsigned hz, bool *ret_needs_hz,
                        struct sysctld_check *ret) {
        _cleanup_free_ char *sub = sysctl_key_to_subpath(e->key);
        const struct tunable *t = tunable_find(e->key);
        struct sysctld_check c = {};
        struct held h = {};
        struct stat st;
        int r = 0;

        if (!sub)
                return -ENOMEM;
        /* systemd refuses ".." (path_is_normalized); no key has one. */
        for (const char *p = sub; *p; p += *p == '/') {
                size_t n = strcspn(p, "/");
                if (n == 2 && p[0] == '.' && p[1] == '.') {
                        r = asprintf(&c.problem, "not a valid key ('..')");
                        goto done;
                }
                p += n;
        }
        if ((r = sysctl_stat(root, e->key, &st)) == -ENOMEM)
                return -ENOMEM;
        if (r < 0) {
                c.live_error = r == -ENOTDIR ? -ENOENT : r;
                r = asprintf(&c.problem, c.live_error == -ENOENT ? "not a key on this kernel" : "%s",
                             strerror(-c.live_error));
                goto done;
        }
        c.exists = true;
        if (S_ISDIR(st.st_mode)) {
                r = asprintf(&c.problem, "a directory, not a key");
                goto done;
        }
        if (st.st_mode & 0444 && (c.live_error = sysctl_read(root, e->key, &c.live)) == -ENOMEM)
                return -ENOMEM;
        if (!(st.st_mode & 0222)) {
                r = asprintf(&c.problem, "read-only");
                goto done;
        }

        hold(e->key, e->value, c.live, hz, &h);
        if (h.needs_hz) {
                *ret_needs_hz = true;
                goto done;
        }
        if (h.is_list && h.refused)
                r = asprintf(&c.problem, "'%s' is not a port list (like 1000-1010,2000)", e->value);
        else if (h.ints && h.refused)
                r = int_problem(e, &h, hz, &c.problem);
        else if (!h.ints && t)
                r = check_cc(root, e->value, &c.problem);
        if (r < 0)
                goto done;
        ssize_t l = t ? -1 : limits_find(e->key);
        bool whole = false;    /* a known key given all its values */
        if (!c.problem && l >= 0) {
                /* The value itself, whether or not the live one could be read. */
                struct knum v[2];
                bool junk;
                size_t got = k_parse(e->value, v, limits[l].n, &junk, NULL);
                whole = got == limits[l].n;
                if (got == 0)
                        r = asprintf(&c.problem, *e->value ? "'%s' is not a number" : "an empty value", e->value);
                for (size_t i = 0; i < got && !c.problem && r >= 0; i++) {
                        bool over = v[i].neg ? v[i].v > 0 && (limits[l].min >= 0 || v[i].v > (unsigned long) -limits[l].min)
                                             : v[i].v > (unsigned long) limits[l].max;
                        bool under = !over && (v[i].neg ? -(long) v[i].v : (long) v[i].v) < limits[l].min;
                        if (over || under)
                                r = asprintf(&c.problem, "%s%lu is out of range (%ld-%ld)", v[i].neg ? "-" : "", v[i].v,
                                             limits[l].min, limits[l].max);
                }
                if (!c.problem && r >= 0 && limits[l].ascending && got == 2 && v[1].v < v[0].v)
                        r = asprintf(&c.problem, "%lu is below %lu: the kernel wants the low end first", v[1].v, v[0].v);
                if (r < 0)
                        goto done;
                /* Both refuse the whole write: the live values stay. */
                if (c.problem && h.ints) {
                        h.n_live = live_vector(c.live, h.v);
                        h.n_set = 0;
                }
        }
        /* A problem found is a check done; no problem is a check only
         * where the key's rules are known: the catalog, a port list, a
         * converted key whose numbers were read the kernel's way (its live
         * value was readable), a known key given all its values. */
        c.checked = c.problem || t || h.is_list || (conv_of(e->key) != CONV_PLAIN && h.ints) || whole;
        c.valid = !c.problem;
        c.partial = !c.valid && h.ints && h.n_set > 0;
        if (h.is_list)
                c.held = h.list ? TAKE_PTR(h.list) : strdup(strempty(c.live));
        else
                c.held = h.ints ? format_held(&h) : strdup(c.valid || !c.live ? e->value : c.live);
        if (!c.held) {
                r = -ENOMEM;
                goto done;
        }
        normalize_whitespace(c.held);
        if (c.valid && h.rest) {
                const char *rest = h.rest;
                while (k_isspace((unsigned char) *rest))
                        rest++;
                if (*rest && asprintf(&c.note, "the kernel ignores '%s' after the value", rest) < 0)
                        r = -ENOMEM;
        }
        c.drift = c.live && !streq(c.held, c.live);
done:
        if (c.problem)
                c.checked = true;
        free(h.list);
        if (r < 0) {
                sysctld_check_done(&c);
                return -ENOMEM;
        }
        *ret = c;
        return 0;
}

void sysctld_check_done(struct sysctld_check *c) {
        free(c->live);
        free(c->problem);
        free(c->note);
        free(c->held);
        *c = (struct sysctld_check) {};
}

/* Overlapping globs write a key more than once; when the kernel refuses
 * the last write, the last one it took stays. Point the entry there.
 * Linear in entries + overrides: each entry's written overrides are
 * chained once, latest first (a scan of all overrides per entry took 3 s
 * for a 40,000-line drop-in). */
int sysctld_settle(struct sysctld *s, const struct root *root) {
        _cleanup_free_ size_t *last = NULL, *prev = NULL;
        int r;

        if (s->n_overrides == 0)
                return 0;
        /* last[i]: 1 + the latest written override of entry i (0: none);
         * prev[j]: 1 + the written override of the same entry before j. */
        last = calloc(s->n_entries ? s->n_entries : 1, sizeof(*last));
        prev = calloc(s->n_overrides, sizeof(*prev));
        if (!last || !prev)
                return -ENOMEM;
        for (size_t j = 0; j < s->n_overrides; j++) {
                const struct sysctld_override *v = &s->overrides[j];
                if (!v->written || v->winner >= s->n_entries)
                        continue;
                prev[j] = last[v->winner];
                last[v->winner] = j + 1;
        }
        for (size_t i = 0; i < s->n_entries; i++) {
                struct sysctld_entry *e = &s->entries[i];
                struct sysctld_check c;
                bool needs_hz = false, refused;

                if (!last[i])
                        continue;
                if ((r = sysctld_check_entry(root, e, 0, &needs_hz, &c)) < 0)
                        return r;
                /* A vector write refused halfway has set its first values. */
                refused = c.exists && !c.valid && !c.partial && !needs_hz;
                sysctld_check_done(&c);
                for (size_t j = last[i]; refused && j > 0; j = prev[j - 1]) {
                        struct sysctld_override *v = &s->overrides[j - 1];
                        struct sysctld_entry earlier = { .key = v->key, .value = v->value };
                        needs_hz = false;
                        if ((r = sysctld_check_entry(root, &earlier, 0, &needs_hz, &c)) < 0)
                                return r;
                        bool took = c.valid || needs_hz;
                        sysctld_check_done(&c);
                        if (!took)
                                continue;
#define SWAP(a, b) do { __typeof__(a) _t = (a); (a) = (b); (b) = _t; } while (0)
                        SWAP(e->value, v->value);
                        SWAP(e->file, v->file);
                        SWAP(e->line, v->line);
                        SWAP(e->pattern, v->pattern);
#undef SWAP
                        break;
                }
        }
        return 0;
}

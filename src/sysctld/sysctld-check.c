/* SPDX-License-Identifier: MIT */
/* Whether the kernel takes an entry's write, and why not: the key's node
 * under /proc/sys (a key, writable), the value as sysctld-value.c reads
 * it, a congestion control the namespace may use, the limits of keys
 * outside the catalog. Also which write of a key wins when overlapping
 * globs wrote it and the kernel refuses the last (sysctld_settle()). */
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "parse.h"
#include "sysctl.h"
#include "sysctld-value.h"
#include "sysctld.h"
#include "tunables.h"

/* Keys outside the catalog whose rules we know, so that "valid" is earned
 * for them too: the range of each value and whether the values must not
 * decrease. Any other key outside the catalog is checked only for what
 * every integer write needs (a number); config --json says "valid": null. */
static const struct limit {
        const char *key;
        size_t n;              /* values the key holds */
        long min, max;
        bool ascending;
        const char *source;
} limits[] = {
        { "net.core.somaxconn",           1, 0, INT_MAX, false, "net/core/sysctl_net_core.c (proc_dointvec_minmax)" },
        { "net.ipv4.ip_local_port_range", 2, 1, 65535,   true,  "net/ipv4/sysctl_net_ipv4.c (ipv4_local_port_range)" },
};

static const struct limit *limits_find(const char *key) {
        for (size_t i = 0; i < ELEMENTSOF(limits); i++)
                if (streq(limits[i].key, key))
                        return &limits[i];
        return NULL;
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

/* systemd refuses ".." (path_is_normalized); no key has one. */
static bool has_dotdot(const char *subpath) {
        for (const char *p = subpath; *p; p += *p == '/') {
                size_t n = strcspn(p, "/");
                if (n == 2 && p[0] == '.' && p[1] == '.')
                        return true;
                p += n;
        }
        return false;
}

/* The key's node: sets c->exists, and c->live or c->live_error where it is
 * readable. Returns 1 when the write can be tried, 0 when c->problem says
 * why not, -ENOMEM. */
static int check_node(const struct root *root, const char *key, struct sysctld_check *c) {
        _cleanup_free_ char *sub = sysctl_key_to_subpath(key);
        struct stat st;
        int r;

        if (!sub)
                return -ENOMEM;
        if (has_dotdot(sub))
                return asprintf(&c->problem, "not a valid key ('..')") < 0 ? -ENOMEM : 0;
        if ((r = sysctl_stat(root, key, &st)) == -ENOMEM)
                return -ENOMEM;
        if (r < 0) {
                c->live_error = r == -ENOTDIR ? -ENOENT : r;
                return asprintf(&c->problem, c->live_error == -ENOENT ? "not a key on this kernel" : "%s",
                                strerror(-c->live_error)) < 0 ? -ENOMEM : 0;
        }
        c->exists = true;
        if (S_ISDIR(st.st_mode))
                return asprintf(&c->problem, "a directory, not a key") < 0 ? -ENOMEM : 0;
        if (st.st_mode & 0444 && (c->live_error = sysctl_read(root, key, &c->live)) == -ENOMEM)
                return -ENOMEM;
        if (!(st.st_mode & 0222))
                return asprintf(&c->problem, "read-only") < 0 ? -ENOMEM : 0;
        return 1;
}

/* What the write refuses, by the kernel's parse, for the congestion
 * control, or by range. Returns 0 (c->problem set or not) or -ENOMEM. */
static int check_refusal(const struct root *root, const struct sysctld_entry *e, const struct held *h, unsigned hz,
                         struct sysctld_check *c) {
        int r = 0;

        if (h->is_list && h->refused)
                r = asprintf(&c->problem, "'%s' is not a port list (like 1000-1010,2000)", e->value);
        else if (h->ints && h->refused)
                r = int_problem(e, h, hz, &c->problem);
        else if (!h->ints && tunable_find(e->key))
                r = check_cc(root, e->value, &c->problem);
        return r < 0 ? -ENOMEM : 0;
}

/* The value itself against a known key's limits, whether or not the live
 * one could be read: sets c->problem, and *ret_whole when the value gives
 * all the key's values. Returns 0 or -ENOMEM. */
static int check_limits(const struct limit *lim, const char *value, struct sysctld_check *c, bool *ret_whole) {
        struct knum v[2];
        bool junk;
        int r = 0;
        size_t got = sysctld_value_parse(value, v, lim->n, &junk, NULL);

        *ret_whole = got == lim->n;
        if (got == 0)
                r = asprintf(&c->problem, *value ? "'%s' is not a number" : "an empty value", value);
        for (size_t i = 0; i < got && !c->problem && r >= 0; i++) {
                bool over = v[i].neg ? v[i].v > 0 && (lim->min >= 0 || v[i].v > (unsigned long) -lim->min)
                                     : v[i].v > (unsigned long) lim->max;
                bool under = !over && (v[i].neg ? -(long) v[i].v : (long) v[i].v) < lim->min;
                if (over || under)
                        r = asprintf(&c->problem, "%s%lu is out of range (%ld-%ld)", v[i].neg ? "-" : "", v[i].v,
                                     lim->min, lim->max);
        }
        if (!c->problem && r >= 0 && lim->ascending && got == 2 && v[1].v < v[0].v)
                r = asprintf(&c->problem, "%lu is below %lu: the kernel wants the low end first", v[1].v, v[0].v);
        return r < 0 ? -ENOMEM : 0;
}

/* What the kernel holds after the write (c->held), what it ignores
 * (c->note), and whether that differs from live (c->drift). Takes h->list.
 * Returns 0 or -ENOMEM. */
static int check_held(const struct sysctld_entry *e, struct held *h, struct sysctld_check *c) {
        if (h->is_list)
                c->held = h->list ? TAKE_PTR(h->list) : strdup(strempty(c->live));
        else
                c->held = h->ints ? sysctld_value_format(h) : strdup(c->valid || !c->live ? e->value : c->live);
        if (!c->held)
                return -ENOMEM;
        normalize_whitespace(c->held);
        c->drift = c->live && !streq(c->held, c->live);
        if (c->valid && h->rest) {
                const char *rest = h->rest;
                while (sysctld_value_isspace((unsigned char) *rest))
                        rest++;
                if (*rest && asprintf(&c->note, "the kernel ignores '%s' after the value", rest) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* The write against the key's rules, once the node takes writes. */
static int check_write(const struct root *root, const struct sysctld_entry *e, struct held *h, unsigned hz,
                       struct sysctld_check *c) {
        const struct tunable *t = tunable_find(e->key);
        const struct limit *lim = t ? NULL : limits_find(e->key);
        bool whole = false;    /* a known key given all its values */
        int r;

        if ((r = check_refusal(root, e, h, hz, c)) < 0)
                return r;
        if (!c->problem && lim) {
                if ((r = check_limits(lim, e->value, c, &whole)) < 0)
                        return r;
                /* Both refuse the whole write: the live values stay. */
                if (c->problem && h->ints) {
                        h->n_live = sysctld_value_vector(c->live, h->v);
                        h->n_set = 0;
                }
        }
        /* A problem found is a check done; no problem is a check only
         * where the key's rules are known: the catalog, a port list, a
         * converted key whose numbers were read the kernel's way (its live
         * value was readable), a known key given all its values. */
        c->checked = c->problem || t || h->is_list || (sysctld_value_converted(e->key) && h->ints) || whole;
        c->valid = !c->problem;
        c->partial = !c->valid && h->ints && h->n_set > 0;
        return check_held(e, h, c);
}

int sysctld_check_entry(const struct root *root, const struct sysctld_entry *e, unsigned hz, bool *ret_needs_hz,
                        struct sysctld_check *ret) {
        struct sysctld_check c = {};
        struct held h = {};
        int r;

        r = check_node(root, e->key, &c);
        if (r > 0) {
                sysctld_value_hold(e->key, e->value, c.live, hz, &h);
                if (h.needs_hz && ret_needs_hz)
                        *ret_needs_hz = true;
                else
                        r = check_write(root, e, &h, hz, &c);
                free(h.list);
        }
        if (r < 0) {
                sysctld_check_done(&c);
                return -ENOMEM;
        }
        if (c.problem)
                c.checked = true;
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

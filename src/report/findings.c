/* SPDX-License-Identifier: MIT */
/* The audit's rules, in the order they are listed in tcptune(8). Every
 * figure in a finding comes from the model result or the live value it
 * is about; nothing here reads a file. */
#include <stdarg.h>
#include <stdio.h>

#include "findings.h"
#include "parse.h"
#include "sysctl-key.h"
#include "tunables.h"

struct ctx {
        const struct findings_input *in;
        struct findings f;
        bool oom;
};

/* Add a finding unless the policy silences it, with its kind's severity
 * or, where the rule knows better, another (< 0: the kind's). fix may be
 * NULL. */
static void addv(struct ctx *c, const char *id, int severity, const char *subject, const char *fix, const char *fmt,
                 va_list ap) _printf_(6, 0);
static void addv(struct ctx *c, const char *id, int severity, const char *subject, const char *fix, const char *fmt,
                 va_list ap) {
        const struct finding_kind *k = finding_kind_find(id);
        if (c->oom || !k)
                return;
        if (c->in->policy && policy_silenced(c->in->policy, id)) {
                c->f.n_silenced++;
                return;
        }
        struct finding x = { .id = k->id, .severity = severity < 0 ? k->severity : (enum severity) severity };
        int r = vasprintf(&x.evidence, fmt, ap);
        if (r < 0)
                x.evidence = NULL;
        x.subject = subject ? strdup(subject) : NULL;
        x.fix = fix ? strdup(fix) : NULL;
        struct finding *n = realloc(c->f.items, (c->f.n + 1) * sizeof(*n));
        if (r < 0 || (subject && !x.subject) || (fix && !x.fix) || !n) {
                if (n)
                        c->f.items = n;
                free(x.evidence);
                free(x.subject);
                free(x.fix);
                c->oom = true;
                return;
        }
        c->f.items = n;
        c->f.items[c->f.n++] = x;
        c->f.count[x.severity]++;
}

static void add(struct ctx *c, const char *id, const char *subject, const char *fix, const char *fmt, ...)
        _printf_(5, 6);
static void add(struct ctx *c, const char *id, const char *subject, const char *fix, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        addv(c, id, -1, subject, fix, fmt, ap);
        va_end(ap);
}

static void add_severity(struct ctx *c, const char *id, enum severity severity, const char *subject, const char *fix,
                         const char *fmt, ...) _printf_(6, 7);
static void add_severity(struct ctx *c, const char *id, enum severity severity, const char *subject, const char *fix,
                         const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        addv(c, id, (int) severity, subject, fix, fmt, ap);
        va_end(ap);
}

/* The shipped profiles a fix for established may name, least aggressive
 * first, with the bounds their [expect] promises (profiles/NAME.ini). A
 * fix names one only if it ends the finding: its latest detection within
 * the policy limit, and its earliest at or over RFC 1122's 100 s unless the
 * limit itself is under 100 s (then below-rfc1122 is only info). So
 * following the audit's fix converges: tests/profiles/test-converge.sh
 * applies each one the audit recommends and audits again. */
static const struct {
        const char *name;
        uint64_t established_min_us, established_max_us;
} established_profiles[] = {
        { "rfc1122",       100 * USEC_PER_SEC, 120 * USEC_PER_SEC },
        { "fast-failover",  25 * USEC_PER_SEC,  30 * USEC_PER_SEC },
};

/* The shipped profile for a policy limit on established (0: none), or NULL. */
static const char *established_profile(uint64_t limit_us) {
        for (size_t i = 0; i < ELEMENTSOF(established_profiles); i++) {
                bool fits = !limit_us || established_profiles[i].established_max_us <= limit_us;
                bool rfc = established_profiles[i].established_min_us >= FINDINGS_RFC1122_R2_USEC ||
                           (limit_us && limit_us < FINDINGS_RFC1122_R2_USEC);
                if (fits && rfc)
                        return established_profiles[i].name;
        }
        return NULL;
}

static uint64_t established_limit(const struct ctx *c) {
        return c->in->policy ? c->in->policy->limit_us[SCENARIO_ESTABLISHED] : 0;
}

static void rule_values(struct ctx *c) {
        size_t n;
        const struct tunable *t = tunable_all(&n);
        const struct live *l = c->in->live;
        for (size_t i = 0; i < n && i < l->n; i++) {
                const char *k = tunable_short_key(t[i].key);
                if (l->error[i] < 0 && l->error[i] != -ENOENT) {
                        _cleanup_free_ char *sub = sysctl_key_to_subpath(t[i].key);
                        bool perm = l->error[i] == -EACCES || l->error[i] == -EPERM;
                        add(c, "unreadable", t[i].key, perm ? "run as root, or check the file's mode" : NULL,
                            "/proc/sys/%s: %s; the figures use the default for %s", sub ? sub : k,
                            strerror(-l->error[i]), k);
                        continue;
                }
                if (!l->value[i] || t[i].type != TUNABLE_INT)
                        continue;
                long lo, hi;
                _cleanup_free_ char *fix = NULL;
                if (asprintf(&fix, "tcptune explain %s", k) < 0) {
                        c->oom = true;
                        return;
                }
                int r = tunable_check_value(&t[i], l->value[i], c->in->hz, NULL);
                tunable_range(&t[i], c->in->hz, &lo, &hi);
                if (r == -EINVAL)
                        add(c, "not-a-number", t[i].key, fix, "%s = '%s' is not a number; the figures use %ld",
                            k, l->value[i], t[i].def);
                else if (r == -ERANGE)
                        add(c, "out-of-range", t[i].key, fix, "%s = %s is outside the kernel's range %ld..%ld", k,
                            l->value[i], lo, hi);
        }
}

static void rule_limits(struct ctx *c) {
        const struct policy *p = c->in->policy;
        for (unsigned s = 0; p && s < _SCENARIO_MAX; s++) {
                const struct model_result *r = &c->in->results[s];
                if (!p->limit_us[s] || (!r->never && r->detect_max_us <= p->limit_us[s]))
                        continue;
                const char *name = scenario_to_string(s);
                _cleanup_free_ char *id = NULL, *fix = NULL, *typ = format_duration(r->detect_us),
                                    *max = format_duration(r->detect_max_us);
                int x = asprintf(&id, "slow-%s", name);
                const char *profile = s == SCENARIO_ESTABLISHED ? established_profile(p->limit_us[s]) : NULL;
                if (x >= 0)
                        x = profile ? asprintf(&fix, "tcptune advise --detect-within %s; or tcptune profile apply %s",
                                               p->limit_text[s], profile)
                            : s == SCENARIO_ESTABLISHED
                                    ? asprintf(&fix, "tcptune advise --detect-within %s", p->limit_text[s])
                                    : asprintf(&fix, "tcptune advise --detect-within %s --scenario %s", p->limit_text[s], name);
                if (x < 0 || !typ || !max) {
                        c->oom = true;
                        return;
                }
                if (r->never)
                        add(c, id, name, fix, "%s: a dead peer is never noticed; the policy limit is %s", name,
                            p->limit_text[s]);
                else
                        add(c, id, name, fix, "%s: a dead peer is noticed after %s (latest %s), over the policy limit of %s",
                            name, typ, max, p->limit_text[s]);
        }
}

static void rule_keepalive(struct ctx *c) {
        const struct policy *p = c->in->policy;
        const char *v = live_get(c->in->live, "net.ipv4.tcp_keepalive_time");
        const struct model_result *r = &c->in->results[SCENARIO_IDLE];
        long secs;
        if ((p && p->limit_us[SCENARIO_IDLE]) || !v || parse_kernel_long(v, &secs) < 0 ||
            secs < FINDINGS_KEEPALIVE_HOURS_S || r->never)
                return;
        const char *target = p && p->limit_text[SCENARIO_ESTABLISHED] ? p->limit_text[SCENARIO_ESTABLISHED] : "5m";
        _cleanup_free_ char *fix = NULL, *typ = format_duration(r->detect_us), *max = format_duration(r->detect_max_us);
        if (asprintf(&fix, "tcptune advise --detect-within %s --scenario idle; per application: TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT",
                     target) < 0 || !typ || !max) {
                c->oom = true;
                return;
        }
        add(c, "keepalive-hours", "idle", fix,
            "tcp_keepalive_time = %ld: an idle connection with SO_KEEPALIVE notices a dead peer after %s (latest %s)",
            secs, typ, max);
}

/* A policy whose established limit is under 100 s asks for what RFC 1122
 * advises against: the finding stays, as info, so that the audit the
 * policy asks for can pass. */
static void rule_rfc1122(struct ctx *c) {
        const struct model_result *r = &c->in->results[SCENARIO_ESTABLISHED];
        if (r->never || r->detect_min_us >= FINDINGS_RFC1122_R2_USEC)
                return;
        _cleanup_free_ char *min = format_duration(r->detect_min_us), *fix = NULL;
        const char *r2 = live_get(c->in->live, "net.ipv4.tcp_retries2");
        uint64_t limit = established_limit(c);
        bool wanted = limit && limit < FINDINGS_RFC1122_R2_USEC;
        const char *profile = established_profile(limit);
        int x;
        if (wanted)
                x = asprintf(&fix, "none needed: the policy's established limit (%s) is under 100 s",
                             c->in->policy->limit_text[SCENARIO_ESTABLISHED]);
        else if (profile)
                x = asprintf(&fix, "tcptune profile apply %s; or, if fast failover is the point, silence below-rfc1122 in "
                                   POLICY_FILE " or set its [limits] established under 100s",
                             profile);
        else
                x = asprintf(&fix, "raise tcp_retries2 until tcptune model shows established's earliest at 100 s or "
                                   "more; or silence below-rfc1122 in " POLICY_FILE);
        if (!min || x < 0) {
                c->oom = true;
                return;
        }
        add_severity(c, "below-rfc1122", wanted ? SEVERITY_INFO : SEVERITY_WARNING, "established", fix,
                     "established: the kernel may give up after %s (tcp_retries2 = %s), under RFC 1122's 100 s: a route "
                     "flap that long kills connections",
                     min, r2 ? r2 : "?");
}

static void rule_drift(struct ctx *c) {
        for (size_t i = 0; i < c->in->n_drift; i++) {
                const struct findings_drift *d = &c->in->drift[i];
                const char *k = tunable_short_key(d->key);
                _cleanup_free_ char *fix = NULL;
                if (d->problem) {
                        if (asprintf(&fix, "correct or remove %s:%u", d->file, d->line) < 0)
                                goto oom;
                        add(c, "boot-rejected", d->key, fix, "%s:%u: %s = %s: %s", d->file, d->line, k, d->boot,
                            d->problem);
                } else if (d->drift && d->live) {
                        if (asprintf(&fix, "systemctl restart systemd-sysctl restores %s; or write %s = %s in %s to keep it",
                                     d->boot, d->key, d->live, d->file) < 0)
                                goto oom;
                        add(c, "drift", d->key, fix, "%s is %s live, but %s:%u sets %s at boot", k, d->live, d->file,
                            d->line, d->boot);
                }
        }
        return;
oom:
        c->oom = true;
}

static void rule_conflicts(struct ctx *c) {
        const struct sysctld *s = c->in->sysctld;
        for (size_t i = 0; s && i < s->n_overrides; i++) {
                const struct sysctld_override *o = &s->overrides[i];
                const struct sysctld_entry *w = &s->entries[o->winner];
                if (!tunable_find(o->key) || streq(o->file, w->file) || streq(o->value, w->value))
                        continue;
                _cleanup_free_ char *fix = NULL;
                if (asprintf(&fix, "remove %s from %s:%u, or make both agree", o->key, o->file, o->line) < 0) {
                        c->oom = true;
                        return;
                }
                add(c, "dropin-conflict", o->key, fix, "%s:%u sets %s = %s, but %s:%u sets %s, which wins", o->file,
                    o->line, tunable_short_key(o->key), o->value, w->file, w->line, w->value);
        }
}

static void rule_netns(struct ctx *c) {
        const struct live *h = c->in->host, *l = c->in->live;
        if (!h)
                return;
        size_t n;
        const struct tunable *t = tunable_all(&n);
        char *list = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&list, &len);
        unsigned diffs = 0;
        if (!f) {
                c->oom = true;
                return;
        }
        for (size_t i = 0; i < n && i < l->n && i < h->n; i++)
                if (l->value[i] && h->value[i] && !streq(l->value[i], h->value[i]))
                        fprintf(f, "%s%s %s (host %s)", diffs++ ? ", " : "", tunable_short_key(t[i].key), l->value[i],
                                h->value[i]);
        if (fclose(f) != 0) {
                free(list);
                c->oom = true;
                return;
        }
        if (diffs)
                add(c, "netns-differs", c->in->netns,
                    "a new namespace starts from kernel defaults, not the host's sysctl.d: set them where it is created (e.g. the container runtime's sysctls)",
                    "network namespace %s differs from the host: %s", c->in->netns, list);
        free(list);
}

int findings_run(const struct findings_input *in, struct findings *ret) {
        struct ctx c = { .in = in };
        if (in->netns_error < 0) {
                int e = -in->netns_error;
                add(&c, "netns-unavailable", in->netns,
                    e == EPERM ? "entering a namespace needs CAP_SYS_ADMIN: run as root" : NULL,
                    "network namespace %s (%s): %s", in->netns, strempty(in->netns_path),
                    e == ENOENT || e == ESRCH ? "vanished during the scan"
                    : e == EINVAL           ? "not a network namespace"
                                            : strerror(e));
        } else {
                rule_values(&c);
                rule_limits(&c);
                rule_keepalive(&c);
                rule_rfc1122(&c);
                rule_drift(&c);
                rule_conflicts(&c);
                rule_netns(&c);
                if (in->hz_assumed)
                        add(&c, "hz-assumed", NULL, "tcptune model --hz N shows the figures for another HZ",
                            "no kernel config (/proc/config.gz, /boot/config-RELEASE): HZ %u assumed, so the rounding may differ",
                            in->hz);
        }
        if (c.oom) {
                findings_done(&c.f);
                return -ENOMEM;
        }
        /* Critical first; within a severity, rule order (a stable pass per severity). */
        struct finding *sorted = calloc(c.f.n ? c.f.n : 1, sizeof(*sorted));
        if (!sorted) {
                findings_done(&c.f);
                return -ENOMEM;
        }
        size_t k = 0;
        for (int sev = _SEVERITY_MAX - 1; sev >= 0; sev--)
                for (size_t i = 0; i < c.f.n; i++)
                        if ((int) c.f.items[i].severity == sev)
                                sorted[k++] = c.f.items[i];
        free(c.f.items);
        c.f.items = sorted;
        *ret = c.f;
        return 0;
}

void findings_done(struct findings *f) {
        for (size_t i = 0; i < f->n; i++) {
                free(f->items[i].subject);
                free(f->items[i].evidence);
                free(f->items[i].fix);
        }
        free(f->items);
        *f = (struct findings) {};
}

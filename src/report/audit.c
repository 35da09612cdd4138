/* SPDX-License-Identifier: MIT */
/* Invariants:
 * 1. /proc/sys/net binds to the namespace of the process when a file is
 *    opened, so each namespace is read between its setns() and the setns()
 *    back to the fd of our own, kept open for the whole scan.
 * 2. Drift is checked only where systemd-sysctl writes at boot: the host
 *    (the namespace tcptune runs in without --netns). A new namespace
 *    starts from kernel defaults; netns-differs says so.
 * 3. sysctl.d is loaded only when some namespace needs it. */
#include <stdio.h>

#include "audit.h"
#include "live.h"
#include "model-input.h"
#include "netns-scan.h"
#include "sockets.h"
#include "tunables.h"

static void ns_done(struct audit_ns *ns) {
        free(ns->label);
        free(ns->path);
        free(ns->process);
        free(ns->cgroup);
        live_done(&ns->live);
        free(ns->results);
        for (size_t i = 0; i < ns->n_drift; i++)
                sysctld_check_done(&ns->checks[i]);
        free(ns->checks);
        free(ns->drift);
        findings_done(&ns->findings);
        *ns = (struct audit_ns) {};
}

static int collect_drift(const struct root *root, const struct kernel_info *k, const struct sysctld *s,
                         struct audit_ns *ns) {
        size_t n = 0;
        for (size_t i = 0; i < s->n_entries; i++)
                if (tunable_find(s->entries[i].key))
                        n++;
        ns->drift = calloc(n ? n : 1, sizeof(*ns->drift));
        ns->checks = calloc(n ? n : 1, sizeof(*ns->checks));
        if (!ns->drift || !ns->checks)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_entries; i++) {
                const struct sysctld_entry *e = &s->entries[i];
                bool needs_hz;
                if (!tunable_find(e->key))
                        continue;
                struct sysctld_check *c = &ns->checks[ns->n_drift];
                int r = sysctld_check_entry(root, e, hz_or_assumed(k->hz), &needs_hz, c);
                if (r < 0)
                        return r;
                /* What systemd-sysctl fails on at boot: not a missing or
                 * read-only key, never with the '-' prefix. */
                bool rejected = !c->valid && c->exists && !e->ignore_failure && !streq_ptr(c->problem, "read-only");
                ns->drift[ns->n_drift++] = (struct findings_drift) {
                        .key = e->key, .live = c->live, .boot = e->value, .file = e->file, .line = e->line,
                        .drift = c->drift, .problem = rejected ? c->problem : NULL,
                };
        }
        return 0;
}

/* The states a connection can be failing in: not a listener, nor a
 * time-wait or closed socket (they wait by design). Leaving LISTEN out
 * spares the kernel its listening hash. */
#define AUDIT_SOCKET_STATES                                                                         \
        ((1u << TCP_STATE_ESTABLISHED) | (1u << TCP_STATE_SYN_SENT) | (1u << TCP_STATE_SYN_RECV) |  \
         (1u << TCP_STATE_FIN_WAIT1) | (1u << TCP_STATE_FIN_WAIT2) | (1u << TCP_STATE_CLOSE_WAIT) | \
         (1u << TCP_STATE_LAST_ACK) | (1u << TCP_STATE_CLOSING) | (1u << TCP_STATE_NEW_SYN_RECV))

/* The failing sockets of the namespace we are in, through sockets.c with
 * the tunables already read: two netlink dumps, and a model run per
 * distinct socket state (memoised), so a quiet host costs little. */
static int collect_sockets(const struct audit_ns *ans, struct audit_sockets *ret) {
        struct sockets_ns ns = { .in = ans->in, .hz_assumed = ans->hz_assumed };
        const struct sockets_filter f = { .port = -1 };
        ns.in.outage = false; /* the abort is all a socket's line needs */
        int r = sockets_collect_connections(&f, AUDIT_SOCKET_STATES, &ns);
        *ret = (struct audit_sockets) { .read = true, .error = r < 0 ? r : ns.error };
        if (r >= 0 && ns.error == 0) {
                ret->total = ns.total;
                ret->failing = ns.failing;
                ret->gone = ns.gone;
                for (size_t i = 0; i < ns.n_entries; i++)
                        if (ns.entries[i].st.timer < _SOCK_TIMER_MAX)
                                ret->failing_by_timer[ns.entries[i].st.timer]++;
                /* entries[] are the failing ones, the soonest abort first */
                if (ns.n_entries && ns.entries[0].pred.aborts) {
                        ret->aborts = true;
                        ret->abort_min_us = ns.entries[0].pred.abort_min_us;
                        ret->abort_max_us = ns.entries[0].pred.abort_max_us;
                        ret->abort_error = ns.entries[0].pred.error;
                }
        }
        sockets_ns_done(&ns);
        return r == -ENOMEM ? r : 0;
}

int audit_collect(const struct root *root, const struct kernel_info *k, const struct sysctld *s, struct audit_ns *ns) {
        int r = live_read(root, &ns->live);
        if (r < 0)
                return r;
        live_model_input(&ns->live, k, &ns->in, &ns->hz_assumed);
        /* The outage each scenario survives (docs/MODEL.md §15). */
        ns->in.outage = true;
        ns->results = calloc(_SCENARIO_MAX, sizeof(*ns->results));
        if (!ns->results)
                return -ENOMEM;
        for (unsigned sc = 0; sc < _SCENARIO_MAX; sc++) {
                r = model_run(&ns->in, sc, &ns->results[sc]);
                if (r < 0)
                        return r;
                live_drop_absent(&ns->live, &ns->results[sc]);
        }
        if (root_is_host(root) && (r = collect_sockets(ns, &ns->sockets)) < 0)
                return r;
        if (s) {
                ns->boot_config = true;
                return collect_drift(root, k, s, ns);
        }
        return 0;
}

static bool label_taken(const struct audit_report *rep, const char *label) {
        for (size_t i = 0; i < rep->n_ns; i++)
                if (streq(rep->ns[i].label, label))
                        return true;
        return false;
}

/* Labels are unique within a report: they key the Prometheus series and
 * JSON readers, and /run/netns may hold a namespace named "host" or
 * "pid:1". A taken label gets "#2", "#3", ... */
int audit_add_ns(struct audit_report *rep, const char *label, const char *path) {
        _cleanup_free_ char *unique = strdup(label);
        for (unsigned k = 2; unique && label_taken(rep, unique); k++) {
                free(unique);
                if (asprintf(&unique, "%s#%u", label, k) < 0)
                        unique = NULL;
        }
        if (!unique)
                return -ENOMEM;
        if (GROW(rep->ns, rep->n_ns, rep->cap_ns) < 0)
                return -ENOMEM;
        struct audit_ns *n = &rep->ns[rep->n_ns++];
        *n = (struct audit_ns) { .label = TAKE_PTR(unique), .path = path ? strdup(path) : NULL };
        return path && !n->path ? -ENOMEM : 0;
}

struct scan {
        const struct root *root;
        const struct kernel_info *k;
        struct audit_report *rep;
};

static int visit_ns(struct netns_entry *e, int enter_error, void *userdata) {
        struct scan *s = userdata;
        int r = audit_add_ns(s->rep, e->label, e->path);
        if (r < 0)
                return r;
        struct audit_ns *ns = &s->rep->ns[s->rep->n_ns - 1];
        ns->process = TAKE_PTR(e->process);
        ns->cgroup = TAKE_PTR(e->cgroup);
        if (enter_error < 0) {
                ns->error = enter_error;
                return 0;
        }
        return audit_collect(s->root, s->k, e->path ? NULL : s->rep->sysctld, ns);
}

static int scan_all(const struct root *root, const struct kernel_info *k, struct audit_report *rep) {
        struct scan s = { root, k, rep };
        return netns_scan_each(visit_ns, &s);
}

int audit_run(const struct root *root, const struct kernel_info *k, const struct policy *p, const char *label,
              bool all_netns, struct audit_report *ret) {
        struct audit_report rep = { .kernel = k, .policy = p, .netns = label, .all_netns = all_netns };
        bool host = all_netns || !label;
        int r = 0;

        if (host) {
                /* Drift and conflicts are about catalog keys: every one
                 * is net.ipv4.tcp_*, so other globs need no expanding. */
                r = sysctld_load_prefix(root, "net.ipv4.tcp_", &rep.sysctld);
                if (r < 0)
                        goto fail;
        }
        if (all_netns)
                r = scan_all(root, k, &rep);
        else if ((r = audit_add_ns(&rep, label ? label : "host", NULL)) >= 0)
                r = audit_collect(root, k, rep.sysctld, &rep.ns[0]);
        if (r < 0)
                goto fail;

        for (size_t i = 0; i < rep.n_ns; i++) {
                struct audit_ns *ns = &rep.ns[i];
                const struct audit_ns *h = all_netns && i > 0 && rep.ns[0].error == 0 ? &rep.ns[0] : NULL;
                struct findings_input in = {
                        .netns = ns->label, .netns_error = ns->error, .netns_path = ns->path,
                        .live = &ns->live, .host = h ? &h->live : NULL, .results = ns->results,
                        .hz = ns->in.hz, .hz_assumed = ns->hz_assumed && i == 0,
                        .drift = ns->drift, .n_drift = ns->n_drift,
                        .sysctld = ns->boot_config ? rep.sysctld : NULL, .policy = p,
                };
                r = findings_run(&in, &ns->findings);
                if (r < 0)
                        goto fail;
                for (unsigned s = 0; s < _SEVERITY_MAX; s++)
                        rep.count[s] += ns->findings.count[s];
                rep.n_silenced += ns->findings.n_silenced;
        }
        *ret = rep;
        return 0;
fail:
        audit_report_done(&rep);
        return r;
}

void audit_report_done(struct audit_report *r) {
        for (size_t i = 0; i < r->n_ns; i++)
                ns_done(&r->ns[i]);
        free(r->ns);
        sysctld_free(r->sysctld);
        *r = (struct audit_report) {};
}

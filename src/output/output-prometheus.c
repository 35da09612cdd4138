/* SPDX-License-Identifier: MIT */
#include <inttypes.h>
#include <stdio.h>

#include "escape.h"
#include "output-prometheus.h"
#include "parse.h"
#include "tunables.h"

/* The exposition format's escapes for a label value. */
static const char *label_escape(uint32_t cp) {
        return cp == '\\' ? "\\\\" : cp == '"' ? "\\\"" : cp == '\n' ? "\\n" : NULL;
}

/* A byte that is not UTF-8 becomes \\xNN: the exposition format is
 * UTF-8, and node_exporter drops a whole file over one bad byte. */
static const struct escape_policy label_policy = {
        .byte_prefix = "\\\\x",
        .replace = label_escape,
        .max_per_byte = 5,
};

char *prometheus_escape_label(const char *s) {
        return escape_alloc(s, strlen(s), &label_policy, NULL);
}

const char *prometheus_seconds(uint64_t usec, char *buf, size_t size) {
        if (usec == UINT64_MAX) {
                snprintf(buf, size, "+Inf");
                return buf;
        }
        return format_seconds(usec, buf, size);
}

static void family(FILE *f, const char *name, const char *help) {
        fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static bool readable(const struct audit_ns *ns) {
        return ns->error == 0 && ns->results;
}

static void emit_detect(FILE *f, const struct audit_report *rep, char *const *labels) {
        static const char *const bounds[] = { "min", "typical", "max" };
        family(f, "tcptune_detect_seconds",
               "Predicted time until the kernel reports a dead peer, per scenario and bound.");
        for (size_t i = 0; i < rep->n_ns; i++) {
                const struct audit_ns *ns = &rep->ns[i];
                if (!readable(ns))
                        continue;
                for (unsigned s = 0; s < _SCENARIO_MAX; s++) {
                        const struct model_result *r = &ns->results[s];
                        uint64_t v[] = { r->detect_min_us, r->detect_us, r->detect_max_us };
                        for (size_t b = 0; b < ELEMENTSOF(bounds); b++) {
                                char buf[32];
                                fprintf(f, "tcptune_detect_seconds{netns=\"%s\",scenario=\"%s\",bound=\"%s\"} %s\n",
                                        labels[i], scenario_to_string(s), bounds[b],
                                        prometheus_seconds(r->never ? UINT64_MAX : v[b], buf, sizeof(buf)));
                        }
                }
        }
}

/* One of the two outage families: a sample per scenario that transmits,
 * its tolerance or (wait) its longest wait after the outage. */
static void emit_outage_family(FILE *f, const struct audit_report *rep, char *const *labels, const char *name,
                               const char *help, bool wait) {
        family(f, name, help);
        for (size_t i = 0; i < rep->n_ns; i++)
                for (unsigned s = 0; readable(&rep->ns[i]) && s < _SCENARIO_MAX; s++) {
                        const struct model_result *r = &rep->ns[i].results[s];
                        char buf[32];
                        if (r->has_outage)
                                fprintf(f, "%s{netns=\"%s\",scenario=\"%s\"} %s\n", name, labels[i], scenario_to_string(s),
                                        prometheus_seconds(wait ? r->outage.wait_max_us : r->outage.tolerance_us, buf,
                                                           sizeof(buf)));
                }
}

/* docs/MODEL.md §15: an outage shorter than the first is survived, and
 * traffic resumes within the second after it. Scenarios that send
 * nothing an outage could hold up (fin-wait-2) have no sample. */
static void emit_outage(FILE *f, const struct audit_report *rep, char *const *labels) {
        emit_outage_family(f, rep, labels, "tcptune_survivable_outage_seconds",
                           "Longest outage (address change, failover) a connection survives, per scenario.",
                           /* wait= */ false);
        emit_outage_family(f, rep, labels, "tcptune_outage_resume_within_seconds",
                           "After a survived outage, the longest wait until traffic resumes, per scenario.",
                           /* wait= */ true);
}

/* The failing sockets of each namespace the audit read them in (none
 * under --root, or where the dump failed: no sample rather than a 0). */
static void emit_sockets(FILE *f, const struct audit_report *rep, char *const *labels) {
        bool any = false;
        for (size_t i = 0; i < rep->n_ns; i++)
                any = any || (readable(&rep->ns[i]) && rep->ns[i].sockets.read && rep->ns[i].sockets.error == 0);
        if (!any)
                return;
        family(f, "tcptune_failing_sockets",
               "TCP sockets failing now (a retransmission or probe unanswered, or the local address gone), by pending timer.");
        for (size_t i = 0; i < rep->n_ns; i++) {
                const struct audit_sockets *k = &rep->ns[i].sockets;
                if (!readable(&rep->ns[i]) || !k->read || k->error < 0)
                        continue;
                /* Every timer that can fail, 0 included, so that a series
                 * drops to 0 instead of vanishing. */
                for (unsigned t = 0; t < _SOCK_TIMER_MAX; t++)
                        if (t != SOCK_TIMER_TIME_WAIT)
                                fprintf(f, "tcptune_failing_sockets{netns=\"%s\",timer=\"%s\"} %zu\n", labels[i],
                                        t == SOCK_TIMER_NONE ? "none" : sock_timer_to_string(t), k->failing_by_timer[t]);
        }
        family(f, "tcptune_sockets_local_address_gone",
               "TCP sockets whose local address is no longer assigned in their namespace.");
        for (size_t i = 0; i < rep->n_ns; i++) {
                const struct audit_sockets *k = &rep->ns[i].sockets;
                if (readable(&rep->ns[i]) && k->read && k->error == 0)
                        fprintf(f, "tcptune_sockets_local_address_gone{netns=\"%s\"} %zu\n", labels[i], k->gone);
        }
}

static void emit_values(FILE *f, const struct audit_report *rep, char *const *labels) {
        size_t n;
        const struct tunable *t = tunable_all(&n);
        family(f, "tcptune_sysctl_value", "Live value of a net.ipv4 tunable tcptune models (integer tunables only).");
        for (size_t i = 0; i < rep->n_ns; i++) {
                const struct audit_ns *ns = &rep->ns[i];
                for (size_t k = 0; readable(ns) && k < n && k < ns->live.n; k++) {
                        long v;
                        if (t[k].type != TUNABLE_INT || !ns->live.value[k] || parse_kernel_long(ns->live.value[k], &v) < 0)
                                continue;
                        fprintf(f, "tcptune_sysctl_value{netns=\"%s\",key=\"%s\"} %ld\n", labels[i], t[k].key, v);
                }
        }
}

static void emit_drift(FILE *f, const struct audit_report *rep, char *const *labels) {
        bool any = false;
        for (size_t i = 0; i < rep->n_ns; i++)
                any = any || (readable(&rep->ns[i]) && rep->ns[i].n_drift > 0);
        /* A family without samples is left out rather than printed empty. */
        if (!any)
                return;
        family(f, "tcptune_drift", "1 when the live value differs from what sysctl.d sets at boot, per key sysctl.d sets.");
        for (size_t i = 0; i < rep->n_ns; i++) {
                const struct audit_ns *ns = &rep->ns[i];
                for (size_t d = 0; readable(ns) && d < ns->n_drift; d++)
                        fprintf(f, "tcptune_drift{netns=\"%s\",key=\"%s\"} %d\n", labels[i], ns->drift[d].key,
                                ns->drift[d].drift ? 1 : 0);
        }
}

static void emit_findings(FILE *f, const struct audit_report *rep, char *const *labels) {
        family(f, "tcptune_findings", "Audit findings by severity.");
        for (size_t i = 0; i < rep->n_ns; i++)
                for (unsigned s = 0; s < _SEVERITY_MAX; s++)
                        fprintf(f, "tcptune_findings{netns=\"%s\",severity=\"%s\"} %u\n", labels[i],
                                severity_to_string(s), rep->ns[i].findings.count[s]);
}

int output_prometheus(FILE *f, const struct audit_report *rep) {
        char **labels = calloc(rep->n_ns + 1, sizeof(char *));
        int r = labels ? 0 : -ENOMEM;
        for (size_t i = 0; r == 0 && i < rep->n_ns; i++)
                if (!(labels[i] = prometheus_escape_label(rep->ns[i].label)))
                        r = -ENOMEM;
        if (r == 0) {
                emit_detect(f, rep, labels);
                emit_outage(f, rep, labels);
                emit_sockets(f, rep, labels);
                emit_values(f, rep, labels);
                emit_drift(f, rep, labels);
                emit_findings(f, rep, labels);
                family(f, "tcptune_audit_timestamp_seconds", "When the audit ran (Unix time).");
                fprintf(f, "tcptune_audit_timestamp_seconds %" PRIu64 "\n", rep->timestamp);
                if (ferror(f))
                        r = -EIO;
        }
        strv_free(labels);
        return r;
}

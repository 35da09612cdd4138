/* SPDX-License-Identifier: MIT */
/* The audit's JSON document (tcptune(8), OUTPUT): the kernel, the first
 * namespace's scenarios, tunables, sockets, drift and findings, the
 * policy, and with --all-netns every namespace again with a total. */
#include "output-audit-internal.h"
#include "output-explain.h"
#include "output-model.h"

static json_object *findings_json(const struct findings *f) {
        json_object *a = json_object_new_array();
        for (size_t i = 0; i < f->n; i++) {
                const struct finding *x = &f->items[i];
                json_object *o = json_object_new_object();
                json_object_object_add(o, "id", json_object_new_string(x->id));
                json_object_object_add(o, "severity", json_object_new_string(severity_to_string(x->severity)));
                json_object_object_add(o, "subject", x->subject ? json_object_new_string(x->subject) : NULL);
                json_object_object_add(o, "evidence", json_object_new_string(strempty(x->evidence)));
                json_object_object_add(o, "fix", x->fix ? json_object_new_string(x->fix) : NULL);
                json_object_array_add(a, o);
        }
        return a;
}

static json_object *drift_json(const struct audit_ns *ns) {
        if (!ns->boot_config)
                return NULL;
        json_object *a = json_object_new_array();
        for (size_t i = 0; i < ns->n_drift; i++) {
                const struct findings_drift *d = &ns->drift[i];
                json_object *o = json_object_new_object();
                json_object_object_add(o, "key", json_object_new_string(d->key));
                json_object_object_add(o, "live", d->live ? json_object_new_string(d->live) : NULL);
                json_object_object_add(o, "boot", json_object_new_string(d->boot));
                json_object_object_add(o, "file", json_object_new_string(d->file));
                json_object_object_add(o, "line", json_object_new_int((int) d->line));
                json_object_object_add(o, "drift", json_object_new_boolean(d->drift));
                json_object_object_add(o, "problem", d->problem ? json_object_new_string(d->problem) : NULL);
                json_object_array_add(a, o);
        }
        return a;
}

/* null when not read (--root); {"error": ...} when the dump failed. */
static json_object *sockets_json(const struct audit_sockets *k) {
        if (!k->read)
                return NULL;
        json_object *o = json_object_new_object(), *by = json_object_new_object();
        json_object_object_add(o, "error", k->error < 0 ? json_object_new_string(strerror(-k->error)) : NULL);
        json_object_object_add(o, "total", json_object_new_int64((int64_t) k->total));
        json_object_object_add(o, "failing", json_object_new_int64((int64_t) k->failing));
        for (unsigned t = 0; t < _SOCK_TIMER_MAX; t++)
                if (k->failing_by_timer[t])
                        json_object_object_add(by, t == SOCK_TIMER_NONE ? "none" : sock_timer_to_string(t),
                                               json_object_new_int64((int64_t) k->failing_by_timer[t]));
        json_object_object_add(o, "failing_by_timer", by);
        json_object_object_add(o, "local_address_gone", json_object_new_int64((int64_t) k->gone));
        json_object_object_add(o, "first_abort_min_s", k->aborts ? json_seconds(k->abort_min_us) : NULL);
        json_object_object_add(o, "first_abort_max_s", k->aborts ? json_seconds(k->abort_max_us) : NULL);
        const char *e = k->aborts ? output_errno_name(k->abort_error) : NULL;
        json_object_object_add(o, "first_abort_errno", e ? json_object_new_string(e) : NULL);
        return o;
}

static json_object *summary_json(const unsigned *count, size_t silenced) {
        json_object *o = json_object_new_object();
        for (unsigned s = 0; s < _SEVERITY_MAX; s++)
                json_object_object_add(o, severity_to_string(s), json_object_new_int((int) count[s]));
        json_object_object_add(o, "silenced", json_object_new_int((int) silenced));
        return o;
}

/* scenarios, tunables, drift, findings, summary of one namespace into o. */
static void ns_json(json_object *o, const struct audit_ns *ns, unsigned hz) {
        size_t n;
        const struct tunable *t = tunable_all(&n);
        json_object *sc = NULL, *tun = NULL;
        if (ns->error == 0) {
                sc = json_object_new_array();
                tun = json_object_new_array();
                for (unsigned s = 0; s < _SCENARIO_MAX; s++) {
                        const struct model_result *r = &ns->results[s];
                        json_object *x = output_model_result_json(r, false);
                        json_object_object_add(x, "survives_outage_s", output_model_survives_json(r));
                        json_object_object_add(x, "resume_within_s", output_model_resume_json(r));
                        json_object_array_add(sc, x);
                }
                for (size_t i = 0; i < n && i < ns->live.n; i++)
                        json_object_array_add(tun, output_tunable_json(&t[i], ns->live.value[i], hz));
        }
        json_object_object_add(o, "scenarios", sc);
        json_object_object_add(o, "tunables", tun);
        json_object_object_add(o, "sockets", ns->error == 0 ? sockets_json(&ns->sockets) : NULL);
        json_object_object_add(o, "drift", drift_json(ns));
        json_object_object_add(o, "findings", findings_json(&ns->findings));
        json_object_object_add(o, "summary", summary_json(ns->findings.count, ns->findings.n_silenced));
}

static json_object *policy_json(const struct policy *p) {
        json_object *o = json_object_new_object(), *lim = json_object_new_object(), *sil = json_object_new_array();
        json_object_object_add(o, "file", p->file ? json_object_new_string(p->file) : NULL);
        for (unsigned s = 0; s < _SCENARIO_MAX; s++)
                if (p->limit_us[s])
                        json_object_object_add(lim, scenario_to_string(s), json_seconds(p->limit_us[s]));
        json_object_object_add(o, "limits_s", lim);
        for (char **x = p->silence; x && *x; x++)
                json_object_array_add(sil, json_object_new_string(*x));
        json_object_object_add(o, "silence", sil);
        return o;
}

/* The kernel, with the tunables added after 4.19 and whether it has each. */
static json_object *kernel_json(const struct audit_report *rep) {
        const struct audit_ns *first = &rep->ns[0];
        size_t n;
        const struct tunable *t = tunable_all(&n);
        json_object *k = output_model_kernel_json(rep->kernel, hz_or_assumed(first->in.hz), first->hz_assumed);
        json_object *nt = json_object_new_array();
        for (size_t i = 0; i < n && i < first->live.n; i++)
                if (output_audit_tunable_is_newer(&t[i])) {
                        json_object *x = json_object_new_object();
                        json_object_object_add(x, "key", json_object_new_string(t[i].key));
                        json_object_object_add(x, "since", json_object_new_string(t[i].since));
                        json_object_object_add(x, "present", json_object_new_boolean(first->live.error[i] != -ENOENT));
                        json_object_array_add(nt, x);
                }
        json_object_object_add(k, "newer_tunables", nt);
        return k;
}

/* --all-netns: every namespace, the first included, with where it comes from. */
static json_object *namespaces_json(const struct audit_report *rep) {
        json_object *a = json_object_new_array();
        for (size_t i = 0; i < rep->n_ns; i++) {
                const struct audit_ns *ns = &rep->ns[i];
                json_object *o = json_object_new_object();
                json_object_object_add(o, "netns", json_object_new_string(ns->label));
                json_object_object_add(o, "path", ns->path ? json_object_new_string(ns->path) : NULL);
                json_object_object_add(o, "process", json_string_safe(ns->process));
                json_object_object_add(o, "cgroup", json_string_safe(ns->cgroup));
                json_object_object_add(o, "error", ns->error ? json_object_new_string(strerror(-ns->error)) : NULL);
                ns_json(o, ns, rep->ns[0].in.hz);
                json_object_array_add(a, o);
        }
        return a;
}

int output_audit_json(const struct output *out, const struct audit_report *rep) {
        const struct audit_ns *first = &rep->ns[0];
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "kernel", kernel_json(rep));
        json_object_object_add(doc, "netns", rep->netns ? json_object_new_string(rep->netns) : NULL);
        ns_json(doc, first, first->in.hz);
        json_object_object_add(doc, "policy", policy_json(rep->policy));
        if (rep->all_netns) {
                json_object_object_add(doc, "namespaces", namespaces_json(rep));
                json_object_object_add(doc, "total", summary_json(rep->count, rep->n_silenced));
        }
        int r = json_print(doc, out->stream);
        json_object_put(doc);
        return r;
}

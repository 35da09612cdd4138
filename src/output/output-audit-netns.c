/* SPDX-License-Identifier: MIT */
/* Namespaces group when a reader could not tell them apart in the table:
 * the same live values (every catalog key, as read) and the same findings
 * by id and severity (their evidence names the namespace, so it is left
 * out). The host's group comes first; the others in scan order. */
#include <stdio.h>

#include "escape.h"
#include "output-audit-netns.h"
#include "parse.h"

#define LABELS_SHOWN 4

struct group {
        char *values;  /* live values, or the error */
        char *sig;     /* values + findings */
        size_t first;  /* index in rep->ns */
        size_t *members;
        size_t n;
};

char *output_netns_label(const struct audit_ns *ns) {
        _cleanup_free_ char *raw = NULL;
        if (!ns->process)
                return escape_text(ns->label, 200);
        if (asprintf(&raw, "%s (%s%s%s)", ns->process, strempty(ns->cgroup), ns->cgroup ? ", " : "", ns->label) < 0)
                return NULL;
        return escape_text(raw, 200);
}

static char *values_of(const struct audit_ns *ns) {
        char *s = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&s, &len);
        if (!f)
                return NULL;
        if (ns->error)
                fprintf(f, "error %d", ns->error);
        else
                for (size_t i = 0; i < ns->live.n; i++)
                        fprintf(f, "%s\x1f", ns->live.value[i] ? ns->live.value[i] : "\x1e");
        return fclose(f) == 0 ? s : (free(s), NULL);
}

static char *sig_of(const struct audit_ns *ns, const char *values) {
        char *s = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&s, &len);
        if (!f)
                return NULL;
        fputs(values, f);
        for (size_t i = 0; i < ns->findings.n; i++)
                fprintf(f, "|%s:%d", ns->findings.items[i].id, (int) ns->findings.items[i].severity);
        return fclose(f) == 0 ? s : (free(s), NULL);
}

static void groups_free(struct group *g, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(g[i].values);
                free(g[i].sig);
                free(g[i].members);
        }
        free(g);
}

/* "a, b, c, d and 3 more" */
static char *labels_of(const struct audit_report *rep, const struct group *g) {
        char *s = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&s, &len);
        if (!f)
                return NULL;
        for (size_t k = 0; k < g->n && k < LABELS_SHOWN; k++) {
                _cleanup_free_ char *l = output_netns_label(&rep->ns[g->members[k]]);
                fprintf(f, "%s%s", k == 0 ? "" : k + 1 == g->n ? " and " : ", ", l ? l : "?");
        }
        if (g->n > LABELS_SHOWN)
                fprintf(f, " and %zu more", g->n - LABELS_SHOWN);
        return fclose(f) == 0 ? s : (free(s), NULL);
}

static char *latest(const struct audit_ns *ns, unsigned scenario) {
        if (ns->error)
                return strdup("-");
        const struct model_result *r = &ns->results[scenario];
        return r->never ? strdup("never") : format_duration(r->detect_max_us);
}

static char *findings_cell(const struct audit_ns *ns) {
        const unsigned *c = ns->findings.count;
        char *s = NULL;
        if (ns->error)
                return asprintf(&s, "cannot enter: %s", strerror(-ns->error)) < 0 ? NULL : s;
        if (ns->findings.n == 0)
                return strdup("none");
        /* Only the severities present: "1 critical, 2 warnings". */
        size_t len = 0;
        FILE *f = open_memstream(&s, &len);
        if (!f)
                return NULL;
        const char *sep = "";
        if (c[SEVERITY_CRITICAL])
                fprintf(f, "%u critical", c[SEVERITY_CRITICAL]), sep = ", ";
        if (c[SEVERITY_WARNING])
                fprintf(f, "%s%u warning%s", sep, c[SEVERITY_WARNING], c[SEVERITY_WARNING] == 1 ? "" : "s"), sep = ", ";
        if (c[SEVERITY_INFO])
                fprintf(f, "%s%u info", sep, c[SEVERITY_INFO]);
        return fclose(f) == 0 ? s : (free(s), NULL);
}

int output_audit_netns_table(const struct output *out, const struct audit_report *rep, size_t **ret_detail,
                             char ***ret_titles, size_t *ret_n) {
        struct group *g = calloc(rep->n_ns, sizeof(*g));
        size_t n = 0, n_detail = 0;
        size_t *detail = calloc(rep->n_ns, sizeof(*detail));
        char **titles = calloc(rep->n_ns, sizeof(*titles));
        static const char *const headers[] = { "ESTABLISHED", "IDLE", "CONNECT", "FINDINGS", "NAMESPACES" };
        _cleanup_(table_freep) struct table *t = table_new(5, headers);
        int r = -ENOMEM;
        if (!g || !detail || !titles)
                goto fail;
        for (size_t i = 0; i < rep->n_ns; i++) {
                _cleanup_free_ char *values = values_of(&rep->ns[i]);
                _cleanup_free_ char *sig = values ? sig_of(&rep->ns[i], values) : NULL;
                if (!sig)
                        goto fail;
                size_t k = 0;
                while (k < n && !streq(g[k].sig, sig))
                        k++;
                if (k == n) {
                        g[n] = (struct group) { .values = TAKE_PTR(values), .sig = TAKE_PTR(sig), .first = i };
                        if (!(g[n].members = calloc(rep->n_ns, sizeof(size_t))))
                                goto fail;
                        n++;
                }
                g[k].members[g[k].n++] = i;
        }

        if (!t)
                goto fail;
        for (size_t k = 0; k < n; k++) {
                const struct audit_ns *ns = &rep->ns[g[k].first];
                _cleanup_free_ char *e = latest(ns, SCENARIO_ESTABLISHED), *i = latest(ns, SCENARIO_IDLE),
                                    *c = latest(ns, SCENARIO_CONNECT), *f = findings_cell(ns), *labels = labels_of(rep, &g[k]),
                                    *who = NULL;
                if (!e || !i || !c || !f || !labels ||
                    (g[k].n > 1 ? asprintf(&who, "%zu: %s", g[k].n, labels) : asprintf(&who, "%s", labels)) < 0)
                        goto fail;
                const char *cells[] = { e, i, c, f, who };
                if (table_add_row(t, cells) < 0)
                        goto fail;
                /* In full: what differs from the host, once per group. */
                if (k > 0 && !ns->error && rep->ns[0].error == 0 && !streq(g[k].values, g[0].values)) {
                        detail[n_detail] = g[k].first;
                        titles[n_detail++] = TAKE_PTR(labels);
                }
        }
        fprintf(out->stream, "\n%sNetwork namespaces%s: latest detection, findings; identical ones share a row\n",
                color(out->color, COLOR_BOLD), color(out->color, COLOR_OFF));
        table_print(t, out, NULL);
        groups_free(g, n);
        *ret_detail = detail;
        *ret_titles = titles;
        *ret_n = n_detail;
        return 0;
fail:
        groups_free(g, n);
        for (size_t k = 0; titles && k < n_detail; k++)
                free(titles[k]);
        free(titles);
        free(detail);
        return r;
}

/* SPDX-License-Identifier: MIT */
/* The audit's text screen, built to fit a terminal on a stock host:
 * kernel, detection times, drift, tunables that differ, findings with
 * their fix. */
#include <stdio.h>

#include "escape.h"
#include "output-audit-internal.h"
#include "output-audit-netns.h"
#include "output-explain.h"
#include "output-model.h"
#include "parse.h"

/* Lines end a column short of the edge: a line that fills the last
 * column makes some terminals wrap it. */
static size_t text_width(const struct output *out) {
        return out->width - 1;
}

static int print_kernel(const struct output *out, const struct audit_report *rep) {
        const struct kernel_info *k = rep->kernel;
        const struct audit_ns *ns = &rep->ns[0];
        size_t n, len = 0;
        const struct tunable *t = tunable_all(&n);
        _cleanup_free_ char *line = NULL;
        /* The release and the path naming it come from root's /proc/sys:
         * a container's, with --root /proc/PID/root. */
        _cleanup_free_ char *release = k->release ? escape_text(k->release, SIZE_MAX) : NULL,
                            *source = escape_text(strempty(k->hz_source), SIZE_MAX);
        if ((k->release && !release) || !source)
                return -ENOMEM;
        fprintf(out->stream, "Kernel %s, HZ %u", release ? release : "(unknown)", hz_or_assumed(k->hz));
        if (k->hz)
                fprintf(out->stream, " (from %s)\n", source);
        else
                fputs(" (assumed: no kernel config found)\n", out->stream);
        FILE *f = open_memstream(&line, &len);
        if (!f)
                return -ENOMEM;
        const char *sep = "Has ";
        for (int pass = 0; pass < 2; pass++) {
                for (size_t i = 0; i < n && i < ns->live.n; i++) {
                        bool absent = ns->error == 0 && ns->live.error[i] == -ENOENT;
                        if (!output_audit_tunable_is_newer(&t[i]) || absent != (pass == 1))
                                continue;
                        fprintf(f, "%s%s (%s)", sep, tunable_short_key(t[i].key), t[i].since);
                        sep = ", ";
                }
                sep = strcmp(sep, "Has ") ? "; lacks " : "Lacks ";
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        if (len)
                output_wrap(out->stream, "", "  ", line, text_width(out));
        return 0;
}

/* The GOVERNED BY cell: what fits in the width the rows leave (the
 * SCENARIO, TYPICAL and LATEST columns with their gaps take
 * GOVERNORS_AFTER of it), keys of one family folded the way a shell
 * expands them ("tcp_keepalive_{time,intvl,probes}"), ", ..." when some
 * are left out. */
#define GOVERNORS_AFTER 37
static size_t family_prefix(const char *a, const char *b) {
        size_t n = 0, cut = 0;
        while (a[n] && a[n] == b[n]) {
                if (a[n] == '_')
                        cut = n + 1;
                n++;
        }
        return cut;
}

static void format_governors(const struct model_result *r, size_t limit, char *buf, size_t size) {
        char groups[MODEL_MAX_GOVERNORS][96];
        size_t n = 0;
        for (size_t i = 0; i < r->n_governed_by;) {
                const char *first = tunable_short_key(r->governed_by[i]);
                size_t j = i + 1, prefix = 0;
                /* The longest run sharing more than "tcp_". */
                for (; j < r->n_governed_by; j++) {
                        size_t p = family_prefix(first, tunable_short_key(r->governed_by[j]));
                        if (prefix)
                                p = p < prefix ? p : prefix;
                        if (p <= strlen("tcp_"))
                                break;
                        prefix = p;
                }
                if (j == i + 1)
                        snprintf(groups[n], sizeof(groups[n]), "%s", first);
                else {
                        int k = snprintf(groups[n], sizeof(groups[n]), "%.*s{", (int) prefix, first);
                        for (size_t g = i; g < j && k > 0 && (size_t) k < sizeof(groups[n]); g++)
                                k += snprintf(groups[n] + k, sizeof(groups[n]) - (size_t) k, "%s%s", g > i ? "," : "",
                                              tunable_short_key(r->governed_by[g]) + prefix);
                        if (k > 0 && (size_t) k < sizeof(groups[n]))
                                snprintf(groups[n] + k, sizeof(groups[n]) - (size_t) k, "}");
                }
                n++;
                i = j;
        }
        buf[0] = '\0';
        for (size_t g = 0; g < n; g++) {
                size_t used = strlen(buf), add = (g ? 2 : 0) + strlen(groups[g]);
                size_t tail = g + 1 < n ? strlen(", ...") : 0;
                if (used + add + tail > limit) {
                        snprintf(buf + used, size - used, "%s...", g ? ", " : "");
                        return;
                }
                snprintf(buf + used, size - used, "%s%s", g ? ", " : "", groups[g]);
        }
}

static int print_detect(const struct output *out, const struct audit_ns *ns) {
        /* Sized for OUTPUT_WIDTH: model shows the errno, range and every governor. */
        static const char *const headers[] = { "SCENARIO", "TYPICAL", "LATEST", "GOVERNED BY" };
        _cleanup_(table_freep) struct table *t = table_new(4, headers);
        _cleanup_free_ char *rtt = format_duration(ns->in.srtt_us), *rto = format_duration(model_rto_us(&ns->in));
        if (!t)
                return -ENOMEM;
        fprintf(out->stream, "\n%sHow long until a dead peer is noticed%s (RTT %s, RTO %s, %u segment%s)\n",
                color(out->color, COLOR_BOLD), color(out->color, COLOR_OFF), strempty(rtt), strempty(rto),
                ns->in.segments, ns->in.segments == 1 ? "" : "s");
        for (unsigned s = 0; s < _SCENARIO_MAX; s++) {
                const struct model_result *r = &ns->results[s];
                char gov[256];
                _cleanup_free_ char *typ = r->never ? strdup("never") : format_duration(r->detect_us),
                                    *max = r->never ? strdup("never") : format_duration(r->detect_max_us);
                format_governors(r, out->width > GOVERNORS_AFTER ? out->width - GOVERNORS_AFTER : 0, gov, sizeof(gov));
                const char *cells[] = { scenario_to_string(s), typ, max, gov };
                if (table_add_row(t, cells) < 0)
                        return -ENOMEM;
        }
        table_print(t, out, NULL);
        for (unsigned s = 0; s < _SCENARIO_MAX; s++)
                if (ns->results[s].note) {
                        char first[32];
                        snprintf(first, sizeof(first), "  %s: ", scenario_to_string(s));
                        output_wrap(out->stream, first, "    ", ns->results[s].note, text_width(out));
                }
        return 0;
}

/* The outage each scenario survives, in advise's words: "an outage
 * (address change, failover) shorter than X is survived; after it,
 * traffic resumes within Y". */
static int print_outages(const struct output *out, const struct audit_ns *ns) {
        static const char *const headers[] = { "SCENARIO", "SHORTER THAN", "RESUMES WITHIN" };
        _cleanup_(table_freep) struct table *t = table_new(3, headers);
        if (!t)
                return -ENOMEM;
        fprintf(out->stream, "\n%sOutages survived%s (address change, failover): shorter than X is survived;\n"
                             "after it, traffic resumes within Y\n",
                color(out->color, COLOR_BOLD), color(out->color, COLOR_OFF));
        for (unsigned s = 0; s < _SCENARIO_MAX; s++) {
                const struct model_result *r = &ns->results[s];
                if (!r->has_outage)
                        continue;
                _cleanup_free_ char *x = output_model_tolerance_text(&r->outage), *y = format_duration(r->outage.wait_max_us);
                const char *cells[] = { scenario_to_string(s), x, y };
                if (table_add_row(t, cells) < 0)
                        return -ENOMEM;
        }
        table_print(t, out, NULL);
        return 0;
}

/* One line: how many TCP connections are failing now, and the soonest
 * abort; tcptune sockets lists them. */
static int print_sockets(const struct output *out, const struct audit_ns *ns) {
        const struct audit_sockets *k = &ns->sockets;
        _cleanup_free_ char *line = NULL, *by = NULL, *abort = NULL, *gone = NULL;
        size_t len = 0;
        if (!k->read)
                return fputs("\nFailing now: not read under --root (live sockets are the running kernel's)\n",
                             out->stream) < 0 ? -EIO : 0;
        if (k->error < 0)
                return fprintf(out->stream, "\nFailing now: cannot read the TCP sockets: %s\n", strerror(-k->error)) < 0
                               ? -EIO : 0;
        if (k->total == 0)
                return fputs("\nFailing now: none (no TCP connection)\n", out->stream) < 0 ? -EIO : 0;
        if (k->failing == 0)
                return fprintf(out->stream, "\nFailing now: none of %zu TCP connection%s\n", k->total,
                               k->total == 1 ? "" : "s") < 0 ? -EIO : 0;
        FILE *f = open_memstream(&by, &len);
        if (!f)
                return -ENOMEM;
        static const char *const doing[_SOCK_TIMER_MAX] = {
                [SOCK_TIMER_NONE] = "with no timer",          [SOCK_TIMER_RETRANSMIT] = "retransmitting",
                [SOCK_TIMER_PROBE] = "probing a zero window", [SOCK_TIMER_KEEPALIVE] = "sending keepalives",
                [SOCK_TIMER_SYN] = "connecting",              [SOCK_TIMER_SYNACK] = "half-open",
                [SOCK_TIMER_FIN_WAIT_2] = "in FIN-WAIT-2",    [SOCK_TIMER_TIME_WAIT] = "in TIME-WAIT",
        };
        for (unsigned t = 0; t < _SOCK_TIMER_MAX; t++)
                if (k->failing_by_timer[t])
                        fprintf(f, "%s%zu %s", ftell(f) ? ", " : "", k->failing_by_timer[t], doing[t]);
        if (fclose(f) != 0)
                return -ENOMEM;
        if (k->aborts) {
                _cleanup_free_ char *lo = format_duration(k->abort_min_us), *hi = format_duration(k->abort_max_us);
                const char *e = output_errno_name(k->abort_error);
                if (asprintf(&abort, "; the first aborts in %s .. %s%s%s%s", strempty(lo), strempty(hi), e ? " (" : "",
                             strempty(e), e ? ")" : "") < 0)
                        return -ENOMEM;
        }
        if (k->gone && asprintf(&gone, "; %zu with its local address gone", k->gone) < 0)
                return -ENOMEM;
        if (asprintf(&line, "%zu of %zu TCP connections (%s)%s%s; tcptune sockets lists them", k->failing, k->total,
                     strempty(by), strempty(abort), strempty(gone)) < 0)
                return -ENOMEM;
        fputc('\n', out->stream);
        output_wrap(out->stream, "Failing now: ", "  ", line, text_width(out));
        return 0;
}

static int print_drift(const struct output *out, const struct audit_ns *ns) {
        static const char *const headers[] = { "KEY", "LIVE", "BOOT", "SET BY" };
        size_t shown = 0;
        if (!ns->boot_config)
                return 0;
        _cleanup_(table_freep) struct table *t = table_new(4, headers);
        if (!t)
                return -ENOMEM;
        for (size_t i = 0; i < ns->n_drift; i++) {
                const struct findings_drift *d = &ns->drift[i];
                if (!d->drift && !d->problem)
                        continue;
                _cleanup_free_ char *where = NULL, *safe_live = d->live ? escape_text(d->live, 40) : NULL,
                                    *safe_boot = escape_text(d->boot, 40), *safe_where = NULL;
                if (asprintf(&where, "%s:%u", d->file, d->line) < 0 || !(safe_where = escape_text(where, SIZE_MAX)))
                        return -ENOMEM;
                _cleanup_free_ char *boot = NULL;
                if (asprintf(&boot, "%s%s", strempty(safe_boot), d->problem ? " (refused)" : "") < 0)
                        return -ENOMEM;
                const char *cells[] = { tunable_short_key(d->key), safe_live ? safe_live : "?", boot, safe_where };
                if (table_add_row(t, cells) < 0)
                        return -ENOMEM;
                shown++;
        }
        if (!shown) {
                if (ns->n_drift)
                        fprintf(out->stream, "\nDrift: none (sysctl.d sets %zu tcp key%s, all as live)\n", ns->n_drift,
                                ns->n_drift == 1 ? "" : "s");
                else
                        fprintf(out->stream, "\nDrift: none (sysctl.d sets no tcp key)\n");
                return 0;
        }
        fprintf(out->stream, "\n%sDrift%s: live values that differ from what sysctl.d sets at boot\n",
                color(out->color, COLOR_BOLD), color(out->color, COLOR_OFF));
        table_print(t, out, NULL);
        return 0;
}

static int print_tunables(const struct output *out, const struct audit_report *rep, const struct audit_ns *ns) {
        if (rep->all_tunables) {
                fprintf(out->stream, "\n%sTunables%s\n", color(out->color, COLOR_BOLD), color(out->color, COLOR_OFF));
                return output_explain_table(out, rep->kernel, &ns->live, false);
        }
        size_t n, differ = 0;
        const struct tunable *t = tunable_all(&n);
        for (size_t i = 0; i < n && i < ns->live.n; i++)
                differ += ns->live.value[i] && !tunable_is_default(&t[i], ns->live.value[i]);
        if (!differ) {
                fprintf(out->stream, "\nTunables: all at kernel defaults (tcptune audit --all lists them)\n");
                return 0;
        }
        fprintf(out->stream, "\n%sTunables that differ from kernel defaults%s (tcptune audit --all lists every one)\n",
                color(out->color, COLOR_BOLD), color(out->color, COLOR_OFF));
        return output_explain_table(out, rep->kernel, &ns->live, true);
}

static int print_findings(const struct output *out, const struct audit_ns *ns) {
        static const enum color col[] = { COLOR_DIM, COLOR_YELLOW, COLOR_RED };
        const struct findings *f = &ns->findings;
        if (f->n == 0) {
                fprintf(out->stream, "\nFindings: none\n");
                return 0;
        }
        fprintf(out->stream, "\n%sFindings%s\n", color(out->color, COLOR_BOLD), color(out->color, COLOR_OFF));
        for (size_t i = 0; i < f->n; i++) {
                const struct finding *x = &f->items[i];
                _cleanup_free_ char *ev = escape_text(strempty(x->evidence), SIZE_MAX),
                                    *fix = x->fix ? escape_text(x->fix, SIZE_MAX) : NULL;
                char sev[16];
                snprintf(sev, sizeof(sev), "%s", severity_to_string(x->severity));
                for (char *p = sev; *p; p++)
                        *p = (char) (*p - 'a' + 'A');
                _cleanup_free_ char *text = NULL, *first = NULL;
                if (asprintf(&text, "%s: %s", x->id, ev ? ev : strempty(x->evidence)) < 0 ||
                    asprintf(&first, "%s%-8s%s  ", color(out->color, col[x->severity]), sev, color(out->color, COLOR_OFF)) < 0)
                        return -ENOMEM;
                output_wrap(out->stream, first, "          ", text, text_width(out));
                if (x->fix)
                        output_wrap(out->stream, "          fix: ", "               ", fix ? fix : x->fix, text_width(out));
        }
        return 0;
}

static int text_ns(const struct output *out, const struct audit_report *rep, const struct audit_ns *ns) {
        if (ns->error == 0) {
                int r = print_detect(out, ns);
                if (r >= 0)
                        r = print_outages(out, ns);
                if (r >= 0)
                        r = print_sockets(out, ns);
                if (r >= 0)
                        r = print_drift(out, ns);
                if (r >= 0)
                        r = print_tunables(out, rep, ns);
                if (r < 0)
                        return r;
        }
        return print_findings(out, ns);
}

int output_audit_text(const struct output *out, const struct audit_report *rep) {
        const char *b = color(out->color, COLOR_BOLD), *o = color(out->color, COLOR_OFF);
        int r = 0;
        const struct audit_ns *first = &rep->ns[0];
        /* Labels are /run/netns names or --netns as typed: escaped. */
        _cleanup_free_ char *label = escape_text(first->label, SIZE_MAX);
        if (!label)
                return -ENOMEM;
        fprintf(out->stream, "%stcptune audit%s: %s%s\n", b, o,
                streq(first->label, "host") && !rep->all_netns ? "" : "network namespace ", label);
        r = print_kernel(out, rep);
        if (r >= 0)
                r = text_ns(out, rep, first);
        if (r >= 0 && rep->all_netns) {
                /* One row per group; in full only what differs from the host. */
                _cleanup_free_ size_t *detail = NULL;
                char **titles = NULL;
                size_t n = 0;
                r = output_audit_netns_table(out, rep, &detail, &titles, &n);
                for (size_t k = 0; k < n; k++) {
                        const struct audit_ns *ns = &rep->ns[detail[k]];
                        if (r >= 0) {
                                fprintf(out->stream, "\n%s== network namespace %s ==%s\n", b, titles[k], o);
                                r = text_ns(out, rep, ns);
                        }
                        free(titles[k]);
                }
                free(titles);
        }
        if (r < 0)
                return r;
        _cleanup_free_ char *policy = escape_text(strempty(rep->policy ? rep->policy->file : NULL), SIZE_MAX);
        if (!policy)
                return -ENOMEM;
        const unsigned *c = rep->count;
        fprintf(out->stream, "\n%u critical, %u warning%s, %u info", c[SEVERITY_CRITICAL], c[SEVERITY_WARNING],
                c[SEVERITY_WARNING] == 1 ? "" : "s", c[SEVERITY_INFO]);
        if (rep->n_silenced)
                fprintf(out->stream, "; %zu silenced by %s", rep->n_silenced, policy);
        if (rep->all_netns)
                fprintf(out->stream, " in %zu network namespace%s", rep->n_ns, rep->n_ns == 1 ? "" : "s");
        fputc('\n', out->stream);
        return 0;
}

/* SPDX-License-Identifier: MIT */
/* Invariants:
 * 1. JSON is streamed a socket at a time through json-c (each socket's
 *    object serialised, written, freed): 100 000 sockets never exist as
 *    one tree, yet every string is escaped by json-c. The layout is
 *    json_print()'s (pretty, two-space indent), so documents look alike.
 * 2. Text: seven columns sized to their widest cell; when they do not fit
 *    the width, only LOCAL and REMOTE shrink, each cut in the middle.
 * 3. Namespace labels come from outside (/run/netns names) and are
 *    escaped in text; addresses are formatted here from binary. */
#include <stdio.h>
#include <sys/socket.h>

#include "escape.h"
#include "output-sockets.h"
#include "parse.h"

#define JSON_FLAGS (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)
#define IPV4_ENDPOINT_MAX 21 /* "255.255.255.255:65535": kept whole while anything else can give */
#define MIN_ADDR_WIDTH 15

static const struct sockdiag_sock *sock_of(const struct sockets_ns *ns, const struct sockets_entry *e) {
        return &ns->table.socks[e->sock];
}

/* The count shown in OUT and the JSON: what the pending timer counts. */
static bool timer_counts_retransmits(enum sock_timer t) {
        return t == SOCK_TIMER_RETRANSMIT || t == SOCK_TIMER_SYN || t == SOCK_TIMER_SYNACK;
}

static const char *short_duration(uint64_t us, char *buf, size_t size, bool with_unit) {
        uint64_t s = us / USEC_PER_SEC;
        if (us < 60 * USEC_PER_SEC)
                snprintf(buf, size, "%.1f%s", (double) us / (double) USEC_PER_SEC, with_unit ? "s" : "");
        else if (s < 3600)
                snprintf(buf, size, "%um%02us", (unsigned) (s / 60), (unsigned) (s % 60));
        else
                snprintf(buf, size, "%uh%02um", (unsigned) (s / 3600), (unsigned) (s % 3600 / 60));
        return buf;
}

const char *output_sockets_range(uint64_t min_us, uint64_t max_us, char *buf, size_t size) {
        char a[32], b[32];
        bool seconds = max_us < 60 * USEC_PER_SEC;
        snprintf(buf, size, "%s-%s", short_duration(min_us, a, sizeof(a), !seconds),
                 short_duration(max_us, b, sizeof(b), true));
        return buf;
}

const char *output_sockets_abbreviate(const char *s, size_t w, char *buf, size_t size) {
        size_t len = strlen(s);
        const char *colon = strrchr(s, ':');
        size_t port = colon ? len - (size_t) (colon - s) : 0;
        if (len <= w || w + 1 > size || w < port + 4) {
                snprintf(buf, size, "%.*s", (int) (w < size ? w : size - 1), s);
                return buf;
        }
        /* head .. tail port: the host loses its middle. */
        size_t host = len - port, avail = w - port - 2, head = (avail + 1) / 2, tail = avail - head;
        snprintf(buf, size, "%.*s..%.*s%s", (int) head, s, (int) tail, s + host - tail, s + host);
        return buf;
}

/* ---- JSON ---- */

static json_object *json_string_or_null(const char *s) {
        return s ? json_object_new_string(s) : NULL;
}

static json_object *socket_json(const struct sockets_ns *ns, const struct sockets_entry *e,
                                enum output_sockets_kill kill) {
        const struct sockdiag_sock *s = sock_of(ns, e);
        const struct sock_prediction *p = &e->pred;
        char a[SOCKDIAG_ENDPOINT_MAX], b[SOCKDIAG_ENDPOINT_MAX];
        json_object *o = json_object_new_object();
        if (!o)
                return NULL;
        bool timer = e->st.timer != SOCK_TIMER_NONE;
        json_object_object_add(o, "family", json_object_new_string(s->family == AF_INET6 ? "inet6" : "inet"));
        json_object_object_add(o, "state", json_string_or_null(tcp_state_to_string(e->st.state)));
        json_object_object_add(o, "local", json_object_new_string(sockdiag_endpoint(s->family, s->src, s->sport, a, sizeof(a))));
        json_object_object_add(o, "remote", json_object_new_string(sockdiag_endpoint(s->family, s->dst, s->dport, b, sizeof(b))));
        json_object_object_add(o, "timer", json_string_or_null(sock_timer_to_string(e->st.timer)));
        json_object_object_add(o, "timer_expires_s", timer ? json_seconds(e->st.expires_us) : NULL);
        json_object_object_add(o, "retransmits", json_object_new_int((int) e->st.retransmits));
        json_object_object_add(o, "probes", s->has_info ? json_object_new_int((int) e->st.probes) : NULL);
        json_object_object_add(o, "backoff", s->has_info ? json_object_new_int((int) e->st.backoff) : NULL);
        json_object_object_add(o, "rto_s", s->has_info ? json_seconds(s->rto_us) : NULL);
        json_object_object_add(o, "rtt_s", s->has_info ? json_seconds(s->rtt_us) : NULL);
        json_object_object_add(o, "unacked", s->has_info ? json_object_new_int((int) s->unacked) : NULL);
        json_object_object_add(o, "local_address_gone", json_object_new_boolean(e->st.local_address_gone));
        json_object_object_add(o, "failing", json_object_new_boolean(p->failing));
        json_object_object_add(o, "abort_min_s", p->aborts ? json_seconds(p->abort_min_us) : NULL);
        json_object_object_add(o, "abort_max_s", p->aborts ? json_seconds(p->abort_max_us) : NULL);
        json_object_object_add(o, "errno", json_string_or_null(p->aborts && p->error ? strerrorname_np(p->error) : NULL));
        json_object *as = json_object_new_array();
        for (size_t i = 0; as && i < p->n_assumptions; i++)
                json_object_array_add(as, json_object_new_string(p->assumptions[i]));
        json_object_object_add(o, "assumptions", as);
        if (kill != OUTPUT_SOCKETS_NO_KILL) {
                json_object_object_add(o, "killed", json_object_new_boolean(e->killed));
                json_object_object_add(o, "kill_error",
                                       json_string_or_null(e->kill_error < 0 ? strerrorname_np(-e->kill_error) : NULL));
        }
        return o;
}

/* Write o serialised, each line after the first indented by indent. */
static int write_indented(FILE *f, json_object *o, const char *indent) {
        const char *s = json_object_to_json_string_ext(o, JSON_FLAGS);
        if (!s)
                return -ENOMEM;
        for (const char *p = s; *p;) {
                const char *nl = strchr(p, '\n');
                size_t n = nl ? (size_t) (nl - p + 1) : strlen(p);
                if (json_write_text(f, p, n) < 0 || (nl && nl[1] && fputs(indent, f) < 0))
                        return -EIO;
                p += n;
        }
        return 0;
}

static int write_value(FILE *f, json_object *o, const char *indent) {
        int r = write_indented(f, o, indent);
        json_object_put(o);
        return r;
}

static int ns_json(FILE *f, const struct sockets_ns *ns, const char *in, enum output_sockets_kill kill) {
        _cleanup_free_ char *in2 = NULL, *in3 = NULL;
        int r;
        if (asprintf(&in2, "%s  ", in) < 0 || asprintf(&in3, "%s    ", in) < 0)
                return -ENOMEM;
        fputs("{\n", f);
        fprintf(f, "%s\"netns\": ", in2);
        if ((r = write_value(f, json_object_new_string(ns->label), in2)) < 0)
                return r;
        if (ns->error < 0) {
                static const char *const stage[] = { [SOCKETS_STAGE_ENTER] = "enter",
                                                     [SOCKETS_STAGE_SOCKETS] = "sock_diag",
                                                     [SOCKETS_STAGE_ADDRESSES] = "addresses" };
                fprintf(f, ",\n%s\"error\": ", in2);
                if ((r = write_value(f, json_object_new_string(strerror(-ns->error)), in2)) < 0)
                        return r;
                fprintf(f, ",\n%s\"error_stage\": \"%s\",\n%s\"vanished\": %s\n%s}", in2, stage[ns->stage], in2,
                        ns->stage == SOCKETS_STAGE_ENTER && (ns->error == -ENOENT || ns->error == -ESTALE) ? "true"
                                                                                                   : "false",
                        in);
                return ferror(f) ? -EIO : 0;
        }
        fprintf(f, ",\n%s\"sockets\": [", in2);
        for (size_t i = 0; i < ns->n_entries; i++) {
                json_object *o = socket_json(ns, &ns->entries[i], kill);
                if (!o)
                        return -ENOMEM;
                fprintf(f, "%s\n%s", i ? "," : "", in3);
                if ((r = write_value(f, o, in3)) < 0)
                        return r;
        }
        fprintf(f, ns->n_entries ? "\n%s],\n" : " ],\n", in2);
        fprintf(f, "%s\"total\": %zu,\n%s\"failing\": %zu,\n%s\"local_address_gone\": %zu\n%s}", in2, ns->total, in2,
                ns->failing, in2, ns->gone, in);
        return ferror(f) ? -EIO : 0;
}

static int render_json(FILE *f, const struct sockets_report *rep, enum output_sockets_kill kill) {
        int r;
        if (!rep->all_netns) {
                r = ns_json(f, &rep->ns[0], "", kill);
                fputc('\n', f);
                return r < 0 ? r : ferror(f) ? -EIO : 0;
        }
        fputs("{\n  \"namespaces\": [", f);
        for (size_t i = 0; i < rep->n_ns; i++) {
                fprintf(f, "%s\n    ", i ? "," : "");
                if ((r = ns_json(f, &rep->ns[i], "    ", kill)) < 0)
                        return r;
        }
        fputs(rep->n_ns ? "\n  ]\n}\n" : " ]\n}\n", f);
        return ferror(f) ? -EIO : 0;
}

/* ---- text ---- */

enum { COL_LOCAL, COL_REMOTE, COL_STATE, COL_TIMER, COL_OUT, COL_ABORT, COL_ERRNO, _COL_MAX };
static const char *const headers[_COL_MAX] = { "LOCAL", "REMOTE", "STATE", "TIMER", "OUT", "ABORT IN", "ERRNO" };

struct row {
        char cell[_COL_MAX][SOCKDIAG_ENDPOINT_MAX];
};

static void row_of(const struct sockets_ns *ns, const struct sockets_entry *e, struct row *r) {
        const struct sockdiag_sock *s = sock_of(ns, e);
        const struct sock_prediction *p = &e->pred;
        sockdiag_endpoint(s->family, s->src, s->sport, r->cell[COL_LOCAL], sizeof(r->cell[0]));
        sockdiag_endpoint(s->family, s->dst, s->dport, r->cell[COL_REMOTE], sizeof(r->cell[0]));
        /* "estab" as ss writes it: "established" alone would cost the
         * addresses six columns. */
        const char *state = e->st.state == TCP_STATE_ESTABLISHED ? "estab" : strempty(tcp_state_to_string(e->st.state));
        snprintf(r->cell[COL_STATE], sizeof(r->cell[0]), "%s%s", state, e->st.local_address_gone ? "!" : "");
        snprintf(r->cell[COL_TIMER], sizeof(r->cell[0]), "%s", sock_timer_to_string(e->st.timer) ?: "-");
        if (timer_counts_retransmits(e->st.timer))
                snprintf(r->cell[COL_OUT], sizeof(r->cell[0]), "%u", e->st.retransmits);
        else if (e->st.timer == SOCK_TIMER_PROBE || e->st.timer == SOCK_TIMER_KEEPALIVE)
                snprintf(r->cell[COL_OUT], sizeof(r->cell[0]), "%u", e->st.probes);
        else
                snprintf(r->cell[COL_OUT], sizeof(r->cell[0]), "-");
        if (p->aborts)
                output_sockets_range(p->abort_min_us, p->abort_max_us, r->cell[COL_ABORT], sizeof(r->cell[0]));
        else
                snprintf(r->cell[COL_ABORT], sizeof(r->cell[0]), "-");
        snprintf(r->cell[COL_ERRNO], sizeof(r->cell[0]), "%s",
                 p->aborts && p->error ? strerrorname_np(p->error) : p->aborts ? "(none)" : "-");
}

static void print_row(FILE *f, const struct row *r, const size_t *w, const char *gap, bool use_color, bool header,
                      bool killed) {
        for (int c = 0; c < _COL_MAX; c++) {
                char buf[SOCKDIAG_ENDPOINT_MAX];
                const char *cell = r->cell[c];
                if (c <= COL_REMOTE && strlen(cell) > w[c])
                        cell = output_sockets_abbreviate(cell, w[c], buf, sizeof(buf));
                bool last = c == _COL_MAX - 1;
                const char *on = header ? color(use_color, COLOR_BOLD)
                                 : c == COL_ERRNO && strcmp(cell, "-") != 0 ? color(use_color, COLOR_RED)
                                 : c == COL_STATE && strchr(cell, '!') ? color(use_color, COLOR_YELLOW)
                                                                        : "";
                if (c == COL_OUT) /* numbers right-aligned */
                        fprintf(f, "%s%*s%s", on, (int) w[c], cell, *on ? color(use_color, COLOR_OFF) : "");
                else
                        fprintf(f, "%s%s%s%*s", on, cell, *on ? color(use_color, COLOR_OFF) : "",
                                last ? 0 : (int) (w[c] - strlen(cell)), "");
                if (!last)
                        fputs(gap, f);
        }
        fputs(killed ? "  killed\n" : "\n", f);
}

/* Each column's widest cell, headers included. */
static void column_widths(const struct sockets_ns *ns, size_t w[static _COL_MAX]) {
        struct row r;
        for (int c = 0; c < _COL_MAX; c++)
                w[c] = strlen(headers[c]);
        for (size_t i = 0; i < ns->n_entries; i++) {
                row_of(ns, &ns->entries[i], &r);
                for (int c = 0; c < _COL_MAX; c++)
                        if (strlen(r.cell[c]) > w[c])
                                w[c] = strlen(r.cell[c]);
        }
}

/* Too wide: first one space between columns, then the addresses give,
 * IPv4 ones last. Returns the gap between columns. */
static const char *fit_columns(size_t w[static _COL_MAX], size_t width, enum output_sockets_kill kill) {
        const char *gap = "  ";
        size_t cells = kill == OUTPUT_SOCKETS_KILLED ? 8 : 0;
        for (int c = COL_STATE; c < _COL_MAX; c++)
                cells += w[c];
        size_t fixed = cells + 2 * (_COL_MAX - 1);
        if (fixed + w[COL_LOCAL] + w[COL_REMOTE] > width) {
                gap = " ";
                fixed = cells + (_COL_MAX - 1);
        }
        if (fixed + w[COL_LOCAL] + w[COL_REMOTE] > width) {
                size_t min_w = width >= fixed + 2 * IPV4_ENDPOINT_MAX ? IPV4_ENDPOINT_MAX : MIN_ADDR_WIDTH;
                size_t avail = width > fixed + 2 * min_w ? width - fixed : 2 * min_w;
                size_t half = avail / 2;
                /* The narrower column keeps its width; the other gets the rest. */
                if (w[COL_LOCAL] <= half)
                        w[COL_REMOTE] = avail - w[COL_LOCAL];
                else if (w[COL_REMOTE] <= half)
                        w[COL_LOCAL] = avail - w[COL_REMOTE];
                else
                        w[COL_LOCAL] = half, w[COL_REMOTE] = avail - half;
        }
        return gap;
}

/* The header and a row per socket listed; nothing when none is. */
static void print_table(FILE *f, const struct sockets_ns *ns, const size_t *w, const char *gap, bool use_color) {
        struct row r;
        if (!ns->n_entries)
                return;
        for (int c = 0; c < _COL_MAX; c++)
                snprintf(r.cell[c], sizeof(r.cell[c]), "%s", headers[c]);
        print_row(f, &r, w, gap, use_color, true, false);
        for (size_t i = 0; i < ns->n_entries; i++) {
                row_of(ns, &ns->entries[i], &r);
                print_row(f, &r, w, gap, use_color, false, ns->entries[i].killed);
        }
}

/* How many are failing, then the assumptions once, each distinct one
 * (they are static strings). */
static void print_summary(FILE *f, const struct sockets_ns *ns, size_t width) {
        const char *seen[16];
        size_t n_seen = 0;
        for (size_t i = 0; i < ns->n_entries; i++)
                for (size_t k = 0; k < ns->entries[i].pred.n_assumptions; k++) {
                        const char *a = ns->entries[i].pred.assumptions[k];
                        bool dup = false;
                        for (size_t j = 0; j < n_seen; j++)
                                dup |= streq(seen[j], a);
                        if (!dup && n_seen < ELEMENTSOF(seen))
                                seen[n_seen++] = a;
                }
        if (ns->n_entries)
                fputc('\n', f);
        fprintf(f, "%zu of %zu TCP socket%s failing", ns->failing, ns->total, ns->total == 1 ? "" : "s");
        if (ns->gone)
                fprintf(f, ", %zu with the local address gone (!)", ns->gone);
        fputs(ns->n_entries < ns->total ? "; --all lists every one.\n" : ".\n", f);
        for (size_t j = 0; j < n_seen; j++)
                output_wrap(f, j ? "         " : "Assumed: ", "         ", seen[j], width);
}

/* --kill: what was, or would be, killed. */
static void print_kills(FILE *f, const struct sockets_ns *ns, enum output_sockets_kill kill) {
        size_t n = 0;
        if (kill == OUTPUT_SOCKETS_NO_KILL)
                return;
        for (size_t i = 0; i < ns->n_entries; i++)
                n += ns->entries[i].killed;
        if (kill == OUTPUT_SOCKETS_DRY_RUN)
                fprintf(f, "Would kill %zu socket%s (--dry-run).\n", ns->n_entries, ns->n_entries == 1 ? "" : "s");
        else
                fprintf(f, "Killed %zu of %zu socket%s.\n", n, ns->n_entries, ns->n_entries == 1 ? "" : "s");
}

static int ns_text(FILE *f, const struct sockets_ns *ns, bool use_color, size_t width, bool heading,
                   enum output_sockets_kill kill) {
        _cleanup_free_ char *label = escape_text(ns->label, 200);
        if (!label)
                return -ENOMEM;
        if (heading)
                fprintf(f, "%snetns %s%s\n", color(use_color, COLOR_BOLD), label, color(use_color, COLOR_OFF));
        if (ns->error < 0) {
                fprintf(f, "  cannot read: %s\n", strerror(-ns->error));
                return 0;
        }
        size_t w[_COL_MAX];
        column_widths(ns, w);
        const char *gap = fit_columns(w, width, kill);
        print_table(f, ns, w, gap, use_color);
        print_summary(f, ns, width);
        print_kills(f, ns, kill);
        return 0;
}

int output_sockets(const struct output *out, const struct sockets_report *rep,
                   enum output_sockets_kill kill) {
        FILE *f = out->stream;
        enum output_format format = out->format;
        bool use_color = out->color;
        size_t width = out->width;
        int r = 0;
        if (width == 0)
                width = 80;
        if (format == FORMAT_JSON)
                return render_json(f, rep, kill);
        for (size_t i = 0; i < rep->n_ns && r >= 0; i++) {
                if (i)
                        fputc('\n', f);
                r = ns_text(f, &rep->ns[i], use_color, width, rep->all_netns, kill);
        }
        if (r < 0)
                return r;
        return ferror(f) ? -EIO : 0;
}

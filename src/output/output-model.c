/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "model-input.h"
#include "output-model.h"
#include "parse.h"
#include "tunables.h"

const char *output_errno_name(int err) {
        return err ? strerrorname_np(err) : NULL;
}

const char *output_range(const struct model_result *r, char *buf, size_t size) {
        _cleanup_free_ char *a = format_duration(r->detect_min_us), *b = format_duration(r->detect_max_us);
        snprintf(buf, size, "%s .. %s", strempty(a), strempty(b));
        return buf;
}

char *output_model_tolerance_text(const struct model_outage *o) {
        return o->tolerance_us == UINT64_MAX ? strdup("any") : format_duration(o->tolerance_us);
}

json_object *output_model_survives_json(const struct model_result *r) {
        return r->has_outage && r->outage.tolerance_us != UINT64_MAX ? json_seconds(r->outage.tolerance_us) : NULL;
}

json_object *output_model_resume_json(const struct model_result *r) {
        return r->has_outage ? json_seconds(r->outage.wait_max_us) : NULL;
}

/* The "outage" object of a scenario (--outage): resume_* null when the
 * connection does not survive it. */
static json_object *output_model_outage_json(const struct model_result *r) {
        const struct model_outage *x = &r->outage;
        json_object *o = json_object_new_object();
        json_object_object_add(o, "duration_s", json_seconds(x->duration_us));
        json_object_object_add(o, "survives", json_object_new_boolean(x->survives));
        json_object_object_add(o, "resume_min_s", x->survives ? json_seconds(x->resume_min_us) : NULL);
        json_object_object_add(o, "resume_max_s", x->survives ? json_seconds(x->resume_max_us) : NULL);
        json_object_object_add(o, "tolerance_s",
                               x->tolerance_us == UINT64_MAX ? NULL : json_seconds(x->tolerance_us));
        json_object_object_add(o, "wait_max_s", json_seconds(x->wait_max_us));
        json_object_object_add(o, "note", r->outage_note ? json_object_new_string(r->outage_note) : NULL);
        return o;
}

json_object *output_model_result_json(const struct model_result *r, bool with_events) {
        json_object *o = json_object_new_object(), *gov = json_object_new_array();
        json_object_object_add(o, "name", json_object_new_string(scenario_to_string(r->scenario)));
        json_object_object_add(o, "detect_s", json_seconds(r->detect_us));
        json_object_object_add(o, "detect_min_s", json_seconds(r->detect_min_us));
        json_object_object_add(o, "detect_max_s", json_seconds(r->detect_max_us));
        json_object_object_add(o, "naive_s", r->has_naive && r->naive_us != UINT64_MAX ? json_seconds(r->naive_us) : NULL);
        json_object_object_add(o, "budget_s", r->budget_us ? json_seconds(r->budget_us) : NULL);
        const char *e = output_errno_name(r->error);
        json_object_object_add(o, "errno", e ? json_object_new_string(e) : NULL);
        for (size_t i = 0; i < r->n_governed_by; i++)
                json_object_array_add(gov, json_object_new_string(r->governed_by[i]));
        json_object_object_add(o, "governed_by", gov);
        json_object_object_add(o, "note", r->note ? json_object_new_string(r->note) : NULL);
        if (with_events) {
                json_object *ev = json_object_new_array();
                for (size_t i = 0; i < r->n_events; i++) {
                        json_object *x = json_object_new_object();
                        json_object_object_add(x, "t_s", json_seconds(r->events[i].t_us));
                        json_object_object_add(x, "kind", json_object_new_string(model_event_kind_to_string(r->events[i].kind)));
                        json_object_object_add(x, "n", json_object_new_int((int) r->events[i].n));
                        json_object_array_add(ev, x);
                }
                json_object_object_add(o, "events", ev);
                json_object_object_add(o, "events_truncated", json_object_new_boolean(r->events_truncated));
        }
        return o;
}

json_object *output_model_kernel_json(const struct kernel_info *k, unsigned hz, bool hz_assumed) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "release", k->release ? json_object_new_string(k->release) : NULL);
        json_object_object_add(o, "hz", json_object_new_int((int) hz));
        json_object_object_add(o, "hz_source", hz_assumed ? NULL : json_object_new_string(strempty(k->hz_source)));
        json_object_object_add(o, "hz_assumed", json_object_new_boolean(hz_assumed));
        return o;
}

json_object *output_model_tunables_json(const struct model_input *in) {
        json_object *o = json_object_new_object();
        char buf[64];
        for (size_t i = 0; model_input_keys[i]; i++) {
                const char *v = model_input_get(in, model_input_keys[i], buf, sizeof(buf));
                long n;
                if (!v)
                        continue;
                json_object_object_add(o, model_input_keys[i],
                                       parse_kernel_long(v, &n) == 0 ? json_object_new_int64(n) : json_object_new_string(v));
        }
        return o;
}

static json_object *assumptions_json(const struct model_input *in) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "rtt_s", json_seconds(in->srtt_us));
        json_object_object_add(o, "rto_s", json_seconds(model_rto_us(in)));
        json_object_object_add(o, "rto_given", json_object_new_boolean(in->rto_us != 0));
        json_object_object_add(o, "segments", json_object_new_int((int) in->segments));
        json_object_object_add(o, "user_timeout_s", in->user_timeout_us ? json_seconds(in->user_timeout_us) : NULL);
        json_object_object_add(o, "keepalive_from_socket", json_object_new_boolean(in->keepalive_from_socket));
        json_object_object_add(o, "zero_window_backoff", json_object_new_int((int) in->zw_backoff));
        json_object_object_add(o, "zero_window_probes_out", json_object_new_int((int) in->zw_probes_out));
        static const char *const lf[] = { NULL, "qdisc-drop", "route", "neighbour" };
        if (in->local_failure) {
                json_object *l = json_object_new_object();
                json_object_object_add(l, "kind", json_object_new_string(in->address_gone ? "address-gone"
                                                                                           : lf[in->local_failure]));
                if (in->address_gone)
                        json_object_object_add(l, "family", json_object_new_string(in->inet6 ? "inet6" : "inet"));
                json_object_object_add(l, "before_send", json_object_new_boolean(in->local_failure_before_send));
                json_object_object_add(l, "at_s", in->local_failure_before_send ? NULL : json_seconds(in->local_failure_at_us));
                json_object_object_add(o, "local_failure", l);
        } else
                json_object_object_add(o, "local_failure", NULL);
        if (in->outage)
                json_object_object_add(o, "outage_s", json_seconds(in->outage_us));
        return o;
}

/* JSON: [{"key", "before", "after"}] for each changed tunable. */
static json_object *what_if_json(const struct model_report *rep) {
        json_object *o = json_object_new_object(), *changes = json_object_new_array();
        char b[64], a[64];
        for (size_t i = 0; model_input_keys[i]; i++) {
                const char *vb = model_input_get(rep->before, model_input_keys[i], b, sizeof(b));
                const char *va = model_input_get(rep->input, model_input_keys[i], a, sizeof(a));
                if (!vb || !va || streq(vb, va))
                        continue;
                json_object *c = json_object_new_object();
                json_object_object_add(c, "key", json_object_new_string(model_input_keys[i]));
                json_object_object_add(c, "before", json_object_new_string(vb));
                json_object_object_add(c, "after", json_object_new_string(va));
                json_object_array_add(changes, c);
        }
        json_object_object_add(o, "profile", rep->profile ? json_object_new_string(rep->profile) : NULL);
        json_object_object_add(o, "changes", changes);
        if (rep->before_results) {
                json_object *d = json_object_new_array();
                for (size_t i = 0; i < rep->n_results; i++) {
                        const struct model_result *rb = &rep->before_results[i], *ra = &rep->results[i];
                        json_object *c = json_object_new_object();
                        json_object_object_add(c, "scenario", json_object_new_string(scenario_to_string(ra->scenario)));
                        json_object_object_add(c, "before_s", json_seconds(rb->detect_us));
                        json_object_object_add(c, "after_s", json_seconds(ra->detect_us));
                        json_object_array_add(d, c);
                }
                json_object_object_add(o, "detection", d);
        }
        return o;
}

static int output_json(const struct output *out, const struct model_report *rep) {
        json_object *doc = json_object_new_object(), *sc = json_object_new_array();
        json_object_object_add(doc, "kernel", output_model_kernel_json(rep->kernel, rep->input->hz, rep->hz_assumed));
        json_object_object_add(doc, "tunables", output_model_tunables_json(rep->input));
        json_object_object_add(doc, "assumptions", assumptions_json(rep->input));
        if (rep->before)
                json_object_object_add(doc, "what_if", what_if_json(rep));
        for (size_t i = 0; i < rep->n_results; i++) {
                const struct model_result *r = &rep->results[i];
                json_object *o = output_model_result_json(r, true);
                if (rep->input->outage)
                        json_object_object_add(o, "outage", r->has_outage ? output_model_outage_json(r) : NULL);
                json_object_array_add(sc, o);
        }
        json_object_object_add(doc, "scenarios", sc);
        int r = json_print(doc, out->stream);
        json_object_put(doc);
        return r;
}

/* Where the time goes: each event with its gap, and a bar of the elapsed
 * share so the last, long backoffs stand out. With an outage, the return
 * of the path is a row of its own; what was sent before it is lost, the
 * first transmission after it resumes the traffic. */
static void print_timeline(const struct output *out, const struct model_result *r, bool outage) {
        /* The bar takes what the label, time and gap columns leave, up to 40. */
        const unsigned width = out->width >= 83 ? 40 : (unsigned) out->width - 43;
        uint64_t total = r->n_events ? r->events[r->n_events - 1].t_us : 0;
        fprintf(out->stream, "\n%s%s%s (one typical timer phase)\n", color(out->color, COLOR_BOLD),
                scenario_to_string(r->scenario), color(out->color, COLOR_OFF));
        bool back = !outage || !r->has_outage;
        /* The triggering event is a transmission, or (idle, zero-window)
         * the peer going quiet. */
        bool sends = r->scenario == SCENARIO_ESTABLISHED || r->scenario == SCENARIO_ORPHAN ||
                     r->scenario == SCENARIO_CONNECT || r->scenario == SCENARIO_ACCEPT;
        for (size_t i = 0; i < r->n_events; i++) {
                const struct model_event *e = &r->events[i];
                char label[32], bar[4 * 40 + 1] = "";
                const char *mark = "";
                if (!back && e->t_us >= r->outage.duration_us) {
                        _cleanup_free_ char *d = format_duration(r->outage.duration_us);
                        fprintf(out->stream, "  %-13s %11s %11s  |%-*s| path back\n", "(outage end)", strempty(d), "",
                                (int) width, "");
                        back = true;
                        if (e->kind != EVENT_ABORT && e->kind != EVENT_TIMEWAIT)
                                mark = " traffic resumes";
                } else if (!back && e->kind != EVENT_ABORT && (e->kind != EVENT_SEND || sends))
                        mark = " lost";
                _cleanup_free_ char *t = format_duration(e->t_us);
                _cleanup_free_ char *gap = i ? format_duration(e->t_us - r->events[i - 1].t_us) : NULL;
                if (e->kind == EVENT_SEND || e->kind == EVENT_ABORT || e->kind == EVENT_TIMEWAIT)
                        snprintf(label, sizeof(label), "%s", model_event_kind_to_string(e->kind));
                else
                        snprintf(label, sizeof(label), "%s #%u", model_event_kind_to_string(e->kind), e->n);
                unsigned n = total ? (unsigned) ((e->t_us * width + total / 2) / total) : 0;
                for (unsigned k = 0; k < n && k < width; k++)
                        strcat(bar, "#");
                char gapbuf[40] = "";
                if (gap)
                        snprintf(gapbuf, sizeof(gapbuf), "+%s", gap);
                fprintf(out->stream, "  %-13s %11s %11s  |%-*s|%s\n", label, strempty(t), gapbuf, (int) width, bar, mark);
        }
        if (r->events_truncated)
                fprintf(out->stream, "  (timeline truncated)\n");
}

/* "What-if (--profile NAME, --set): KEY BEFORE -> AFTER" per changed tunable. */
static void what_if_text(const struct output *out, const struct model_report *rep) {
        char b[64], a[64];
        fprintf(out->stream, "What-if (%s%s%s): live value -> modelled\n", rep->profile ? "--profile " : "",
                strempty(rep->profile), rep->profile ? ", then --set" : "--set");
        for (size_t i = 0; model_input_keys[i]; i++) {
                const char *vb = model_input_get(rep->before, model_input_keys[i], b, sizeof(b));
                const char *va = model_input_get(rep->input, model_input_keys[i], a, sizeof(a));
                if (vb && va && !streq(vb, va))
                        fprintf(out->stream, "  %-32s %10s -> %s\n", model_input_keys[i], vb, va);
        }
        fputc('\n', out->stream);
        if (!rep->before_results)
                return;
        /* What the change buys: the typical detection time, scenario by
         * scenario, with the live values and with the what-if. */
        bool any = false;
        for (size_t i = 0; i < rep->n_results; i++) {
                const struct model_result *rb = &rep->before_results[i], *ra = &rep->results[i];
                if (rb->detect_us == ra->detect_us)
                        continue;
                if (!any)
                        fprintf(out->stream, "Typical detection: live values -> modelled\n");
                any = true;
                _cleanup_free_ char *db = format_duration(rb->detect_us), *da = format_duration(ra->detect_us);
                fprintf(out->stream, "  %-32s %10s -> %s\n", scenario_to_string(ra->scenario), strempty(db),
                        strempty(da));
        }
        if (!any)
                fprintf(out->stream, "Typical detection: unchanged in every scenario shown\n");
        fputc('\n', out->stream);
}

/* --outage: per scenario, survived or not, when traffic resumes, and
 * the longest outage survived; then what the measurements add. */
static int print_outage(const struct output *out, const struct model_report *rep) {
        static const char *const headers[] = { "SCENARIO", "SURVIVED", "TRAFFIC RESUMES", "SURVIVES UP TO" };
        _cleanup_free_ char *d = format_duration(rep->input->outage_us);
        _cleanup_(table_freep) struct table *t = table_new(4, headers);
        if (!t)
                return -ENOMEM;
        fprintf(out->stream, "\n%sAn outage of %s%s (path or address back that long after the send)\n",
                color(out->color, COLOR_BOLD), strempty(d), color(out->color, COLOR_OFF));
        for (size_t i = 0; i < rep->n_results; i++) {
                const struct model_result *r = &rep->results[i];
                const struct model_outage *o = &r->outage;
                char range[96] = "-";
                if (!r->has_outage)
                        continue;
                _cleanup_free_ char *lo = format_duration(o->resume_min_us), *hi = format_duration(o->resume_max_us),
                                    *tol = output_model_tolerance_text(o);
                if (o->survives)
                        snprintf(range, sizeof(range), "%s .. %s", strempty(lo), strempty(hi));
                const char *cells[] = { scenario_to_string(r->scenario), o->survives ? "yes" : "no", range, tol };
                if (table_add_row(t, cells) < 0)
                        return -ENOMEM;
        }
        table_print(t, out, NULL);
        /* Each note once, after the scenarios it is about. */
        for (size_t i = 0; i < rep->n_results; i++) {
                const char *note = rep->results[i].outage_note;
                bool seen = false;
                for (size_t k = 0; k < i && note; k++)
                        seen = seen || rep->results[k].outage_note == note;
                if (!note || seen)
                        continue;
                for (size_t k = i; k < rep->n_results; k++)
                        if (rep->results[k].outage_note == note)
                                fprintf(out->stream, "%s%s", k > i ? ", " : "", scenario_to_string(rep->results[k].scenario));
                fprintf(out->stream, ": %s\n", note);
        }
        return 0;
}

int output_model(const struct output *out, const struct model_report *rep) {
        if (out->format == FORMAT_JSON)
                return output_json(out, rep);

        const struct model_input *in = rep->input;
        _cleanup_free_ char *rtt = format_duration(in->srtt_us), *rto = format_duration(model_rto_us(in));
        _cleanup_free_ char *head = NULL;
        if (asprintf(&head, "Kernel %s, HZ %u%s; RTT %s, RTO %s%s, %u segment%s in flight",
                     rep->kernel->release ? rep->kernel->release : "(unknown)", in->hz,
                     rep->hz_assumed ? " (assumed: no kernel config found)" : "", strempty(rtt), strempty(rto),
                     in->rto_us ? "" : " (RTT + rto_min)", in->segments, in->segments == 1 ? "" : "s") < 0)
                return -ENOMEM;
        output_wrap(out->stream, "", "  ", head, out->width);
        fputc('\n', out->stream);
        if (rep->before)
                what_if_text(out, rep);

        static const char *const headers[] = { "SCENARIO", "TYPICAL", "RANGE", "MANUAL", "ERRNO", "GOVERNED BY" };
        _cleanup_(table_freep) struct table *t = table_new(6, headers);
        if (!t)
                return -ENOMEM;
        for (size_t i = 0; i < rep->n_results; i++) {
                const struct model_result *r = &rep->results[i];
                char range[96], gov[256] = "";
                _cleanup_free_ char *typ = format_duration(r->detect_us);
                _cleanup_free_ char *naive = r->has_naive && r->naive_us != UINT64_MAX ? format_duration(r->naive_us) : NULL;
                for (size_t g = 0; g < r->n_governed_by && g < 3; g++) {
                        strncat(gov, g ? ", " : "", sizeof(gov) - strlen(gov) - 1);
                        strncat(gov, tunable_short_key(r->governed_by[g]), sizeof(gov) - strlen(gov) - 1);
                }
                if (r->n_governed_by > 3)
                        strncat(gov, ", ...", sizeof(gov) - strlen(gov) - 1);
                const char *e = output_errno_name(r->error);
                const char *cells[] = { scenario_to_string(r->scenario), typ, output_range(r, range, sizeof(range)),
                                        naive, e ? e : "(none)", gov };
                if (table_add_row(t, cells) < 0)
                        return -ENOMEM;
        }
        table_print(t, out, NULL);

        bool notes = false;
        for (size_t i = 0; i < rep->n_results; i++)
                if (rep->results[i].note) {
                        char first[32];
                        snprintf(first, sizeof(first), "%s: ", scenario_to_string(rep->results[i].scenario));
                        if (!notes)
                                fputc('\n', out->stream);
                        output_wrap(out->stream, first, "  ", rep->results[i].note, out->width);
                        notes = true;
                }
        if (in->outage && print_outage(out, rep) < 0)
                return -ENOMEM;
        if (rep->timeline)
                for (size_t i = 0; i < rep->n_results; i++)
                        print_timeline(out, &rep->results[i], in->outage);
        return 0;
}

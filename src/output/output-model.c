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
                json_object_object_add(l, "kind", json_object_new_string(lf[in->local_failure]));
                json_object_object_add(l, "before_send", json_object_new_boolean(in->local_failure_before_send));
                json_object_object_add(l, "at_s", in->local_failure_before_send ? NULL : json_seconds(in->local_failure_at_us));
                json_object_object_add(o, "local_failure", l);
        } else
                json_object_object_add(o, "local_failure", NULL);
        return o;
}

static int output_json(const struct output *out, const struct model_report *rep) {
        json_object *doc = json_object_new_object(), *sc = json_object_new_array();
        json_object_object_add(doc, "kernel", output_model_kernel_json(rep->kernel, rep->input->hz, rep->hz_assumed));
        json_object_object_add(doc, "tunables", output_model_tunables_json(rep->input));
        json_object_object_add(doc, "assumptions", assumptions_json(rep->input));
        for (size_t i = 0; i < rep->n_results; i++)
                json_object_array_add(sc, output_model_result_json(&rep->results[i], true));
        json_object_object_add(doc, "scenarios", sc);
        int r = json_print(doc, out->stream);
        json_object_put(doc);
        return r;
}

/* Where the time goes: each event with its gap, and a bar of the elapsed
 * share so the last, long backoffs stand out. */
static void print_timeline(const struct output *out, const struct model_result *r) {
        /* The bar takes what the label, time and gap columns leave, up to 40. */
        const unsigned width = out->width >= 83 ? 40 : (unsigned) out->width - 43;
        uint64_t total = r->n_events ? r->events[r->n_events - 1].t_us : 0;
        fprintf(out->stream, "\n%s%s%s (one typical timer phase)\n", color(out->color, COLOR_BOLD),
                scenario_to_string(r->scenario), color(out->color, COLOR_OFF));
        for (size_t i = 0; i < r->n_events; i++) {
                const struct model_event *e = &r->events[i];
                char label[32], bar[4 * 40 + 1] = "";
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
                fprintf(out->stream, "  %-13s %11s %11s  |%-*s|\n", label, strempty(t), gapbuf, (int) width, bar);
        }
        if (r->events_truncated)
                fprintf(out->stream, "  (timeline truncated)\n");
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
        if (rep->timeline)
                for (size_t i = 0; i < rep->n_results; i++)
                        print_timeline(out, &rep->results[i]);
        return 0;
}

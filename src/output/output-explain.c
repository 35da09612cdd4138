/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "escape.h"
#include "output-explain.h"
#include "parse.h"
#include "tunables.h"

const char *output_scenario_list(unsigned mask, char *buf, size_t size) {
        size_t off = 0;
        buf[0] = '\0';
        for (unsigned s = 0; s < _SCENARIO_MAX; s++)
                if (mask & SCENARIO_BIT(s)) {
                        int n = snprintf(buf + off, size - off, "%s%s", off ? ", " : "", scenario_to_string(s));
                        if (n < 0 || (size_t) n >= size - off)
                                break;
                        off += (size_t) n;
                }
        if (off == 0)
                snprintf(buf, size, "-");
        return buf;
}

static json_object *json_value(const struct tunable *t, const char *v) {
        long n;
        if (!v)
                return NULL;
        if (t->type == TUNABLE_INT && parse_kernel_long(v, &n) >= 0)
                return json_object_new_int64(n);
        return json_object_new_string(v);
}

json_object *output_tunable_json(const struct tunable *t, const char *live, unsigned hz) {
        json_object *o = json_object_new_object(), *sc = json_object_new_array();
        long lo, hi;

        json_object_object_add(o, "key", json_object_new_string(t->key));
        json_object_object_add(o, "value", json_value(t, live));
        json_object_object_add(o, "present", json_object_new_boolean(live != NULL));
        if (t->type == TUNABLE_INT) {
                json_object_object_add(o, "default", json_object_new_int64(t->def));
                tunable_range(t, hz, &lo, &hi);
                json_object_object_add(o, "min", json_object_new_int64(lo));
                json_object_object_add(o, "max", json_object_new_int64(hi));
        } else {
                json_object_object_add(o, "default", t->def_string ? json_object_new_string(t->def_string) : NULL);
                json_object_object_add(o, "min", NULL);
                json_object_object_add(o, "max", NULL);
        }
        json_object_object_add(o, "unit", json_object_new_string(tunable_unit_to_string(t->unit)));
        json_object_object_add(o, "since", t->since ? json_object_new_string(t->since) : NULL);
        for (unsigned s = 0; s < _SCENARIO_MAX; s++)
                if (t->scenarios & SCENARIO_BIT(s))
                        json_object_array_add(sc, json_object_new_string(scenario_to_string(s)));
        json_object_object_add(o, "scenarios", sc);
        json_object_object_add(o, "summary", json_object_new_string(t->summary));
        json_object_object_add(o, "differs", json_object_new_boolean(live && !tunable_is_default(t, live)));
        return o;
}

/* A string default may be the build's choice: say so rather than guess. */
static const char *default_text(const struct tunable *t, const struct kernel_info *k, char *buf, size_t size) {
        if (t->type == TUNABLE_INT)
                snprintf(buf, size, "%ld", t->def);
        else if (t->def_string)
                snprintf(buf, size, "%s", t->def_string);
        else if (k && k->default_cc) {
                /* From the kernel config under --root: 15 bytes are a
                 * name (TCP_CA_NAME_MAX), escaped at most 63. */
                _cleanup_free_ char *cc = escape_text(k->default_cc, 15);
                snprintf(buf, size, "%s (build)", cc ? cc : "?");
        }
        else
                snprintf(buf, size, "(build)");
        return buf;
}

static int explain_all(const struct output *out, const struct explain_report *rep) {
        size_t n;
        const struct tunable *t = tunable_all(&n);

        if (out->format == FORMAT_JSON) {
                json_object *doc = json_object_new_object(), *arr = json_object_new_array();
                for (size_t i = 0; i < n; i++)
                        json_object_array_add(arr, output_tunable_json(&t[i], rep->live.value[i], rep->kernel->hz));
                json_object_object_add(doc, "tunables", arr);
                int r = json_print(doc, out->stream);
                json_object_put(doc);
                return r;
        }
        return output_explain_table(out, rep->kernel, &rep->live, false);
}

int output_explain_table(const struct output *out, const struct kernel_info *k, const struct live *live,
                         bool only_differing) {
        size_t n;
        const struct tunable *t = tunable_all(&n);
        static const char *const headers[] = { "TUNABLE", "LIVE", "DEFAULT", "UNIT", "GOVERNS" };
        _cleanup_(table_freep) struct table *tab = table_new(5, headers);
        bool any_diff = false, any_absent = false;
        if (!tab)
                return -ENOMEM;
        table_align_right(tab, 1);
        table_align_right(tab, 2);
        for (size_t i = 0; i < n; i++) {
                char def[96], gov[128], val[96];
                const char *v = live->value[i];
                /* Live values are read from root's /proc/sys: escaped,
                 * 22 bytes at most (no catalog value is longer), so
                 * that the cell never cuts a character. */
                _cleanup_free_ char *safe = v ? escape_text(v, 22) : NULL;
                if (v && !safe)
                        return -ENOMEM;
                if (only_differing && (!v || tunable_is_default(&t[i], v)))
                        continue;
                if (!v) {
                        snprintf(val, sizeof(val), "%s", live->error[i] == -ENOENT ? "absent" : "?");
                        any_absent |= live->error[i] == -ENOENT;
                } else if (!tunable_is_default(&t[i], v)) {
                        snprintf(val, sizeof(val), "*%s", safe);
                        any_diff = true;
                } else
                        snprintf(val, sizeof(val), "%s", safe);
                const char *cells[] = {
                        tunable_short_key(t[i].key), val, default_text(&t[i], k, def, sizeof(def)),
                        tunable_unit_to_string(t[i].unit), output_scenario_list(t[i].scenarios, gov, sizeof(gov)),
                };
                if (table_add_row(tab, cells) < 0)
                        return -ENOMEM;
        }
        table_print(tab, out, NULL);
        if (any_diff)
                fprintf(out->stream, "\n* differs from the kernel default\n");
        if (any_absent)
                fprintf(out->stream, "%sabsent: this kernel does not have the tunable\n", any_diff ? "" : "\n");
        return 0;
}

static int explain_one(const struct output *out, const struct explain_report *rep) {
        const struct kernel_info *k = rep->kernel;
        const struct tunable *t = rep->only;
        const struct live *live = &rep->live;
        size_t idx = (size_t) (t - tunable_all(&(size_t) { 0 }));
        const char *v = live->value[idx];

        if (out->format == FORMAT_JSON) {
                json_object *o = output_tunable_json(t, v, k->hz);
                json_object_object_add(o, "detail", json_object_new_string(t->detail));
                json_object_object_add(o, "source", json_object_new_string(t->source));
                int r = json_print(o, out->stream);
                json_object_put(o);
                return r;
        }

        char def[96], gov[128], range[64], live_s[160];
        _cleanup_free_ char *safe = v ? escape_text(v, 24) : NULL;
        if (v && !safe)
                return -ENOMEM;
        long lo, hi;
        tunable_range(t, k->hz, &lo, &hi);
        if (t->type == TUNABLE_STRING)
                snprintf(range, sizeof(range), "a congestion control the kernel has");
        else if (t->jiffies)
                snprintf(range, sizeof(range), "%ld to %ld (INT_MAX/HZ, HZ=%u%s)", lo, hi, hz_or_assumed(k->hz),
                         k->hz ? "" : " assumed");
        else
                snprintf(range, sizeof(range), "%ld-%ld", lo, hi);
        if (v)
                snprintf(live_s, sizeof(live_s), "%s%s", safe,
                         tunable_is_default(t, v) ? "" : "  (differs from the default)");
        else
                snprintf(live_s, sizeof(live_s), "%s",
                         live->error[idx] == -ENOENT ? "absent: this kernel does not have it" : "unreadable");

        _cleanup_free_ char *head = NULL;
        if (asprintf(&head, "%s%s%s: ", color(out->color, COLOR_BOLD), t->key, color(out->color, COLOR_OFF)) < 0)
                return -ENOMEM;
        output_wrap(out->stream, head, "  ", t->summary, out->width);
        fputc('\n', out->stream);
        fprintf(out->stream, "  live      %s\n", live_s);
        fprintf(out->stream, "  default   %s\n", default_text(t, k, def, sizeof(def)));
        fprintf(out->stream, "  range     %s\n", range);
        fprintf(out->stream, "  unit      %s\n", tunable_unit_to_string(t->unit));
        fprintf(out->stream, "  since     %s\n", t->since ? t->since : "before 4.19");
        fprintf(out->stream, "  governs   %s\n", output_scenario_list(t->scenarios, gov, sizeof(gov)));
        fprintf(out->stream, "  source    %s\n\n", t->source);
        /* A paragraph indented on both sides, as a man page sets one. */
        output_wrap(out->stream, "  ", "  ", t->detail, out->width - 4);
        return 0;
}

int output_explain(const struct output *out, const struct explain_report *rep) {
        return rep->only ? explain_one(out, rep) : explain_all(out, rep);
}

/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "output-model.h"
#include "output-profile.h"
#include "parse.h"

static json_object *str_or_null(const char *s) {
        return s ? json_object_new_string(s) : NULL;
}

int output_profile_list(const struct output *out, const struct profile_entry *e, size_t n) {
        if (out->format == FORMAT_JSON) {
                json_object *doc = json_object_new_object(), *a = json_object_new_array();
                for (size_t i = 0; i < n; i++) {
                        json_object *o = json_object_new_object();
                        json_object_object_add(o, "name", json_object_new_string(e[i].name));
                        json_object_object_add(o, "description", str_or_null(e[i].description));
                        json_object_object_add(o, "file", str_or_null(e[i].file));
                        json_object_object_add(o, "error", json_error(&e[i].error));
                        json_object_array_add(a, o);
                }
                json_object_object_add(doc, "profiles", a);
                int r = json_print(doc, out->stream);
                json_object_put(doc);
                return r;
        }
        static const char *const headers[] = { "NAME", "FILE", "DESCRIPTION" };
        _cleanup_(table_freep) struct table *t = table_new(3, headers);
        if (!t)
                return -ENOMEM;
        table_shrink(t, 1);
        for (size_t i = 0; i < n; i++) {
                const char *cells[] = { e[i].name, e[i].file, e[i].description ? e[i].description : "(broken: see the error)" };
                if (table_add_row(t, cells) < 0)
                        return -ENOMEM;
        }
        table_print(t, out, NULL);
        return 0;
}

static json_object *expect_json(const struct profile_expect_result *x) {
        json_object *o = json_object_new_object();
        char key[64];
        json_object_object_add(o, "key", json_object_new_string(profile_expect_key(x->expect, key, sizeof(key))));
        json_object_object_add(o, "scenario", json_object_new_string(scenario_to_string(x->expect->scenario)));
        json_object_object_add(o, "bound", json_object_new_string(x->expect->bound == PROFILE_BOUND_MAX ? "max" : "min"));
        json_object_object_add(o, "limit_s", json_seconds(x->expect->limit_us));
        json_object_object_add(o, "file", json_object_new_string(x->expect->file));
        json_object_object_add(o, "line", json_object_new_int((int) x->expect->line));
        json_object_object_add(o, "never", json_object_new_boolean(x->never));
        json_object_object_add(o, "detect_min_s", x->never ? NULL : json_seconds(x->detect_min_us));
        json_object_object_add(o, "detect_max_s", x->never ? NULL : json_seconds(x->detect_max_us));
        json_object_object_add(o, "holds", json_object_new_boolean(x->holds));
        return o;
}

static json_object *expects_json(const struct profile_report *rep) {
        json_object *o = json_object_new_object(), *a = json_object_new_array();
        const struct profile *p = rep->profile;
        json_object_object_add(o, "rtt_s", p->expect_rtt_us ? json_seconds(p->expect_rtt_us) : NULL);
        for (size_t i = 0; i < rep->n_expects; i++)
                json_object_array_add(a, expect_json(&rep->expects[i]));
        json_object_object_add(o, "checks", a);
        return o;
}

static json_object *scenarios_json(const struct model_result *r) {
        json_object *a = json_object_new_array();
        for (unsigned s = 0; s < _SCENARIO_MAX; s++)
                json_object_array_add(a, output_model_result_json(&r[s], false));
        return a;
}

static int print_doc(const struct output *out, json_object *doc) {
        int r = json_print(doc, out->stream);
        json_object_put(doc);
        return r;
}

/* "RTT 600ms (the profile's [expect] rtt)" or the live assumption. */
static void print_expects(const struct output *out, const struct profile_report *rep) {
        const struct profile *p = rep->profile;
        if (!rep->n_expects)
                return;
        _cleanup_free_ char *rtt = format_duration(rep->after.srtt_us);
        fprintf(out->stream, "\n%sExpect%s (on this host with the profile, RTT %s%s)\n", color(out->color, COLOR_BOLD),
                color(out->color, COLOR_OFF), strempty(rtt), p->expect_rtt_us ? " from [expect] rtt" : "");
        static const char *const headers[] = { "CHECK", "LIMIT", "PREDICTED", "RESULT" };
        _cleanup_(table_freep) struct table *t = table_new(4, headers);
        if (!t)
                return;
        for (size_t i = 0; i < rep->n_expects; i++) {
                const struct profile_expect_result *x = &rep->expects[i];
                char key[64], range[96];
                struct model_result m = { .detect_min_us = x->detect_min_us, .detect_max_us = x->detect_max_us };
                _cleanup_free_ char *lim = format_duration(x->expect->limit_us);
                const char *cells[] = { profile_expect_key(x->expect, key, sizeof(key)), lim,
                                        x->never ? "never" : output_range(&m, range, sizeof(range)),
                                        x->holds ? "holds" : "FAILS" };
                if (table_add_row(t, cells) < 0)
                        return;
        }
        table_print(t, out, NULL);
}

int output_profile_show(const struct output *out, const struct profile_report *rep) {
        const struct profile *p = rep->profile;
        if (out->format == FORMAT_JSON) {
                json_object *doc = json_object_new_object(), *inc = json_object_new_array(), *set = json_object_new_array();
                json_object_object_add(doc, "name", json_object_new_string(p->name));
                json_object_object_add(doc, "description", json_object_new_string(p->description));
                json_object_object_add(doc, "file", json_object_new_string(p->file));
                for (char **i = p->includes; i && *i; i++)
                        json_object_array_add(inc, json_object_new_string(*i));
                json_object_object_add(doc, "includes", inc);
                for (size_t i = 0; i < p->n_settings; i++) {
                        const struct profile_setting *s = &p->settings[i];
                        json_object *o = json_object_new_object();
                        json_object_object_add(o, "key", json_object_new_string(s->key));
                        json_object_object_add(o, "value", json_object_new_string(s->value));
                        json_object_object_add(o, "file", json_object_new_string(s->file));
                        json_object_object_add(o, "line", json_object_new_int((int) s->line));
                        json_object_object_add(o, "optional", json_object_new_boolean(s->optional));
                        json_object_array_add(set, o);
                }
                json_object_object_add(doc, "settings", set);
                json_object_object_add(doc, "expect", expects_json(rep));
                json_object_object_add(doc, "kernel", output_model_kernel_json(rep->kernel, rep->after.hz, rep->hz_assumed));
                json_object_object_add(doc, "tunables", output_model_tunables_json(&rep->after));
                json_object_object_add(doc, "scenarios", scenarios_json(rep->after_r));
                return print_doc(out, doc);
        }

        fprintf(out->stream, "%sProfile %s%s (%s)\n", color(out->color, COLOR_BOLD), p->name,
                color(out->color, COLOR_OFF), p->file);
        output_wrap(out->stream, "", "", p->description, out->width);
        for (char **i = p->includes; i && *i; i++)
                fprintf(out->stream, "includes %s\n", *i);
        fputc('\n', out->stream);
        static const char *const headers[] = { "KEY", "VALUE", "FILE:LINE" };
        _cleanup_(table_freep) struct table *t = table_new(3, headers);
        if (!t)
                return -ENOMEM;
        for (size_t i = 0; i < p->n_settings; i++) {
                const struct profile_setting *s = &p->settings[i];
                _cleanup_free_ char *key = NULL, *where = NULL;
                if (asprintf(&key, "%s%s", s->optional ? "-" : "", s->key) < 0 ||
                    asprintf(&where, "%s:%u", s->file, s->line) < 0)
                        return -ENOMEM;
                const char *cells[] = { key, s->value, where };
                if (table_add_row(t, cells) < 0)
                        return -ENOMEM;
        }
        table_print(t, out, NULL);
        print_expects(out, rep);

        fprintf(out->stream, "\n%sPredicted detection with the profile on the live values%s\n", color(out->color, COLOR_BOLD),
                color(out->color, COLOR_OFF));
        struct model_report mr = {
                .kernel = rep->kernel, .hz_assumed = rep->hz_assumed, .input = &rep->after,
                .results = rep->after_r, .n_results = _SCENARIO_MAX,
        };
        return output_model(out, &mr);
}

static json_object *compare_json(const struct profile_report *rep) {
        const struct profile *p = rep->profile;
        json_object *doc = json_object_new_object(), *keys = json_object_new_array();
        json_object_object_add(doc, "profile", json_object_new_string(p->name));
        json_object_object_add(doc, "file", json_object_new_string(p->file));
        json_object_object_add(doc, "boot_checked", json_object_new_boolean(rep->boot_checked));
        for (size_t i = 0; i < rep->n_rows; i++) {
                const struct profile_row *row = &rep->rows[i];
                json_object *o = json_object_new_object(), *b = NULL;
                json_object_object_add(o, "key", json_object_new_string(row->setting->key));
                json_object_object_add(o, "value", json_object_new_string(row->setting->value));
                json_object_object_add(o, "want", json_object_new_string(row->want));
                json_object_object_add(o, "optional", json_object_new_boolean(row->setting->optional));
                json_object_object_add(o, "live", str_or_null(row->live));
                json_object_object_add(o, "live_ok", json_object_new_boolean(row->live_ok));
                if (row->boot) {
                        b = json_object_new_object();
                        json_object_object_add(b, "value", json_object_new_string(row->boot->value));
                        json_object_object_add(b, "held", str_or_null(row->boot_held));
                        json_object_object_add(b, "file", json_object_new_string(row->boot->file));
                        json_object_object_add(b, "line", json_object_new_int((int) row->boot->line));
                }
                json_object_object_add(o, "boot", b);
                json_object_object_add(o, "boot_ok", rep->boot_checked ? json_object_new_boolean(row->boot_ok) : NULL);
                json_object_object_add(o, "not_applicable", json_object_new_boolean(row->not_applicable));
                json_object_array_add(keys, o);
        }
        json_object_object_add(doc, "keys", keys);
        json_object_object_add(doc, "expect", expects_json(rep));
        json_object_object_add(doc, "before", scenarios_json(rep->before_r));
        json_object_object_add(doc, "after", scenarios_json(rep->after_r));
        json_object_object_add(doc, "differences", json_object_new_int((int) rep->n_differences));
        json_object_object_add(doc, "match", json_object_new_boolean(rep->n_differences == 0));
        return doc;
}

static char *boot_cell(const struct profile_report *rep, const struct profile_row *row, bool with_value) {
        char *s = NULL;
        if (!rep->boot_checked)
                return strdup("not compared (--netns)");
        if (!row->boot)
                return strdup("not set");
        if (asprintf(&s, "%s%s%s:%u%s", with_value ? row->boot->value : "", with_value ? " (" : "", row->boot->file,
                     row->boot->line, with_value ? ")" : "") < 0)
                return NULL;
        return s;
}

int output_profile_diff(const struct output *out, const struct profile_report *rep) {
        if (out->format == FORMAT_JSON)
                return print_doc(out, compare_json(rep));
        fprintf(out->stream, "%sProfile %s%s against the live values and sysctl.d\n\n", color(out->color, COLOR_BOLD),
                rep->profile->name, color(out->color, COLOR_OFF));
        static const char *const headers[] = { "KEY", "PROFILE", "LIVE", "BOOT", "DIFFERS", "BOOT FROM" };
        _cleanup_(table_freep) struct table *t = table_new(6, headers);
        if (!t)
                return -ENOMEM;
        for (size_t i = 0; i < rep->n_rows; i++) {
                const struct profile_row *row = &rep->rows[i];
                _cleanup_free_ char *from = boot_cell(rep, row, false);
                const char *st = row->not_applicable ? "n/a (kernel lacks it)"
                               : row->live_ok && row->boot_ok ? NULL
                               : !row->live_ok && !row->boot_ok ? "live, boot"
                               : !row->live_ok ? "live" : "boot";
                const char *cells[] = { row->setting->key, row->setting->value, row->live ? row->live : "(absent)",
                                        row->boot ? row->boot->value : NULL, st, from };
                if (table_add_row(t, cells) < 0)
                        return -ENOMEM;
        }
        table_print(t, out, NULL);
        print_expects(out, rep);

        _cleanup_free_ char *rtt = format_duration(rep->after.srtt_us);
        fprintf(out->stream, "\n%sPredicted detection%s (RTT %s)\n", color(out->color, COLOR_BOLD),
                color(out->color, COLOR_OFF), strempty(rtt));
        static const char *const h2[] = { "SCENARIO", "NOW", "WITH PROFILE" };
        _cleanup_(table_freep) struct table *m = table_new(3, h2);
        if (!m)
                return -ENOMEM;
        for (unsigned s = 0; s < _SCENARIO_MAX; s++) {
                char a[96], b[96];
                const char *cells[] = { scenario_to_string(s),
                                        rep->before_r[s].never ? "never" : output_range(&rep->before_r[s], a, sizeof(a)),
                                        rep->after_r[s].never ? "never" : output_range(&rep->after_r[s], b, sizeof(b)) };
                if (table_add_row(m, cells) < 0)
                        return -ENOMEM;
        }
        table_print(m, out, NULL);
        if (rep->n_differences)
                fprintf(out->stream, "\n%zu difference%s\n", rep->n_differences, rep->n_differences == 1 ? "" : "s");
        else
                fprintf(out->stream, "\nno differences\n");
        return 0;
}

/* One line per key that is not the profile's both live and at boot:
 * "KEY: want W: live L[ ok], <boot>", saying which side differs, with
 * "not set at boot" when no sysctl.d file sets the key. */
static int verify_row(const struct output *out, const struct profile_report *rep, const struct profile_row *row) {
        /* want: as the kernel holds it, then as written when that differs ("8 (written 010)") */
        bool same = streq(row->want, row->setting->value);
        _cleanup_free_ char *line = NULL, *boot = NULL;
        int r;
        if (!rep->boot_checked)
                r = asprintf(&boot, ", boot not compared (--netns)");
        else if (!row->boot)
                r = asprintf(&boot, "%s not set at boot (no sysctl.d file sets it)", row->live_ok ? ", but" : ",");
        else
                r = asprintf(&boot, "%s boot %s%s (%s:%u)", row->live_ok ? ", but" : ",", row->boot->value,
                             row->boot_ok ? " ok" : "", row->boot->file, row->boot->line);
        if (r < 0 || asprintf(&line, "%s: want %s%s%s%s: live %s%s%s", row->setting->key, row->want,
                              same ? "" : " (written ", same ? "" : row->setting->value, same ? "" : ")",
                              row->live ? row->live : "(absent)", row->live_ok ? " ok" : "", boot) < 0)
                return -ENOMEM;
        output_wrap(out->stream, "", "  ", line, out->width);
        return 0;
}

/* "13 differences (13 keys not set at boot)", then what verify requires. */
static void verify_summary(const struct output *out, const struct profile_report *rep) {
        _cleanup_free_ char *text = NULL;
        size_t text_len = 0;
        FILE *f = open_memstream(&text, &text_len);
        if (!f)
                return;
        size_t live = 0, unset = 0, other = 0, expects = 0;
        for (size_t i = 0; i < rep->n_rows; i++) {
                const struct profile_row *row = &rep->rows[i];
                live += !row->live_ok;
                unset += !row->boot_ok && !row->boot;
                other += !row->boot_ok && row->boot;
        }
        for (size_t i = 0; i < rep->n_expects; i++)
                expects += !rep->expects[i].holds;
        const char *name = rep->profile->name, *sep = "";
        fprintf(f, "%s: %zu difference%s (", name, rep->n_differences, rep->n_differences == 1 ? "" : "s");
        if (live)
                fprintf(f, "%s%zu live value%s differ%s", sep, live, live == 1 ? "" : "s", live == 1 ? "s" : ""), sep = ", ";
        if (other)
                fprintf(f, "%s%zu boot value%s differ%s", sep, other, other == 1 ? "" : "s", other == 1 ? "s" : ""),
                        sep = ", ";
        if (unset)
                fprintf(f, "%s%zu not set at boot", sep, unset), sep = ", ";
        if (expects)
                fprintf(f, "%s%zu [expect] failing", sep, expects);
        fputs(live == 0 && rep->n_rows ? "; every live value matches)" : ")", f);
        fclose(f);
        output_wrap(out->stream, "", "  ", text, out->width);
        f = out->stream;
        if (rep->boot_checked)
                fputs("verify requires each key's live value and its boot value (what sysctl.d\n"
                      "sets) to be the profile's; profile apply sets both\n", f);
        else
                fputs("verify requires each key's live value to be the profile's (--netns: boot\n"
                      "values are not compared); profile apply sets them\n", f);
}

int output_profile_verify(const struct output *out, const struct profile_report *rep) {
        if (out->format == FORMAT_JSON)
                return print_doc(out, compare_json(rep));
        for (size_t i = 0; i < rep->n_rows; i++)
                if ((!rep->rows[i].live_ok || !rep->rows[i].boot_ok) && verify_row(out, rep, &rep->rows[i]) < 0)
                        return -ENOMEM;
        for (size_t i = 0; i < rep->n_expects; i++) {
                const struct profile_expect_result *x = &rep->expects[i];
                if (x->holds)
                        continue;
                char key[64];
                _cleanup_free_ char *lim = format_duration(x->expect->limit_us);
                _cleanup_free_ char *got = format_duration(x->expect->bound == PROFILE_BOUND_MAX ? x->detect_max_us
                                                                                                  : x->detect_min_us);
                _cleanup_free_ char *line = NULL;
                if (asprintf(&line, "%s = %s: on this host the model predicts %s (%s:%u)",
                             profile_expect_key(x->expect, key, sizeof(key)), strempty(lim),
                             x->never ? "no detection at all" : strempty(got), x->expect->file, x->expect->line) < 0)
                        return -ENOMEM;
                output_wrap(out->stream, "", "  ", line, out->width);
        }
        if (rep->n_differences)
                verify_summary(out, rep);
        else
                fprintf(out->stream, "%s: %s, every [expect] holds\n", rep->profile->name,
                        rep->boot_checked ? "live and boot-time values match" : "live values match");
        return 0;
}

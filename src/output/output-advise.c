/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "apply.h"
#include "model-input.h"
#include "output-advise.h"
#include "output-model.h"
#include "parse.h"

/* Where the snippet goes: sorted before APPLY_DROPIN_DEFAULT, which
 * profile apply rewrites, so that an edit here is never lost. */
#define ADVISE_DROPIN "80-tcptune-local.conf"

/* The drop-in: each key once; where two scenarios change it, the more
 * aggressive (smaller) value serves both. */
static char *snippet(const struct advise_report *rep) {
        const char *keys[_SCENARIO_MAX * ADVISE_MAX_CHANGES];
        long vals[_SCENARIO_MAX * ADVISE_MAX_CHANGES];
        size_t n = 0;
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        if (!f)
                return NULL;
        for (size_t i = 0; i < rep->n_scenarios; i++)
                for (size_t c = 0; c < rep->scenarios[i].n_changes; c++) {
                        const struct advise_change *ch = &rep->scenarios[i].changes[c];
                        long v = strtol(ch->to, NULL, 10);
                        size_t k = 0;
                        while (k < n && !streq(keys[k], ch->key))
                                k++;
                        if (k == n) {
                                keys[n] = ch->key;
                                vals[n++] = v;
                        } else if (v < vals[k])
                                vals[k] = v;
                }
        for (size_t k = 0; k < n; k++)
                fprintf(f, "%s = %ld\n", keys[k], vals[k]);
        fclose(f);
        return out;
}

/* "an outage (address change, failover) shorter than X is survived;
 * after it, traffic resumes within Y", the words audit uses too. */
static void print_tolerance(const struct output *out, const char *lead, const struct model_result *r,
                            const char *tail) {
        if (!r->has_outage)
                return;
        _cleanup_free_ char *x = output_model_tolerance_text(&r->outage), *y = format_duration(r->outage.wait_max_us),
                            *line = NULL;
        if (asprintf(&line, "%san outage (address change, failover) shorter than %s is survived; after it, traffic "
                            "resumes within %s%s", lead, strempty(x), strempty(y), tail) < 0)
                return;
        output_wrap(out->stream, "  ", "    ", line, out->width - 1);
}

static json_object *range_json(const struct model_result *r) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "detect_s", json_seconds(r->detect_us));
        json_object_object_add(o, "detect_min_s", json_seconds(r->detect_min_us));
        json_object_object_add(o, "detect_max_s", json_seconds(r->detect_max_us));
        return o;
}

/* Keepalive traffic: probes per hour on one healthy idle connection. */
static json_object *per_hour_json(uint64_t every_us) {
        return every_us ? json_object_new_double(advise_probes_per_hour(every_us)) : NULL;
}

static json_object *change_json(const struct advise_change *c) {
        json_object *x = json_object_new_object();
        json_object_object_add(x, "key", json_object_new_string(c->key));
        json_object_object_add(x, "from", json_object_new_string(c->from));
        json_object_object_add(x, "to", json_object_new_string(c->to));
        return x;
}

static json_object *scenario_json(const struct advise_scenario *a) {
        json_object *o = json_object_new_object(), *ch = json_object_new_array();
        json_object_object_add(o, "name", json_object_new_string(scenario_to_string(a->scenario)));
        json_object_object_add(o, "current", range_json(&a->current));
        json_object_object_add(o, "possible", json_object_new_boolean(a->possible));
        json_object_object_add(o, "already_within", json_object_new_boolean(a->already_within));
        for (size_t c = 0; c < a->n_changes; c++)
                json_object_array_add(ch, change_json(&a->changes[c]));
        json_object_object_add(o, "changes", ch);
        json_object_object_add(o, "proposed", a->possible ? range_json(&a->proposed) : NULL);
        /* An outage shorter than the last transmission before the
         * earliest abort is survived (docs/MODEL.md §15). */
        json_object_object_add(o, "survives_outage_s", a->possible ? output_model_survives_json(&a->proposed) : NULL);
        json_object_object_add(o, "resume_within_s", a->possible ? output_model_resume_json(&a->proposed) : NULL);
        json_object_object_add(o, "current_survives_outage_s", output_model_survives_json(&a->current));
        json_object_object_add(o, "current_resume_within_s", output_model_resume_json(&a->current));
        json_object_object_add(o, "floor_s", a->possible ? NULL : json_seconds(a->floor_us));
        json_object_object_add(o, "probes_per_hour", per_hour_json(a->probe_every_us));
        json_object_object_add(o, "current_probes_per_hour", per_hour_json(a->current_probe_every_us));
        json_object_object_add(o, "reason", a->reason && !a->possible ? json_object_new_string(a->reason) : NULL);
        return o;
}

static json_object *app_json(const struct advise_app *a) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "scenario", json_object_new_string(scenario_to_string(a->scenario)));
        json_object_object_add(o, "option", json_object_new_string(a->option));
        json_object_object_add(o, "already_within", json_object_new_boolean(a->already_within));
        json_object_object_add(o, "value", a->possible && !a->already_within ? json_object_new_string(a->value) : NULL);
        json_object_object_add(o, "proposed", a->possible ? range_json(&a->proposed) : NULL);
        json_object_object_add(o, "probes_per_hour", per_hour_json(a->probe_every_us));
        return o;
}

static int output_json(const struct output *out, const struct advise_report *rep, const struct model_input *in,
                       const char *dropin) {
        json_object *doc = json_object_new_object(), *sc = json_object_new_array(), *apps = json_object_new_array();
        json_object_object_add(doc, "target_s", json_seconds(rep->target_us));
        json_object_object_add(doc, "tunables", output_model_tunables_json(in));
        for (size_t i = 0; i < rep->n_scenarios; i++)
                json_object_array_add(sc, scenario_json(&rep->scenarios[i]));
        json_object_object_add(doc, "scenarios", sc);
        for (size_t i = 0; i < rep->n_apps; i++)
                json_object_array_add(apps, app_json(&rep->apps[i]));
        json_object_object_add(doc, "per_application", apps);
        json_object_object_add(doc, "sysctl_d", json_object_new_string(dropin));
        int r = json_print(doc, out->stream);
        json_object_put(doc);
        return r;
}

/* What a proposal costs: the outage it still survives (against today's)
 * and, for idle, the keepalive traffic. */
static int print_cost(const struct output *out, const struct advise_scenario *a) {
        _cleanup_free_ char *today = NULL;
        if (a->current.has_outage) {
                _cleanup_free_ char *x = format_duration(a->current.outage.tolerance_us),
                                    *y = format_duration(a->current.outage.wait_max_us);
                if (asprintf(&today, " (today: shorter than %s, within %s)", strempty(x), strempty(y)) < 0)
                        today = NULL;
        }
        print_tolerance(out, "cost: ", &a->proposed, today ? today : "");
        if (!a->probe_every_us)
                return 0;
        _cleanup_free_ char *every = format_duration(a->probe_every_us),
                            *cevery = format_duration(a->current_probe_every_us), *traffic = NULL;
        if (asprintf(&traffic, "a probe every %s on each idle connection, %.3g an hour (today: every "
                               "%s, %.3g an hour)",
                     strempty(every), advise_probes_per_hour(a->probe_every_us), strempty(cevery),
                     advise_probes_per_hour(a->current_probe_every_us)) < 0)
                return -ENOMEM;
        output_wrap(out->stream, "  traffic: ", "    ", traffic, out->width);
        return 0;
}

/* One scenario: where it stands, then no change, why none helps, or the
 * changes with what they bring and cost. */
static int print_scenario(const struct output *out, const struct advise_scenario *a) {
        char cur[96], prop[96];
        _cleanup_free_ char *ctyp = format_duration(a->current.detect_us);
        fprintf(out->stream, "\n%s%s%s: now %s (%s)\n", color(out->color, COLOR_BOLD), scenario_to_string(a->scenario),
                color(out->color, COLOR_OFF), strempty(ctyp), output_range(&a->current, cur, sizeof(cur)));
        if (a->already_within) {
                _cleanup_free_ char *max = format_duration(a->current.detect_max_us);
                fprintf(out->stream, "  already met: latest %s; no change\n", strempty(max));
                print_tolerance(out, "", &a->current, "");
                return 0;
        }
        if (!a->possible) {
                _cleanup_free_ char *fl = format_duration(a->floor_us);
                fprintf(out->stream, "  %simpossible%s: the kernel's floor is %s; %s\n", color(out->color, COLOR_RED),
                        color(out->color, COLOR_OFF), strempty(fl), strempty(a->reason));
                return 0;
        }
        for (size_t c = 0; c < a->n_changes; c++)
                fprintf(out->stream, "  set %s = %s (now %s)\n", a->changes[c].key, a->changes[c].to, a->changes[c].from);
        _cleanup_free_ char *ptyp = format_duration(a->proposed.detect_us);
        fprintf(out->stream, "  then %s (%s)\n", strempty(ptyp), output_range(&a->proposed, prop, sizeof(prop)));
        return print_cost(out, a);
}

/* One per-application alternative, on one (wrapped) line. */
static int print_app(const struct output *out, const struct advise_app *a) {
        char range[96];
        if (a->already_within) {
                _cleanup_free_ char *max = format_duration(a->current.detect_max_us);
                fprintf(out->stream, "  %s: already met: latest %s%s\n", scenario_to_string(a->scenario), strempty(max),
                        a->scenario == SCENARIO_IDLE ? " with SO_KEEPALIVE and the host's settings"
                                                     : "; a user timeout would only delay it");
                return 0;
        }
        if (!a->possible) {
                fprintf(out->stream, "  %s: %s cannot meet the target\n", scenario_to_string(a->scenario), a->option);
                return 0;
        }
        _cleanup_free_ char *line = NULL;
        char per_hour[64] = "";
        if (a->probe_every_us)
                snprintf(per_hour, sizeof(per_hour), ", %.3g probes an hour per idle connection",
                         advise_probes_per_hour(a->probe_every_us));
        if (asprintf(&line, "%s: %s = %s -> %s%s", scenario_to_string(a->scenario), a->option, a->value,
                     output_range(&a->proposed, range, sizeof(range)), per_hour) < 0)
                return -ENOMEM;
        output_wrap(out->stream, "  ", "    ", line, out->width);
        return 0;
}

int output_advise(const struct output *out, const struct advise_report *rep, const struct model_input *in) {
        _cleanup_free_ char *dropin = snippet(rep);
        _cleanup_free_ char *target = format_duration(rep->target_us);
        int r;
        if (!dropin)
                return -ENOMEM;
        if (out->format == FORMAT_JSON)
                return output_json(out, rep, in, dropin);

        fprintf(out->stream, "To notice a dead peer within %s (latest detection):\n", strempty(target));
        for (size_t i = 0; i < rep->n_scenarios; i++)
                if ((r = print_scenario(out, &rep->scenarios[i])) < 0)
                        return r;
        if (rep->n_apps)
                fprintf(out->stream, "\nPer application (no host change, only that program's sockets):\n");
        for (size_t i = 0; i < rep->n_apps; i++)
                if ((r = print_app(out, &rep->apps[i])) < 0)
                        return r;
        if (*dropin)
                fprintf(out->stream,
                        "\n# /etc/sysctl.d/%s (tcptune advise --detect-within %s)\n"
                        "# profile apply rewrites %s; it wins over this file at boot\n%s",
                        ADVISE_DROPIN, rep->target_text ? rep->target_text : strempty(target), APPLY_DROPIN_DEFAULT,
                        dropin);
        return 0;
}

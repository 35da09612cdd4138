/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <time.h>

#include "output-apply.h"

#define NETNS_NOTE "none (--netns: only this namespace's live values are set; sysctl.d configures the host at boot)"

static void print_changes(FILE *f, const struct apply_result *res) {
        int w = 0;
        for (size_t i = 0; i < res->n_changes; i++) {
                int l = (int) strlen(res->changes[i].key);
                w = l > w ? l : w;
        }
        for (size_t i = 0; i < res->n_changes; i++)
                fprintf(f, "  %-*s  %s -> %s\n", w, res->changes[i].key, res->changes[i].old, res->changes[i].new);
}

/* "drop-in PATH: what", or the note that --netns writes none. */
static void print_dropin(FILE *f, const struct apply_request *req, const struct apply_result *res, const char *what) {
        if (req->netns)
                fputs("drop-in: " NETNS_NOTE "\n", f);
        else
                fprintf(f, "drop-in %s: %s\n", res->dropin_path, what);
}

static json_object *changes_json(const struct apply_result *res) {
        json_object *a = json_object_new_array();
        for (size_t i = 0; i < res->n_changes; i++) {
                json_object *c = json_object_new_object();
                json_object_object_add(c, "key", json_object_new_string(res->changes[i].key));
                json_object_object_add(c, "old", json_object_new_string(res->changes[i].old));
                json_object_object_add(c, "new", json_object_new_string(res->changes[i].new));
                json_object_array_add(a, c);
        }
        return a;
}

static json_object *dropin_json(const struct apply_result *res, const char *action) {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "path", res->dropin_path ? json_object_new_string(res->dropin_path) : NULL);
        json_object_object_add(d, "action", json_object_new_string(action));
        return d;
}

static int print_json(const struct output *out, json_object *o) {
        int r = json_print(o, out->stream);
        json_object_put(o);
        return r;
}

int output_apply(const struct output *out, const char *netns, const struct apply_request *req,
                 const struct apply_result *res, int r, char *const *warnings) {
        bool pending = r > 0 && req->dry_run;
        const char *action = apply_dropin_action_to_string(res->dropin);
        if (req->dry_run && res->dropin == APPLY_DROPIN_WRITTEN)
                action = "pending";

        if (out->format == FORMAT_JSON) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "action", json_object_new_string("apply"));
                json_object_object_add(o, "profile", json_object_new_string(strempty(req->profile_name)));
                json_object_object_add(o, "profile_file",
                                       req->profile_file ? json_object_new_string(req->profile_file) : NULL);
                json_object_object_add(o, "netns", netns ? json_object_new_string(netns) : NULL);
                json_object_object_add(o, "dry_run", json_object_new_boolean(req->dry_run));
                json_object_object_add(o, "dropin", dropin_json(res, action));
                json_object_object_add(o, "changes", changes_json(res));
                json_object_object_add(o, "changed", json_object_new_boolean(r > 0 && !req->dry_run));
                json_object_object_add(o, "pending", json_object_new_boolean(pending));
                json_object *w = json_object_new_array();
                for (char *const *i = warnings; i && *i; i++)
                        json_object_array_add(w, json_object_new_string(*i));
                json_object_object_add(o, "warnings", w);
                json_object_object_add(o, "error", json_error(&res->error));
                return print_json(out, o);
        }
        FILE *f = out->stream;
        if (r < 0)
                return 0; /* the error line on stderr says it all */
        fprintf(f, "profile %s", strempty(req->profile_name));
        if (req->profile_file)
                fprintf(f, " (%s)", req->profile_file);
        fputc('\n', f);
        if (r == 0) {
                if (req->netns)
                        print_dropin(f, req, res, NULL);
                fputs("already in place: nothing changed\n", f);
                return 0;
        }
        print_dropin(f, req, res,
                     res->dropin == APPLY_DROPIN_KEPT ? "already in place"
                     : req->dry_run                   ? "would be written"
                                                      : "written");
        if (res->n_changes > 0)
                fprintf(f, "live values%s:\n", req->dry_run ? " to set" : "");
        print_changes(f, res);
        size_t n = res->n_changes + (res->dropin == APPLY_DROPIN_WRITTEN);
        if (req->dry_run)
                fprintf(f, "dry run: %zu change%s pending, nothing written\n", n, n == 1 ? "" : "s");
        else
                fprintf(f, "applied: %zu live value%s changed; `tcptune profile revert` undoes it\n",
                        res->n_changes, res->n_changes == 1 ? "" : "s");
        return 0;
}

int output_revert(const struct output *out, const char *netns, const struct apply_request *req,
                  const struct apply_result *res, int r) {
        if (out->format == FORMAT_JSON) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "action", json_object_new_string("revert"));
                json_object_object_add(o, "netns", netns ? json_object_new_string(netns) : NULL);
                json_object_object_add(o, "nothing_to_revert", json_object_new_boolean(res->nothing_to_revert));
                json_object_object_add(o, "dry_run", json_object_new_boolean(req->dry_run));
                json_object_object_add(o, "dropin",
                                       dropin_json(res, apply_dropin_action_to_string(res->dropin)));
                json_object_object_add(o, "changes", changes_json(res));
                json_object_object_add(o, "changed", json_object_new_boolean(r > 0 && !req->dry_run));
                json_object_object_add(o, "pending", json_object_new_boolean(r > 0 && req->dry_run));
                json_object_object_add(o, "error", json_error(&res->error));
                return print_json(out, o);
        }
        FILE *f = out->stream;
        if (r < 0)
                return 0;
        if (res->nothing_to_revert) {
                fputs("nothing to revert: tcptune has recorded no apply here\n", f);
                return 0;
        }
        bool dry = req->dry_run;
        print_dropin(f, req, res,
                     res->dropin == APPLY_DROPIN_RESTORED  ? (dry ? "the previous one would be restored" : "previous one restored")
                     : res->dropin == APPLY_DROPIN_REMOVED ? (dry ? "would be removed (there was none before)"
                                                                  : "removed (there was none before)")
                                                           : "already as before");
        if (res->n_changes > 0)
                fputs(dry ? "live values to restore:\n" : "live values restored:\n", f);
        print_changes(f, res);
        if (dry) {
                size_t n = res->n_changes + (res->dropin == APPLY_DROPIN_RESTORED || res->dropin == APPLY_DROPIN_REMOVED);
                fprintf(f, "dry run: %zu change%s pending, nothing written\n", n, n == 1 ? "" : "s");
        } else
                fputs(r > 0 ? "reverted: the state before tcptune's first apply is back\n"
                            : "reverted: nothing differed from the state before tcptune's first apply\n",
                      f);
        return 0;
}

/* ISO 8601 in UTC: the same on every host, sortable, what JSON wants. */
static void format_utc(uint64_t usec, char buf[static 32]) {
        time_t t = (time_t) (usec / USEC_PER_SEC);
        struct tm tm;
        if (!gmtime_r(&t, &tm) || strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
                snprintf(buf, 32, "?");
}

static const char *active_dropin_text(enum apply_active_dropin d) {
        switch (d) {
        case APPLY_ACTIVE_DROPIN_AS_WRITTEN:
                return "as tcptune wrote it";
        case APPLY_ACTIVE_DROPIN_CHANGED:
                return "changed since tcptune wrote it (not the profile's settings at boot)";
        case APPLY_ACTIVE_DROPIN_MISSING:
                return "missing (removed since; the profile is not set at boot)";
        default:
                return NETNS_NOTE;
        }
}

static json_object *active_keys_json(const struct apply_active *a) {
        json_object *keys = json_object_new_array();
        for (size_t i = 0; i < a->n_keys; i++) {
                json_object *k = json_object_new_object();
                json_object_object_add(k, "key", json_object_new_string(a->keys[i].key));
                json_object_object_add(k, "want", json_object_new_string(a->keys[i].want));
                json_object_object_add(k, "live", a->keys[i].live ? json_object_new_string(a->keys[i].live) : NULL);
                json_object_object_add(k, "holds", json_object_new_boolean(a->keys[i].holds));
                json_object_array_add(keys, k);
        }
        return keys;
}

/* ok: a profile is recorded and was read; else the profile's fields are null. */
static int print_active_json(const struct output *out, const char *netns, const struct apply_active *a, int r,
                             const char *when) {
        bool ok = !a->none && r >= 0;
        json_object *o = json_object_new_object(), *d = NULL;
        json_object_object_add(o, "netns", netns ? json_object_new_string(netns) : NULL);
        json_object_object_add(o, "profile", ok ? json_object_new_string(a->profile) : NULL);
        json_object_object_add(o, "profile_file", ok && a->profile_file ? json_object_new_string(a->profile_file) : NULL);
        json_object_object_add(o, "applied_at", ok ? json_object_new_string(when) : NULL);
        if (ok) {
                d = json_object_new_object();
                json_object_object_add(d, "path", a->dropin_path ? json_object_new_string(a->dropin_path) : NULL);
                json_object_object_add(d, "state", json_object_new_string(apply_active_dropin_to_string(a->dropin)));
        }
        json_object_object_add(o, "dropin", d);
        json_object_object_add(o, "keys", active_keys_json(a));
        json_object_object_add(o, "differences", json_object_new_int((int) a->n_differences));
        json_object_object_add(o, "holds", json_object_new_boolean(r == 0));
        json_object_object_add(o, "error", json_error(&a->error));
        return print_json(out, o);
}

/* "all N as applied", or each key whose live value is not as applied. */
static void print_active_keys(FILE *f, const struct apply_active *a) {
        size_t drifted = 0;
        int w = 0;
        for (size_t i = 0; i < a->n_keys; i++)
                if (!a->keys[i].holds) {
                        int l = (int) strlen(a->keys[i].key);
                        w = l > w ? l : w;
                        drifted++;
                }
        if (drifted == 0) {
                fprintf(f, "live values: all %zu as applied\n", a->n_keys);
                return;
        }
        fputs("live values not as applied:\n", f);
        for (size_t i = 0; i < a->n_keys; i++)
                if (!a->keys[i].holds)
                        fprintf(f, "  %-*s  %s, applied %s\n", w, a->keys[i].key,
                                a->keys[i].live ? a->keys[i].live : "(unreadable)", a->keys[i].want);
}

int output_active(const struct output *out, const char *netns, const struct apply_active *a, int r) {
        char when[32] = "";
        if (!a->none && r >= 0)
                format_utc(a->applied_usec, when);
        if (out->format == FORMAT_JSON)
                return print_active_json(out, netns, a, r, when);
        FILE *f = out->stream;
        if (a->none) {
                fputs("no profile applied: tcptune has recorded no apply here\n", f);
                return 0;
        }
        if (r < 0)
                return 0; /* the error line on stderr says it all */
        fprintf(f, "profile %s", a->profile);
        if (a->profile_file)
                fprintf(f, " (%s)", a->profile_file);
        fprintf(f, "\napplied %s (the last apply that changed something)\n", when);
        if (a->dropin_path)
                fprintf(f, "drop-in %s: %s\n", a->dropin_path, active_dropin_text(a->dropin));
        else
                fputs("drop-in: " NETNS_NOTE "\n", f);
        print_active_keys(f, a);
        if (r == 0)
                fprintf(f, "%s holds\n", a->profile);
        else
                fprintf(f, "%s drifted: %zu difference%s; `tcptune profile apply %s` puts it back\n", a->profile,
                        a->n_differences, a->n_differences == 1 ? "" : "s", a->profile);
        return 0;
}

/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "escape.h"
#include "output-config.h"

/* Text from a file made safe for a terminal (escape_text(), whole).
 * Returns a malloc'ed string, NULL on OOM. */
static char *safe(const char *s) {
        return escape_text(s, SIZE_MAX);
}

/* A line of a file for --cat: as it is, but for what escape_text()
 * escapes, tabs excepted (drop-ins indent with them). NULL on OOM. */
static char *safe_line(const char *s) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                return NULL;
        for (const char *p = s;;) {
                size_t n = strcspn(p, "\t");
                _cleanup_free_ char *piece = strndup(p, n), *e = piece ? escape_text(piece, SIZE_MAX) : NULL;
                if (!e) {
                        fclose(f);
                        free(buf);
                        return NULL;
                }
                fputs(e, f);
                if (!p[n])
                        break;
                fputc('\t', f);
                p += n + 1;
        }
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

/* What an entry and an override share: an assignment at FILE:LINE, from
 * a glob or not. The caller adds the rest. */
static json_object *assignment_json(const char *key, const char *value, const char *file, unsigned line,
                                    const char *pattern) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "key", json_string_safe(key));
        json_object_object_add(o, "value", json_string_safe(value));
        json_object_object_add(o, "file", json_string_safe(file));
        json_object_object_add(o, "line", json_object_new_int64(line));
        json_object_object_add(o, "pattern", json_string_safe(pattern));
        return o;
}

static json_object *entry_json(const struct config_row *row) {
        const struct sysctld_entry *e = row->entry;
        const struct sysctld_check *c = &row->check;
        json_object *o = assignment_json(e->key, e->value, e->file, e->line, e->pattern);
        json_object_object_add(o, "ignore_failure", json_object_new_boolean(e->ignore_failure));
        /* null: a key whose rules tcptune does not know; true is earned. */
        json_object_object_add(o, "valid", c->checked || !c->valid ? json_object_new_boolean(c->valid) : NULL);
        json_object_object_add(o, "problem", json_string_safe(c->problem));
        json_object_object_add(o, "note", json_string_safe(c->note));
        json_object_object_add(o, "held", json_string_safe(c->held));
        json_object_object_add(o, "live", json_string_safe(c->live));
        json_object_object_add(o, "drift", json_object_new_boolean(c->drift));
        return o;
}

/* Index among the shown entries of the first shown entry at or after
 * entries[i]. */
static size_t shown_index(const struct config_report *rep, size_t i) {
        size_t k = 0;
        while (k < rep->n_rows && (size_t) (rep->rows[k].entry - rep->s->entries) < i)
                k++;
        return k;
}

static json_object *override_json(const struct config_report *rep, const struct sysctld_override *v) {
        const struct sysctld_entry *w = &rep->s->entries[v->winner];
        json_object *o = assignment_json(v->key, v->value, v->file, v->line, v->pattern);
        json_object_object_add(o, "winner_file", json_string_safe(w->file));
        json_object_object_add(o, "winner_line", json_object_new_int64(w->line));
        /* Overlapping globs: this write happened too, before entry N. */
        json_object_object_add(o, "written_before",
                               v->written ? json_object_new_int64((int64_t) shown_index(rep, v->before)) : NULL);
        return o;
}

static int output_json(const struct output *out, const struct config_report *rep) {
        const struct sysctld *s = rep->s;
        json_object *doc = json_object_new_object(), *a;

        a = json_object_new_array();
        for (size_t i = 0; i < s->n_files; i++)
                json_object_array_add(a, json_string_safe(s->files[i]));
        json_object_object_add(doc, "files", a);

        a = json_object_new_array();
        for (size_t i = 0; i < rep->n_rows; i++)
                json_object_array_add(a, entry_json(&rep->rows[i]));
        json_object_object_add(doc, "entries", a);

        a = json_object_new_array();
        for (size_t i = 0; i < s->n_overrides; i++) {
                const struct sysctld_override *v = &s->overrides[i];
                if (config_report_shows(rep, v->key))
                        json_object_array_add(a, override_json(rep, v));
        }
        json_object_object_add(doc, "overrides", a);

        a = json_object_new_array();
        for (size_t i = 0; i < s->n_shadowed; i++) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "file", json_string_safe(s->shadowed[i].file));
                json_object_object_add(o, "by", json_string_safe(s->files[s->shadowed[i].by]));
                json_object_array_add(a, o);
        }
        json_object_object_add(doc, "shadowed", a);

        a = json_object_new_array();
        for (size_t i = 0; i < s->n_diags; i++) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "file", json_string_safe(s->diags[i].file));
                json_object_object_add(o, "line", s->diags[i].line ? json_object_new_int64(s->diags[i].line) : NULL);
                json_object_object_add(o, "message", json_string_safe(s->diags[i].message));
                json_object_array_add(a, o);
        }
        json_object_object_add(doc, "diagnostics", a);

        int r = json_print(doc, out->stream);
        json_object_put(doc);
        return r;
}

int output_config(const struct output *out, const struct config_report *rep) {
        static const char *const headers[] = { "KEY", "BOOT", "LIVE", "", "FILE:LINE" };
        _cleanup_(table_freep) struct table *tab = NULL;
        size_t drift = 0, rejected = 0, ignored = 0;

        if (out->format == FORMAT_JSON)
                return output_json(out, rep);
        if (rep->n_rows == 0) {
                _cleanup_free_ char *line = NULL;
                if (asprintf(&line, "No sysctl.d file sets %s (%zu file%s read%s).",
                             rep->all ? "any key" : "a net.ipv4.tcp_* key", rep->s->n_files,
                             rep->s->n_files == 1 ? "" : "s", rep->all ? "" : "; --all shows every key") < 0)
                        return -ENOMEM;
                output_wrap(out->stream, "", "", line, out->width);
                return 0;
        }
        for (size_t i = 0; i < rep->n_rows; i++) {
                const struct config_row *row = &rep->rows[i];
                drift += row->check.drift;
                rejected += row->rejected;
                ignored += !row->check.drift && !row->rejected && !row->check.valid && row->check.exists;
        }
        /* The mark column only when something is marked. */
        size_t cols = drift || rejected || ignored ? 5 : 4;
        const char *h4[] = { headers[0], headers[1], headers[2], headers[4] };
        if (!(tab = table_new(cols, cols == 5 ? headers : h4)))
                return -ENOMEM;
        for (size_t i = 0; i < rep->n_rows; i++) {
                const struct sysctld_entry *e = rep->rows[i].entry;
                const struct sysctld_check *c = &rep->rows[i].check;
                _cleanup_free_ char *key = safe(e->key), *val = safe(e->value),
                                    *where = NULL, *live = c->live ? safe(c->live) : NULL;
                if (!key || !val || (c->live && !live) ||
                    asprintf(&where, "%s:%u%s%s", e->file, e->line, e->pattern ? " via " : "", strempty(e->pattern)) < 0)
                        return -ENOMEM;
                _cleanup_free_ char *safe_where = safe(where);
                const char *cells[] = {
                        key, val, live ? live : !c->exists ? "absent" : c->live_error ? "?" : "-",
                        c->drift ? "drift" : rep->rows[i].rejected ? "rejected" : !c->valid && c->exists ? "ignored" : "",
                        safe_where,
                };
                if (cols == 4)
                        cells[3] = safe_where;
                if (!safe_where || table_add_row(tab, cells) < 0)
                        return -ENOMEM;
        }
        table_print(tab, out, NULL);
        if (drift || rejected || ignored)
                fputc('\n', out->stream);
        if (drift)
                fprintf(out->stream, "drift: the live value is not what the files set at boot (%zu key%s)\n", drift,
                        drift == 1 ? "" : "s");
        if (rejected)
                fprintf(out->stream, "rejected: the kernel refuses the boot value (%zu key%s; see the warnings)\n",
                        rejected, rejected == 1 ? "" : "s");
        if (ignored)
                output_wrap(out->stream, "ignored: ", "  ",
                            "refused too, but systemd-sysctl lets it pass ('-' prefix, read-only key)", out->width);
        return 0;
}

int output_config_cat(const struct output *out, const struct config_cat *cat) {
        if (out->format == FORMAT_JSON) {
                json_object *doc = json_object_new_object(), *files = json_object_new_array();
                json_object_object_add(doc, "files", files);
                for (size_t i = 0; i < cat->n_files; i++) {
                        const struct config_cat_file *f = &cat->files[i];
                        json_object *o = json_object_new_object(), *lines = json_object_new_array();
                        json_object_object_add(o, "file", json_string_safe(f->file));
                        for (size_t l = 0; l < f->n_lines; l++)
                                json_object_array_add(lines, json_string_safe(f->lines[l]));
                        json_object_object_add(o, "lines", lines);
                        if (f->error < 0)
                                json_object_object_add(o, "error", json_object_new_string(strerror(-f->error)));
                        json_object_array_add(files, o);
                }
                int r = json_print(doc, out->stream);
                json_object_put(doc);
                return r;
        }
        bool first = true;
        for (size_t i = 0; i < cat->n_files; i++) {
                const struct config_cat_file *f = &cat->files[i];
                if (f->open_error < 0 && f->open_error != -EISDIR)
                        continue;
                /* Into a pipe or file the bytes as they are, as
                 * systemd-sysctl --cat-config writes them (the oracle
                 * compares them); on a terminal escaped, tabs kept: the
                 * files may be a container's, the terminal is the user's. */
                _cleanup_free_ char *file = out->terminal ? safe(f->file) : strdup(f->file);
                if (!file)
                        return -ENOMEM;
                fprintf(out->stream, "%s%s# %s%s\n", first ? "" : "\n", color(out->color, COLOR_BOLD), file,
                        color(out->color, COLOR_OFF));
                first = false;
                for (size_t l = 0; l < f->n_lines; l++) {
                        _cleanup_free_ char *line = out->terminal ? safe_line(f->lines[l]) : strdup(f->lines[l]);
                        if (!line)
                                return -ENOMEM;
                        fputs(line, out->stream);
                        fputc('\n', out->stream);
                }
        }
        return 0;
}

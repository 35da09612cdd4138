/* SPDX-License-Identifier: MIT */
#include "config-report.h"
#include "tunables.h"

bool config_report_shows(const struct config_report *rep, const char *key) {
        return rep->all || startswith(key, "net.ipv4.tcp_");
}

/* Check one entry; HZ is read only for the few values that depend on it
 * (jiffies ranges, keys kept in jiffies); unknown, it is taken as 250. */
static int check(const struct root *root, const struct sysctld_entry *e, unsigned (*hz)(void *userdata), void *userdata,
                 struct config_row *row) {
        bool needs_hz = false;
        int r = sysctld_check_entry(root, e, 0, &needs_hz, &row->check);
        if (r >= 0 && needs_hz) {
                sysctld_check_done(&row->check);
                unsigned h = hz(userdata);
                r = sysctld_check_entry(root, e, hz_or_assumed(h), &needs_hz, &row->check);
        }
        if (r < 0)
                return r;
        const struct sysctld_check *c = &row->check;
        /* systemd-sysctl fails at boot on these (not on a missing or
         * read-only key, and never with the '-' prefix). */
        row->rejected = !c->valid && c->exists && !e->ignore_failure && !streq_ptr(c->problem, "read-only");
        return 0;
}

int config_report_collect(const struct root *root, const struct sysctld *s, bool all, unsigned (*hz)(void *userdata),
                          void *userdata, struct config_report *ret) {
        struct config_report rep = { .s = s, .all = all };
        rep.rows = calloc(s->n_entries ? s->n_entries : 1, sizeof(*rep.rows));
        *ret = rep;
        if (!rep.rows)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_entries; i++) {
                const struct sysctld_entry *e = &s->entries[i];
                if (!config_report_shows(ret, e->key))
                        continue;
                struct config_row *row = &ret->rows[ret->n_rows++];
                row->entry = e;
                int r = check(root, e, hz, userdata, row);
                if (r < 0)
                        return r;
        }
        return 0;
}

void config_report_done(struct config_report *rep) {
        for (size_t i = 0; i < rep->n_rows; i++)
                sysctld_check_done(&rep->rows[i].check);
        free(rep->rows);
        *rep = (struct config_report) {};
}

bool config_report_differs(const struct config_report *rep) {
        for (size_t i = 0; i < rep->n_rows; i++)
                if (rep->rows[i].check.drift || rep->rows[i].rejected)
                        return true;
        return false;
}

static int cat_line(char *line, unsigned lineno, void *userdata) {
        struct config_cat_file *f = userdata;
        char **l = realloc(f->lines, (f->n_lines + 2) * sizeof(char *));
        if (!l)
                return -ENOMEM;
        f->lines = l;
        l[f->n_lines + 1] = NULL;
        if (!(l[f->n_lines] = strdup(line)))
                return -ENOMEM;
        f->n_lines++;
        return 0;
}

int config_cat_collect(const struct root *root, const struct sysctld *s, struct config_cat *ret) {
        *ret = (struct config_cat) { .files = calloc(s->n_files ? s->n_files : 1, sizeof(struct config_cat_file)) };
        if (!ret->files)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_files; i++) {
                struct config_cat_file *f = &ret->files[ret->n_files++];
                unsigned lines = 0;
                int fd = sysctld_open(root, s->files[i]);
                f->file = s->files[i];
                /* /dev/null masks a file: it has no lines. */
                if (fd == -ENODEV)
                        continue;
                if (fd < 0) {
                        f->open_error = f->error = fd;
                        continue;
                }
                int k = sysctld_read_lines(fd, cat_line, f, &lines);
                close(fd);
                if (k == -ENOMEM)
                        return k;
                f->error = k < 0 ? k : 0;
                f->error_line = k == -ENOBUFS ? lines + 1 : 0;
        }
        return 0;
}

void config_cat_done(struct config_cat *c) {
        for (size_t i = 0; i < c->n_files; i++)
                strv_free(c->files[i].lines);
        free(c->files);
        *c = (struct config_cat) {};
}

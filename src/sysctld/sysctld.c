/* SPDX-License-Identifier: MIT */
/* sysctl.d: what the lines of the drop-ins mean, in systemd-sysctl 252's
 * terms (src/sysctl/sysctl.c); sysctld-load.c finds the files. Each rule was
 * observed with systemd-sysctl itself in a private namespace
 * (tests/sysctld/):
 *
 *  1. Lines end at \n, \r, NUL, or one each of \n and \r together; a line of
 *     1 MiB or more ends the file (the lines before it still count).
 *  2. Blanks (space, tab) are trimmed; '#' and ';' start a comment only as
 *     the first character. Text after the value is part of the value.
 *  3. "-KEY = V" ignores write failures. "-KEY" without '=' excludes KEY
 *     from globs, and cancels an earlier assignment. Any other line
 *     without '=' is ignored (and makes systemd-sysctl fail).
 *  4. Keys: a '.' as first separator swaps '.' and '/'; empty and "."
 *     components and a leading '/' vanish.
 *  5. A later assignment of a different value replaces the earlier one and
 *     moves the key to the end of the write order; the same value keeps the
 *     earlier place (and ORs the '-').
 *  6. Globs ('*', '?', '[', with {a,b} braces once one of those is present)
 *     write, at their own place, to every match that no line names
 *     explicitly (with any value, or "-KEY"), matches in sorted order;
 *     overlapping globs write twice and the later wins. */
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>

#include "escape.h"
#include "strmap.h"
#include "root.h"
#include "sysctl.h"
#include "sysctld-internal.h"
#include "sysctld.h"

/* systemd's path_simplify(): drop empty and "." components; a component
 * longer than NAME_MAX stops simplification there. */
static void simplify(char *path) {
        char *f = path;
        bool add_slash = false;

        if (!*path)
                return;
        if (*path == '/')
                f++;
        for (const char *p = f;;) {
                const char *first = p;
                while (*first == '/' || (first[0] == '.' && first[1] == '/'))
                        first += *first == '/' ? 1 : 2;
                if (!*first || streq(first, "."))
                        break;
                size_t len = strcspn(first, "/");
                if (add_slash)
                        *f++ = '/';
                if (len > NAME_MAX) {
                        memmove(f, p, strlen(p) + 1);
                        return;
                }
                const char *next = first + len;
                while (*next == '/' || (next[0] == '.' && next[1] == '/'))
                        next += *next == '/' ? 1 : 2;
                memmove(f, first, len);
                f += len;
                p = next + streq(next, ".");
                add_slash = true;
        }
        if (f == path)
                *f++ = '.';
        *f = '\0';
}

char *sysctld_normalize_key(const char *key) {
        char *s = strdup(key);
        if (!s)
                return NULL;
        char *n = strpbrk(s, "/.");
        if (n && *n == '.')
                for (; n; n = strpbrk(n + 1, "/."))
                        *n = *n == '.' ? '/' : '.';
        simplify(s);
        if (s[0] == '/' && s[1])
                memmove(s, s + 1, strlen(s));
        return s;
}

_printf_(5, 0) static int diagv(struct sysctld *s, const char *file, unsigned line, int error, const char *fmt,
                                 va_list ap) {
        struct sysctld_diag d = { .line = line, .error = error };

        if (GROW(s->diags, s->n_diags, s->state->cap_diags) < 0 || vasprintf(&d.message, fmt, ap) < 0)
                return -ENOMEM;
        if (file && !(d.file = strdup(file))) {
                free(d.message);
                return -ENOMEM;
        }
        s->diags[s->n_diags++] = d;
        return 0;
}

int sysctld_add_diag(struct sysctld *s, const char *file, unsigned line, int error, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = diagv(s, file, line, error, fmt, ap);
        va_end(ap);
        return r;
}

/* The same, naming files[file] (SIZE_MAX: no file). */
int sysctld_diag_at(struct sysctld *s, size_t file, unsigned line, int error, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = diagv(s, file == SIZE_MAX ? NULL : s->files[file], line, error, fmt, ap);
        va_end(ap);
        return r;
}

/* Refuse the tree (a bound of sysctld.h): one diagnostic that says where,
 * and nothing else that could pass for a complete answer. */
_printf_(4, 0) static int refusev(struct sysctld *s, const char *file, unsigned line, const char *fmt, va_list ap) {
        int r = diagv(s, file, line, -E2BIG, fmt, ap);
        if (r < 0)
                return r;
        for (size_t i = 0; i < s->n_entries; i++)
                free(s->entries[i].key), free(s->entries[i].value), free(s->entries[i].file),
                        free(s->entries[i].pattern);
        for (size_t i = 0; i < s->n_overrides; i++)
                free(s->overrides[i].key), free(s->overrides[i].value), free(s->overrides[i].file),
                        free(s->overrides[i].pattern);
        s->n_entries = s->n_overrides = 0;
        s->refused = true;
        return -E2BIG;
}

int sysctld_refuse(struct sysctld *s, const char *file, unsigned line, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = refusev(s, file, line, fmt, ap);
        va_end(ap);
        return r;
}

/* The same, naming files[file]. */
int sysctld_refuse_at(struct sysctld *s, size_t file, unsigned line, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = refusev(s, s->files[file], line, fmt, ap);
        va_end(ap);
        return r;
}

const struct sysctld_diag *sysctld_refused(const struct sysctld *s) {
        return s && s->refused && s->n_diags > 0 ? &s->diags[s->n_diags - 1] : NULL;
}

static int push_opt(struct sysctld_state *st, struct opt *o) {
        if (GROW(st->opts, st->n_opts, st->cap_opts) < 0)
                return -ENOMEM;
        st->opts[st->n_opts++] = *o;
        *o = (struct opt) {};
        return 0;
}

static char *strip(char *s) {
        s += strspn(s, " \t\n\r");
        size_t n = strlen(s);
        while (n > 0 && strchr(" \t\n\r", s[n - 1]))
                s[--n] = '\0';
        return s;
}

/* One line into *o: 1 when it assigns (KEY = VALUE, -KEY = VALUE) or
 * excludes (-KEY); 0 for a blank line, a comment, or a line
 * systemd-sysctl ignores (diagnosed); -E2BIG past the bound, or -ENOMEM.
 * o's strings are the caller's on every return. */
static int read_opt(struct sysctld *s, char *l, struct opt *o) {
        struct sysctld_state *st = s->state;
        char *p = strip(l), *value = strchr(p, '=');

        if (!*p || *p == '#' || *p == ';')
                return 0;
        if (value) {
                if (*p == '-') {
                        o->ignore_failure = true;
                        p++;
                }
                *value = '\0';
                if (!(o->value = strdup(strip(value + 1))))
                        return -ENOMEM;
        } else if (*p == '-')
                p++;
        else {
                _cleanup_free_ char *q = escape_text(p, 60);
                return sysctld_diag_at(s, o->file, o->line, 0,
                            "'%s' is not an assignment (KEY = VALUE); systemd-sysctl ignores it and fails",
                            strempty(q));
        }
        if (++st->assignments > SYSCTLD_ASSIGNMENTS_MAX)
                return sysctld_refuse_at(s, o->file, o->line, "more than %d assignments in sysctl.d: the tree is refused (tcptune(8), BOUNDS)",
                              SYSCTLD_ASSIGNMENTS_MAX);
        if (!(o->key = sysctld_normalize_key(strip(p))))
                return -ENOMEM;
        o->glob = strpbrk(o->key, "*?[") != NULL;
        if (startswith(o->key, "\xef\xbb\xbf") &&
            sysctld_diag_at(s, o->file, o->line, 0, "a UTF-8 byte order mark starts the line: systemd-sysctl takes it as part of the key") < 0)
                return -ENOMEM;
        return 1;
}

/* The same value again (rule 5): the earlier position stays; name the
 * later line, and keep the earlier one as a superseded assignment. */
static int restate_opt(struct sysctld_state *st, struct opt *old, const struct opt *o) {
        struct opt dup = { .key = strdup(old->key), .value = old->value ? strdup(old->value) : NULL,
                           .file = old->file, .line = old->line, .glob = old->glob, .dead = true };
        old->file = o->file;
        old->line = o->line;
        old->ignore_failure |= o->ignore_failure;
        if (!dup.key || (old->value && !dup.value) || push_opt(st, &dup) < 0) {
                free(dup.key);
                free(dup.value);
                return -ENOMEM;
        }
        return 0;
}

/* o as the latest word on its key: a new key, the same value again, or a
 * new value (or "-KEY") that supersedes the earlier. Takes o's strings
 * when it becomes the key's live opt. Returns 0 or -ENOMEM. */
static int record_opt(struct sysctld *s, struct opt *o) {
        struct sysctld_state *st = s->state;
        size_t *at = strmap_get(&st->byname, o->key);

        if (at) {
                struct opt *old = &st->opts[*at];
                if (streq_ptr(old->value, o->value))
                        return restate_opt(st, old, o);
                if (!o->value) {
                        _cleanup_free_ char *k = sysctl_key_to_subpath(old->key);
                        if (!k || sysctld_diag_at(s, o->file, o->line, 0, "'-%s' without '=' cancels the assignment at %s:%u",
                                       k, s->files[old->file], old->line) < 0)
                                return -ENOMEM;
                }
                old->dead = true;
        }
        if (strmap_put(&st->byname, o->key, st->n_opts) < 0 || push_opt(st, o) < 0)
                return -ENOMEM;
        return 0;
}

static int parse_line(struct sysctld *s, size_t file, unsigned line, char *l) {
        struct opt o = { .file = file, .line = line };
        int r = read_opt(s, l, &o);

        if (r > 0)
                r = record_opt(s, &o);
        free(o.key);
        free(o.value);
        return r;
}

/* systemd's read_line(): a line ends at a run of end-of-line bytes holding
 * each of \n and \r at most once, or at a NUL (which ends the run). A line
 * of SYSCTLD_LINE_MAX bytes fails even at the end of the file. */
enum { EOL_ZERO = 1, EOL_TEN = 2, EOL_THIRTEEN = 4 };

struct reader {
        char *buf;
        size_t n, cap;
        size_t budget;        /* bytes it may still take: -EFBIG past them */
        unsigned eol, line;
        bool started;
        int (*cb)(char *line, unsigned lineno, void *userdata);
        void *userdata;
};

static int reader_emit(struct reader *r) {
        if (!r->buf && !(r->buf = malloc(r->cap = 1)))
                return -ENOMEM;
        r->buf[r->n] = '\0';
        r->n = 0;
        r->eol = 0;
        r->started = false;
        return r->cb(r->buf, ++r->line, r->userdata);
}

static int reader_feed(struct reader *r, const char *data, size_t len) {
        bool over = len > r->budget;
        int k;

        if (over)
                len = r->budget;
        r->budget -= len;
        for (size_t i = 0; i < len; i++) {
                char c = data[i];
                unsigned type = c == '\n' ? EOL_TEN : c == '\r' ? EOL_THIRTEEN : c == '\0' ? EOL_ZERO : 0;
                if (r->eol) {
                        if (!(r->eol & EOL_ZERO) && type && !(r->eol & type)) {
                                r->eol |= type;
                                continue;
                        }
                        if ((k = reader_emit(r)) < 0)
                                return k;
                }
                r->started = true;
                if (type) {
                        r->eol = type;
                        continue;
                }
                if (r->n + 1 >= r->cap) {
                        size_t c2 = r->cap ? r->cap * 2 : 256;
                        if (c2 > SYSCTLD_LINE_MAX + 1)
                                c2 = SYSCTLD_LINE_MAX + 1;
                        char *nb = realloc(r->buf, c2);
                        if (!nb)
                                return -ENOMEM;
                        r->buf = nb;
                        r->cap = c2;
                }
                r->buf[r->n++] = c;
                if (r->n >= SYSCTLD_LINE_MAX)
                        return -ENOBUFS;
        }
        return over ? -EFBIG : 0;
}

static int reader_end(struct reader *r) {
        return r->started ? reader_emit(r) : 0;
}

static int read_lines(int fd, size_t budget, int (*cb)(char *line, unsigned lineno, void *userdata),
                      void *userdata, unsigned *ret_lines, size_t *ret_bytes) {
        struct reader r = { .cb = cb, .userdata = userdata, .budget = budget };
        char buf[16384]; /* drop-ins are small; lines may span reads */
        int k = 0;

        while (k >= 0) {
                ssize_t n = read(fd, buf, sizeof(buf));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        k = -errno;
                        break;
                }
                if (n > 0)
                        k = reader_feed(&r, buf, (size_t) n);
                /* A regular file reads short only at its end. */
                if (k >= 0 && (size_t) n < sizeof(buf)) {
                        k = reader_end(&r);
                        break;
                }
        }
        free(r.buf);
        if (ret_lines)
                *ret_lines = r.line;
        if (ret_bytes)
                *ret_bytes = budget - r.budget;
        return k;
}

int sysctld_read_lines(int fd, int (*cb)(char *line, unsigned lineno, void *userdata), void *userdata,
                       unsigned *ret_lines) {
        return read_lines(fd, SYSCTLD_BYTES_MAX, cb, userdata, ret_lines, NULL);
}

struct parse_ctx {
        struct sysctld *s;
        size_t file;
};

static int parse_cb(char *line, unsigned lineno, void *userdata) {
        struct parse_ctx *p = userdata;
        return parse_line(p->s, p->file, lineno, line);
}

static int add_file(struct sysctld *s, const char *file) {
        if (GROW(s->files, s->n_files, s->state->cap_files) < 0 || !(s->files[s->n_files] = strdup(file)))
                return -ENOMEM;
        return (int) s->n_files++;
}

/* After a reader stopped with k: a diagnostic, or k itself for ENOMEM. */
static int read_failed(struct sysctld *s, size_t file, unsigned lines, int k) {
        if (k >= 0 || k == -ENOMEM)
                return k;
        if (k == -ENOBUFS)
                return sysctld_diag_at(s, file, lines + 1, 0,
                            "line of 1 MiB or more: systemd-sysctl ignores it and the rest of the file, and fails");
        if (k == -EFBIG)
                return sysctld_refuse_at(s, file, lines + 1, "sysctl.d holds more than %d MiB: the tree is refused (tcptune(8), BOUNDS)",
                              SYSCTLD_BYTES_MAX / (1024 * 1024));
        if (k == -E2BIG)
                return k; /* refused meanwhile (assignments) */
        return sysctld_diag_at(s, file, lines + 1, k, "cannot read: %s", strerror(-k));
}

struct sysctld *sysctld_new(void) {
        struct sysctld *s = calloc(1, sizeof(*s));
        if (s && !(s->state = calloc(1, sizeof(*s->state)))) {
                free(s);
                return NULL;
        }
        return s;
}

int sysctld_set_glob_prefix(struct sysctld *s, const char *canonical_prefix) {
        char *p = canonical_prefix ? sysctl_key_to_subpath(canonical_prefix) : NULL;
        if (canonical_prefix && !p)
                return -ENOMEM;
        free(s->state->glob_prefix);
        s->state->glob_prefix = p;
        return 0;
}

int sysctld_parse_buffer(struct sysctld *s, const char *file, const char *buf, size_t len) {
        if (s->refused)
                return -E2BIG;
        int k = add_file(s, file);
        if (k < 0)
                return k;
        struct parse_ctx p = { s, (size_t) k };
        struct reader r = { .cb = parse_cb, .userdata = &p, .budget = SYSCTLD_BYTES_MAX - s->state->bytes };
        if ((k = reader_feed(&r, buf, len)) >= 0)
                k = reader_end(&r);
        free(r.buf);
        s->state->bytes = SYSCTLD_BYTES_MAX - r.budget;
        return read_failed(s, p.file, r.line, k);
}

int sysctld_parse_fd(struct sysctld *s, const char *file, int fd) {
        unsigned lines = 0;
        size_t bytes = 0;
        if (s->refused)
                return -E2BIG;
        int k = add_file(s, file);
        if (k < 0 || fd < 0)
                return k < 0 ? k : 0;
        struct parse_ctx p = { s, (size_t) k };
        k = read_lines(fd, SYSCTLD_BYTES_MAX - s->state->bytes, parse_cb, &p, &lines, &bytes);
        s->state->bytes += bytes;
        return read_failed(s, p.file, lines, k);
}

int sysctld_add_shadow(struct sysctld *s, const char *file, size_t by) {
        struct sysctld_shadow sh = { .file = strdup(file), .by = by };
        if (!sh.file || GROW(s->shadowed, s->n_shadowed, s->state->cap_shadowed) < 0) {
                free(sh.file);
                return -ENOMEM;
        }
        s->shadowed[s->n_shadowed++] = sh;
        return 0;
}

void sysctld_free(struct sysctld *s) {
        if (!s)
                return;
        for (size_t i = 0; i < s->n_files; i++)
                free(s->files[i]);
        for (size_t i = 0; i < s->n_entries; i++) {
                struct sysctld_entry *e = &s->entries[i];
                free(e->key), free(e->value), free(e->file), free(e->pattern);
        }
        for (size_t i = 0; i < s->n_overrides; i++)
                free(s->overrides[i].key), free(s->overrides[i].value), free(s->overrides[i].file),
                        free(s->overrides[i].pattern);
        for (size_t i = 0; i < s->n_diags; i++)
                free(s->diags[i].file), free(s->diags[i].message);
        for (size_t i = 0; i < s->n_shadowed; i++)
                free(s->shadowed[i].file);
        if (s->state) {
                for (size_t i = 0; i < s->state->n_opts; i++)
                        free(s->state->opts[i].key), free(s->state->opts[i].value);
                free(s->state->opts);
                strmap_done(&s->state->byname);
                free(s->state->glob_prefix);
                free(s->state);
        }
        free(s->files);
        free(s->entries);
        free(s->overrides);
        free(s->diags);
        free(s->shadowed);
        free(s);
}

const struct sysctld_entry *sysctld_find(const struct sysctld *s, const char *canonical_key) {
        for (size_t i = 0; s && i < s->n_entries; i++)
                if (streq(s->entries[i].key, canonical_key))
                        return &s->entries[i];
        return NULL;
}

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
#include "root.h"
#include "sysctl.h"
#include "sysctld.h"

#define GROW(arr, n, cap)                                                        \
        ({                                                                       \
                int _r = 0;                                                      \
                if ((n) >= (cap)) {                                              \
                        size_t _c = (cap) ? (cap) * 2 : 16;                      \
                        void *_p = reallocarray((arr), _c, sizeof(*(arr)));      \
                        if (_p) {                                                \
                                (arr) = _p;                                      \
                                (cap) = _c;                                      \
                        } else                                                   \
                                _r = -ENOMEM;                                    \
                }                                                                \
                _r;                                                              \
        })

struct opt {
        char *key;            /* slash form, as systemd keys its table */
        char *value;          /* NULL: "-KEY" without '=' */
        size_t file;
        unsigned line;
        bool ignore_failure, glob, dead;
};

/* String -> index, open addressing; keys are borrowed. */
struct map {
        const char **keys;
        size_t *vals, cap, n;
};

struct sysctld_state {
        char *glob_prefix;    /* slash form; NULL: expand every glob */
        struct opt *opts;
        size_t n_opts, cap_opts, cap_files, cap_diags, cap_overrides, cap_entries, cap_shadowed;
        struct map byname;    /* key -> live opt */
        /* Toward the bounds of sysctld.h. */
        size_t bytes, assignments, writes, patterns;
};

static size_t map_slot(const struct map *m, const char *k) {
        size_t h = 14695981039346656037u;
        for (const unsigned char *c = (const unsigned char *) k; *c; c++)
                h = (h ^ *c) * 1099511628211u;
        for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1))
                if (!m->keys[i] || streq(m->keys[i], k))
                        return i;
}

static size_t *map_get(const struct map *m, const char *k) {
        if (m->cap == 0)
                return NULL;
        size_t i = map_slot(m, k);
        return m->keys[i] ? &m->vals[i] : NULL;
}

static int map_put(struct map *m, const char *k, size_t v) {
        if (2 * (m->n + 1) > m->cap) {
                struct map g = { .cap = m->cap ? m->cap * 2 : 64 };
                g.keys = calloc(g.cap, sizeof(char *));
                g.vals = calloc(g.cap, sizeof(size_t));
                if (!g.keys || !g.vals) {
                        free(g.keys);
                        free(g.vals);
                        return -ENOMEM;
                }
                for (size_t i = 0; i < m->cap; i++)
                        if (m->keys[i]) {
                                size_t j = map_slot(&g, m->keys[i]);
                                g.keys[j] = m->keys[i];
                                g.vals[j] = m->vals[i];
                        }
                g.n = m->n;
                free(m->keys);
                free(m->vals);
                *m = g;
        }
        size_t i = map_slot(m, k);
        if (!m->keys[i]) {
                m->keys[i] = k;
                m->n++;
        }
        m->vals[i] = v;
        return 0;
}

static void map_done(struct map *m) {
        free(m->keys);
        free(m->vals);
        *m = (struct map) {};
}

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

/* Slash form <-> canonical dotted form: the same swap both ways. */
static char *swap_dots(const char *k) {
        char *s = strdup(k);
        for (char *c = s; c && *c; c++)
                *c = *c == '.' ? '/' : *c == '/' ? '.' : *c;
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
_printf_(5, 6) static int diag(struct sysctld *s, size_t file, unsigned line, int error, const char *fmt, ...) {
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
_printf_(4, 5) static int refuse(struct sysctld *s, size_t file, unsigned line, const char *fmt, ...) {
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

static int parse_line(struct sysctld *s, size_t file, unsigned line, char *l) {
        struct sysctld_state *st = s->state;
        struct opt o = { .file = file, .line = line };
        char *p = strip(l), *value = strchr(p, '=');

        if (!*p || *p == '#' || *p == ';')
                return 0;
        if (value) {
                if (*p == '-') {
                        o.ignore_failure = true;
                        p++;
                }
                *value = '\0';
                if (!(o.value = strdup(strip(value + 1))))
                        return -ENOMEM;
        } else if (*p == '-')
                p++;
        else {
                _cleanup_free_ char *q = escape_text(p, 60);
                return diag(s, file, line, 0,
                            "'%s' is not an assignment (KEY = VALUE); systemd-sysctl ignores it and fails",
                            strempty(q));
        }
        if (++st->assignments > SYSCTLD_ASSIGNMENTS_MAX) {
                free(o.value);
                return refuse(s, file, line, "more than %d assignments in sysctl.d: the tree is refused (tcptune(8), BOUNDS)",
                              SYSCTLD_ASSIGNMENTS_MAX);
        }
        o.key = sysctld_normalize_key(strip(p));
        if (!o.key) {
                free(o.value);
                return -ENOMEM;
        }
        o.glob = strpbrk(o.key, "*?[") != NULL;
        if (startswith(o.key, "\xef\xbb\xbf") &&
            diag(s, file, line, 0, "a UTF-8 byte order mark starts the line: systemd-sysctl takes it as part of the key") < 0) {
                free(o.key);
                free(o.value);
                return -ENOMEM;
        }

        size_t *at = map_get(&st->byname, o.key);
        if (!at) {
                if (map_put(&st->byname, o.key, st->n_opts) < 0 || push_opt(st, &o) < 0)
                        goto oom;
                return 0;
        }
        struct opt *old = &st->opts[*at];
        if (streq_ptr(old->value, o.value)) {
                /* Same value: the earlier position stays; name the later line,
                 * and keep the earlier one as a superseded assignment. */
                struct opt dup = { .key = strdup(old->key), .value = old->value ? strdup(old->value) : NULL,
                                   .file = old->file, .line = old->line, .glob = old->glob, .dead = true };
                old->file = file;
                old->line = line;
                old->ignore_failure |= o.ignore_failure;
                free(o.key);
                free(o.value);
                if (!dup.key || (old->value && !dup.value) || push_opt(st, &dup) < 0) {
                        free(dup.key);
                        free(dup.value);
                        return -ENOMEM;
                }
                return 0;
        }
        if (!o.value) {
                _cleanup_free_ char *k = swap_dots(old->key);
                if (!k || diag(s, file, line, 0, "'-%s' without '=' cancels the assignment at %s:%u", k,
                               s->files[old->file], old->line) < 0)
                        goto oom;
        }
        old->dead = true;
        if (map_put(&st->byname, o.key, st->n_opts) < 0 || push_opt(st, &o) < 0)
                goto oom;
        return 0;
oom:
        free(o.key);
        free(o.value);
        return -ENOMEM;
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
                return diag(s, file, lines + 1, 0,
                            "line of 1 MiB or more: systemd-sysctl ignores it and the rest of the file, and fails");
        if (k == -EFBIG)
                return refuse(s, file, lines + 1, "sysctl.d holds more than %d MiB: the tree is refused (tcptune(8), BOUNDS)",
                              SYSCTLD_BYTES_MAX / (1024 * 1024));
        if (k == -E2BIG)
                return k; /* refused meanwhile (assignments) */
        return diag(s, file, lines + 1, k, "cannot read: %s", strerror(-k));
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

/* Keys a glob matches under root's /proc/sys, sorted, slash form;
 * directories end in '/'. glob(3) with GLOB_BRACE, as systemd calls it. */
static int expand(const char *root, const char *pattern, char ***ret) {
        const char *prefix = root_path_prefix(root);
        _cleanup_free_ char *p = malloc(2 * strlen(prefix) + strlen(pattern) + 16);
        char *w = p;
        glob_t g = {};

        if (!p)
                return -ENOMEM;
        for (const char *c = prefix; *c; c++) {
                if (strchr("\\*?[]{}", *c))
                        *w++ = '\\';
                *w++ = *c;
        }
        sprintf(w, "/proc/sys/%s", pattern);
        int r = glob(p, GLOB_BRACE | GLOB_MARK, NULL, &g);
        if (r == GLOB_NOSPACE) {
                globfree(&g);
                return -ENOMEM;
        }
        size_t skip = strlen(prefix) + strlen("/proc/sys/"), n = r == 0 ? g.gl_pathc : 0;
        char **keys = calloc(n + 1, sizeof(char *));
        for (size_t i = 0; keys && i < n; i++)
                if (!(keys[i] = strdup(strlen(g.gl_pathv[i]) >= skip ? g.gl_pathv[i] + skip : ""))) {
                        strv_free(keys);
                        keys = NULL;
                }
        globfree(&g);
        if (!keys)
                return -ENOMEM;
        *ret = keys;
        return 0;
}

struct write {
        char *key;            /* slash form */
        size_t opt;
};

/* glibc's next_brace_sub() (posix/glob.c): the end of the brace
 * alternative starting at p, a '}' or ',' at depth 0; NULL if none. */
static const char *brace_next(const char *p) {
        size_t depth = 0;
        while (*p) {
                if (*p == '\\') {
                        if (!*++p)
                                break;
                        p++;
                        continue;
                }
                if ((*p == '}' && depth-- == 0) || (*p == ',' && depth == 0))
                        break;
                if (*p++ == '{')
                        depth++;
        }
        return *p ? p : NULL;
}

/* How many patterns glob(3) with GLOB_BRACE globs for pattern, counted the
 * way glibc expands: the first brace, each alternative followed by the
 * rest, recursively; an unbalanced brace is no brace. Stops past max, so
 * that counting costs at most max leaves (times the groups, kept small by
 * the caller). Returns the count, > max when over, or 0 on OOM. */
static size_t brace_count(const char *pattern, size_t max) {
        const char *begin = pattern, *next, *rest;
        size_t n = 0;

        for (; *begin; begin++)
                if (*begin == '\\' && begin[1])
                        begin++;
                else if (*begin == '{')
                        break;
        if (!*begin || !(next = brace_next(begin + 1)))
                return 1;
        for (rest = next; *rest != '}';)
                if (!(rest = brace_next(rest + 1)))
                        return 1;
        rest++;
        for (const char *p = begin + 1;; p = next + 1, next = brace_next(p)) {
                _cleanup_free_ char *alt = NULL;
                if (asprintf(&alt, "%.*s%.*s%s", (int) (begin - pattern), pattern, (int) (next - p), p, rest) < 0)
                        return 0;
                size_t k = brace_count(alt, max - n);
                if (k == 0)
                        return 0;
                n += k;
                if (n > max || *next == '}')
                        return n;
        }
}

/* One more write or override of option o: refuse the tree past the bound. */
static int count_write(struct sysctld *s, const struct opt *o) {
        if (++s->state->writes <= SYSCTLD_WRITES_MAX)
                return 0;
        _cleanup_free_ char *k = swap_dots(o->key), *q = k ? escape_text(k, 60) : NULL;
        if (!q)
                return -ENOMEM;
        return refuse(s, o->file, o->line, "'%s' takes sysctl.d past %d writes: the tree is refused (tcptune(8), BOUNDS)",
                      q, SYSCTLD_WRITES_MAX);
}

/* May glob(3) expand o's pattern? Returns 1 if so, 0 when the line is
 * refused (a diagnostic, no writes), -E2BIG when the tree is, or -ENOMEM. */
static int check_braces(struct sysctld *s, const struct opt *o) {
        struct sysctld_state *st = s->state;
        size_t groups = 0, n;

        for (const char *c = o->key; *c; c++)
                groups += *c == '{';
        n = groups > SYSCTLD_BRACE_GROUPS_MAX ? SIZE_MAX : brace_count(o->key, SYSCTLD_BRACE_EXPANSIONS_MAX);
        if (n == 0)
                return -ENOMEM;
        if (n <= SYSCTLD_BRACE_EXPANSIONS_MAX && (st->patterns += n) <= SYSCTLD_PATTERNS_MAX)
                return 1;
        _cleanup_free_ char *k = swap_dots(o->key), *q = k ? escape_text(k, 60) : NULL;
        if (!q)
                return -ENOMEM;
        if (n <= SYSCTLD_BRACE_EXPANSIONS_MAX)
                return refuse(s, o->file, o->line,
                              "'%s' takes sysctl.d past %d glob patterns: the tree is refused (tcptune(8), BOUNDS)", q,
                              SYSCTLD_PATTERNS_MAX);
        if (o->dead)
                return 0;
        int r = diag(s, o->file, o->line, 0,
                     "'%s' has more than %d brace groups or expands to more than %d patterns: refused, it writes "
                     "nothing here (systemd-sysctl globs every one)",
                     q, SYSCTLD_BRACE_GROUPS_MAX, SYSCTLD_BRACE_EXPANSIONS_MAX);
        return r < 0 ? r : 0;
}

static int add_override(struct sysctld *s, const char *slash_key, const struct opt *o, bool written) {
        struct sysctld_override v = { .key = swap_dots(slash_key), .value = strdup(o->value),
                                      .file = strdup(s->files[o->file]), .line = o->line,
                                      .pattern = o->glob ? swap_dots(o->key) : NULL, .written = written };
        if (!v.key || !v.value || !v.file || (o->glob && !v.pattern) ||
            GROW(s->overrides, s->n_overrides, s->state->cap_overrides) < 0) {
                free(v.key), free(v.value), free(v.file), free(v.pattern);
                return -ENOMEM;
        }
        s->overrides[s->n_overrides++] = v;
        return 0;
}

/* The writes of one option, in order: a key, or a glob's matches that no
 * option names (those go to overrides when that option sets a value). */
static int writes_of(struct sysctld *s, const char *root, size_t i, struct write **w, size_t *n, size_t *cap) {
        struct sysctld_state *st = s->state;
        const struct opt *o = &st->opts[i];
        _cleanup_strv_free_ char **keys = NULL;
        int r;

        if (!o->glob) {
                char *k = NULL;
                if ((r = count_write(s, o)) < 0)
                        return r;
                if (!(k = strdup(o->key)) || GROW(*w, *n, *cap) < 0) {
                        free(k);
                        return -ENOMEM;
                }
                (*w)[(*n)++] = (struct write) { k, i };
                return 0;
        }
        /* A glob whose literal start rules out every wanted key is not
         * expanded at all (sysctld_set_glob_prefix()). */
        if (st->glob_prefix) {
                size_t lit = strcspn(o->key, "*?[{\\"), want = strlen(st->glob_prefix);
                if (strncmp(o->key, st->glob_prefix, lit < want ? lit : want) != 0)
                        return 0;
        }
        if ((r = check_braces(s, o)) <= 0)
                return r;
        if ((r = expand(root, o->key, &keys)) < 0)
                return r;
        for (char **k = keys; *k; k++) {
                size_t *named = map_get(&st->byname, *k);
                if (named) {
                        if (st->opts[*named].value && !o->dead &&
                            ((r = count_write(s, o)) < 0 || (r = add_override(s, *k, o, /* written= */ false)) < 0))
                                return r;
                        continue;
                }
                if (endswith(*k, "/")) {
                        _cleanup_free_ char *pat = swap_dots(o->key), *dir = swap_dots(*k);
                        if (!o->dead && !o->ignore_failure &&
                            (r = diag(s, o->file, o->line, 0, "'%s' matches %s, a directory: systemd-sysctl fails writing it",
                                      strempty(pat), strempty(dir))) < 0)
                                return r;
                        continue;
                }
                if ((r = count_write(s, o)) < 0)
                        return r;
                char *dup = strdup(*k); /* not TAKE_PTR(): a NULL would end keys[] early */
                if (!dup || GROW(*w, *n, *cap) < 0) {
                        free(dup);
                        return -ENOMEM;
                }
                (*w)[(*n)++] = (struct write) { dup, i };
        }
        return 0;
}

int sysctld_finish(struct sysctld *s, const char *root) {
        struct sysctld_state *st = s->state;
        struct write *w = NULL, *dw = NULL;
        size_t n = 0, cap = 0, dn = 0, dcap = 0, kept = 0;
        struct map last = {}, entry_of = {};
        int r = 0;

        if (s->refused)
                return -E2BIG;
        for (size_t i = 0; r >= 0 && i < st->n_opts; i++)
                if (st->opts[i].value)
                        r = st->opts[i].dead ? writes_of(s, root, i, &dw, &dn, &dcap)
                                             : writes_of(s, root, i, &w, &n, &cap);
        /* Only the last write of a key counts (overlapping globs). */
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = map_put(&last, w[i].key, i);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                const struct opt *o = &st->opts[w[i].opt];
                const size_t *at = map_get(&last, w[i].key);
                if (at && *at != i) {
                        if ((r = add_override(s, w[i].key, o, /* written= */ true)) >= 0)
                                s->overrides[s->n_overrides - 1].before = s->n_entries;
                        continue;
                }
                struct sysctld_entry e = { .key = swap_dots(w[i].key), .value = strdup(o->value),
                                           .file = strdup(s->files[o->file]), .line = o->line,
                                           .pattern = o->glob ? swap_dots(o->key) : NULL,
                                           .ignore_failure = o->ignore_failure };
                if (!e.key || !e.value || !e.file || (o->glob && !e.pattern) ||
                    GROW(s->entries, s->n_entries, st->cap_entries) < 0 ||
                    map_put(&entry_of, w[i].key, s->n_entries) < 0) {
                        free(e.key), free(e.value), free(e.file), free(e.pattern);
                        r = -ENOMEM;
                        break;
                }
                s->entries[s->n_entries++] = e;
        }
        /* Superseded assignments lose to the entry of their key, if any. */
        for (size_t i = 0; r >= 0 && i < dn; i++)
                r = add_override(s, dw[i].key, &st->opts[dw[i].opt], /* written= */ false);
        for (size_t i = 0; i < s->n_overrides; i++) {
                struct sysctld_override *v = &s->overrides[i];
                _cleanup_free_ char *k = swap_dots(v->key);
                size_t *at = k ? map_get(&entry_of, k) : NULL;
                if (!k)
                        r = -ENOMEM;
                if (at) {
                        v->winner = *at;
                        s->overrides[kept++] = *v;
                } else
                        free(v->key), free(v->value), free(v->file), free(v->pattern);
        }
        s->n_overrides = kept;
        for (size_t i = 0; i < n; i++)
                free(w[i].key);
        for (size_t i = 0; i < dn; i++)
                free(dw[i].key);
        free(w);
        free(dw);
        map_done(&last);
        map_done(&entry_of);
        return r;
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
                map_done(&s->state->byname);
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

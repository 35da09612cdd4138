/* SPDX-License-Identifier: MIT */
/* sysctl.d, second half: once every file is read, expand the globs
 * (rule 6 of sysctld.c), put the writes in systemd-sysctl's order, and
 * record which assignment overrides which. */
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>

#include "escape.h"
#include "root.h"
#include "sysctl.h"
#include "sysctld-internal.h"

/* Keys a glob matches under root's /proc/sys, sorted, slash form;
 * directories end in '/'. glob(3) with GLOB_BRACE, as systemd calls it. */
static int expand(const struct root *root, const char *pattern, char ***ret) {
        const char *prefix = root_prefix(root);
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
        _cleanup_free_ char *k = sysctl_key_to_subpath(o->key), *q = k ? escape_text(k, 60) : NULL;
        if (!q)
                return -ENOMEM;
        return sysctld_refuse_at(s, o->file, o->line, "'%s' takes sysctl.d past %d writes: the tree is refused (tcptune(8), BOUNDS)",
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
        _cleanup_free_ char *k = sysctl_key_to_subpath(o->key), *q = k ? escape_text(k, 60) : NULL;
        if (!q)
                return -ENOMEM;
        if (n <= SYSCTLD_BRACE_EXPANSIONS_MAX)
                return sysctld_refuse_at(s, o->file, o->line,
                              "'%s' takes sysctl.d past %d glob patterns: the tree is refused (tcptune(8), BOUNDS)", q,
                              SYSCTLD_PATTERNS_MAX);
        if (o->dead)
                return 0;
        int r = sysctld_diag_at(s, o->file, o->line, 0,
                     "'%s' has more than %d brace groups or expands to more than %d patterns: refused, it writes "
                     "nothing here (systemd-sysctl globs every one)",
                     q, SYSCTLD_BRACE_GROUPS_MAX, SYSCTLD_BRACE_EXPANSIONS_MAX);
        return r < 0 ? r : 0;
}

static int add_override(struct sysctld *s, const char *slash_key, const struct opt *o, bool written) {
        struct sysctld_override v = { .key = sysctl_key_to_subpath(slash_key), .value = strdup(o->value),
                                      .file = strdup(s->files[o->file]), .line = o->line,
                                      .pattern = o->glob ? sysctl_key_to_subpath(o->key) : NULL, .written = written };
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
static int writes_of(struct sysctld *s, const struct root *root, size_t i, struct write **w, size_t *n, size_t *cap) {
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
                size_t *named = strmap_get(&st->byname, *k);
                if (named) {
                        if (st->opts[*named].value && !o->dead &&
                            ((r = count_write(s, o)) < 0 || (r = add_override(s, *k, o, /* written= */ false)) < 0))
                                return r;
                        continue;
                }
                if (endswith(*k, "/")) {
                        _cleanup_free_ char *pat = sysctl_key_to_subpath(o->key), *dir = sysctl_key_to_subpath(*k);
                        if (!o->dead && !o->ignore_failure &&
                            (r = sysctld_diag_at(s, o->file, o->line, 0, "'%s' matches %s, a directory: systemd-sysctl fails writing it",
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

int sysctld_finish(struct sysctld *s, const struct root *root) {
        struct sysctld_state *st = s->state;
        struct write *w = NULL, *dw = NULL;
        size_t n = 0, cap = 0, dn = 0, dcap = 0, kept = 0;
        struct strmap last = {}, entry_of = {};
        int r = 0;

        if (s->refused)
                return -E2BIG;
        for (size_t i = 0; r >= 0 && i < st->n_opts; i++)
                if (st->opts[i].value)
                        r = st->opts[i].dead ? writes_of(s, root, i, &dw, &dn, &dcap)
                                             : writes_of(s, root, i, &w, &n, &cap);
        /* Only the last write of a key counts (overlapping globs). */
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = strmap_put(&last, w[i].key, i);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                const struct opt *o = &st->opts[w[i].opt];
                const size_t *at = strmap_get(&last, w[i].key);
                if (at && *at != i) {
                        if ((r = add_override(s, w[i].key, o, /* written= */ true)) >= 0)
                                s->overrides[s->n_overrides - 1].before = s->n_entries;
                        continue;
                }
                struct sysctld_entry e = { .key = sysctl_key_to_subpath(w[i].key), .value = strdup(o->value),
                                           .file = strdup(s->files[o->file]), .line = o->line,
                                           .pattern = o->glob ? sysctl_key_to_subpath(o->key) : NULL,
                                           .ignore_failure = o->ignore_failure };
                if (!e.key || !e.value || !e.file || (o->glob && !e.pattern) ||
                    GROW(s->entries, s->n_entries, st->cap_entries) < 0 ||
                    strmap_put(&entry_of, w[i].key, s->n_entries) < 0) {
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
                _cleanup_free_ char *k = sysctl_key_to_subpath(v->key);
                size_t *at = k ? strmap_get(&entry_of, k) : NULL;
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
        strmap_done(&last);
        strmap_done(&entry_of);
        return r;
}

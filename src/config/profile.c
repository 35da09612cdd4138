/* SPDX-License-Identifier: MIT */
/* Profiles: reading them safely, includes, [expect] checks; finding them
 * on the search path is profile-search.c.
 *
 *  1. A profile file is opened without following links out of the root
 *     (sysctld_open: the root is a chroot), must be a regular file (a FIFO
 *     would block, a device never end) and at most PROFILE_SIZE_MAX bytes:
 *     a 10 MB file is one error, not an allocation.
 *  2. include = NAME is looked up on the search path like a command-line
 *     name; a value with '/' is a path, relative to the including file's
 *     directory. Each file is identified by device and inode, so a loop is
 *     found whatever names or links lead back (a -> a, a -> b -> a).
 *  3. Parents first: a child's key replaces the parent's in place, with the
 *     child's file and line. [expect] is not inherited: each profile states
 *     its own promises, and a child that changes a key is checked on its own.
 *  4. Nothing here writes, prints or runs the model outside
 *     profile_check_expect(), which is pure. */
#include <stdio.h>
#include <sys/stat.h>

#include "fileio.h"
#include "model-input.h"
#include "profile-internal.h"
#include "profile.h"

struct loader {
        const struct root *root;
        unsigned hz;
        struct error *err;
        struct { dev_t dev; ino_t ino; const char *label; } chain[PROFILE_INCLUDE_MAX + 1];  /* borrowed labels */
        size_t depth;
        struct profile *p;
};

/* A profile file that cannot be opened, as profile_load() returns it:
 * missing, not ours to read, a link loop, or else not a profile file. */
static int open_errno(int r) {
        return r == -ENOENT || r == -EACCES || r == -ELOOP ? r : -EINVAL;
}

static const char *file_error(int r) {
        switch (r) {
        case -EISDIR: return "a directory, not a profile file";
        case -ENXIO: return "not a regular file (FIFO, device or socket)";
        case -ENODEV: return "a link to /dev/null, not a profile file";
        case -ELOOP: return "symbolic link loop";
        case -ENOENT: return "no such file";
        case -EFBIG: return "larger than 1 MiB: not a profile";
        default: return strerror(-r);
        }
}

/* Read a whole regular file of at most PROFILE_SIZE_MAX bytes. */
static int read_file(int fd, char **ret, size_t *ret_len, struct stat *ret_st) {
        if (fstat(fd, ret_st) < 0)
                return -errno;
        if (S_ISDIR(ret_st->st_mode))
                return -EISDIR;
        if (!S_ISREG(ret_st->st_mode))
                return -ENXIO;
        if (ret_st->st_size > PROFILE_SIZE_MAX)
                return -EFBIG;
        return read_full_fd(fd, PROFILE_SIZE_MAX, (size_t) ret_st->st_size, ret, ret_len);
}

static int merge(struct profile *p, const struct profile_file *f) {
        for (size_t i = 0; i < f->n_settings; i++) {
                const struct profile_setting *s = &f->settings[i];
                struct profile_setting *dst = NULL;
                for (size_t j = 0; j < p->n_settings; j++)
                        if (streq(p->settings[j].key, s->key))
                                dst = &p->settings[j];
                if (!dst) {
                        struct profile_setting *ns = reallocarray(p->settings, p->n_settings + 1, sizeof(*ns));
                        if (!ns)
                                return -ENOMEM;
                        p->settings = ns;
                        dst = &ns[p->n_settings++];
                        *dst = (struct profile_setting) {};
                        if (!(dst->key = strdup(s->key)))
                                return -ENOMEM;
                }
                free(dst->value);
                free(dst->file);
                dst->value = strdup(s->value);
                dst->file = strdup(s->file);
                dst->line = s->line;
                dst->optional = s->optional;
                if (!dst->value || !dst->file)
                        return -ENOMEM;
        }
        return 0;
}

/* from: the including line, NULL at the top. */
static int load_file(struct loader *l, const char *path, bool relocated, int fd, const char *label,
                     const struct include_site *from);

/* include = VALUE of the file at `path`, line `line`. */
static int load_include(struct loader *l, const char *path, bool relocated, const char *value, unsigned line) {
        const struct include_site from = { path, line, value };
        _cleanup_free_ char *target = NULL;
        bool rel = relocated;
        int fd;

        if (strchr(value, '/')) {
                if (*value == '/')
                        target = strdup(value);
                else {
                        const char *slash = strrchr(path, '/');
                        if (asprintf(&target, "%.*s/%s", slash ? (int) (slash - path) : 1, slash ? path : ".",
                                     value) < 0)
                                target = NULL;
                }
                if (!target)
                        return -ENOMEM;
                fd = profile_open_file(l->root, rel, target);
        } else {
                if (!profile_name_valid(value))
                        return error_set(l->err, -EINVAL, path, line,
                                         "include = %s: not a profile name ([A-Za-z0-9_.-], no leading dot)", value);
                int r = profile_find_name(l->root, value, &target, &rel, &fd);
                if (r == -ENOENT)
                        return profile_not_found(l->err, l->root, &from, value);
                if (r < 0)
                        return r;
                if (fd == -ENOENT)
                        return error_set(l->err, -ENOENT, path, line, "include = %s: %s: dangling symbolic link", value,
                                         target);
        }
        if (fd == -ENOMEM)
                return fd;
        if (fd < 0)
                return error_set(l->err, open_errno(fd), path, line, "include = %s: %s: %s",
                                 value, target, file_error(fd));
        return load_file(l, target, rel, fd, value, &from);
}

/* A file already on the include chain (by device and inode), or one too
 * deep: the error at the include = line, or 0. label: how the new file
 * was named; from: its include = line (at depth 0 nothing is on the
 * chain). */
static int check_chain(struct loader *l, const struct stat *st, const char *label, const struct include_site *from) {
        for (size_t i = 0; i < l->depth; i++)
                if (l->chain[i].dev == st->st_dev && l->chain[i].ino == st->st_ino) {
                        _cleanup_free_ char *chain = NULL;
                        size_t sz = 0;
                        FILE *m = open_memstream(&chain, &sz);
                        if (!m)
                                return -ENOMEM;
                        for (size_t j = i; j < l->depth; j++)
                                fprintf(m, "%s -> ", l->chain[j].label);
                        fputs(label, m);
                        if (fclose(m) != 0)
                                return -ENOMEM;
                        /* depth > 0: the chain is of included files. */
                        return error_set(l->err, -ELOOP, from->file, from->line, "include = %s: include loop: %s",
                                         from->value, chain);
                }
        if (l->depth >= PROFILE_INCLUDE_MAX)
                return error_set(l->err, -EINVAL, from->file, from->line, "include = %s: includes nested deeper than %d",
                                 from->value, PROFILE_INCLUDE_MAX);
        return 0;
}

/* A file read, its parents merged: an included file joins includes[],
 * after its own parents; the top one gives the profile its description,
 * file and [expect]. Then its settings replace its parents'. */
static int adopt_file(struct profile *p, bool included, const char *path, struct profile_file *f) {
        if (included) {
                size_t n = 0;
                while (p->includes && p->includes[n])
                        n++;
                char **ni = reallocarray(p->includes, n + 2, sizeof(char *));
                if (!ni)
                        return -ENOMEM;
                p->includes = ni;
                ni[n + 1] = NULL;
                if (!(ni[n] = strdup(path)))
                        return -ENOMEM;
        } else {
                p->description = TAKE_PTR(f->description);
                if (!(p->file = strdup(path)))
                        return -ENOMEM;
                p->expects = TAKE_PTR(f->expects);
                p->n_expects = f->n_expects;
                f->n_expects = 0;
                p->expect_rtt_us = f->rtt_us;
        }
        return merge(p, f);
}

static int load_file(struct loader *l, const char *path, bool relocated, int fd, const char *label,
                     const struct include_site *from) {
        _cleanup_close_ int cfd = fd;
        _cleanup_free_ char *buf = NULL;
        _cleanup_(profile_file_done) struct profile_file f = {};
        struct stat st;
        size_t len = 0;
        int r;

        r = read_file(cfd, &buf, &len, &st);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return error_set(l->err, r == -EACCES || r == -EIO ? r : -EINVAL, path, 0, "%s", file_error(r));
        if ((r = check_chain(l, &st, label, from)) < 0)
                return r;
        r = profile_parse_buffer(path, buf, len, l->hz, &f, l->err);
        if (r < 0)
                return r;
        l->chain[l->depth].dev = st.st_dev;
        l->chain[l->depth].ino = st.st_ino;
        l->chain[l->depth].label = label;
        l->depth++;
        if (f.include) {
                r = load_include(l, path, relocated, f.include, f.include_line);
                if (r < 0)
                        return r;
        }
        l->depth--;
        return adopt_file(l->p, /* included= */ l->depth > 0, path, &f);
}

int profile_load(const struct root *root, const char *name, unsigned hz, struct profile **ret, struct error *err) {
        _cleanup_(profile_freep) struct profile *p = calloc(1, sizeof(*p));
        struct loader l = { .root = root, .hz = hz, .err = err, .p = p };
        _cleanup_free_ char *path = NULL, *base = NULL;
        bool relocated = false;
        int fd, r;

        if (!p)
                return -ENOMEM;
        if (strchr(name, '/')) {
                const char *b = strrchr(name, '/') + 1;
                size_t n = strlen(b);
                base = strndup(b, endswith(b, ".ini") ? n - 4 : n);
                path = strdup(name);
                if (!base || !path)
                        return -ENOMEM;
                /* A path on the command line: the caller's, not relocated. */
                fd = profile_open_file(NULL, false, path);
                if (fd < 0 && fd != -ENOMEM)
                        return error_set(err, open_errno(fd), path, 0, "%s", file_error(fd));
        } else {
                if (!profile_name_valid(name))
                        return error_set(err, -EINVAL, NULL, 0,
                                         "profile '%s': not a profile name ([A-Za-z0-9_.-], no leading dot)", name);
                if (!(base = strdup(name)))
                        return -ENOMEM;
                r = profile_find_name(root, name, &path, &relocated, &fd);
                if (r == -ENOENT)
                        return profile_not_found(err, root, NULL, name);
                if (r < 0)
                        return r;
                if (fd < 0 && fd != -ENOMEM)
                        return error_set(err, open_errno(fd), path, 0, "%s",
                                         fd == -ENOENT ? "dangling symbolic link" : file_error(fd));
        }
        if (fd < 0)
                return fd;
        r = load_file(&l, path, relocated, fd, base, NULL);
        if (r < 0)
                return r;
        p->name = TAKE_PTR(base);
        *ret = TAKE_PTR(p);
        return 0;
}

void profile_free(struct profile *p) {
        if (!p)
                return;
        free(p->name);
        free(p->description);
        free(p->file);
        strv_free(p->includes);
        profile_settings_free(p->settings, p->n_settings);
        profile_expects_free(p->expects, p->n_expects);
        free(p);
}

const struct profile_setting *profile_find(const struct profile *p, const char *canonical_key) {
        for (size_t i = 0; i < p->n_settings; i++)
                if (streq(p->settings[i].key, canonical_key))
                        return &p->settings[i];
        return NULL;
}


int profile_apply_input(const struct profile *p, const struct model_input *base, struct model_input *ret_input) {
        struct model_input in = *base;
        for (size_t i = 0; i < p->n_settings; i++) {
                int r = model_input_set(&in, p->settings[i].key, p->settings[i].value);
                if (r < 0 && r != -ENOENT)
                        return -EINVAL;
        }
        if (p->expect_rtt_us)
                in.srtt_us = p->expect_rtt_us;
        if (ret_input)
                *ret_input = in;
        return 0;
}

int profile_check_expect(const struct profile *p, const struct model_input *base, struct profile_expect_result **ret,
                         size_t *ret_n) {
        struct model_input in;
        int r = profile_apply_input(p, base, &in);
        if (r < 0)
                return r;
        _cleanup_free_ struct profile_expect_result *res = calloc(p->n_expects ? p->n_expects : 1, sizeof(*res));
        _cleanup_free_ struct model_result *m = malloc(sizeof(*m));
        if (!res || !m)
                return -ENOMEM;
        for (size_t i = 0; i < p->n_expects; i++) {
                const struct profile_expect *e = &p->expects[i];
                if ((r = model_run(&in, e->scenario, m)) < 0)
                        return r;
                res[i] = (struct profile_expect_result) {
                        .expect = e, .never = m->never, .detect_us = m->detect_us,
                        .detect_min_us = m->detect_min_us, .detect_max_us = m->detect_max_us,
                };
                res[i].holds = e->bound == PROFILE_BOUND_MAX ? !m->never && m->detect_max_us <= e->limit_us
                                                             : m->never || m->detect_min_us >= e->limit_us;
        }
        *ret = TAKE_PTR(res);
        *ret_n = p->n_expects;
        return 0;
}

const char *profile_expect_key(const struct profile_expect *e, char *buf, size_t size) {
        snprintf(buf, size, "%s_%s", scenario_to_string(e->scenario), e->bound == PROFILE_BOUND_MAX ? "max" : "min");
        return buf;
}

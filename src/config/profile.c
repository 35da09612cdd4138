/* SPDX-License-Identifier: MIT */
/* Profiles: finding them, reading them safely, includes, [expect] checks.
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
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "fileio.h"
#include "model-input.h"
#include "profile.h"
#include "root.h"
#include "suggest.h"
#include "sysctld.h"

#ifndef TCPTUNE_PROFILES_DIR
#define TCPTUNE_PROFILES_DIR "/usr/share/tcptune/profiles"
#endif
#define PROFILES_ETC_DIR "/etc/tcptune/profiles.d"

/* A search directory and whether it lies under --root. */
struct dir {
        const char *path;
        bool relocated;
};

static size_t search_dirs(struct dir dirs[2]) {
        const char *env = getenv("TCPTUNE_PROFILES_DIR");
        dirs[0] = env && *env ? (struct dir) { env, false } : (struct dir) { TCPTUNE_PROFILES_DIR, true };
        dirs[1] = (struct dir) { PROFILES_ETC_DIR, true };
        return 2;
}

char **profile_dirs(void) {
        struct dir d[2];
        size_t n = search_dirs(d);
        char **l = calloc(n + 1, sizeof(char *));
        for (size_t i = 0; l && i < n; i++)
                if (!(l[i] = strdup(d[i].path))) {
                        strv_free(l);
                        return NULL;
                }
        return l;
}

bool profile_name_valid(const char *name) {
        if (!*name || *name == '.' || strlen(name) > 200)
                return false;
        for (const char *c = name; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                      strchr("_.-", *c)))
                        return false;
        return true;
}

struct loader {
        const struct root *root;
        unsigned hz;
        struct error *err;
        struct { dev_t dev; ino_t ino; const char *label; } chain[PROFILE_INCLUDE_MAX + 1];  /* borrowed labels */
        size_t depth;
        struct profile *p;
};

/* The include = line that led to a file: what its errors are told at. */
struct include_site {
        const char *file;
        unsigned line;
        const char *value;
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

/* Open a file of the search path or an include: relocated under root or not. */
static int open_file(const struct root *root, bool relocated, const char *path) {
        if (relocated)
                return sysctld_open(root, path);
        /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        return fd < 0 ? -errno : fd;
}

/* A search directory, flags O_PATH or O_RDONLY: beneath the root when
 * relocated, its links resolved inside the tree as sysctld_open() resolves
 * the files in it. Returns the fd or a negative errno. */
static int open_dir(const struct root *root, const struct dir *d, int flags) {
        if (d->relocated)
                return root_open_at(root, d->path, flags | O_DIRECTORY, 0, ROOT_IN_ROOT);
        int fd = open(d->path, flags | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

/* The entries of a search directory, or NULL with errno set. */
static DIR *open_listing(const struct root *root, const struct dir *d) {
        int fd = open_dir(root, d, O_RDONLY);
        DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
        if (fd < 0)
                errno = -fd;
        else if (!dir)
                closep(&fd);
        return dir;
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

/* Where NAME lives: the last search directory that has NAME.ini (whatever
 * it is: a directory there is an error, not a reason to look further). */
static int find_name(const struct root *root, const char *name, char **ret_path, bool *ret_relocated, int *ret_fd) {
        struct dir dirs[2];
        size_t n = search_dirs(dirs);
        for (size_t i = n; i-- > 0;) {
                _cleanup_free_ char *path = NULL;
                if (asprintf(&path, "%s/%s.ini", dirs[i].path, name) < 0)
                        return -ENOMEM;
                int fd = open_file(root, dirs[i].relocated, path);
                if (fd == -ENOENT) {
                        /* A dangling link is something, not nothing. */
                        struct stat st;
                        _cleanup_close_ int dfd = open_dir(root, &dirs[i], O_PATH);
                        if (dfd < 0 || fstatat(dfd, strrchr(path, '/') + 1, &st, AT_SYMLINK_NOFOLLOW) < 0)
                                continue;
                }
                *ret_path = TAKE_PTR(path);
                *ret_relocated = dirs[i].relocated;
                *ret_fd = fd;
                return 0;
        }
        return -ENOENT;
}

/* The profile name on the search path nearest to name, or NULL: only
 * file names, nothing loaded (a broken include must not recurse here). */
static char *nearest_name(const struct root *root, const char *name) {
        struct dir dirs[2];
        size_t nd = search_dirs(dirs);
        char *best = NULL;
        unsigned best_d = SUGGEST_FAR;
        for (size_t i = 0; i < nd; i++) {
                DIR *d = open_listing(root, &dirs[i]);
                for (struct dirent *de; d && (de = readdir(d));) {
                        _cleanup_free_ char *cand = endswith(de->d_name, ".ini") && strlen(de->d_name) > 4
                                                            ? strndup(de->d_name, strlen(de->d_name) - 4)
                                                            : NULL;
                        struct suggest sg;
                        suggest_init(&sg, name);
                        suggest_add(&sg, cand);
                        if (cand && suggest_result(&sg) && sg.best_distance < best_d) {
                                free(best);
                                best = TAKE_PTR(cand);
                                best_d = sg.best_distance;
                        }
                }
                if (d)
                        closedir(d);
        }
        return best;
}

/* NAME is on no search directory; from: the include = line, or NULL for
 * the name the user gave. */
static int not_found(struct error *err, const struct root *root, const struct include_site *from, const char *name) {
        struct dir dirs[2];
        search_dirs(dirs);
        _cleanup_free_ char *near = nearest_name(root, name), *hint = NULL;
        int k = near ? asprintf(&hint, "did you mean '%s'?", near) : asprintf(&hint, "tcptune profile list shows them");
        if (k < 0) {
                hint = NULL; /* undefined after a failed asprintf() */
                return -ENOMEM;
        }
        if (from)
                return error_set(err, -ENOENT, from->file, from->line, "include = %s: no profile '%s' in %s or %s (%s)",
                                 from->value, name, dirs[0].path, dirs[1].path, hint);
        return error_set(err, -ENOENT, NULL, 0, "no profile '%s' in %s or %s (%s)", name, dirs[0].path, dirs[1].path,
                         hint);
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
                fd = open_file(l->root, rel, target);
        } else {
                if (!profile_name_valid(value))
                        return error_set(l->err, -EINVAL, path, line,
                                         "include = %s: not a profile name ([A-Za-z0-9_.-], no leading dot)", value);
                int r = find_name(l->root, value, &target, &rel, &fd);
                if (r == -ENOENT)
                        return not_found(l->err, l->root, &from, value);
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
        for (size_t i = 0; i < l->depth; i++)
                if (l->chain[i].dev == st.st_dev && l->chain[i].ino == st.st_ino) {
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
        struct profile *p = l->p;
        if (l->depth > 0) {
                /* A parent: its file joins includes[], after its own parents. */
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
                p->description = TAKE_PTR(f.description);
                if (!(p->file = strdup(path)))
                        return -ENOMEM;
                p->expects = TAKE_PTR(f.expects);
                p->n_expects = f.n_expects;
                f.n_expects = 0;
                p->expect_rtt_us = f.rtt_us;
        }
        return merge(p, &f);
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
                fd = open_file(NULL, false, path);
                if (fd < 0 && fd != -ENOMEM)
                        return error_set(err, open_errno(fd), path, 0, "%s", file_error(fd));
        } else {
                if (!profile_name_valid(name))
                        return error_set(err, -EINVAL, NULL, 0,
                                         "profile '%s': not a profile name ([A-Za-z0-9_.-], no leading dot)", name);
                if (!(base = strdup(name)))
                        return -ENOMEM;
                r = find_name(root, name, &path, &relocated, &fd);
                if (r == -ENOENT)
                        return not_found(err, root, NULL, name);
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

static int cmp_entry(const void *a, const void *b) {
        return strcmp(((const struct profile_entry *) a)->name, ((const struct profile_entry *) b)->name);
}

int profile_list(const struct root *root, struct profile_entry **ret, size_t *ret_n) {
        struct dir dirs[2];
        size_t nd = search_dirs(dirs), n = 0, opened = 0;
        struct profile_entry *e = NULL;
        int dir_error = -ENOENT;

        for (size_t i = 0; i < nd; i++) {
                DIR *d = open_listing(root, &dirs[i]);
                if (!d) {
                        /* Absent is the usual case for one of them; anything else says more. */
                        if (errno != ENOENT)
                                dir_error = -errno;
                        continue;
                }
                opened++;
                for (struct dirent *de; (de = readdir(d));) {
                        size_t len = strlen(de->d_name);
                        if (!endswith(de->d_name, ".ini") || len <= 4)
                                continue;
                        _cleanup_free_ char *name = strndup(de->d_name, len - 4);
                        if (!name) {
                                closedir(d);
                                goto oom;
                        }
                        if (!profile_name_valid(name))
                                continue;
                        bool seen = false;
                        for (size_t j = 0; j < n; j++)
                                seen = seen || streq(e[j].name, name);
                        if (seen)
                                continue;
                        struct profile_entry *ne = reallocarray(e, n + 1, sizeof(*ne));
                        if (!ne) {
                                closedir(d);
                                goto oom;
                        }
                        e = ne;
                        e[n++] = (struct profile_entry) { .name = TAKE_PTR(name) };
                }
                closedir(d);
        }
        /* Not one directory: tcptune is not installed (or not readable)
         * here, which an empty list would hide. */
        if (opened == 0)
                return dir_error;
        qsort(e, n, sizeof(*e), cmp_entry);
        for (size_t i = 0; i < n; i++) {
                _cleanup_(profile_freep) struct profile *p = NULL;
                int r = profile_load(root, e[i].name, 0, &p, &e[i].error);
                if (r == -ENOMEM)
                        goto oom;
                if (r < 0 && !error_is_set(&e[i].error))
                        (void) error_set(&e[i].error, r, NULL, 0, "%s: %s", e[i].name, strerror(-r));
                if (p) {
                        e[i].description = TAKE_PTR(p->description);
                        e[i].file = TAKE_PTR(p->file);
                } else {
                        char *path = NULL;
                        bool rel;
                        int fd = -1;
                        if (find_name(root, e[i].name, &path, &rel, &fd) == 0 && fd >= 0)
                                close(fd);
                        e[i].file = path;
                }
        }
        *ret = e;
        *ret_n = n;
        return 0;
oom:
        profile_entries_free(e, n);
        return -ENOMEM;
}

void profile_entries_free(struct profile_entry *e, size_t n) {
        for (size_t i = 0; e && i < n; i++) {
                free(e[i].name);
                free(e[i].description);
                free(e[i].file);
                error_done(&e[i].error);
        }
        free(e);
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

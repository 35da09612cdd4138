/* SPDX-License-Identifier: MIT */
/* The profile search path: the shipped directory (TCPTUNE_PROFILES_DIR
 * overrides it) then /etc/tcptune/profiles.d, the later winning a name.
 * Both lie beneath --root; their links resolve inside the tree, as
 * sysctld_open() resolves the files in them. Finding one name, the
 * nearest name for "did you mean", and the listing (profile_list()). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "profile-internal.h"
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

int profile_open_file(const struct root *root, bool relocated, const char *path) {
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

int profile_find_name(const struct root *root, const char *name, char **ret_path, bool *ret_relocated, int *ret_fd) {
        struct dir dirs[2];
        size_t n = search_dirs(dirs);
        for (size_t i = n; i-- > 0;) {
                _cleanup_free_ char *path = NULL;
                if (asprintf(&path, "%s/%s.ini", dirs[i].path, name) < 0)
                        return -ENOMEM;
                int fd = profile_open_file(root, dirs[i].relocated, path);
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

int profile_not_found(struct error *err, const struct root *root, const struct include_site *from, const char *name) {
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

static int cmp_entry(const void *a, const void *b) {
        return strcmp(((const struct profile_entry *) a)->name, ((const struct profile_entry *) b)->name);
}

/* Add the profile names of one directory to e[n] that are not there yet
 * (an earlier directory's name stays first). Returns 0 or -ENOMEM. */
static int list_dir(DIR *d, struct profile_entry **e, size_t *n) {
        for (struct dirent *de; (de = readdir(d));) {
                size_t len = strlen(de->d_name);
                if (!endswith(de->d_name, ".ini") || len <= 4)
                        continue;
                _cleanup_free_ char *name = strndup(de->d_name, len - 4);
                if (!name)
                        return -ENOMEM;
                if (!profile_name_valid(name))
                        continue;
                bool seen = false;
                for (size_t j = 0; j < *n; j++)
                        seen = seen || streq((*e)[j].name, name);
                if (seen)
                        continue;
                struct profile_entry *ne = reallocarray(*e, *n + 1, sizeof(*ne));
                if (!ne)
                        return -ENOMEM;
                *e = ne;
                (*e)[(*n)++] = (struct profile_entry) { .name = TAKE_PTR(name) };
        }
        return 0;
}

/* Load the entry's profile for its description and file, or its error
 * (and the file that won the name, if any). Returns 0 or -ENOMEM. */
static int describe_entry(const struct root *root, struct profile_entry *e) {
        _cleanup_(profile_freep) struct profile *p = NULL;
        int r = profile_load(root, e->name, 0, &p, &e->error);
        if (r == -ENOMEM)
                return r;
        if (r < 0 && !error_is_set(&e->error))
                (void) error_set(&e->error, r, NULL, 0, "%s: %s", e->name, strerror(-r));
        if (p) {
                e->description = TAKE_PTR(p->description);
                e->file = TAKE_PTR(p->file);
        } else {
                char *path = NULL;
                bool rel;
                int fd = -1;
                if (profile_find_name(root, e->name, &path, &rel, &fd) == 0 && fd >= 0)
                        close(fd);
                e->file = path;
        }
        return 0;
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
                int r = list_dir(d, &e, &n);
                closedir(d);
                if (r < 0)
                        goto oom;
        }
        /* Not one directory: tcptune is not installed (or not readable)
         * here, which an empty list would hide. */
        if (opened == 0)
                return dir_error;
        qsort(e, n, sizeof(*e), cmp_entry);
        for (size_t i = 0; i < n; i++)
                if (describe_entry(root, &e[i]) < 0)
                        goto oom;
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

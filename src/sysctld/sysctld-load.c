/* SPDX-License-Identifier: MIT */
/* sysctl.d: finding the drop-ins under a root, as systemd-sysctl 252 does
 * (conf_files_list with "sysctl.d" paths), and reading them.
 *
 *  1. Directories, earlier first: /etc, /run, /usr/local/lib, /usr/lib and
 *     /lib + /sysctl.d. A symlinked directory is resolved and its files are
 *     named by the resolved path; a directory reached twice (/lib -> usr/lib)
 *     counts once, at its first place.
 *  2. Only names ending in ".conf" and not starting with '.'. One file per
 *     name: the earliest directory wins whatever it holds; a /dev/null link,
 *     an empty file, a dangling link, even a directory or a link loop masks
 *     the later ones. All names are sorted together, bytewise.
 *  3. /etc/sysctl.conf is read only through a link such as Debian's
 *     /etc/sysctl.d/99-sysctl.conf, so it sorts under that name.
 *
 * Paths are followed inside the root as a chroot would (absolute link
 * targets start at the root, ".." stops there), and nothing is written, so
 * --root /proc/PID/root reads a container's files safely. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "root.h"
#include "sysctld.h"

static int reopen(int fd, int flags) {
        char p[64];
        snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
        int r = open(p, flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        return r < 0 ? -errno : r;
}

static char *readlink_fd(int fd) {
        for (size_t sz = 256;; sz *= 2) {
                char *b = malloc(sz);
                if (!b)
                        return NULL;
                ssize_t n = readlinkat(fd, "", b, sz);
                if (n >= 0 && (size_t) n < sz) {
                        b[n] = '\0';
                        return b;
                }
                free(b);
                if (n < 0 || sz > PATH_MAX)
                        return NULL;
        }
}

/* Where a chase stands: the path resolved so far ("" at the root, else
 * "/a/b") and its O_PATH fd, the rest still to walk, links followed. */
struct walk {
        int root_fd;          /* borrowed */
        char *todo, *done;
        int fd;
        unsigned links;
};

static void walk_done(struct walk *w) {
        free(w->todo);
        free(w->done);
        closep(&w->fd);
}

/* Make fd the directory `dir`, relative to the root. */
static int walk_reopen(struct walk *w, const char *dir) {
        closep(&w->fd);
        if ((w->fd = openat(w->root_fd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                return -errno;
        return 0;
}

/* "..": one component back, never above the root. */
static int walk_up(struct walk *w) {
        char *slash = strrchr(w->done, '/');
        if (slash)
                *slash = '\0';
        return walk_reopen(w, *w->done ? w->done + 1 : ".");
}

/* /dev/null by name: the last component under /dev, or "dev" at the root
 * with "null" (and slashes) all that is left in rest. */
static bool names_dev_null(const char *done, const char *name, const char *rest, bool last) {
        return (last && streq(done, "/dev") && streq(name, "null")) ||
               (!*done && streq(name, "dev") && strspn(rest, "/") == 0 && startswith(rest, "null") &&
                !rest[4 + strspn(rest + 4, "/")]);
}

/* child is a link: its target, then *rest, become the path to walk (*rest
 * points at it); an absolute target starts again at the root. */
static int walk_link(struct walk *w, int child, char **rest) {
        _cleanup_free_ char *target = readlink_fd(child);
        char *t = NULL;

        if (++w->links > 40) /* the kernel's limit, and systemd's */
                return -ELOOP;
        if (!target || asprintf(&t, "%s/%s", target, *rest) < 0)
                return -ENOMEM;
        free(w->todo);
        *rest = w->todo = t;
        if (*target == '/') {
                *w->done = '\0';
                return walk_reopen(w, ".");
        }
        return 0;
}

/* Step into child, named name. */
static int walk_into(struct walk *w, const char *name, int *child) {
        char *d = NULL;
        if (asprintf(&d, "%s/%s", w->done, name) < 0)
                return -ENOMEM;
        free(w->done);
        w->done = d;
        closep(&w->fd);
        w->fd = TAKE_FD(*child);
        return 0;
}

/* Resolve host path `path` under root_fd (the root's, borrowed: main.c
 * opened it once). Returns an O_PATH fd and the resolved host path, or
 * -errno. /dev/null is recognised by name (a fixture root need not have
 * it) and returns -ENODEV with the path set. *ret_links counts the links
 * followed: ENOENT after one means a dangling link. */
static int chase(int root_fd, const char *path, char **ret_path, unsigned *ret_links) {
        _cleanup_(walk_done) struct walk w = { .root_fd = root_fd, .todo = strdup(path), .done = strdup(""), .fd = -EBADF };
        int r;

        *ret_links = 0;
        if (!w.todo || !w.done)
                return -ENOMEM;
        if ((r = walk_reopen(&w, ".")) < 0)
                return r;
        for (char *p = w.todo;;) {
                p += strspn(p, "/");
                if (!*p)
                        break;
                char *name = p;
                p += strcspn(p, "/");
                bool last = !p[strspn(p, "/")];
                if (*p)
                        *p++ = '\0';
                if (streq(name, "."))
                        continue;
                if (streq(name, "..")) {
                        if ((r = walk_up(&w)) < 0)
                                return r;
                        continue;
                }
                if (names_dev_null(w.done, name, p, last)) {
                        if (!(*ret_path = strdup("/dev/null")))
                                return -ENOMEM;
                        *ret_links = w.links;
                        return -ENODEV;
                }
                _cleanup_close_ int child = openat(w.fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                struct stat st;
                *ret_links = w.links;
                if (child < 0 || fstat(child, &st) < 0)
                        return -errno;
                if (S_ISLNK(st.st_mode))
                        r = walk_link(&w, child, &p);
                else if (!last && !S_ISDIR(st.st_mode))
                        r = -ENOTDIR;
                else
                        r = walk_into(&w, name, &child);
                if (r < 0)
                        return r;
        }
        if (!*w.done) {
                /* The root itself: done may be a path cut back to "" by
                 * ".." or an absolute link, and is ours to free. */
                free(w.done);
                if (!(w.done = strdup("/")))
                        return -ENOMEM;
        }
        *ret_path = TAKE_PTR(w.done);
        *ret_links = w.links;
        return TAKE_FD(w.fd);
}

/* Open path for reading: -ENODEV for /dev/null, -EISDIR, -ENXIO for
 * anything else that is not a regular file (a FIFO would block). */
static int open_in(int root_fd, const char *path, char **ret_resolved, unsigned *ret_links) {
        _cleanup_close_ int fd = chase(root_fd, path, ret_resolved, ret_links);
        struct stat st;

        if (fd < 0)
                return fd;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode))
                return -ENXIO;
        return reopen(fd, O_RDONLY);
}

int sysctld_open(const struct root *root, const char *file) {
        _cleanup_free_ char *resolved = NULL;
        unsigned links;
        return open_in(root->fd, file, &resolved, &links);
}

struct found {
        char *name, *path;
        size_t seq; /* directory order, then readdir order */
        int dir_fd; /* O_PATH fd of its (resolved) directory, owned by the caller */
};

static int cmp_found(const void *a, const void *b) {
        const struct found *x = a, *y = b;
        int c = strcmp(x->name, y->name);
        return c ? c : x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const char *const dirs[] = {
        "/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d",
};

/* Add every *.conf of dir (resolved path, open O_PATH fd) to *f. */
static int list_dir(struct sysctld *s, const char *dir, int pfd, struct found **f, size_t *n, size_t *cap) {
        int dfd = reopen(pfd, O_RDONLY | O_DIRECTORY), r = 0;
        DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;

        if (!d) {
                int e = dfd < 0 ? dfd : -errno;
                if (dfd >= 0)
                        close(dfd);
                return sysctld_add_diag(s, dir, 0, e, "cannot read the directory: %s", strerror(-e));
        }
        for (struct dirent *de; (de = readdir(d));) {
                if (de->d_name[0] == '.' || !endswith(de->d_name, ".conf"))
                        continue;
                if (*n >= SYSCTLD_FILES_MAX) {
                        _cleanup_free_ char *path = NULL;
                        r = asprintf(&path, "%s%s%s", dir, streq(dir, "/") ? "" : "/", de->d_name) < 0
                                    ? -ENOMEM
                                    : sysctld_refuse(s, path, 0, "past %d drop-ins in sysctl.d: the tree is refused (tcptune(8), BOUNDS)",
                                                     SYSCTLD_FILES_MAX);
                        break;
                }
                if (*n >= *cap) {
                        size_t c = *cap ? *cap * 2 : 64;
                        struct found *nf = reallocarray(*f, c, sizeof(**f));
                        if (!nf) {
                                r = -ENOMEM;
                                break;
                        }
                        *f = nf;
                        *cap = c;
                }
                struct found x = { .seq = *n, .dir_fd = pfd };
                if (asprintf(&x.path, "%s%s%s", dir, streq(dir, "/") ? "" : "/", de->d_name) < 0 ||
                    !(x.name = strdup(de->d_name))) {
                        free(x.path);
                        r = -ENOMEM;
                        break;
                }
                (*f)[(*n)++] = x;
        }
        closedir(d);
        return r;
}

/* dir_fds[] keeps the directories open (O_PATH) for the reads. */
static int list_files(struct sysctld *s, int root_fd, int dir_fds[], struct found **ret, size_t *ret_n) {
        struct found *f = NULL;
        size_t n = 0, cap = 0;
        char *seen[ELEMENTSOF(dirs)] = {};
        int r = 0;

        for (size_t i = 0; i < ELEMENTSOF(dirs) && r >= 0; i++) {
                unsigned links;
                int pfd = chase(root_fd, dirs[i], &seen[i], &links);
                if (pfd == -ENODEV)
                        pfd = -ENOTDIR;
                if (pfd == -ENOMEM)
                        r = pfd;
                else if (pfd == -ENOTDIR || pfd == -ELOOP)
                        /* systemd skips these quietly; they are worth a line. */
                        r = sysctld_add_diag(s, dirs[i], 0, 0, "%s: systemd-sysctl skips it", strerror(-pfd));
                else if (pfd < 0 && pfd != -ENOENT)
                        r = sysctld_add_diag(s, dirs[i], 0, pfd, "%s", strerror(-pfd));
                if (pfd < 0)
                        continue;
                dir_fds[i] = pfd;
                bool dup = false;
                for (size_t j = 0; j < i; j++)
                        dup = dup || (seen[j] && streq(seen[j], seen[i]));
                if (!dup)
                        r = list_dir(s, seen[i], pfd, &f, &n, &cap);
        }
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
                free(seen[i]);
        if (r < 0) {
                for (size_t i = 0; i < n; i++)
                        free(f[i].name), free(f[i].path);
                free(f);
                return r;
        }
        if (n > 0)
                qsort(f, n, sizeof(*f), cmp_found);
        *ret = f;
        *ret_n = n;
        return 0;
}

/* The common case without a chase: a regular file (not a link) in its
 * directory. Returns an fd, or -EAGAIN to chase it from the root. */
static int open_plain(const struct found *f) {
        struct stat st;
        if (fstatat(f->dir_fd, f->name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
                return -EAGAIN;
        _cleanup_close_ int fd = -1;
        /* openat() on an O_PATH directory works; O_NOFOLLOW|O_NONBLOCK keep
         * a file swapped for a link or a FIFO meanwhile from fooling us. */
        fd = openat(f->dir_fd, f->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                return -EAGAIN;
        return TAKE_FD(fd);
}

static int load_one(struct sysctld *s, int root_fd, const struct found *f, bool *saw_sysctl_conf) {
        _cleanup_free_ char *resolved = NULL;
        const char *path = f->path;
        unsigned links = 0;
        int fd = open_plain(f), r = 0;

        if (fd == -EAGAIN)
                fd = open_in(root_fd, path, &resolved, &links);
        *saw_sysctl_conf = *saw_sysctl_conf || streq_ptr(resolved, "/etc/sysctl.conf");
        switch (fd) {
        case -ENOMEM:
                return fd;
        case -ENODEV: /* /dev/null: a mask */
                break;
        case -ENOENT:
                r = sysctld_add_diag(s, path, 0, 0,
                                     links ? "dangling symbolic link: masks later files of this name"
                                           : "vanished while being read");
                break;
        case -ELOOP:
                r = sysctld_add_diag(s, path, 0, 0, "symbolic link loop: systemd-sysctl fails to open it");
                break;
        case -EISDIR:
                r = sysctld_add_diag(s, path, 0, 0, "a directory: systemd-sysctl fails to read it");
                break;
        case -ENXIO:
                r = sysctld_add_diag(s, path, 0, 0, "not a regular file: not read");
                break;
        default:
                if (fd < 0)
                        r = sysctld_add_diag(s, path, 0, fd, "%s", strerror(-fd));
        }
        if (r >= 0)
                r = sysctld_parse_fd(s, path, fd);
        if (fd >= 0)
                close(fd);
        return r;
}

static int any_setting(char *line, unsigned lineno, void *userdata) {
        line += strspn(line, " \t");
        if (*line && *line != '#' && *line != ';')
                *(bool *) userdata = true;
        return 0;
}

/* Settings in /etc/sysctl.conf that no link brings in are not applied:
 * worth a line, since procps' sysctl --system would read them. */
static int check_sysctl_conf(struct sysctld *s, int root_fd) {
        _cleanup_free_ char *resolved = NULL;
        unsigned links;
        bool any = false;
        int fd = open_in(root_fd, "/etc/sysctl.conf", &resolved, &links);

        if (fd < 0)
                return fd == -ENOMEM ? fd : 0;
        int r = sysctld_read_lines(fd, any_setting, &any, NULL);
        close(fd);
        if (r == -ENOMEM)
                return r;
        if (!any)
                return 0;
        return sysctld_add_diag(s, "/etc/sysctl.conf", 0, 0,
                                "not applied at boot: systemd-sysctl reads it only through a link in "
                                "/etc/sysctl.d (Debian's 99-sysctl.conf), and there is none");
}

int sysctld_load(const struct root *root, struct sysctld **ret) {
        return sysctld_load_prefix(root, NULL, ret);
}

int sysctld_load_prefix(const struct root *root, const char *glob_prefix, struct sysctld **ret) {
        _cleanup_(sysctld_freep) struct sysctld *s = sysctld_new();
        int root_fd = root->fd, dir_fds[ELEMENTSOF(dirs)] = { -1, -1, -1, -1, -1 };
        struct found *f = NULL;
        size_t n = 0;
        bool saw = false;
        int r;

        if (!s || sysctld_set_glob_prefix(s, glob_prefix) < 0)
                return -ENOMEM;
        r = list_files(s, root_fd, dir_fds, &f, &n);
        for (size_t i = 0; r >= 0 && i < n; i++)
                /* A name already seen in an earlier directory: that one wins. */
                r = i > 0 && streq(f[i].name, f[i - 1].name) ? sysctld_add_shadow(s, f[i].path, s->n_files - 1)
                                                                : load_one(s, root_fd, &f[i], &saw);
        for (size_t i = 0; i < n; i++)
                free(f[i].name), free(f[i].path);
        free(f);
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
                closep(&dir_fds[i]);
        if (r >= 0 && !saw)
                r = check_sysctl_conf(s, root_fd);
        if (r >= 0)
                r = sysctld_finish(s, root);
        if (r >= 0)
                r = sysctld_settle(s, root);
        if (r == -E2BIG && s->refused)
                r = 0; /* a bound: the caller reports sysctld_refused() */
        if (r < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}

/* SPDX-License-Identifier: MIT */
/* Invariants:
 * 1. Every open beneath a root goes through root_open_at().
 * 2. With openat2(2) (Linux 5.6+) the kernel resolves the path:
 *    RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, or RESOLVE_IN_ROOT.
 * 3. Without it, ROOT_NO_SYMLINKS walks the path one component at a time
 *    with O_NOFOLLOW: the same guarantee in user space. Either way a
 *    ".." component is refused (-EXDEV) with ROOT_NO_SYMLINKS.
 *    ROOT_IN_ROOT resolves links one at a time, clamped to the tree.
 * 4. Only root_open() names the tree; everything after starts at its fd,
 *    so a tree renamed or replaced by a link after the start is not
 *    followed, and nothing opens "/" behind a caller's back. */
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "root.h"

int root_open(const char *path, struct root *ret) {
        struct root r = { .fd = -1 };
        if (path && *path && !streq(path, "/")) {
                size_t n = strlen(path);
                while (n > 1 && path[n - 1] == '/')
                        n--;
                if (!(r.path = strndup(path, n)))
                        return -ENOMEM;
        }
        r.fd = open(r.path ? r.path : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (r.fd < 0) {
                int e = -errno;
                free(r.path);
                return e;
        }
        *ret = r;
        return 0;
}

void root_done(struct root *r) {
        if (!r)
                return;
        if (r->fd >= 0)
                close(r->fd);
        free(r->path);
        *r = (struct root) { .fd = -1 };
}

char *root_display(const struct root *r, const char *abs) {
        char *p;
        if (root_is_host(r))
                return strdup(abs);
        return asprintf(&p, "%s%s%s", r->path, *abs == '/' ? "" : "/", abs) < 0 ? NULL : p;
}

/* The user-space walk: each directory opened with O_NOFOLLOW, the last
 * component with the caller's flags and O_NOFOLLOW; ".." refused. */
int root_open_walk(const struct root *r, const char *abs, int flags, mode_t mode) {
        if (!r || r->fd < 0)
                return -EBADF;
        _cleanup_free_ char *copy = strdup(abs);
        if (!copy)
                return -ENOMEM;
        int fd = fcntl(r->fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return -errno;
        flags |= O_CLOEXEC | O_NOCTTY;
        char *save = NULL, *c = strtok_r(copy, "/", &save);
        if (!c) {
                close(fd);
                return -EISDIR;
        }
        while (c) {
                char *next = strtok_r(NULL, "/", &save);
                if (streq(c, "..")) {
                        close(fd);
                        return -EXDEV;
                }
                if (streq(c, ".") && next) {
                        c = next;
                        continue;
                }
                int nfd = next ? openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                               : openat(fd, c, flags | O_NOFOLLOW, mode);
                int e = errno;
                if (nfd < 0) {
                        /* A symlink in the middle fails with ENOTDIR under
                         * O_PATH | O_DIRECTORY | O_NOFOLLOW: name it a loop,
                         * as openat2's RESOLVE_NO_SYMLINKS does. */
                        struct stat st;
                        if ((e == ENOTDIR || e == ELOOP) && fstatat(fd, c, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                            S_ISLNK(st.st_mode))
                                e = ELOOP;
                        close(fd);
                        return -e;
                }
                close(fd);
                fd = nfd;
                c = next;
        }
        return fd;
}

#define ROOT_MAX_LINKS 40  /* as the kernel's MAXSYMLINKS */
#define ROOT_MAX_DEPTH 256

/* Where walk_in_root() is: the directories opened on the way down, and
 * what is left of the path. */
struct walk {
        int fds[ROOT_MAX_DEPTH];  /* fds[0]: the tree's top; fds[depth]: the current directory */
        size_t depth;
        unsigned links;           /* symlinks followed so far */
        char *path;               /* owned: the path being walked, cut into components as it goes */
        char *next;               /* in path: what is left */
};

/* The current directory, opened with the caller's flags: the path ended
 * in "", "." or "..". Returns the fd or a negative errno. */
static int walk_open_here(const struct walk *w, int flags, mode_t mode) {
        int fd = openat(w->fds[w->depth], ".", flags, mode);
        return fd < 0 ? -errno : fd;
}

/* A symlink: its target spliced in front of what is left; an absolute one
 * restarts at the tree's top. Returns 0, -ELOOP past ROOT_MAX_LINKS, or
 * -ENOMEM. */
static int walk_follow(struct walk *w, const char *target) {
        char *joined;
        if (++w->links > ROOT_MAX_LINKS)
                return -ELOOP;
        if (asprintf(&joined, "%s/%s", target, w->next) < 0)
                return -ENOMEM;
        free(w->path);
        w->path = w->next = joined;
        if (target[0] == '/')
                while (w->depth > 0)
                        close(w->fds[w->depth--]);
        return 0;
}

/* Component c of the path; last: nothing but slashes follows it. The last
 * one is opened with the caller's flags, others as directories the walk
 * goes down into. Returns true when the walk ends, with *ret its fd or a
 * negative errno; false to go on. */
static bool walk_component(struct walk *w, const char *c, bool last, int flags, mode_t mode, int *ret) {
        if (streq(c, "..") && w->depth > 0)
                close(w->fds[w->depth--]); /* never above the top */
        if (*c == '\0' || streq(c, ".") || streq(c, "..")) {
                if (last)
                        *ret = walk_open_here(w, flags, mode);
                return last;
        }
        int at = w->fds[w->depth];
        int fd = last ? openat(at, c, flags | O_NOFOLLOW, mode)
                      : openat(at, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        struct stat st;
        /* O_PATH | O_NOFOLLOW opens a link itself: follow it as openat2 would. */
        if (fd >= 0 && last && (flags & O_PATH) && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode)) {
                close(fd);
                fd = -1;
                e = ELOOP;
        }
        char target[PATH_MAX];
        ssize_t n = fd < 0 && (e == ELOOP || e == ENOTDIR) ? readlinkat(at, c, target, sizeof(target) - 1) : -1;
        if (n >= 0) {
                target[n] = '\0';
                *ret = walk_follow(w, target);
                return *ret < 0;
        }
        if (fd < 0 || last) {
                *ret = fd < 0 ? -e : fd;
                return true;
        }
        if (w->depth + 1 >= ROOT_MAX_DEPTH) {
                close(fd);
                *ret = -ENAMETOOLONG;
                return true;
        }
        w->fds[++w->depth] = fd;
        return false;
}

/* ROOT_IN_ROOT without openat2: components resolved one at a time; a
 * symlink's target is spliced in front of what is left (an absolute one
 * restarts at the tree's top) and ".." never climbs above the top, as
 * RESOLVE_IN_ROOT does. */
static int walk_in_root(int rootfd, const char *rel, int flags, mode_t mode) {
        struct walk w = { .path = strdup(rel) };
        int ret;
        if (!w.path)
                return -ENOMEM;
        if ((w.fds[0] = dup(rootfd)) < 0) {
                free(w.path);
                return -errno;
        }
        w.next = w.path;
        for (;;) {
                char *c = w.next + strspn(w.next, "/"), *rest = c + strcspn(c, "/");
                bool last = rest[strspn(rest, "/")] == '\0';
                if (*rest)
                        *rest++ = '\0';
                w.next = rest;
                if (walk_component(&w, c, last, flags, mode, &ret))
                        break;
        }
        for (size_t i = 0; i <= w.depth; i++)
                close(w.fds[i]);
        free(w.path);
        return ret;
}

/* Whether a ".." component appears anywhere in p. */
static bool has_dotdot(const char *p) {
        for (const char *c = p; (c = strstr(c, "..")); c += 2)
                if ((c == p || c[-1] == '/') && (c[2] == '\0' || c[2] == '/'))
                        return true;
        return false;
}

/* `abs` relative to the root's fd: "/proc/sys" is "proc/sys", "/" is ".". */
static const char *relative(const char *abs) {
        while (*abs == '/')
                abs++;
        return *abs ? abs : ".";
}

int root_open_at(const struct root *r, const char *abs, int flags, mode_t mode, enum root_resolve how) {
        if (!r || r->fd < 0)
                return -EBADF;
        int dirfd = r->fd;
        const char *rel = relative(abs);
        /* No path tcptune builds holds "..": one that does was built from
         * something hostile (a state file, a key). The walk refuses it
         * too, so both paths answer alike. */
        if (how == ROOT_NO_SYMLINKS && has_dotdot(abs))
                return -EXDEV;
        /* openat2() refuses O_PATH with any flag that open(2) would just
         * drop for it (O_NOCTTY among them): add those only without. */
        flags |= (flags & O_PATH) ? O_CLOEXEC : O_CLOEXEC | O_NOCTTY;

        struct open_how oh = {
                .flags = (uint64_t) flags,
                .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
                .resolve = how == ROOT_IN_ROOT ? RESOLVE_IN_ROOT : RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS,
        };
        long fd = syscall(SYS_openat2, dirfd, rel, &oh, sizeof(oh));
        /* ENOSYS: before 5.6; EPERM: a seccomp filter that does not know
         * openat2 (container runtimes of that time answer so). */
        if (fd < 0 && (errno == ENOSYS || errno == EPERM)) {
                fd = how == ROOT_NO_SYMLINKS ? root_open_walk(r, rel, flags, mode)
                                             : walk_in_root(dirfd, rel, flags, mode);
        } else if (fd < 0) {
                fd = -errno;
        }
        return (int) fd;
}

int root_open_walk_in_root(const struct root *r, const char *abs, int flags, mode_t mode) {
        if (!r || r->fd < 0)
                return -EBADF;
        return walk_in_root(r->fd, abs, flags | O_CLOEXEC | O_NOCTTY, mode);
}

int root_stat(const struct root *r, const char *abs, int flags, struct stat *ret) {
        if (!r || r->fd < 0)
                return -EBADF;
        return fstatat(r->fd, relative(abs), ret, flags) < 0 ? -errno : 0;
}

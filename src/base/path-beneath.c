/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "path-beneath.h"

#if defined(SYS_openat2) && __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define HAVE_OPENAT2 1
#endif

/* A directory on the way: O_PATH needs only search permission. A link
 * there makes O_DIRECTORY|O_NOFOLLOW say ENOTDIR; say ELOOP, as openat2. */
static int open_component(int fd, const char *name) {
        int nfd = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (nfd >= 0)
                return nfd;
        int r = -errno;
        struct stat st;
        if (r == -ENOTDIR && fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
                return -ELOOP;
        return r;
}

int path_open_beneath_walk(int dirfd, const char *subpath, int flags, mode_t mode) {
        if (subpath[0] == '/')
                return -EXDEV;
        _cleanup_free_ char *copy = strdup(subpath);
        if (!copy)
                return -ENOMEM;
        _cleanup_close_ int cur = -1;
        const char *last = NULL;
        char *save = NULL;
        for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                if (streq(c, "."))
                        continue;
                if (streq(c, ".."))
                        return -EXDEV;
                if (last) {
                        int nfd = open_component(cur >= 0 ? cur : dirfd, last);
                        if (nfd < 0)
                                return nfd;
                        if (cur >= 0)
                                close(cur);
                        cur = nfd;
                }
                last = c;
        }
        int fd = openat(cur >= 0 ? cur : dirfd, last ? last : ".", flags | O_NOFOLLOW | O_CLOEXEC, mode);
        return fd >= 0 ? fd : -errno;
}

int path_open_beneath(int dirfd, const char *subpath, int flags, mode_t mode) {
#ifdef HAVE_OPENAT2
        struct open_how how = {
                .flags = (uint64_t) (flags | O_NOFOLLOW | O_CLOEXEC),
                .mode = flags & (O_CREAT | O_TMPFILE) ? mode : 0,
                .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
        };
        long fd = syscall(SYS_openat2, dirfd, subpath, &how, sizeof(how));
        if (fd >= 0)
                return (int) fd;
        /* ENOSYS: before 5.6; EPERM: a seccomp filter that does not know
         * it (the walk then finds a real EPERM again). */
        if (errno != ENOSYS && errno != EPERM)
                return -errno;
#endif
        return path_open_beneath_walk(dirfd, subpath, flags, mode);
}

/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "fileio.h"
#include "parse.h"
#include "root.h"
#include "sysctl.h"

char *sysctl_path(const struct root *root, const char *canonical) {
        _cleanup_free_ char *sub = sysctl_key_to_subpath(canonical), *abs = NULL;
        if (!sub || asprintf(&abs, "/proc/sys/%s", sub) < 0)
                return NULL;
        return root_display(root, abs);
}

int sysctl_stat(const struct root *root, const char *canonical, struct stat *ret) {
        _cleanup_free_ char *sub = sysctl_key_to_subpath(canonical), *abs = NULL;
        if (!sub || asprintf(&abs, "/proc/sys/%s", sub) < 0)
                return -ENOMEM;
        return root_stat(root, abs, 0, ret);
}

/* Open the key's file below root, no symbolic link followed on the way
 * (a --root tree is not trusted: proc/sys/net/ipv4 -> /elsewhere must not
 * be written through). root itself is the user's choice and may be one. */
static int open_key(const struct root *root, const char *canonical, int flags) {
        _cleanup_free_ char *sub = sysctl_key_to_subpath(canonical);
        _cleanup_free_ char *abs = NULL;
        if (!sub || asprintf(&abs, "/proc/sys/%s", sub) < 0)
                return -ENOMEM;
        /* O_NONBLOCK and a regular file only: a FIFO or a device planted
         * under --root neither blocks the open nor gets read (a /proc/sys
         * entry is a regular file). */
        int fd = root_open_at(root, abs, flags | O_NONBLOCK, 0, ROOT_NO_SYMLINKS);
        struct stat st;
        if (fd >= 0 && fstat(fd, &st) < 0) {
                int e = -errno;
                close(fd);
                return e;
        }
        if (fd >= 0 && !(flags & O_DIRECTORY) && !S_ISREG(st.st_mode)) {
                close(fd);
                return S_ISDIR(st.st_mode) ? -EISDIR : -ENXIO;
        }
        return fd;
}

int sysctl_read(const struct root *root, const char *canonical, char **ret) {
        _cleanup_close_ int fd = -1;
        char buf[4096];

        fd = open_key(root, canonical, O_RDONLY);
        if (fd < 0)
                return fd == -ENOTDIR ? -ENOENT : fd;
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        if (n < 0)
                return -errno;
        buf[n] = '\0';
        if (memchr(buf, '\0', (size_t) n))
                return -EIO; /* not a sysctl: binary content in a fixture */
        char *v = strdup(normalize_whitespace(buf));
        if (!v)
                return -ENOMEM;
        *ret = v;
        return 0;
}

int sysctl_write(const struct root *root, const char *canonical, const char *value) {
        _cleanup_free_ char *line = NULL;
        _cleanup_close_ int fd = -1;

        if (asprintf(&line, "%s\n", value) < 0)
                return -ENOMEM;
        /* O_TRUNC: /proc/sys ignores it, but a --root fixture is a plain
         * file that would keep the tail of a longer old value ("60\n0\n"). */
        fd = open_key(root, canonical, O_WRONLY | O_TRUNC);
        if (fd < 0)
                return fd;
        size_t len = strlen(line);
        ssize_t n = write(fd, line, len);
        if (n < 0)
                return -errno;
        if ((size_t) n != len)
                return -EIO;
        return 0;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

int sysctl_list(const struct root *root, const char *dir, const char *prefix, char ***ret) {
        _cleanup_strv_free_ char **keys = NULL;
        size_t n = 0, cap = 0;
        DIR *d;

        int fd = open_key(root, dir, O_RDONLY | O_DIRECTORY);
        if (fd < 0)
                return fd;
        d = fdopendir(fd);
        if (!d) {
                int r = -errno;
                close(fd);
                return r;
        }
        for (struct dirent *de; (de = readdir(d));) {
                if (de->d_name[0] == '.' || !startswith(de->d_name, prefix))
                        continue;
                if (de->d_type == DT_DIR)
                        continue;
                if (de->d_type == DT_UNKNOWN) {
                        struct stat st;
                        if (fstatat(dirfd(d), de->d_name, &st, 0) < 0 || S_ISDIR(st.st_mode))
                                continue;
                }
                if (n + 2 > cap) {
                        size_t ncap = cap ? cap * 2 : 64;
                        char **nk = realloc(keys, ncap * sizeof(char *));
                        if (!nk) {
                                closedir(d);
                                return -ENOMEM;
                        }
                        keys = nk;
                        cap = ncap;
                }
                /* A dot in a file name is '/' in the dotted key. */
                _cleanup_free_ char *name = strdup(de->d_name);
                if (!name || asprintf(&keys[n], "%s.%s", dir, name) < 0) {
                        keys[n] = NULL;
                        closedir(d);
                        return -ENOMEM;
                }
                for (char *c = keys[n] + strlen(dir) + 1; *c; c++)
                        if (*c == '.')
                                *c = '/';
                keys[++n] = NULL;
        }
        closedir(d);
        if (!keys) {
                keys = calloc(1, sizeof(char *));
                if (!keys)
                        return -ENOMEM;
        }
        qsort(keys, n, sizeof(char *), cmp_str);
        *ret = TAKE_PTR(keys);
        return (int) n;
}

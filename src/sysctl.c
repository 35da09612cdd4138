/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "fileio.h"
#include "parse.h"
#include "sysctl.h"

/* A component is what lies between separators: non-empty, not "." or ".."
 * as a path name, printable, no glob characters (those are sysctl.d's
 * business). `dot` is what becomes '.' in the path: '.' in the slash form,
 * '/' in the dotted form ("net.//.x" would be net/../x). */
static bool component_valid(const char *s, size_t n, char dot) {
        if (n == 0 || n > NAME_MAX)
                return false;
        if ((n == 1 && s[0] == dot) || (n == 2 && s[0] == dot && s[1] == dot))
                return false;
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) s[i];
                if (c <= ' ' || c >= 0x7f || strchr("*?[]\\=", c))
                        return false;
        }
        return true;
}

int sysctl_key_normalize(const char *key, char **ret) {
        _cleanup_free_ char *k = NULL;
        size_t len = strlen(key);

        if (len == 0)
                return -EINVAL;
        if (len > SYSCTL_KEY_MAX)
                return -ENAMETOOLONG;

        const char *sep = strpbrk(key, "./");
        if (!sep) {
                /* Short form: the tool is about net.ipv4. */
                if (!component_valid(key, len, '.'))
                        return -EINVAL;
                if (asprintf(&k, "net.ipv4.%s", key) < 0)
                        return -ENOMEM;
                *ret = TAKE_PTR(k);
                return 0;
        }

        /* Slash form if the first separator is '/': dots are then part of
         * names and get written as '/' in the dotted form. */
        char s = *sep;
        k = strdup(key);
        if (!k)
                return -ENOMEM;
        for (char *c = k, *start = k;; c++) {
                if (*c == s || *c == '\0') {
                        if (!component_valid(start, (size_t) (c - start), s == '/' ? '.' : '/'))
                                return -EINVAL;
                        if (*c == '\0')
                                break;
                        start = c + 1;
                }
        }
        if (s == '/')
                for (char *c = k; *c; c++)
                        *c = *c == '/' ? '.' : *c == '.' ? '/' : *c;
        *ret = TAKE_PTR(k);
        return 0;
}

char *sysctl_key_to_subpath(const char *canonical) {
        char *p = strdup(canonical);
        if (!p)
                return NULL;
        for (char *c = p; *c; c++)
                *c = *c == '.' ? '/' : *c == '/' ? '.' : *c;
        return p;
}

static const char *root_prefix(const char *root) {
        /* "/" and "" both mean the real root; avoid "//proc". */
        if (!root || !*root || streq(root, "/"))
                return "";
        return root;
}

char *sysctl_path(const char *root, const char *canonical) {
        _cleanup_free_ char *sub = sysctl_key_to_subpath(canonical);
        char *p = NULL;
        if (!sub || asprintf(&p, "%s/proc/sys/%s", root_prefix(root), sub) < 0)
                return NULL;
        return p;
}

int sysctl_read(const char *root, const char *canonical, char **ret) {
        _cleanup_free_ char *path = sysctl_path(root, canonical);
        _cleanup_close_ int fd = -1;
        char buf[4096];

        if (!path)
                return -ENOMEM;
        fd = open_regular(path, O_RDONLY);
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

int sysctl_write(const char *root, const char *canonical, const char *value) {
        _cleanup_free_ char *path = sysctl_path(root, canonical);
        _cleanup_free_ char *line = NULL;
        _cleanup_close_ int fd = -1;

        if (!path)
                return -ENOMEM;
        if (asprintf(&line, "%s\n", value) < 0)
                return -ENOMEM;
        /* O_NOFOLLOW: under --root a planted symlink must not redirect us.
         * O_TRUNC: /proc/sys ignores it, but a --root fixture is a plain
         * file that would keep the tail of a longer old value ("60\n0\n"). */
        fd = open_regular(path, O_WRONLY | O_NOFOLLOW | O_TRUNC);
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

int sysctl_list(const char *root, const char *dir, const char *prefix, char ***ret) {
        _cleanup_free_ char *path = sysctl_path(root, dir);
        _cleanup_strv_free_ char **keys = NULL;
        size_t n = 0, cap = 0;
        DIR *d;

        if (!path)
                return -ENOMEM;
        d = opendir(path);
        if (!d)
                return -errno;
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

/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <sys/stat.h>

#include "fileio.h"

int open_regular(const char *path, int flags) {
        _cleanup_close_ int fd = open(path, flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode))
                return -ENXIO;
        return TAKE_FD(fd);
}

int read_full_fd(int fd, size_t max, size_t size_hint, char **ret, size_t *ret_len) {
        /* One byte past max tells "exactly max" from "more". */
        size_t cap = (size_hint && size_hint <= max ? size_hint : 4096) + 1, len = 0;
        if (cap > max + 1)
                cap = max + 1;
        _cleanup_free_ char *buf = malloc(cap + 1);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                if (len == cap) {
                        if (cap > max)
                                return -EFBIG;
                        size_t nc = cap > max / 2 ? max + 1 : cap * 2;
                        char *nb = realloc(buf, nc + 1);
                        if (!nb)
                                return -ENOMEM;
                        buf = nb;
                        cap = nc;
                }
                ssize_t n = read(fd, buf + len, cap - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        if (len > max)
                return -EFBIG;
        buf[len] = '\0';
        *ret = TAKE_PTR(buf);
        *ret_len = len;
        return 0;
}

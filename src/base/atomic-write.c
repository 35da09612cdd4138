/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "atomic-write.h"

/* ".NAME." and six hex digits. */
#define TEMP_DIGITS 6

int atomic_temp_open(int dfd, const char *name, mode_t mode, char **ret_tmp) {
        for (int attempt = 0; attempt < 100; attempt++) {
                uint64_t rnd = 0;
                if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
                        rnd = ((uint64_t) getpid() << 32) ^ (uint64_t) attempt ^ (uint64_t) (uintptr_t) &rnd;
                _cleanup_free_ char *tmp = NULL;
                if (asprintf(&tmp, ".%s.%0*llx", name, TEMP_DIGITS, (unsigned long long) (rnd & 0xffffff)) < 0)
                        return -ENOMEM;
                int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
                if (fd < 0 && errno == EEXIST)
                        continue;
                if (fd < 0)
                        return -errno;
                if (fchmod(fd, mode) < 0) {
                        int r = -errno;
                        close(fd);
                        (void) unlinkat(dfd, tmp, 0);
                        return r;
                }
                *ret_tmp = TAKE_PTR(tmp);
                return fd;
        }
        return -EEXIST;
}

int atomic_temp_commit(int dfd, int fd, const char *tmp, const char *name, bool *ret_renamed) {
        if (ret_renamed)
                *ret_renamed = false;
        if (fsync(fd) < 0 || renameat(dfd, tmp, dfd, name) < 0) {
                int r = -errno;
                (void) unlinkat(dfd, tmp, 0);
                return r;
        }
        if (ret_renamed)
                *ret_renamed = true;
        if (fsync(dfd) < 0)
                return -errno;
        return 0;
}

bool atomic_temp_is_ours(const char *entry, const char *name) {
        size_t l = strlen(name);
        if (entry[0] != '.' || strncmp(entry + 1, name, l) != 0 || entry[l + 1] != '.')
                return false;
        const char *digits = entry + l + 2;
        return strlen(digits) == TEMP_DIGITS && strspn(digits, "0123456789abcdef") == TEMP_DIGITS;
}

static int write_all(int fd, const char *data, size_t len) {
        while (len > 0) {
                ssize_t n = write(fd, data, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return -EIO;
                data += n;
                len -= (size_t) n;
        }
        return 0;
}

int atomic_write_at(int dfd, const char *name, const void *data, size_t len, mode_t mode, bool *ret_renamed) {
        _cleanup_free_ char *tmp = NULL;
        if (ret_renamed)
                *ret_renamed = false;
        int fd = atomic_temp_open(dfd, name, mode, &tmp);
        if (fd < 0)
                return fd;
        int r = write_all(fd, data, len);
        if (r < 0) {
                close(fd);
                (void) unlinkat(dfd, tmp, 0);
                return r;
        }
        r = atomic_temp_commit(dfd, fd, tmp, name, ret_renamed);
        /* After fsync a close cannot lose data; it only reports it. */
        close(fd);
        return r;
}

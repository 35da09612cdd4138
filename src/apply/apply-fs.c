/* SPDX-License-Identifier: MIT */
/* File operations for the apply engine. Invariants:
 *  1. Nothing below root is reached through a symbolic link: every
 *     component is opened with O_NOFOLLOW relative to its parent, the
 *     first relative to the root's fd (opened once, by main.c).
 *  2. A file is replaced only by rename() of a complete, fsynced temp file
 *     in the same directory, so readers see the old bytes or the new ones.
 *  3. Temp files are ".NAME.XXXXXX": not "*.conf", so systemd-sysctl never
 *     reads one even if a killed run leaves it behind. */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "apply-internal.h"
#include "atomic-write.h"
#include "fileio.h"
#include "root.h"

int applyfs_open_dir(const struct root *root, const char *dir, bool create, bool *ret_created) {
        _cleanup_free_ char *copy = strdup(dir);
        bool created = false;

        if (!copy)
                return -ENOMEM;
        /* From the root's fd (the root itself is the user's choice and may
         * be a link; it was followed once, when opened). fd stays -1 while
         * we are still at the root, which is borrowed. */
        int fd = -1;
        char *save = NULL;
        for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                int at = fd >= 0 ? fd : root->fd;
                created = false;
                int nfd = openat(at, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (nfd < 0 && errno == ENOENT && create) {
                        if (mkdirat(at, c, 0755) < 0 && errno != EEXIST) {
                                int r = -errno;
                                closep(&fd);
                                return r;
                        }
                        created = true;
                        nfd = openat(at, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        /* 0755 whatever the umask. */
                        if (nfd >= 0 && fchmod(nfd, 0755) < 0) {
                                int r = -errno;
                                close(nfd);
                                closep(&fd);
                                return r;
                        }
                }
                if (nfd < 0) {
                        int r = -errno;
                        struct stat st;
                        /* O_DIRECTORY|O_NOFOLLOW on a link says ENOTDIR. */
                        if (r == -ENOTDIR && fstatat(at, c, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
                                r = -ELOOP;
                        closep(&fd);
                        return r;
                }
                closep(&fd);
                fd = nfd;
        }
        /* dir "/": the root itself, as an fd of our own that reads. */
        if (fd < 0 && (fd = openat(root->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
                return -errno;
        if (ret_created)
                *ret_created = created;
        return fd;
}

/* Classify what sits at name: 0 regular, -ENOENT, -ELOOP, -EISDIR, -ENXIO. */
static int check_regular(int dfd, const char *name, struct stat *ret_st) {
        struct stat st;
        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        if (S_ISLNK(st.st_mode))
                return -ELOOP;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode))
                return -ENXIO;
        if (ret_st)
                *ret_st = st;
        return 0;
}

int applyfs_read(int dfd, const char *name, size_t max, char **ret_data, size_t *ret_len, mode_t *ret_mode) {
        struct stat st;
        int r = check_regular(dfd, name, NULL);
        if (r < 0)
                return r;
        _cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return errno == ELOOP ? -ELOOP : -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -ENXIO;
        if ((uint64_t) st.st_size > max)
                return -EFBIG;
        size_t len;
        r = read_full_fd(fd, max, (size_t) st.st_size, ret_data, &len);
        if (r < 0)
                return r;
        if (ret_len)
                *ret_len = len;
        if (ret_mode)
                *ret_mode = st.st_mode & 07777;
        return 0;
}

int applyfs_write_atomic(int dfd, const char *name, const char *data, size_t len, mode_t mode,
                         bool *ret_renamed) {
        if (ret_renamed)
                *ret_renamed = false;
        int r = check_regular(dfd, name, NULL);
        if (r < 0 && r != -ENOENT)
                return r;
        return atomic_write_at(dfd, name, data, len, mode, ret_renamed);
}

int applyfs_unlink(int dfd, const char *name) {
        if (unlinkat(dfd, name, 0) < 0) {
                if (errno == ENOENT)
                        return 0;
                return -errno;
        }
        if (fsync(dfd) < 0)
                return -errno;
        return 0;
}

void applyfs_clean_temps(int dfd, const char *name) {
        int fd = dup(dfd);
        if (fd < 0)
                return;
        DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return;
        }
        for (struct dirent *de; (de = readdir(d));) {
                struct stat st;
                if (!atomic_temp_is_ours(de->d_name, name))
                        continue;
                if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
                        (void) unlinkat(dfd, de->d_name, 0);
        }
        closedir(d);
}

int applyfs_lock(const struct root *root, uint64_t timeout_usec) {
        _cleanup_close_ int dfd = applyfs_open_dir(root, APPLY_LOCK_DIR, /* create= */ true, NULL);
        if (dfd < 0)
                return dfd;
        int fd = openat(dfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
        if (fd < 0)
                return -errno;
        for (uint64_t waited = 0;; waited += 100 * USEC_PER_MSEC) {
                if (flock(fd, LOCK_EX | LOCK_NB) == 0)
                        return fd;
                if (errno != EWOULDBLOCK && errno != EINTR) {
                        int r = -errno;
                        close(fd);
                        return r;
                }
                if (waited >= timeout_usec) {
                        close(fd);
                        return -EWOULDBLOCK;
                }
                (void) poll(NULL, 0, 100);
        }
}

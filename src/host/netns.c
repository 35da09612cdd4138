/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <linux/magic.h>
#include <stdio.h>
#include <sys/vfs.h>

#include "netns.h"
#include "parse.h"

int netns_resolve(const char *spec, char **ret_path) {
        const char *pid = startswith(spec, "pid:");
        char *p = NULL;

        if (!*spec)
                return -EINVAL;
        if (pid) {
                uint64_t v;
                if (parse_uint(pid, 4194304, &v) < 0 || v == 0)
                        return -EINVAL;
                if (asprintf(&p, "/proc/%" PRIu64 "/ns/net", v) < 0)
                        return -ENOMEM;
        } else if (strchr(spec, '/'))
                p = strdup(spec);
        else {
                if (streq(spec, ".") || streq(spec, "..") || strlen(spec) > 255)
                        return -EINVAL;
                if (asprintf(&p, "/run/netns/%s", spec) < 0)
                        return -ENOMEM;
        }
        if (!p)
                return -ENOMEM;
        *ret_path = p;
        return 0;
}

int netns_open(const char *path) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        struct statfs sf;
        if (fd < 0 || fstatfs(fd, &sf) < 0)
                return -errno;
        if (sf.f_type != NSFS_MAGIC)
                return -EINVAL;
        return TAKE_FD(fd);
}

int netns_enter(const char *path) {
        _cleanup_close_ int fd = netns_open(path);
        if (fd < 0)
                return fd;
        if (setns(fd, CLONE_NEWNET) < 0)
                return -errno;
        return 0;
}

/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>

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

int netns_enter(const char *path) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (setns(fd, CLONE_NEWNET) < 0)
                return -errno;
        return 0;
}

/* SPDX-License-Identifier: MIT */
/* --netns NAME|PATH|pid:PID. /proc/sys/net and netlink sockets bind to the
 * namespace of the process when opened, so we setns() before either. */
#pragma once

#include "util.h"

/* NAME -> /run/netns/NAME, pid:PID -> /proc/PID/ns/net, anything with a '/'
 * is a path. Namespaces are kernel objects: these paths are not relocated
 * under --root. Returns 0 or -EINVAL (malformed spec). */
int netns_resolve(const char *spec, char **ret_path);

/* Open a namespace file for setns(): O_NONBLOCK, so a FIFO planted where a
 * namespace should be cannot block us, and it must be on nsfs (a bind
 * mount in /run/netns, /proc/PID/ns/net). Returns the fd, -EINVAL when it
 * is not a namespace, or open()'s negative errno. */
int netns_open(const char *path);

/* Enter the namespace at path. Returns 0, -ENOENT (no such file), -EINVAL
 * (not a network namespace), -EPERM (needs CAP_SYS_ADMIN) or another errno. */
int netns_enter(const char *path);

/* SPDX-License-Identifier: MIT */
/* Opening a path below a directory without ever following a symbolic link,
 * so a tree given with --root (or any directory fd) cannot send a read or a
 * write elsewhere: openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) where the
 * kernel has it (5.6+), else a walk one component at a time with
 * O_NOFOLLOW. The directory itself is the caller's choice and may have been
 * reached through a link. */
#pragma once

#include <sys/types.h>

#include "util.h"

/* openat(dirfd, subpath, flags, mode) with every component of subpath
 * (relative; empty and "." components are skipped) resolved below dirfd
 * and none a symbolic link, the last one included. O_CLOEXEC is added.
 * Returns the fd, or a negative errno: -ELOOP (a component is a symbolic
 * link), -EXDEV (an absolute path or a ".." leaving dirfd; the walk
 * refuses every ".."), -ENOTDIR,
 * -ENOENT, or what open() says. */
int path_open_beneath(int dirfd, const char *subpath, int flags, mode_t mode);

/* The fallback walk alone (what path_open_beneath() does where openat2 is
 * missing), with the same results; for tests. */
int path_open_beneath_walk(int dirfd, const char *subpath, int flags, mode_t mode);

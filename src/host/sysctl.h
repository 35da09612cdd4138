/* SPDX-License-Identifier: MIT */
/* Live values under /proc/sys (relocated under --root). Keys are named in
 * their canonical dotted form: see sysctl-key.h. */
#pragma once

#include "root.h"
#include "sysctl-key.h"

/* Where the user finds the key's file: root_display() of
 * "/proc/sys/" + subpath. malloc'ed; NULL on OOM. */
char *sysctl_path(const struct root *root, const char *canonical);

/* sysctl_read() and sysctl_write() open the key's file with
 * root_open_at() below root: no symbolic link is followed between
 * root and the file (-ELOOP), and a key cannot leave root's /proc/sys. */

/* stat(2) of the key's file (a key may be a directory) as root_stat()
 * answers it: whether the key exists and its mode, for checks that do not
 * read it. Returns 0 or a negative errno (-ENOENT, -ENOTDIR, -EACCES). */
int sysctl_stat(const struct root *root, const char *canonical, struct stat *ret);

/* Read a live value: open, one read(), close (stdio could issue a second
 * read and see a changed value). Whitespace is normalised, so vectors come
 * back "4096 131072 6291456". Returns 0, -ENOENT when the key does not exist
 * on this kernel (absent, not an error), or another negative errno
 * (-EACCES, -EISDIR, -EIO, -ELOOP). *ret is malloc'ed. */
int sysctl_read(const struct root *root, const char *canonical, char **ret);

/* Write a value (with a trailing newline) in one write(). Returns 0 or a
 * negative errno (-EINVAL when the kernel rejects the value, -EROFS, -EACCES,
 * -ENOENT, -ELOOP). */
int sysctl_write(const struct root *root, const char *canonical, const char *value);

/* Every existing key directly in directory `dir` (canonical, "net.ipv4")
 * whose name starts with `prefix` ("tcp_"), sorted, as a NULL-terminated
 * array of canonical keys. Returns the count or a negative errno. */
int sysctl_list(const struct root *root, const char *dir, const char *prefix, char ***ret);

/* SPDX-License-Identifier: MIT */
/* Sysctl keys and live values under /proc/sys (relocated under --root).
 *
 * Keys have three spellings: net.ipv4.tcp_retries2, net/ipv4/tcp_retries2
 * and the short tcp_retries2 (taken as net.ipv4.tcp_retries2). The canonical
 * form is dotted; a dot inside a path component (an interface "eth0.100")
 * is written '/' in it, as sysctl(8) and systemd-sysctl do. Globs are not
 * keys here (sysctld.c handles them). */
#pragma once

#include "util.h"

#define SYSCTL_KEY_MAX 512

/* Normalise any spelling to the canonical dotted key. Returns 0, -EINVAL
 * (empty or ".." component, glob or control character) or -ENAMETOOLONG.
 * *ret is malloc'ed and owned by the caller. */
int sysctl_key_normalize(const char *key, char **ret);

/* The canonical key as a path below /proc/sys ("net/ipv4/tcp_retries2"),
 * malloc'ed; NULL on OOM. */
char *sysctl_key_to_subpath(const char *canonical);

/* root + "/proc/sys/" + subpath; root NULL or "/" is the real root. */
char *sysctl_path(const char *root, const char *canonical);

/* Read a live value: open, one read(), close (stdio could issue a second
 * read and see a changed value). Whitespace is normalised, so vectors come
 * back "4096 131072 6291456". Returns 0, -ENOENT when the key does not exist
 * on this kernel (absent, not an error), or another negative errno
 * (-EACCES, -EISDIR, -EIO). *ret is malloc'ed. */
int sysctl_read(const char *root, const char *canonical, char **ret);

/* Write a value (with a trailing newline) in one write(). Returns 0 or a
 * negative errno (-EINVAL when the kernel rejects the value, -EROFS, -EACCES,
 * -ENOENT). */
int sysctl_write(const char *root, const char *canonical, const char *value);

/* Every existing key directly in directory `dir` (canonical, "net.ipv4")
 * whose name starts with `prefix` ("tcp_"), sorted, as a NULL-terminated
 * array of canonical keys. Returns the count or a negative errno. */
int sysctl_list(const char *root, const char *dir, const char *prefix, char ***ret);

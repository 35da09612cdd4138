/* SPDX-License-Identifier: MIT */
/* The root tcptune reads and writes beneath: the host's "/" or a --root
 * tree. Opened once as a directory file descriptor; every path below it is
 * resolved here and nowhere else, so that a symlink in the middle of a
 * path (proc/sys/net/ipv4 -> /elsewhere) or a ".." cannot carry a read or
 * a write out of the tree.
 *
 * Paths are given as the host would name them ("/proc/sys/net/ipv4/x");
 * the root supplies the prefix. */
#pragma once

#include <sys/types.h>

#include "util.h"

struct root {
        char *path;      /* the tree as given, without a trailing '/'; NULL: the host */
        int fd;          /* O_PATH | O_DIRECTORY of the tree ("/" for the host) */
};

/* The host: path NULL, "" or "/". Otherwise the directory `path`
 * (symlinks in the argument itself are followed: the user named it).
 * Returns 0, -ENOENT, -ENOTDIR, -EACCES, -ENOMEM. */
int root_open(const char *path, struct root *ret);
void root_done(struct root *r);

/* Whether this is the running system, where the journal, systemd and
 * boot-time sysctl.d apply. */
static inline bool root_is_host(const struct root *r) {
        return !r || !r->path;
}

/* How a path beneath the root is resolved. */
enum root_resolve {
        ROOT_NO_SYMLINKS,  /* no component may be a symlink; ".." may not leave the tree */
        ROOT_IN_ROOT,      /* symlinks followed as if the tree were "/" (a --root image's own links) */
};

/* Open `abs` (absolute, as the host names it) beneath the root. flags are
 * open(2)'s; O_CLOEXEC and O_NOCTTY are always added. Returns the fd or a
 * negative errno: -ELOOP (a symlink where none may be), -EXDEV (an escape
 * attempt), -ENOENT, -EACCES, ... */
int root_open_at(const struct root *r, const char *abs, int flags, mode_t mode, enum root_resolve how);

/* What root_open_at(ROOT_NO_SYMLINKS) does where the kernel has no
 * openat2(2): a walk with O_NOFOLLOW at each step. Exported for tests. */
int root_open_walk(const struct root *r, const char *abs, int flags, mode_t mode);
/* The same for ROOT_IN_ROOT: links resolved one at a time, clamped to the
 * tree. Exported for tests. */
int root_open_walk_in_root(const struct root *r, const char *abs, int flags, mode_t mode);

/* Commands name a root by --root's argument; these take that string
 * (NULL, "" and "/" are the host) and open the tree for the one call:
 * the one spelling of "is this the host", of the path prefix, and of
 * opening below it. */
bool root_path_is_host(const char *root);
/* What to put before an absolute host path for the user to find it on
 * disk: "" for the host, else the tree. Borrowed from root. */
const char *root_path_prefix(const char *root);
/* The tree itself, open(2)ed with O_DIRECTORY | O_CLOEXEC | flags (O_PATH
 * or O_RDONLY). Returns the fd or a negative errno. */
int root_path_open_dir(const char *root, int flags);
/* root_open_at() beneath the tree named by root. */
int root_path_open(const char *root, const char *abs, int flags, mode_t mode, enum root_resolve how);

/* `abs` as the user would find it on disk ("TREE/proc/sys/..."; on the
 * host `abs` itself), for messages. malloc'ed; NULL on OOM. */
char *root_display(const struct root *r, const char *abs);

/* SPDX-License-Identifier: MIT */
/* The root tcptune reads and writes beneath: the host's "/" or a --root
 * tree. Opened once as a directory file descriptor; every path below it is
 * resolved here and nowhere else, so that a symlink in the middle of a
 * path (proc/sys/net/ipv4 -> /elsewhere) or a ".." cannot carry a read or
 * a write out of the tree.
 *
 * Paths are given as the host would name them ("/proc/sys/net/ipv4/x");
 * the root supplies the prefix.
 *
 * Invariants:
 * 1. A command opens its root once, in main.c, before any setns(): the
 *    fd is "/" or the tree's directory, and a directory fd is the same in
 *    every network namespace. Modules borrow it as `const struct root *`
 *    and never open the tree again from its name.
 * 2. Nothing beneath /proc/sys/net is kept open, nor a netlink socket:
 *    both bind to the network namespace of the caller when opened, and
 *    --netns and --all-netns change it (setns()) after the root is open.
 *    Each read opens its key afresh through root_open_at().
 * 3. Messages name a path as the user finds it on disk: root_display(),
 *    never a prefix pasted by the caller. */
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include "util.h"

struct root {
        char *path;      /* the tree as given, without a trailing '/'; NULL: the host */
        int fd;          /* O_PATH | O_DIRECTORY of the tree ("/" for the host); -1: not open */
};

/* The host: path NULL, "" or "/". Otherwise the directory `path`
 * (symlinks in the argument itself are followed: the user named it; a
 * relative one is taken from the current directory, now). Returns 0,
 * -ENOENT, -ENOTDIR, -EACCES, -ENOMEM; *ret is untouched on failure.
 * Free with root_done(). */
int root_open(const char *path, struct root *ret);
/* Close and forget; safe on a root already done or never opened
 * ({ .fd = -1 }). */
void root_done(struct root *r);

/* Whether this is the running system, where the journal, systemd, the
 * live sockets and boot-time sysctl.d apply. */
static inline bool root_is_host(const struct root *r) {
        return !r || !r->path;
}

/* The tree as the user named it, without a trailing '/', or "" for the
 * host: what goes before a host path for the user to find it on disk.
 * For messages about the tree itself and for APIs that take only a path
 * string (glob(3)); a path beneath the root is shown with root_display()
 * and opened with root_open_at(). Borrowed from r. */
static inline const char *root_prefix(const struct root *r) {
        return root_is_host(r) ? "" : r->path;
}

/* `abs` as the user would find it on disk ("TREE/proc/sys/..."; on the
 * host `abs` itself), for messages. malloc'ed; NULL on OOM. */
char *root_display(const struct root *r, const char *abs);

/* How a path beneath the root is resolved. */
enum root_resolve {
        ROOT_NO_SYMLINKS,  /* no component may be a symlink; ".." may not leave the tree */
        ROOT_IN_ROOT,      /* symlinks followed as if the tree were "/" (a --root image's own links) */
};

/* Open `abs` (absolute, as the host names it) beneath the open root r.
 * flags are open(2)'s; O_CLOEXEC is always added, and O_NOCTTY but to
 * O_PATH (which takes only O_DIRECTORY and O_NOFOLLOW beside). Returns
 * the fd or a negative errno: -ELOOP (a symlink where none may be),
 * -EXDEV (an escape attempt), -ENOENT, -EACCES, -EBADF (r not open), ... */
int root_open_at(const struct root *r, const char *abs, int flags, mode_t mode, enum root_resolve how);

/* stat(2) of `abs` from the root's fd, links followed as stat(2) follows
 * them (an absolute target is the host's): for the existence and mode
 * questions that were always asked so (is this key there, writable?),
 * never to read what is there; that is root_open_at()'s. flags: 0 or
 * AT_SYMLINK_NOFOLLOW. Returns 0 or a negative errno. */
int root_stat(const struct root *r, const char *abs, int flags, struct stat *ret);

/* What root_open_at(ROOT_NO_SYMLINKS) does where the kernel has no
 * openat2(2): a walk with O_NOFOLLOW at each step. Exported for tests. */
int root_open_walk(const struct root *r, const char *abs, int flags, mode_t mode);
/* The same for ROOT_IN_ROOT: links resolved one at a time, clamped to the
 * tree. Exported for tests. */
int root_open_walk_in_root(const struct root *r, const char *abs, int flags, mode_t mode);

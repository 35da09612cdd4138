/* SPDX-License-Identifier: MIT */
/* Whole small files: profiles, the policy file, a kernel .config. */
#pragma once

#include "util.h"

/* Read fd to its end into a malloc'ed buffer (*ret, NUL-terminated after
 * the *ret_len bytes read, so text parsers may rely on it). size_hint
 * (0: none) sizes the first buffer, e.g. st_size, so a regular file takes
 * one read(); a file that grew since is still read on. Returns 0, -EFBIG
 * when the file holds more than max bytes, -ENOMEM, or read()'s negative
 * errno (EINTR is retried). Nothing is handed out on failure. */
int read_full_fd(int fd, size_t max, size_t size_hint, char **ret, size_t *ret_len);

/* open(path, flags) for a file that must be a regular file (a /proc/sys
 * entry is one, so is a kernel .config), adding O_NONBLOCK, O_NOCTTY and
 * O_CLOEXEC: a FIFO or a device planted under --root neither blocks the
 * open nor gets read. Returns the fd, -EISDIR for a directory, -ENXIO for
 * anything else that is not a regular file, or open()'s negative errno. */
int open_regular(const char *path, int flags);

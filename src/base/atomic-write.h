/* SPDX-License-Identifier: MIT */
/* Replacing a file atomically, as systemd's src/basic/fileio.c does: a temp
 * file ".NAME.XXXXXX" in the same directory (O_CREAT|O_EXCL|O_NOFOLLOW, so
 * never through a planted link), mode set exactly, written, fsynced, renamed
 * over NAME, then the directory fsynced so the rename survives a crash.
 * Readers see the old bytes or the new ones, never a mix. The temp name
 * does not end in NAME's suffix (".conf", ".prom"), so a reader that globs
 * never picks up one a killed run left behind. */
#pragma once

#include <sys/types.h>

#include "util.h"

/* Create the temp file for NAME in dfd, mode exactly `mode` (fchmod: not
 * filtered by the umask). Returns its fd and *ret_tmp (malloc'ed, the temp's
 * name in dfd), or a negative errno. */
int atomic_temp_open(int dfd, const char *name, mode_t mode, char **ret_tmp);

/* fsync fd, rename tmp over name in dfd, fsync dfd. fd stays open (the
 * caller may own it through a FILE *). On failure before the rename the
 * temp file is unlinked. Returns 0 or a negative errno; *ret_renamed (may be
 * NULL) says whether name now holds the new bytes (a failing directory
 * fsync comes after the rename). */
int atomic_temp_commit(int dfd, int fd, const char *tmp, const char *name, bool *ret_renamed);

/* Is `entry` a temp file atomic_temp_open() made for NAME? */
bool atomic_temp_is_ours(const char *entry, const char *name);

/* The whole of it: replace name in dfd with data/len, mode exactly `mode`.
 * Returns 0 or a negative errno, *ret_renamed as atomic_temp_commit(). */
int atomic_write_at(int dfd, const char *name, const void *data, size_t len, mode_t mode, bool *ret_renamed);

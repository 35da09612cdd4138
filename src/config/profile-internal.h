/* SPDX-License-Identifier: MIT */
/* What profile.c (loading, includes) asks of profile-search.c (the search
 * path). Not for other modules. */
#pragma once

#include "error.h"
#include "root.h"

/* The include = line that led to a file: what its errors are told at. */
struct include_site {
        const char *file;
        unsigned line;
        const char *value;
};

/* Open a file of the search path or an include: relocated under root or
 * not (then root may be NULL). Returns an fd or a negative errno, as
 * sysctld_open() does. */
int profile_open_file(const struct root *root, bool relocated, const char *path);

/* Where NAME lives: the last search directory that has NAME.ini (whatever
 * it is: a directory there is an error, not a reason to look further).
 * Returns 0 with *ret_path (owned by the caller), *ret_relocated and
 * *ret_fd (the fd, or the negative errno opening it: -ENOENT for a
 * dangling link); -ENOENT when no directory has it; -ENOMEM. */
int profile_find_name(const struct root *root, const char *name, char **ret_path, bool *ret_relocated, int *ret_fd);

/* NAME is on no search directory; from: the include = line, or NULL for
 * the name the user gave. Sets err with "did you mean" and returns
 * -ENOENT, or -ENOMEM. */
int profile_not_found(struct error *err, const struct root *root, const struct include_site *from, const char *name);

/* SPDX-License-Identifier: MIT */
/* What sysctld.c (reading the lines) and sysctld-finish.c (globs, the
 * write order, overrides) share: the options as read, and the state
 * toward the bounds of sysctld.h. Not for other modules. */
#pragma once

#include "strmap.h"
#include "sysctld.h"

struct opt {
        char *key;            /* slash form, as systemd keys its table */
        char *value;          /* NULL: "-KEY" without '=' */
        size_t file;
        unsigned line;
        bool ignore_failure, glob, dead;
};

struct sysctld_state {
        char *glob_prefix;    /* slash form; NULL: expand every glob */
        struct opt *opts;
        size_t n_opts, cap_opts, cap_files, cap_diags, cap_overrides, cap_entries, cap_shadowed;
        struct strmap byname;    /* key -> live opt */
        /* Toward the bounds of sysctld.h. */
        size_t bytes, assignments, writes, patterns;
};

/* A diagnostic, or a refusal of the whole tree, about line `line` of file
 * index `file` (SIZE_MAX: no file). Return 0 or -ENOMEM. */
int sysctld_diag_at(struct sysctld *s, size_t file, unsigned line, int error, const char *fmt, ...) _printf_(5, 6);
int sysctld_refuse_at(struct sysctld *s, size_t file, unsigned line, const char *fmt, ...) _printf_(4, 5);

/* SPDX-License-Identifier: MIT */
/* What `tcptune config` shows: each sysctl.d entry with what the kernel
 * makes of it (valid, held, live, drift), and for --cat the files' lines
 * in the order they apply. Collected before anything is printed; no
 * printing here. */
#pragma once

#include "sysctld.h"

/* One shown entry and what the kernel makes of it. */
struct config_row {
        const struct sysctld_entry *entry;   /* borrowed from the report's sysctld */
        struct sysctld_check check;          /* owned */
        bool rejected;   /* the kernel refuses it and systemd-sysctl would fail */
};

struct config_report {
        const struct sysctld *s;             /* borrowed */
        struct config_row *rows;             /* owned: the shown entries, in sysctl.d order */
        size_t n_rows;
        bool all;                            /* --all: every key, not only net.ipv4.tcp_* */
};

/* Whether --all or the default view shows a key. */
bool config_report_shows(const struct config_report *rep, const char *key);

/* Check each entry of s the report shows against root's /proc/sys. HZ is
 * asked of hz(userdata) at most once, and only when a value's range
 * depends on it (jiffies keys); 0 means unknown and is taken as 250.
 * Returns 0 or -ENOMEM (the rows checked until then are kept). Free with
 * config_report_done() either way. */
int config_report_collect(const struct root *root, const struct sysctld *s, bool all, unsigned (*hz)(void *userdata),
                          void *userdata, struct config_report *ret);
void config_report_done(struct config_report *rep);

/* The judgement: a row drifts or is rejected (config exits 1). */
bool config_report_differs(const struct config_report *rep);

/* --cat: one drop-in as systemd-sysctl --cat-config would print it. */
struct config_cat_file {
        const char *file;        /* host path, borrowed from the sysctld */
        char **lines;            /* owned, NULL-terminated (NULL: none) */
        size_t n_lines;
        int open_error;          /* sysctld_open()'s errno; 0 when opened or /dev/null (a mask: no lines) */
        int error;               /* the open or read error, 0 when the file was read whole */
        unsigned error_line;     /* -ENOBUFS: the number of the line of 1 MiB or more, where the file is cut */
};

struct config_cat {
        struct config_cat_file *files;   /* owned, in the order s lists them */
        size_t n_files;
};

/* Read every file of s under root. Files that cannot be opened or read
 * are recorded, not failures. Returns 0 or -ENOMEM; free with
 * config_cat_done() either way. */
int config_cat_collect(const struct root *root, const struct sysctld *s, struct config_cat *ret);
void config_cat_done(struct config_cat *c);

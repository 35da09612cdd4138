/* SPDX-License-Identifier: MIT */
/* Emitters for `config`: the boot-time table (text, JSON) and --cat. */
#pragma once

#include "cmd.h"
#include "sysctld.h"

/* One shown entry and what the kernel makes of it. */
struct config_row {
        const struct sysctld_entry *entry;
        struct sysctld_check check;
        bool rejected;   /* the kernel refuses it and systemd-sysctl would fail */
};

struct config_report {
        const struct sysctld *s;
        const struct config_row *rows;
        size_t n_rows;
        bool all;                    /* --all: every key, not only net.ipv4.tcp_* */
};

/* Whether --all or the default view shows a key. */
bool output_config_shows(const struct config_report *rep, const char *key);

/* Return 0 or -EIO/-ENOMEM. */
int output_config(struct context *ctx, const struct config_report *rep);

/* --cat: every file of s in order under a "# FILE" header (a blank line
 * between files), its lines as systemd-sysctl --cat-config prints them;
 * JSON: {"files": [{"file", "lines"}]}. A file that cannot be read is
 * left out (text) or has "error" (JSON), and on_error hears of it: the
 * errno, and for -ENOBUFS the number of the line of 1 MiB or more, where
 * the file is cut. Returns 0 or -EIO/-ENOMEM. */
int output_config_cat(struct context *ctx, const struct sysctld *s,
                      void (*on_error)(const char *file, unsigned line, int error, void *userdata), void *userdata);

/* Text from a file made safe for a terminal (escape_text(), whole).
 * Returns a malloc'ed string, NULL on OOM. */
char *output_config_safe(const char *s);

/* SPDX-License-Identifier: MIT */
/* Facts about the running kernel that the model needs: release and HZ.
 * HZ comes from the kernel's own config (CONFIG_HZ in /proc/config.gz or
 * /boot/config-RELEASE), never from sysconf(_SC_CLK_TCK), which is USER_HZ
 * and always 100 (docs/MODEL.md §13). Paths are relocated under --root. */
#pragma once

#include "root.h"
#include "util.h"

struct kernel_info {
        char *release;      /* "6.18.44", or NULL when unreadable */
        unsigned hz;        /* 0 when no config could be read */
        char *hz_source;    /* path the HZ came from, or NULL */
        char *default_cc;   /* CONFIG_DEFAULT_TCP_CONG, or NULL */
};

/* Fill *ret. Missing files are not errors: fields stay NULL / 0.
 * Returns 0 or -ENOMEM. Free with kernel_info_done(). */
int kernel_info_read(const struct root *root, struct kernel_info *ret);
/* The same; with want_cc false the config is decompressed only up to
 * CONFIG_HZ, which comes first, and default_cc stays NULL: for callers
 * that never show the build's default congestion control (~0.1 ms less
 * with /proc/config.gz). */
int kernel_info_read_full(const struct root *root, bool want_cc, struct kernel_info *ret);
void kernel_info_done(struct kernel_info *k);

/* Pure: pick CONFIG_HZ and CONFIG_DEFAULT_TCP_CONG (only a name: 1-15
 * letters, digits, '_' or '-') out of .config text,
 * the len bytes at text (no NUL needed: nothing past them is read).
 * Returns 0 when CONFIG_HZ was found, -ENOENT otherwise. */
int kernel_config_parse(const char *text, size_t len, unsigned *ret_hz, char **ret_cc);

/* Pure: what kernel_info_read() takes from the bytes of a kernel config
 * file, gzip-compressed (/proc/config.gz: inflated only as far as the
 * wanted lines) or plain text (/boot/config-RELEASE). With want_cc false
 * CONFIG_DEFAULT_TCP_CONG may be missed. Returns 0, -ENOENT (no CONFIG_HZ
 * found) or -ENOMEM; *ret_cc (may be NULL) as kernel_config_parse(). */
int kernel_config_read_buffer(const unsigned char *buf, size_t len, bool want_cc, unsigned *ret_hz,
                              char **ret_cc);

/* Compare dotted release prefixes: kernel_version_at_least("6.18.44", "6.15")
 * is true. An unknown release (NULL) counts as new enough. */
bool kernel_version_at_least(const char *release, const char *version);

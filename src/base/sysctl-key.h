/* SPDX-License-Identifier: MIT */
/* Sysctl key spellings, pure string work (no I/O).
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

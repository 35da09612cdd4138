/* SPDX-License-Identifier: MIT */
/* The live values of every catalog tunable, read once per run. */
#pragma once

#include "kernel.h"
#include "model-input.h"
#include "root.h"
#include "tunables.h"

struct live {
        size_t n;        /* catalog size; index i is tunable_all()[i] */
        char **value;    /* NULL when absent or unreadable */
        int *error;      /* 0, -ENOENT (absent on this kernel), other -errno */
};

/* Read every catalog key under root's /proc/sys (the current netns).
 * Returns 0 or -ENOMEM; per-key failures are in error[]. */
int live_read(const struct root *root, struct live *ret);
void live_done(struct live *l);
/* Value of a catalog key (canonical), or NULL. */
const char *live_get(const struct live *l, const char *key);
/* Pure: why a key that exists cannot be read, from the error reading it
 * (a static string, or strerror()'s), or NULL when it was read or is
 * absent (-ENOENT, normal on older kernels): what is worth telling. */
const char *live_unreadable(int error);

/* Start from kernel defaults, then take every live catalog value that is
 * present and valid; absent keys keep the behaviour of kernels without
 * them (rto_min 200 ms before 6.11, rto_max 120 s before 6.15, no linear
 * SYN timeouts before 6.5). HZ from k (250 assumed when unknown:
 * *ret_hz_assumed). Returns 0. */
int live_model_input(const struct live *live, const struct kernel_info *k, struct model_input *ret,
                     bool *ret_hz_assumed);

/* Drop from r->governed_by the catalog tunables this kernel does not have
 * (absent from live: tcp_rto_min_us before 6.11, ...). The model names
 * every knob of a scenario; a kernel without the key behaves as the
 * kernels before it, where no sysctl governs that step. */
void live_drop_absent(const struct live *live, struct model_result *r);

/* SPDX-License-Identifier: MIT */
/* The catalog of net.ipv4.tcp_* tunables tcptune reads: one table, the only
 * place a kernel default or range lives. `explain` prints it; the model,
 * sysctld validation, profiles and the audit look things up in it. */
#pragma once

#include "scenario.h"
#include "util.h"

enum tunable_type {
        TUNABLE_INT,
        TUNABLE_STRING,
};

enum tunable_unit {
        UNIT_COUNT,
        UNIT_BOOL,
        UNIT_MODE,
        UNIT_SECONDS,
        UNIT_MILLISECONDS,
        UNIT_MICROSECONDS,
        UNIT_NAME,
};

struct tunable {
        const char *key;          /* canonical, net.ipv4.tcp_... */
        enum tunable_type type;
        enum tunable_unit unit;
        long def;                 /* TUNABLE_INT */
        const char *def_string;   /* TUNABLE_STRING; NULL: decided at build time */
        long min, max;            /* accepted by the kernel (5.13+: u8 keys 0-255) */
        bool jiffies;             /* stored in jiffies: range is +-INT_MAX/HZ */
        const char *since;        /* mainline version that added it; NULL: before 4.19 */
        unsigned scenarios;       /* SCENARIO_BIT() mask it governs */
        const char *summary;      /* one line */
        const char *detail;       /* a few sentences for `explain KEY` */
        const char *source;       /* kernel file that defines or reads it */
};

/* The HZ assumed when no kernel config says (kernel/Kconfig.hz defaults to
 * HZ_250). Ranges of jiffies keys, the model and reports use it then, and
 * say so (finding hz-assumed). */
#define HZ_ASSUMED 250
static inline unsigned hz_or_assumed(unsigned hz) {
        return hz ? hz : HZ_ASSUMED;
}

/* Look up by any key spelling. Returns NULL when the key is not in the catalog. */
const struct tunable *tunable_find(const char *key);
/* The catalog, in display order. */
const struct tunable *tunable_all(size_t *ret_n);
/* Range the kernel accepts; jiffies keys depend on HZ (0 means HZ_ASSUMED). */
void tunable_range(const struct tunable *t, unsigned hz, long *ret_min, long *ret_max);
const char *tunable_unit_to_string(enum tunable_unit u);

/* Whether the kernel keeps t in a u8 (proc_dou8vec_minmax, 5.13+): a
 * write with a sign is refused, "-0" too. */
bool tunable_is_u8(const struct tunable *t);

/* Check a value as the kernel would on write: number syntax (base 0), at
 * most 20 characters, no sign for u8 keys, and range. Returns 0, -EINVAL
 * (not a number / not a valid name) or -ERANGE.
 * On success *ret_value holds the parsed integer (TUNABLE_INT only). */
int tunable_check_value(const struct tunable *t, const char *value, unsigned hz, long *ret_value);

/* Whether the live value equals the kernel default (strings: exact). A
 * build-dependent default (def_string NULL) is never "different". */
bool tunable_is_default(const struct tunable *t, const char *live);

/* "tcp_retries2" for "net.ipv4.tcp_retries2"; other keys unchanged. */
const char *tunable_short_key(const char *key);

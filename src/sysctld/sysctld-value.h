/* SPDX-License-Identifier: MIT */
/* What sysctld-value.c (a value as the kernel parses and stores it) and
 * sysctld-check.c (why an entry is refused, FILE:LINE-ready) share. Not
 * for other modules. */
#pragma once

#include "util.h"

/* Values a vector key holds, at most, as read here. */
#define VECTOR_MAX 64

/* One number as proc_get_long() reads it: sign and magnitude. */
struct knum {
        bool neg;
        unsigned long v;
};

enum refusal {
        REFUSED_NONE,
        REFUSED_NOT_NUMBER,  /* no number at all */
        REFUSED_RANGE,       /* the first number, by range or sign */
        REFUSED_PARTIAL,     /* after n_set numbers */
};

/* What a write of a value leaves in a key. */
struct held {
        struct knum v[VECTOR_MAX];
        size_t n_live, n_set;   /* values of the key; values the write sets */
        bool ints, needs_hz;
        enum refusal refused;
        const char *rest;       /* after the last number read; borrows the value */
        char *list;             /* CONV_BITMAP: the port list read back; owned */
        bool is_list;
};

/* The kernel's isspace(), which includes 0xa0. */
static inline bool sysctld_value_isspace(unsigned char c) {
        return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

/* Up to max numbers as a write reads them: returns how many were read;
 * *ret_refused when one was not a number (or there was none at all);
 * *ret_rest (may be NULL) points after the last number read. */
size_t sysctld_value_parse(const char *s, struct knum *ret, size_t max, bool *ret_refused, const char **ret_rest);

/* live as a vector of up to VECTOR_MAX numbers (every word a number): its
 * count, or 0 (live NULL, or not all numbers). */
size_t sysctld_value_vector(const char *live, struct knum *ret);

/* Whether the kernel rounds the key's values (jiffies) or reads them back
 * in another form (port bitmaps). */
bool sysctld_value_converted(const char *key);

/* The write of value to key, which holds live (NULL: unreadable): what it
 * sets, whether the kernel refuses (part of) it. hz 0: needs_hz where the
 * answer depends on HZ. h->list (owned by the caller) is NULL
 * when refused or out of memory. */
void sysctld_value_hold(const char *key, const char *value, const char *live, unsigned hz, struct held *h);

/* The values held, in decimal, space-separated: malloc'ed, NULL on OOM. */
char *sysctld_value_format(const struct held *h);

/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>

#include "parse.h"

static const struct {
        const char *suffix;
        uint64_t usec;
} duration_units[] = {
        /* Longest suffix first where one is a prefix of another ("ms"/"m"). */
        { "us",  1 },
        { "ms",  USEC_PER_MSEC },
        { "min", USEC_PER_MIN },
        { "s",   USEC_PER_SEC },
        { "m",   USEC_PER_MIN },
        { "h",   USEC_PER_HOUR },
};

static uint64_t gcd_u64(uint64_t a, uint64_t b) {
        while (b) {
                uint64_t t = a % b;
                a = b;
                b = t;
        }
        return a;
}

int parse_duration(const char *s, uint64_t *ret_usec) {
        return parse_duration_unit(s, USEC_PER_SEC, ret_usec);
}

int parse_duration_unit(const char *s, uint64_t bare_unit, uint64_t *ret_usec) {
        uint64_t total = 0;

        if (!s || !*s)
                return -EINVAL;

        for (const char *p = s; *p;) {
                uint64_t whole = 0, frac = 0, frac_scale = 1, unit = bare_unit;
                bool have_unit = false, first = p == s;

                if (!isdigit((unsigned char) *p))
                        return -EINVAL;
                for (; isdigit((unsigned char) *p); p++) {
                        uint64_t d = (uint64_t) (*p - '0');
                        if (whole > (UINT64_MAX - d) / 10)
                                return -ERANGE;
                        whole = whole * 10 + d;
                }
                if (*p == '.') {
                        p++;
                        if (!isdigit((unsigned char) *p))
                                return -EINVAL;
                        /* Digits past a microsecond of an hour cannot matter. */
                        for (; isdigit((unsigned char) *p); p++)
                                if (frac_scale < UINT64_C(100000000000)) {
                                        frac = frac * 10 + (uint64_t) (*p - '0');
                                        frac_scale *= 10;
                                }
                }
                for (size_t i = 0; i < ELEMENTSOF(duration_units); i++) {
                        const char *after = startswith(p, duration_units[i].suffix);
                        if (after && !isalpha((unsigned char) *after)) {
                                unit = duration_units[i].usec;
                                p = after;
                                have_unit = true;
                                break;
                        }
                }
                if (!have_unit && *p)
                        return -EINVAL; /* unknown suffix */
                if (!have_unit && !first)
                        return -EINVAL; /* "1m30": a bare number may only stand alone */

                if (whole > UINT64_MAX / unit)
                        return -ERANGE;
                uint64_t v = whole * unit;
                /* frac / frac_scale of a unit, exactly: frac * unit can
                 * pass 2^64 (0.9999999999h is 10^10 * 3.6 * 10^9), but
                 * reduced by their gcd the factor is at most 9 (h: 9/250). */
                uint64_t g = gcd_u64(unit, frac_scale);
                uint64_t f = frac * (unit / g) / (frac_scale / g);
                if (v > UINT64_MAX - f || total > UINT64_MAX - v - f)
                        return -ERANGE;
                total += v + f;
        }

        *ret_usec = total;
        return 0;
}

char *format_duration(uint64_t usec) {
        char *s = NULL;
        int r;

        if (usec < USEC_PER_MSEC)
                r = asprintf(&s, "%" PRIu64 "us", usec);
        else if (usec < USEC_PER_SEC)
                r = usec % USEC_PER_MSEC == 0
                            ? asprintf(&s, "%" PRIu64 "ms", usec / USEC_PER_MSEC)
                            : asprintf(&s, "%.1fms", (double) usec / USEC_PER_MSEC);
        else if (usec < USEC_PER_MIN)
                r = asprintf(&s, "%.2fs", (double) usec / USEC_PER_SEC);
        else if (usec < USEC_PER_HOUR) {
                /* Round to a tenth of a second first so 59.96 s never prints as "60.0s". */
                uint64_t tenths = (usec + 50000) / 100000;
                r = asprintf(&s, "%" PRIu64 "m %" PRIu64 ".%" PRIu64 "s",
                             tenths / 600, tenths % 600 / 10, tenths % 10);
        } else {
                /* Round to the second without adding first: usec + 0.5 s
                 * wraps for the largest durations parse_duration() takes. */
                uint64_t secs = usec / USEC_PER_SEC + (usec % USEC_PER_SEC >= USEC_PER_SEC / 2);
                uint64_t h = secs / 3600, m = secs % 3600 / 60, sec = secs % 60;
                if (sec)
                        r = asprintf(&s, "%" PRIu64 "h %" PRIu64 "m %" PRIu64 "s", h, m, sec);
                else if (m)
                        r = asprintf(&s, "%" PRIu64 "h %" PRIu64 "m", h, m);
                else
                        r = asprintf(&s, "%" PRIu64 "h", h);
        }
        return r < 0 ? NULL : s;
}

const char *format_seconds(uint64_t usec, char *buf, size_t size) {
        /* Integer arithmetic: no locale, no binary-fraction noise. */
        int n = snprintf(buf, size, "%" PRIu64 ".%06" PRIu64, usec / USEC_PER_SEC, usec % USEC_PER_SEC);
        if (n <= 0 || (size_t) n >= size)
                return buf;
        char *e = buf + n - 1;
        while (*e == '0')
                *e-- = '\0';
        if (*e == '.')
                *e = '\0';
        return buf;
}

int parse_kernel_digits(const char **p, bool *ret_neg, unsigned long *ret_value) {
        const char *s = *p;
        bool neg = false, any = false;
        unsigned long base = 10, v = 0;

        if (*s == '-') {
                neg = true;
                s++;
        }
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char) s[2])) {
                base = 16;
                s += 2;
        } else if (s[0] == '0')
                base = 8;

        for (;; s++) {
                unsigned d;
                if (*s >= '0' && *s <= '9')
                        d = (unsigned) (*s - '0');
                else if (base == 16 && isxdigit((unsigned char) *s))
                        d = (unsigned) (tolower((unsigned char) *s) - 'a' + 10);
                else
                        break;
                if (d >= base)
                        break; /* "08": the kernel stops here and rejects the '8' */
                if (v > (ULONG_MAX - d) / base)
                        return -ERANGE;
                v = v * base + d;
                any = true;
        }
        if (!any)
                return -EINVAL;
        *ret_neg = neg;
        *ret_value = v;
        *p = s;
        return 0;
}

/* Parses one number at *p and advances *p past it. */
static int parse_one_kernel_long(const char **p, long *ret) {
        bool neg;
        unsigned long v;
        int r = parse_kernel_digits(p, &neg, &v);
        if (r < 0)
                return r;
        if (neg ? v > (unsigned long) LONG_MAX + 1 : v > (unsigned long) LONG_MAX)
                return -ERANGE;
        *ret = neg ? (long) (0 - v) : (long) v;
        return 0;
}

int parse_kernel_long(const char *s, long *ret) {
        long v[2];
        int r = parse_kernel_vector(s, v, 1);
        if (r == -E2BIG)
                return -EINVAL;
        if (r < 0)
                return r;
        *ret = v[0];
        return 0;
}

int parse_kernel_vector(const char *s, long *ret, size_t max) {
        size_t n = 0;

        if (!s)
                return -EINVAL;
        for (const char *p = s;;) {
                while (isspace((unsigned char) *p))
                        p++;
                if (!*p)
                        break;
                if (n >= max)
                        return -E2BIG;
                long v;
                int r = parse_one_kernel_long(&p, &v);
                if (r < 0)
                        return r;
                if (*p && !isspace((unsigned char) *p))
                        return -EINVAL;
                ret[n++] = v;
        }
        return n == 0 ? -EINVAL : (int) n;
}

int parse_uint(const char *s, uint64_t max, uint64_t *ret) {
        uint64_t v = 0;

        if (!s || !*s)
                return -EINVAL;
        for (const char *p = s; *p; p++) {
                if (!isdigit((unsigned char) *p))
                        return -EINVAL;
                if (v > (UINT64_MAX - 9) / 10)
                        return -ERANGE;
                v = v * 10 + (uint64_t) (*p - '0');
        }
        if (v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

char *normalize_whitespace(char *s) {
        char *w = s;
        bool pending = false;

        for (char *r = s; *r; r++) {
                if (isspace((unsigned char) *r)) {
                        pending = w != s;
                        continue;
                }
                if (pending)
                        *w++ = ' ';
                pending = false;
                *w++ = *r;
        }
        *w = '\0';
        return s;
}

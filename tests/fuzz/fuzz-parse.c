/* SPDX-License-Identifier: MIT */
/* parse.c and sysctl_key_normalize() over arbitrary strings (the input up
 * to its first NUL): durations round-trip through format_seconds() exactly
 * and through format_duration() within its rounding; vectors through
 * decimal; canonical keys are fixed points. */
#include <inttypes.h>
#include <limits.h>

#include "fuzz.h"
#include "parse.h"
#include "sysctl.h"
#include "tunables.h"

#define VECTOR_MAX 8

/* "15m 38.7s" -> "15m38.7s": parse_duration() takes no blanks. */
static void drop_blanks(char *s) {
        char *w = s;
        for (char *c = s; *c; c++)
                if (*c != ' ')
                        *w++ = *c;
        *w = '\0';
}

/* The most format_duration() may be off by: half its last printed digit
 * (and one microsecond for the double rounding in %.1f / %.2f). */
static uint64_t duration_tolerance(uint64_t usec) {
        if (usec < USEC_PER_MSEC)
                return 0;
        if (usec < USEC_PER_SEC)
                return 50 + 1;
        if (usec < USEC_PER_MIN)
                return 5 * USEC_PER_MSEC + 1;
        if (usec < USEC_PER_HOUR)
                return 50 * USEC_PER_MSEC;
        return USEC_PER_SEC / 2;
}

/* One component "W.F<unit>": W units plus F's share of one, within a
 * microsecond, however many digits F has (ten of them once wrapped
 * "0.9999999999h" to 29 minutes). */
static void check_fraction(const char *s, uint64_t us) {
        static const struct {
                const char *suffix;
                uint64_t usec;
        } units[] = { { "us", 1 }, { "ms", USEC_PER_MSEC }, { "min", USEC_PER_MIN }, { "s", USEC_PER_SEC },
                      { "m", USEC_PER_MIN }, { "h", USEC_PER_HOUR }, { "", USEC_PER_SEC } };
        size_t w = strspn(s, "0123456789");
        if (w == 0 || w > 19 || s[w] != '.')
                return;
        size_t f = strspn(s + w + 1, "0123456789");
        const char *suffix = s + w + 1 + f;
        for (size_t i = 0; i < ELEMENTSOF(units); i++)
                if (streq(suffix, units[i].suffix)) {
                        /* Exactly, in 128 bits, from up to 18 digits of F:
                         * the parser may drop less than a microsecond. */
                        unsigned __int128 frac = 0, scale = 1;
                        for (size_t k = 0; k < f && k < 18; k++) {
                                frac = frac * 10 + (unsigned) (s[w + 1 + k] - '0');
                                scale *= 10;
                        }
                        unsigned __int128 ref = (unsigned __int128) strtoull(s, NULL, 10) * units[i].usec +
                                                frac * units[i].usec / scale;
                        fuzz_assert(us <= ref && ref - us <= 1);
                        return;
                }
}

static void check_duration(const char *s) {
        uint64_t us, again;
        int r = parse_duration(s, &us);
        fuzz_assert(r == 0 || r == -EINVAL || r == -ERANGE);
        if (r < 0)
                return;
        check_fraction(s, us);

        char buf[64];
        _cleanup_free_ char *exact = NULL;
        fuzz_assert(asprintf(&exact, "%ss", format_seconds(us, buf, sizeof(buf))) > 0);
        fuzz_assert(parse_duration(exact, &again) == 0 && again == us);

        _cleanup_free_ char *human = format_duration(us);
        fuzz_assert(human);
        drop_blanks(human);
        r = parse_duration(human, &again);
        /* Rounding up to the second may not fit any more. */
        fuzz_assert(r == 0 || (r == -ERANGE && us > UINT64_MAX - USEC_PER_SEC));
        if (r == 0)
                fuzz_assert((again > us ? again - us : us - again) <= duration_tolerance(us));
}

static void check_vector(const char *s) {
        long v[VECTOR_MAX], w[VECTOR_MAX];
        int n = parse_kernel_vector(s, v, VECTOR_MAX);
        fuzz_assert(n == -EINVAL || n == -ERANGE || n == -E2BIG || (n >= 1 && n <= VECTOR_MAX));
        if (n < 0)
                return;

        _cleanup_free_ char *dec = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&dec, &len);
        fuzz_assert(f);
        for (int i = 0; i < n; i++)
                fprintf(f, "%s%ld", i ? " " : "", v[i]);
        fuzz_assert(fclose(f) == 0);
        fuzz_assert(parse_kernel_vector(dec, w, VECTOR_MAX) == n);
        fuzz_assert(memcmp(v, w, (size_t) n * sizeof(long)) == 0);

        long one;
        if (n == 1) {
                fuzz_assert(parse_kernel_long(s, &one) == 0 && one == v[0]);
        }
}

static void check_key(const char *s) {
        _cleanup_free_ char *canon = NULL, *again = NULL;
        int r = sysctl_key_normalize(s, &canon);
        fuzz_oom(r);
        fuzz_assert(r == 0 || r == -EINVAL || r == -ENAMETOOLONG);
        if (r < 0)
                return;
        fuzz_assert(canon && *canon);
        fuzz_assert(strlen(canon) <= SYSCTL_KEY_MAX);
        fuzz_assert(fuzz_no_control(canon));
        fuzz_assert(!strpbrk(canon, "*?["));
        /* Canonical is a fixed point. */
        fuzz_oom(sysctl_key_normalize(canon, &again));
        fuzz_assert(again && streq(again, canon));

        _cleanup_free_ char *sub = sysctl_key_to_subpath(canon);
        fuzz_assert(sub && sub[0] != '/');
        /* No component walks up out of /proc/sys ("c..nf" is a name). */
        for (const char *c = sub; c; c = strchr(c, '/') ? strchr(c, '/') + 1 : NULL)
                fuzz_assert(!startswith(c, "../") && !streq(c, ".."));

        /* The catalog agrees with itself across spellings. */
        const struct tunable *a = tunable_find(s), *b = tunable_find(canon);
        fuzz_assert(a == b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *s = strndup((const char *) data, size);
        fuzz_assert(s);
        check_duration(s);
        check_vector(s);
        check_key(s);

        _cleanup_free_ char *w = strdup(s);
        fuzz_assert(w);
        normalize_whitespace(w);
        fuzz_assert(!strstr(w, "  ") && w[0] != ' ' && !strchr(w, '\t'));
        return 0;
}

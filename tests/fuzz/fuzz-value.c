/* SPDX-License-Identifier: MIT */
/* /proc/sys value checks over arbitrary text. The first byte picks a
 * catalog tunable, the second the HZ; the rest (to the first NUL) is the
 * value. Three readers of the kernel's number syntax must agree:
 *  - tunable_check_value() (what profiles and --set accept) accepts only
 *    what the kernel takes, as sysctld_check_entry() models the write
 *    against a fixture's /proc/sys (FUZZ_ROOT, never the host's), with
 *    the same number held afterwards;
 *  - parse_kernel_digits() reads what strtoul(base 0) reads, up to the
 *    sign; parse_kernel_long() is parse_kernel_vector() of one;
 *  - sysctld_held() is whitespace-normalised and, for an integer key the
 *    write sets, a decimal the kernel would print. */
#include <limits.h>

#include "fuzz.h"
#include "parse.h"
#include "sysctld.h"
#include "tunables.h"

#ifndef FUZZ_ROOT
#error "FUZZ_ROOT: a fixture tree with proc/sys"
#endif

static const unsigned hzs[] = { 0, 100, 250, 300, 1000 };

static bool normalised(const char *s) {
        return s[0] != ' ' && !strstr(s, "  ") && !strpbrk(s, "\t\n\r\v\f") && (!*s || s[strlen(s) - 1] != ' ');
}

static void check_digits(const char *s) {
        const char *p = s;
        bool neg;
        unsigned long v;
        int r = parse_kernel_digits(&p, &neg, &v);
        fuzz_assert(r == 0 || r == -EINVAL || r == -ERANGE);
        if (r == 0) {
                fuzz_assert(p > s && p <= s + strlen(s));
                fuzz_assert(neg == (s[0] == '-'));
        }
        /* strtoul() reads base 0 alike, but skips blanks and takes '+'. */
        if (!((s[0] >= '0' && s[0] <= '9') || (s[0] == '-' && s[1] >= '0' && s[1] <= '9')))
                return;
        char *end;
        errno = 0;
        unsigned long u = strtoul(s + (s[0] == '-'), &end, 0);
        if (errno == ERANGE) {
                fuzz_assert(r == -ERANGE);
                return;
        }
        fuzz_assert(r == 0 && u == v && end == p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        size_t n;
        const struct tunable *all = tunable_all(&n);
        if (size < 2)
                return 0;
        const struct tunable *t = &all[data[0] % n];
        unsigned hz = hzs[data[1] % ELEMENTSOF(hzs)];
        _cleanup_free_ char *value = strndup((const char *) data + 2, size - 2);
        fuzz_assert(value);

        check_digits(value);
        long one, vec[2];
        int r1 = parse_kernel_long(value, &one), rv = parse_kernel_vector(value, vec, 1);
        fuzz_assert(r1 == (rv == -E2BIG ? -EINVAL : rv == 1 ? 0 : rv));
        fuzz_assert(r1 < 0 || one == vec[0]);

        long v = LONG_MIN;
        int r = tunable_check_value(t, value, hz, &v);
        fuzz_assert(r == 0 || r == -EINVAL || r == -ERANGE);
        if (r == 0 && t->type == TUNABLE_INT) {
                long lo, hi;
                tunable_range(t, hz, &lo, &hi);
                fuzz_assert(v >= lo && v <= hi);
                fuzz_assert(r1 == 0 && v == one);
        }
        if (r == 0 && t->type == TUNABLE_STRING)
                fuzz_assert(*value && !strpbrk(value, " \t\n"));

        /* The write, as the kernel takes it. */
        struct sysctld_entry e = { .key = (char *) t->key, .value = value, .file = (char *) "/etc/sysctl.d/fuzz.conf",
                                   .line = 1 };
        struct sysctld_check c = {};
        bool needs_hz = false;
        fuzz_oom(sysctld_check_entry(fuzz_root(), &e, hz, &needs_hz, &c));
        fuzz_assert(c.exists);
        /* With hz 0 a value whose range depends on HZ is left open. */
        fuzz_assert(needs_hz ? !c.valid && !c.problem : c.valid == !c.problem);
        fuzz_assert(!c.held || normalised(c.held));
        if (r == 0 && t->type == TUNABLE_INT && !needs_hz) {
                char dec[32];
                snprintf(dec, sizeof(dec), "%ld", v);
                if (!c.valid)
                        fprintf(stderr, "%s = '%s': tunable_check_value() takes %ld, the kernel refuses: %s\n", t->key,
                                value, v, c.problem);
                fuzz_assert(c.valid);
                fuzz_assert(c.held && streq(c.held, dec));
        }
        sysctld_check_done(&c);

        _cleanup_free_ char *held = sysctld_held(t->key, value, "1", hz);
        fuzz_assert(held && normalised(held));
        return 0;
}

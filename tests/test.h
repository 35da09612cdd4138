/* SPDX-License-Identifier: MIT */
/* A tiny TAP test harness: each test_case() prints "ok N - name" or
 * "not ok N - name" with the failed assertion's file:line. */
#pragma once

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_n, test_failed, test_case_failed;
static const char *test_name;

#define test_assert(cond)                                                                          \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        printf("# %s:%d: %s: assertion failed: %s\n", __FILE__, __LINE__, test_name, \
                               #cond);                                                             \
                        test_case_failed = 1;                                                      \
                }                                                                                  \
        } while (0)

#define test_assert_int(a, b)                                                                      \
        do {                                                                                       \
                long long _a = (long long) (a), _b = (long long) (b);                              \
                if (_a != _b) {                                                                    \
                        printf("# %s:%d: %s: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, \
                               test_name, #a, _a, #b, _b);                                         \
                        test_case_failed = 1;                                                      \
                }                                                                                  \
        } while (0)

#define test_assert_str(a, b)                                                                      \
        do {                                                                                       \
                const char *_a = (a), *_b = (b);                                                   \
                if (!_a || !_b || strcmp(_a, _b) != 0) {                                           \
                        printf("# %s:%d: %s: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
                               test_name, #a, _a ? _a : "(null)", _b ? _b : "(null)");             \
                        test_case_failed = 1;                                                      \
                }                                                                                  \
        } while (0)

static inline void test_run(const char *name, void (*fn)(void)) {
        test_name = name;
        test_case_failed = 0;
        fn();
        test_n++;
        if (test_case_failed)
                test_failed++;
        printf("%s %d - %s\n", test_case_failed ? "not ok" : "ok", test_n, name);
}

#define TEST(fn) test_run(#fn, fn)

static inline int test_done(void) {
        printf("1..%d\n", test_n);
        return test_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

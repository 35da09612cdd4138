/* SPDX-License-Identifier: MIT */
#include "parse.h"
#include "test.h"

static void test_duration_valid(void) {
        static const struct {
                const char *in;
                uint64_t usec;
        } cases[] = {
                { "40us", 40 },          { "200ms", 200000 },       { "1.5s", 1500000 },
                { "2m", 120000000 },     { "1h", 3600000000 },      { "3", 3000000 },
                { "0.25", 250000 },      { "1m30s", 90000000 },     { "0", 0 },
                { "0.204s", 204000 },    { "1.0000005s", 1000000 }, { "2min", 120000000 },
                { "1h2m3s", 3723000000 }, { "007ms", 7000 },
                /* The largest value that fits (the digit scan once refused
                 * 18446744073709551610 to ...615). */
                { "18446744073709551615us", UINT64_MAX },
                { "18446744073709551610us", UINT64_MAX - 5 },
                /* fuzz-parse: ten fraction digits of an hour wrapped
                 * frac * unit past 2^64 (this gave 1755325592). */
                { "0.9999999999h", 3599999999 },  { "0.99999999999h", 3599999999 },
                { "1.99999999999h", 7199999999 }, { "0.99999999999min", 59999999 },
                { "0.00000000001h", 0 },          { "0.0000000003h", 1 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                uint64_t v = 12345;
                test_assert_int(parse_duration(cases[i].in, &v), 0);
                test_assert_int(v, cases[i].usec);
        }
}

static void test_duration_invalid(void) {
        static const char *const bad[] = {
                "", "-1s", "+1s", "1x", "80x", "s", "1.s", ".5s", "1e3", "1 s", " 1s", "1s ",
                "1m30", "ms", "1..2s", "0x10", "1hh", "1sm",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                uint64_t v = 777;
                int r = parse_duration(bad[i], &v);
                if (r != -EINVAL)
                        printf("# input \"%s\" -> %d\n", bad[i], r);
                test_assert_int(r, -EINVAL);
                test_assert_int(v, 777); /* untouched on failure */
        }
        uint64_t v;
        test_assert_int(parse_duration("99999999999999999999", &v), -ERANGE);
        test_assert_int(parse_duration("18446744073709551616us", &v), -ERANGE);
        test_assert_int(parse_duration("18446744073709551620us", &v), -ERANGE);
        test_assert_int(parse_duration("18446744073710h", &v), -ERANGE);
        test_assert_int(parse_duration("5124095577h", &v), -ERANGE);
}

/* Bare numbers in the option's own unit; a suffix always wins. */
static void test_duration_unit(void) {
        static const struct {
                const char *in;
                uint64_t bare_unit, usec;
        } cases[] = {
                { "204", USEC_PER_MSEC, 204000 },  { "0.5", USEC_PER_MSEC, 500 },
                { "30000", USEC_PER_MSEC, 30000000 }, { "1.5s", USEC_PER_MSEC, 1500000 },
                { "40us", USEC_PER_MSEC, 40 },     { "2m", USEC_PER_MSEC, 120000000 },
                { "3", USEC_PER_SEC, 3000000 },    { "7", 1, 7 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                uint64_t v = 0;
                test_assert_int(parse_duration_unit(cases[i].in, cases[i].bare_unit, &v), 0);
                test_assert_int(v, cases[i].usec);
        }
        uint64_t v = 9;
        test_assert_int(parse_duration_unit("1m30", USEC_PER_MSEC, &v), -EINVAL);
        test_assert_int(parse_duration_unit("20000000000000000", USEC_PER_MSEC, &v), -ERANGE);
        test_assert_int(v, 9);
}

static void test_duration_format(void) {
        static const struct {
                uint64_t usec;
                const char *out;
        } cases[] = {
                { 0, "0us" },
                { 40, "40us" },
                { 204000, "204ms" },
                { 52500, "52.5ms" },
                { 13401000, "13.40s" },
                { 59996000, "60.00s" },
                { 938700000, "15m 38.7s" },
                { 3599960000, "60m 0.0s" },
                { 7875000000, "2h 11m 15s" },
                { 7200000000, "2h" },
                { 7500000000, "2h 5m" },
                /* Rounding must not wrap (found by tests/fuzz/fuzz-parse). */
                { UINT64_MAX, "5124095576h 1m 50s" },
                { UINT64_MAX - 8, "5124095576h 1m 50s" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *s = format_duration(cases[i].usec);
                test_assert_str(s, cases[i].out);
        }
}

static void test_seconds_format(void) {
        char buf[32];
        test_assert_str(format_seconds(938700000, buf, sizeof(buf)), "938.7");
        test_assert_str(format_seconds(204000, buf, sizeof(buf)), "0.204");
        test_assert_str(format_seconds(5000000, buf, sizeof(buf)), "5");
        test_assert_str(format_seconds(1, buf, sizeof(buf)), "0.000001");
}

static void test_kernel_long(void) {
        static const struct {
                const char *in;
                int r;
                long v;
        } cases[] = {
                { "15", 0, 15 },        { "010", 0, 8 },         { "0x1f", 0, 31 },
                { "-1", 0, -1 },        { "  7\n", 0, 7 },       { "0", 0, 0 },
                { "08", -EINVAL, 0 },   { "+5", -EINVAL, 0 },    { "", -EINVAL, 0 },
                { "5x", -EINVAL, 0 },   { "0x", -EINVAL, 0 },    { "1 2", -EINVAL, 0 },
                { "abc", -EINVAL, 0 },  { "-", -EINVAL, 0 },     { "99999999999999999999", -ERANGE, 0 },
                { "0X10", 0, 16 },      { "\t42\t", 0, 42 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                long v = -999;
                int r = parse_kernel_long(cases[i].in, &v);
                if (r != cases[i].r)
                        printf("# input \"%s\" -> %d\n", cases[i].in, r);
                test_assert_int(r, cases[i].r);
                if (cases[i].r == 0)
                        test_assert_int(v, cases[i].v);
        }
}

static void test_kernel_digits(void) {
        static const struct {
                const char *in;
                int r;
                bool neg;
                unsigned long v;
                size_t consumed;
        } cases[] = {
                { "15", 0, false, 15, 2 },
                { "-0", 0, true, 0, 2 },
                { "010", 0, false, 8, 3 },
                { "08", 0, false, 0, 1 },        /* octal stops at the 8 */
                { "0x1fz", 0, false, 31, 4 },
                { "0x", 0, false, 0, 1 },        /* "0x" without a hex digit is a 0 then 'x' */
                { "12 34", 0, false, 12, 2 },
                { "18446744073709551615", 0, false, 18446744073709551615UL, 20 },
                { "18446744073709551616", -ERANGE, false, 0, 0 },
                { "-", -EINVAL, false, 0, 0 },
                { "x1", -EINVAL, false, 0, 0 },
                { "", -EINVAL, false, 0, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                const char *p = cases[i].in;
                bool neg = !cases[i].neg;
                unsigned long v = 4242;
                int r = parse_kernel_digits(&p, &neg, &v);
                test_assert_int(r, cases[i].r);
                if (r == 0) {
                        test_assert_int(neg, cases[i].neg);
                        test_assert(v == cases[i].v);
                        test_assert_int(p - cases[i].in, cases[i].consumed);
                } else
                        test_assert(p == cases[i].in);
        }
}

static void test_kernel_vector(void) {
        long v[4];
        test_assert_int(parse_kernel_vector("4096\t131072\t6291456", v, 4), 3);
        test_assert_int(v[0], 4096);
        test_assert_int(v[1], 131072);
        test_assert_int(v[2], 6291456);
        test_assert_int(parse_kernel_vector(" 010  0x10 ", v, 4), 2);
        test_assert_int(v[0], 8);
        test_assert_int(v[1], 16);
        test_assert_int(parse_kernel_vector("1 2 3", v, 2), -E2BIG);
        test_assert_int(parse_kernel_vector("1 x 3", v, 4), -EINVAL);
        test_assert_int(parse_kernel_vector("   ", v, 4), -EINVAL);
}

static void test_uint(void) {
        uint64_t v;
        test_assert_int(parse_uint("42", 100, &v), 0);
        test_assert_int(v, 42);
        test_assert_int(parse_uint("101", 100, &v), -ERANGE);
        test_assert_int(parse_uint("-1", 100, &v), -EINVAL);
        test_assert_int(parse_uint("", 100, &v), -EINVAL);
        test_assert_int(parse_uint("4x", 100, &v), -EINVAL);
}

static void test_whitespace(void) {
        char a[] = "  4096\t131072 \t 6291456\n";
        test_assert_str(normalize_whitespace(a), "4096 131072 6291456");
        char b[] = "\n";
        test_assert_str(normalize_whitespace(b), "");
        char c[] = "bbr";
        test_assert_str(normalize_whitespace(c), "bbr");
}

int main(void) {
        TEST(test_duration_valid);
        TEST(test_duration_invalid);
        TEST(test_duration_unit);
        TEST(test_duration_format);
        TEST(test_seconds_format);
        TEST(test_kernel_long);
        TEST(test_kernel_digits);
        TEST(test_kernel_vector);
        TEST(test_uint);
        TEST(test_whitespace);
        return test_done();
}

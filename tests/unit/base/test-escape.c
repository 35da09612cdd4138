/* SPDX-License-Identifier: MIT */
/* base/escape.c: what may reach a terminal, and strict UTF-8. */
#include "escape.h"
#include "test.h"

static void check(const char *in, size_t max, const char *want) {
        _cleanup_free_ char *got = escape_text(in, max);
        test_assert_str(got, want);
        /* escaping twice changes nothing */
        _cleanup_free_ char *again = got ? escape_text(got, SIZE_MAX) : NULL;
        test_assert_str(again, got);
}

static void test_escape(void) {
        check("plain text", SIZE_MAX, "plain text");
        check("tab\there", SIZE_MAX, "tab\\x09here");
        check("line\nbreak\r", SIZE_MAX, "line\\x0abreak\\x0d");
        check("esc\x1b[31mred", SIZE_MAX, "esc\\x1b[31mred");
        check("del\x7f", SIZE_MAX, "del\\x7f");
        check("csi \xc2\x9b" "2J", SIZE_MAX, "csi \\xc2\\x9b2J");           /* U+009B, the 8-bit CSI */
        check("rtl \xe2\x80\xae" "fdp.exe", SIZE_MAX, "rtl \\xe2\\x80\\xaefdp.exe"); /* U+202E */
        check("iso \xe2\x81\xa6x", SIZE_MAX, "iso \\xe2\\x81\\xa6x");       /* U+2066 */
        check("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7", SIZE_MAX, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7");
        check("nbsp\xc2\xa0ok", SIZE_MAX, "nbsp\xc2\xa0ok");
        check("bad \xff\xfe", SIZE_MAX, "bad \\xff\\xfe");
        check("overlong \xc0\xaf \xe0\x80\xaf", SIZE_MAX, "overlong \\xc0\\xaf \\xe0\\x80\\xaf");
        check("surrogate \xed\xa0\x80", SIZE_MAX, "surrogate \\xed\\xa0\\x80");
        check("past \xf4\x90\x80\x80", SIZE_MAX, "past \\xf4\\x90\\x80\\x80");
        check("cut \xe2\x82", SIZE_MAX, "cut \\xe2\\x82");
        /* max counts input bytes; a sequence cut by it is escaped, never copied half */
        check("abcdef", 3, "abc...");
        check("ab\xe2\x82\xac", 3, "ab\\xe2...");
        check("\xff\xff\xff\xff", 2, "\\xff\\xff...");
        check("", SIZE_MAX, "");
}

static void test_utf8(void) {
        uint32_t cp = 0;
        test_assert_int(utf8_decode((const unsigned char *) "A", 1, &cp), 1);
        test_assert_int(cp, 'A');
        test_assert_int(utf8_decode((const unsigned char *) "\xe2\x82\xac", 3, &cp), 3);
        test_assert_int(cp, 0x20ac);
        test_assert_int(utf8_decode((const unsigned char *) "\xe2\x82\xac", 2, &cp), 0);
        test_assert_int(utf8_decode((const unsigned char *) "\xf4\x8f\xbf\xbf", 4, &cp), 4);
        test_assert_int(cp, 0x10ffff);
        test_assert_int(utf8_decode((const unsigned char *) "\x80", 1, &cp), 0);
        test_assert_int(utf8_decode((const unsigned char *) "", 0, &cp), 0);
        test_assert(utf8_valid("host", 4));
        test_assert(utf8_valid("", 0));
        test_assert(!utf8_valid("ns\xff", 3));
        test_assert(!utf8_valid("\xed\xbf\xbf", 3));
        test_assert(escape_is_control(0x9b));
        test_assert(escape_is_control(0x202e));
        test_assert(!escape_is_control(0xa0));
        test_assert(!escape_is_control('~'));
}

int main(void) {
        TEST(test_escape);
        TEST(test_utf8);
        return test_done();
}

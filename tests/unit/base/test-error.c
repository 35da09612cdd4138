/* SPDX-License-Identifier: MIT */
/* base/error.c: the one carrier of a module's failure, and the one line
 * it becomes. */
#include "error.h"
#include "test.h"

static void check_format(const struct error *e, const char *want) {
        _cleanup_free_ char *got = error_format(e);
        if (want)
                test_assert_str(got, want);
        else
                test_assert(!got);
}

/* `return error_set(...)` returns the errno it was given, and the carrier
 * holds file, line and text. */
static void test_set(void) {
        struct error e = {};
        test_assert(!error_is_set(&e));
        test_assert_int(error_set(&e, -EINVAL, "/etc/x.conf", 3, "unknown key '%s'", "foo"), -EINVAL);
        test_assert(error_is_set(&e));
        test_assert_int(e.code, -EINVAL);
        test_assert_str(e.file, "/etc/x.conf");
        test_assert_int(e.line, 3);
        test_assert_str(e.message, "unknown key 'foo'");
        error_done(&e);
        test_assert(!error_is_set(&e));
        test_assert(!e.file && !e.message && e.line == 0 && e.code == 0);
        error_done(&e); /* twice is fine */
        error_done(NULL);
}

/* Rule 1: the first failure names the cause; a later one changes nothing
 * but is still returned. */
static void test_first_wins(void) {
        struct error e = {};
        test_assert_int(error_set(&e, -EACCES, "/a", 0, "first"), -EACCES);
        test_assert_int(error_set(&e, -EIO, "/b", 7, "second"), -EIO);
        test_assert_int(e.code, -EACCES);
        test_assert_str(e.file, "/a");
        test_assert_int(e.line, 0);
        test_assert_str(e.message, "first");
        error_done(&e);
}

/* Rule 2: no carrier, only the errno. */
static void test_null(void) {
        test_assert_int(error_set(NULL, -ENOENT, "/x", 1, "gone"), -ENOENT);
        test_assert(!error_is_set(NULL));
        test_assert(!error_format(NULL));
}

/* Compiler-style: FILE:LINE: message, FILE: message, message. */
static void test_format(void) {
        struct error e = {};
        check_format(&e, NULL); /* nothing set */
        error_set(&e, -EINVAL, "/etc/tcptune/tcptune.conf", 3, "idle = 5x: not a duration");
        check_format(&e, "/etc/tcptune/tcptune.conf:3: idle = 5x: not a duration");
        check_format(&e, "/etc/tcptune/tcptune.conf:3: idle = 5x: not a duration");
        error_done(&e);
        error_set(&e, -EISDIR, "/etc/tcptune/tcptune.conf", 0, "a directory, not a policy file");
        check_format(&e, "/etc/tcptune/tcptune.conf: a directory, not a policy file");
        error_done(&e);
        error_set(&e, -ENOENT, NULL, 9, "no profile 'x'");
        check_format(&e, "no profile 'x'"); /* a line without a file says nothing */
        error_done(&e);
        error_set(&e, -EINVAL, NULL, 0, "%s", "");
        check_format(&e, "");
        error_done(&e);
}

/* The line is the text as written: a JSON document escapes its own, and
 * log.c escapes what reaches a terminal (test-log checks these lines
 * there). */
static void test_escape(void) {
        struct error e = {};
        error_set(&e, -EINVAL, "/etc/a\nb.ini", 2, "key '\x1b[31mred' \xe2\x80\xae" "x \xff");
        check_format(&e, "/etc/a\nb.ini:2: key '\x1b[31mred' \xe2\x80\xae" "x \xff");
        error_done(&e);
        _cleanup_free_ char *a = error_format_at("/f", 4, "tab\there");
        test_assert_str(a, "/f:4: tab\there");
        _cleanup_free_ char *b = error_format_at(NULL, 4, "caf\xc3\xa9");
        test_assert_str(b, "caf\xc3\xa9");
}

/* A nested reader fills its own carrier; the caller keeps the first. */
static void test_move(void) {
        struct error outer = {}, inner = {};
        error_set(&inner, -EINVAL, "/in", 5, "inner");
        test_assert_int(error_move(&outer, &inner), -EINVAL);
        test_assert(!error_is_set(&inner));
        test_assert_str(outer.file, "/in");
        test_assert_int(outer.line, 5);
        error_set(&inner, -EIO, "/later", 1, "later");
        test_assert_int(error_move(&outer, &inner), -EIO);
        test_assert(!error_is_set(&inner));
        test_assert_str(outer.message, "inner");
        test_assert_int(error_move(NULL, &inner), 0);
        error_done(&outer);
}

int main(void) {
        TEST(test_set);
        TEST(test_first_wins);
        TEST(test_null);
        TEST(test_format);
        TEST(test_escape);
        TEST(test_move);
        return test_done();
}

/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <sys/stat.h>

#include "policy.h"
#include "test.h"

static int parse(const char *text, struct policy *p, struct error *err) {
        *err = (struct error) {};
        return policy_parse(POLICY_FILE, text, strlen(text), p, err);
}

static void test_defaults(void) {
        struct policy p;
        test_assert_int(policy_init(&p), 0);
        test_assert_int(p.limit_us[SCENARIO_ESTABLISHED], 5 * 60 * USEC_PER_SEC);
        test_assert_str(p.limit_text[SCENARIO_ESTABLISHED], "5m");
        test_assert_int(p.limit_us[SCENARIO_IDLE], 0);
        test_assert(p.silence && !p.silence[0]);
        test_assert(!policy_silenced(&p, "drift"));
        policy_done(&p);
}

static void test_good(void) {
        struct policy p;
        struct error err;
        int r = parse("# comment\n; other\n[limits]\nestablished = 30s\nidle=10m\nconnect = off\r\n\n"
                      "[findings]\nsilence = drift, netns-differs\nsilence = below-rfc1122\n",
                      &p, &err);
        test_assert_int(r, 0);
        test_assert(!error_is_set(&err));
        test_assert_int(p.limit_us[SCENARIO_ESTABLISHED], 30 * USEC_PER_SEC);
        test_assert_str(p.limit_text[SCENARIO_ESTABLISHED], "30s");
        test_assert_int(p.limit_us[SCENARIO_IDLE], 10 * 60 * USEC_PER_SEC);
        test_assert_int(p.limit_us[SCENARIO_CONNECT], 0);
        test_assert(policy_silenced(&p, "drift"));
        test_assert(policy_silenced(&p, "netns-differs"));
        test_assert(policy_silenced(&p, "below-rfc1122"));
        test_assert(!policy_silenced(&p, "slow-established"));
        test_assert_str(p.file, POLICY_FILE);
        policy_done(&p);

        /* "off" removes the default limit. */
        test_assert_int(parse("[limits]\nestablished = off\n", &p, &err), 0);
        test_assert_int(p.limit_us[SCENARIO_ESTABLISHED], 0);
        test_assert(p.limit_text[SCENARIO_ESTABLISHED] == NULL);
        policy_done(&p);
}

static void expect_error(const char *text, unsigned want_line, const char *want_substr) {
        struct policy p = {};
        struct error err;
        int r = parse(text, &p, &err);
        test_assert_int(r, -EINVAL);
        test_assert_int(err.code, -EINVAL);
        test_assert_str(err.file, POLICY_FILE);
        test_assert_int(err.line, want_line);
        test_assert(err.message && strstr(err.message, want_substr));
        if (err.message && !strstr(err.message, want_substr))
                printf("# message: %s\n", err.message);
        error_done(&err);
        /* Nothing is filled on failure. */
        test_assert(p.silence == NULL && p.file == NULL);
}

static void test_errors(void) {
        expect_error("[limits]\nestablished = 5x\n", 2, "established = 5x: not a duration");
        expect_error("[limits]\nestablished = 0\n", 2, "not a duration");
        expect_error("[limits]\nforever = 5m\n", 2, "forever: not a scenario");
        expect_error("\n\n[nonsense]\nx = 1\n", 3, "[nonsense]: unknown section");
        expect_error("established = 5m\n", 1, "established = ... before any [section]");
        /* One dialect with profiles: no inline comments, no control bytes. */
        expect_error("[limits]\nidle = 10m ; inline\n", 2, "';' inside a line: comments go on a line of their own");
        expect_error("[limits]\nidle = 10m # inline\n", 2, "'#' inside a line");
        expect_error("[limits]\nidle = 10m\x01\n", 2, "control character 0x01");
        expect_error("[findings]\nsilence = drift no-such-id\n", 2, "'no-such-id' is not a finding id");
        expect_error("[findings]\nquiet = drift\n", 2, "unknown key");
        /* What inih would call a syntax error, with its line. */
        expect_error("[limits]\n\nestablished 5m\n", 3, "expected KEY = VALUE");
        expect_error("[limits\n", 1, "section header without ']'");
        /* r55 quirks: an indented line continues the previous value. */
        expect_error("[limits]\nestablished = 5m\n  idle = 1h\n", 3, "indented line");
        /* An indented comment is fine. */
        struct policy p;
        struct error err;
        test_assert_int(parse("[limits]\n   # note\nidle = 1h\n", &p, &err), 0);
        policy_done(&p);
}

static void test_long_line(void) {
        /* inih r55's buffer is 200 bytes: lines of up to 197 characters
         * (INI_READER_LINE_MAX) pass, with room to spare. */
        char ok[300], bad[300];
        snprintf(ok, sizeof(ok), "[limits]\n#%s\nidle = 1h\n", "");
        memset(ok + 10, 'x', 196); /* "#" + 196 = 197 characters */
        memcpy(ok + 206, "\nidle = 1h\n", 12);
        struct policy p;
        struct error err;
        test_assert_int(parse(ok, &p, &err), 0);
        test_assert_int(p.limit_us[SCENARIO_IDLE], 3600 * USEC_PER_SEC);
        policy_done(&p);

        memcpy(bad, ok, sizeof(ok));
        memset(bad + 10, 'x', 197); /* 198 characters */
        memcpy(bad + 207, "\nidle = 1h\n", 12);
        expect_error(bad, 2, "line of 198 bytes: at most 197");
}

/* policy_parse() reads len bytes, not up to a NUL: what follows the buffer
 * is not the file's (found by tests/fuzz/fuzz-policy). */
static void test_unterminated(void) {
        static const char text[] = "[limits]\nidle = 1h\n  " "        x = 1\n";
        struct policy p;
        struct error err = {};
        /* A last line of blanks, with more blanks after the buffer. */
        test_assert_int(policy_parse(POLICY_FILE, text, strlen("[limits]\nidle = 1h\n  "), &p, &err), 0);
        test_assert_int(p.limit_us[SCENARIO_IDLE], 3600 * USEC_PER_SEC);
        policy_done(&p);

        /* A key at the very end, in a buffer of exactly its size (ASan
         * builds see a read past it). */
        static const char bare[] = "[limits]\nidle";
        char *exact = malloc(strlen(bare));
        test_assert(exact);
        memcpy(exact, bare, strlen(bare));
        test_assert_int(policy_parse(POLICY_FILE, exact, strlen(bare), &p, &err), -EINVAL);
        test_assert_int(err.line, 2);
        test_assert_str(err.message, "expected KEY = VALUE");
        error_done(&err);
        free(exact);
}

static char *tmpdir;

static void put(const char *rel, const char *text) {
        char *p = NULL;
        test_assert(asprintf(&p, "%s/%s", tmpdir, rel) > 0);
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        test_assert(fd >= 0);
        test_assert(write(fd, text, strlen(text)) == (ssize_t) strlen(text));
        close(fd);
        free(p);
}

static void test_load(void) {
        char tmpl[] = "/tmp/tcptune-policy-XXXXXX", *d, *p = NULL, *q = NULL;
        struct policy pol;
        struct error err = {};
        d = mkdtemp(tmpl);
        test_assert(d != NULL);
        tmpdir = d;
        test_assert(asprintf(&p, "%s/etc", d) > 0 && mkdir(p, 0755) == 0);
        free(p);
        test_assert(asprintf(&p, "%s/etc/tcptune", d) > 0 && mkdir(p, 0755) == 0);
        struct root rt;
        test_assert_int(root_open(d, &rt), 0);

        /* Missing: the defaults, no file. */
        test_assert_int(policy_load(&rt, &pol, &err), 0);
        test_assert(!error_is_set(&err));
        test_assert(pol.file == NULL);
        test_assert_int(pol.limit_us[SCENARIO_ESTABLISHED], 300 * USEC_PER_SEC);
        policy_done(&pol);

        put("etc/tcptune/real.conf", "[limits]\nconnect = 20s\n");
        /* An absolute link resolves inside the root, never on the host. */
        test_assert(asprintf(&q, "%s/etc/tcptune/tcptune.conf", d) > 0);
        test_assert(symlink("/etc/tcptune/real.conf", q) == 0);
        test_assert_int(policy_load(&rt, &pol, &err), 0);
        test_assert_int(pol.limit_us[SCENARIO_CONNECT], 20 * USEC_PER_SEC);
        policy_done(&pol);

        /* A malformed file: -EINVAL with the line. */
        put("etc/tcptune/real.conf", "[limits]\nconnect = soon\n");
        test_assert_int(policy_load(&rt, &pol, &err), -EINVAL);
        test_assert_int(err.line, 2);
        {
                _cleanup_free_ char *l = error_format(&err);
                test_assert_str(l, POLICY_FILE ":2: connect = soon: not a duration (try 5m, 30s or off)");
        }
        error_done(&err);

        /* A link to a file missing in the root is no policy, as a missing file. */
        unlink(q);
        test_assert(symlink("/nonexistent/tcptune.conf", q) == 0);
        test_assert_int(policy_load(&rt, &pol, &err), 0);
        policy_done(&pol);

        /* A directory is a malformed policy. */
        unlink(q);
        test_assert(mkdir(q, 0755) == 0);
        test_assert_int(policy_load(&rt, &pol, &err), -EINVAL);
        test_assert_str(err.file, POLICY_FILE);
        test_assert_int(err.line, 0);
        test_assert_str(err.message, "a directory, not a policy file");
        error_done(&err);
        rmdir(q);

        /* Too large is what the file is: -EINVAL for the whole file. */
        {
                _cleanup_free_ char *big = malloc(2 * 1024 * 1024 + 1);
                test_assert(big);
                memset(big, '#', 2 * 1024 * 1024);
                big[2 * 1024 * 1024] = '\0';
                put("etc/tcptune/tcptune.conf", big);
        }
        test_assert_int(policy_load(&rt, &pol, &err), -EINVAL);
        test_assert_str(err.message, "larger than 1 MiB: not a policy file");
        test_assert_int(err.line, 0);
        error_done(&err);
        unlink(q);
        root_done(&rt);

        free(p);
        free(q);
        char *cmd = NULL;
        test_assert(asprintf(&cmd, "rm -rf '%s'", d) > 0);
        test_assert(system(cmd) == 0);
        free(cmd);
}

int main(void) {
        TEST(test_defaults);
        TEST(test_good);
        TEST(test_errors);
        TEST(test_long_line);
        TEST(test_unterminated);
        TEST(test_load);
        return test_done();
}

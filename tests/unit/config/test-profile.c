/* SPDX-License-Identifier: MIT */
/* Profiles: the parser's every error with its exact FILE:LINE message, the
 * lines inih r55 would mangle, includes and their loops, the search path,
 * and [expect] through the model, for every shipped profile at HZ 100,
 * 250 and 1000. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "model-input.h"
#include "profile.h"
#include "test.h"

#define HEAD "[profile]\ndescription = d\n[sysctl]\n"

/* Parse text as "t.ini"; NULL error means it must parse. */
static const struct parse_case {
        const char *text;
        unsigned hz;
        const char *error;
} parse_cases[] = {
        { HEAD "tcp_retries2 = 6\n", 250, NULL },
        { HEAD "tcp_retries2 = 6", 250, NULL },  /* no newline at the end */
        { "[bogus]\n", 250, "t.ini:1: unknown section [bogus] (profile, sysctl or expect)" },
        { "[Profile]\n", 250, "t.ini:1: unknown section [Profile] (profile, sysctl or expect)" },
        { HEAD "[profile]\n", 250, "t.ini:4: duplicate section [profile] (first at line 1)" },
        { HEAD "[expect]\n[expect]\n", 250, "t.ini:5: duplicate section [expect] (first at line 4)" },
        { HEAD "tcp_retries2 = 6\nnet.ipv4.tcp_retries2 = 7\n", 250,
          "t.ini:5: duplicate key net.ipv4.tcp_retries2 (first at line 4)" },
        { HEAD "net/ipv4/tcp_retries2 = 6\ntcp_retries2 = 7\n", 250,
          "t.ini:5: duplicate key net.ipv4.tcp_retries2 (first at line 4)" },
        { "[profile]\ndescription = a\ndescription = b\n", 250, "t.ini:3: duplicate key description (first at line 2)" },
        { "[profile]\ndescription = a\ninclude = x\ninclude = y\n", 250,
          "t.ini:4: duplicate key include (first at line 3): one parent only" },
        { HEAD "tcp_retries2 = 6\n  7\n", 250,
          "t.ini:5: indented line: inih would read it as a continuation of the previous value (remove the leading "
          "blanks)" },
        { HEAD "\ttcp_retries2 = 6\n", 250,
          "t.ini:4: indented line: inih would read it as a continuation of the previous value (remove the leading "
          "blanks)" },
        { HEAD "  ; an indented comment\n\n   \ntcp_retries2 = 6\n", 250, NULL },
        { HEAD "tcp_retries2 = 6 ; six\n", 250, "t.ini:4: ';' inside a line: comments go on a line of their own" },
        { HEAD "tcp_retries2 = 6;\n", 250, "t.ini:4: ';' inside a line: comments go on a line of their own" },
        { HEAD "tcp_retries2 = 6 # six\n", 250, "t.ini:4: '#' inside a line: comments go on a line of their own" },
        { HEAD "; comment\n# comment\n", 250, NULL },
        { "[profile\ndescription = d\n", 250, "t.ini:1: section header without ']'" },
        { "[profile]\ndescription = d\n[sysctl", 250, "t.ini:3: section header without ']'" },
        { HEAD "tcp_retries2: 6\n", 250, "t.ini:4: expected KEY = VALUE" },
        { HEAD "tcp_retries2\n", 250, "t.ini:4: expected KEY = VALUE" },
        { "tcp_retries2 = 6\n", 250, "t.ini:1: tcp_retries2 = ... before any [section]" },
        { HEAD "tcp_retries2 = 6\x01\n", 250, "t.ini:4: control character 0x01: not a text line" },
        { HEAD "tcp_retries2 = 6\r7\n", 250, "t.ini:4: control character 0x0d: not a text line" },
        { HEAD "kernel.panic = 1\n", 250, "t.ini:4: kernel.panic: tcptune only manages net.* keys" },
        { HEAD "vm/swappiness = 1\n", 250, "t.ini:4: vm/swappiness: tcptune only manages net.* keys" },
        { HEAD "net.core.somaxconn = 1\n", 250,
          "t.ini:4: net.core.somaxconn is not a tunable tcptune knows (tcptune explain lists them)" },
        { HEAD "tcp_bogus = 1\n", 250, "t.ini:4: tcp_bogus is not a tunable tcptune knows (tcptune explain lists them)" },
        { HEAD "net..ipv4 = 1\n", 250, "t.ini:4: 'net..ipv4' is not a sysctl key" },
        { HEAD "tcp_syn_retries = 200\n", 250, "t.ini:4: tcp_syn_retries = 200 is out of range (1-127)" },
        { HEAD "tcp_syn_retries = 0\n", 250, "t.ini:4: tcp_syn_retries = 0 is out of range (1-127)" },
        { HEAD "tcp_retries2 = 256\n", 250, "t.ini:4: tcp_retries2 = 256 is out of range (0-255)" },
        { HEAD "tcp_retries2 = 0x10\n", 250, NULL },
        { HEAD "tcp_retries2 = six\n", 250, "t.ini:4: tcp_retries2 = six: not a number" },
        { HEAD "tcp_retries2 =\n", 250, "t.ini:4: tcp_retries2 = : not a number" },
        { HEAD "tcp_congestion_control = bbr\n", 250, NULL },
        { HEAD "tcp_congestion_control = averyveryverylongname\n", 250,
          "t.ini:4: tcp_congestion_control = averyveryverylongname: not a congestion control name" },
        /* jiffies keys: INT_MAX / HZ seconds */
        { HEAD "tcp_keepalive_time = 2147483\n", 1000, NULL },
        { HEAD "tcp_keepalive_time = 2147484\n", 1000,
          "t.ini:4: tcp_keepalive_time = 2147484 is out of range (-2147483-2147483 at HZ 1000)" },
        { HEAD "tcp_keepalive_time = 2147484\n", 250, NULL },
        { HEAD "tcp_keepalive_time = 8589935\n", 250,
          "t.ini:4: tcp_keepalive_time = 8589935 is out of range (-8589934-8589934 at HZ 250)" },
        { HEAD "tcp_keepalive_time = 8589935\n", 0,
          "t.ini:4: tcp_keepalive_time = 8589935 is out of range (-8589934-8589934 at HZ 250)" },
        { "[profile]\nname = x\ndescription = d\n", 250, "t.ini:2: unknown key 'name' in [profile] (description, include)" },
        { "[profile]\ndescription = d\ninclude =\n", 250, "t.ini:3: include = needs a profile name or a path" },
        { "[profile]\ndescription = d\n[expect]\nestablished_max = 30s\nfin_wait_2_max = 1m\nzero-window_min = 5s\n"
          "fin-wait-2_min = 1s\nrtt = 80ms\n", 250, NULL },
        { "[profile]\ndescription = d\n[expect]\nfoo_max = 30s\n", 250,
          "t.ini:4: unknown key 'foo_max' in [expect] (rtt, SCENARIO_max, SCENARIO_min with a scenario of tcptune model)" },
        { "[profile]\ndescription = d\n[expect]\nestablished = 30s\n", 250,
          "t.ini:4: unknown key 'established' in [expect] (rtt, SCENARIO_max, SCENARIO_min with a scenario of tcptune model)" },
        { "[profile]\ndescription = d\n[expect]\nestablished_max = 30x\n", 250,
          "t.ini:4: established_max = 30x: not a duration (try 30s, 500ms, 2m)" },
        { "[profile]\ndescription = d\n[expect]\nestablished_max = 30s\nestablished_max = 40s\n", 250,
          "t.ini:5: duplicate key established_max (first at line 4)" },
        { "[profile]\ndescription = d\n[expect]\nfin-wait-2_max = 30s\nfin_wait_2_max = 40s\n", 250,
          "t.ini:5: duplicate key fin_wait_2_max (first at line 4)" },
        { "[profile]\ndescription = d\n[expect]\nrtt = 0\n", 250, "t.ini:4: rtt = 0: an RTT is more than 0" },
        { "[sysctl]\ntcp_retries2 = 6\n", 250, "t.ini: no description in [profile] (say what the profile trades)" },
        { "", 250, "t.ini: no description in [profile] (say what the profile trades)" },
        { HEAD "tcp_retries2 = 6\0\n", 250, NULL },  /* the NUL is past the length given: see test_binary */
};

/* The line a user would read, as written (the tests compare raw text);
 * empties e. NULL when e holds nothing. */
static char *take_line(struct error *e) {
        char *l = error_format(e);
        error_done(e);
        return l;
}

static void test_parse_table(void) {
        for (size_t i = 0; i < ELEMENTSOF(parse_cases); i++) {
                const struct parse_case *c = &parse_cases[i];
                struct profile_file f = {};
                struct error e = {};
                int r = profile_parse_buffer("t.ini", c->text, strlen(c->text), c->hz, &f, &e);
                if (r < 0)
                        test_assert_int(e.code, r);
                char *err = take_line(&e);
                if (c->error) {
                        if (r != -EINVAL)
                                printf("# case %zu: %s\n", i, c->text);
                        test_assert_int(r, -EINVAL);
                        test_assert_str(err, c->error);
                } else {
                        if (r != 0)
                                printf("# case %zu: %s: %s\n", i, c->text, err ? err : "?");
                        test_assert_int(r, 0);
                        test_assert(err == NULL);
                }
                free(err);
                profile_file_done(&f);
        }
}

static void parse_ok(const char *text, size_t len, struct profile_file *f) {
        struct error e = {};
        int r = profile_parse_buffer("t.ini", text, len, 250, f, &e);
        test_assert_int(r, 0);
        _cleanup_free_ char *err = take_line(&e);
        if (err)
                printf("# %s\n", err);
}

static void test_values_and_lines(void) {
        struct profile_file f = {};
        static const char text[] = "; head\n[profile]\ndescription =   Fast, but fragile  \ninclude = base\n\n[sysctl]\n"
                                   "tcp_retries2 = 6\nnet/ipv4/tcp_keepalive_time=60\n-net.ipv4.tcp_rto_min_us = 5000\n"
                                   "[expect]\nrtt = 1ms\nestablished_max = 30s\nidle_min = 2m\n";
        parse_ok(text, strlen(text), &f);
        test_assert_str(f.description, "Fast, but fragile");
        test_assert_str(f.include, "base");
        test_assert_int(f.include_line, 4);
        test_assert_int(f.n_settings, 3);
        if (f.n_settings == 3) {
                test_assert_str(f.settings[0].key, "net.ipv4.tcp_retries2");
                test_assert_str(f.settings[0].value, "6");
                test_assert_int(f.settings[0].line, 7);
                test_assert_str(f.settings[1].key, "net.ipv4.tcp_keepalive_time");
                test_assert_str(f.settings[1].value, "60");
                test_assert_int(f.settings[1].line, 8);
                test_assert(!f.settings[1].optional);
                test_assert_str(f.settings[2].key, "net.ipv4.tcp_rto_min_us");
                test_assert(f.settings[2].optional);
                test_assert_str(f.settings[2].file, "t.ini");
        }
        test_assert_int(f.rtt_us, 1000);
        test_assert_int(f.n_expects, 2);
        if (f.n_expects == 2) {
                test_assert_int(f.expects[0].scenario, SCENARIO_ESTABLISHED);
                test_assert_int(f.expects[0].bound, PROFILE_BOUND_MAX);
                test_assert_int(f.expects[0].limit_us, 30 * USEC_PER_SEC);
                test_assert_int(f.expects[0].line, 12);
                test_assert_int(f.expects[1].scenario, SCENARIO_IDLE);
                test_assert_int(f.expects[1].bound, PROFILE_BOUND_MIN);
                test_assert_int(f.expects[1].limit_us, 120 * USEC_PER_SEC);
        }
        profile_file_done(&f);
}

static void test_crlf_bom(void) {
        struct profile_file f = {};
        static const char crlf[] = "[profile]\r\ndescription = d\r\n[sysctl]\r\ntcp_retries2 = 6\r\n";
        parse_ok(crlf, strlen(crlf), &f);
        test_assert_int(f.n_settings, 1);
        if (f.n_settings)
                test_assert_str(f.settings[0].value, "6");
        test_assert_str(f.description, "d");
        profile_file_done(&f);

        static const char bom[] = "\xef\xbb\xbf[profile]\ndescription = d\n[sysctl]\ntcp_retries2 = 7\n";
        parse_ok(bom, strlen(bom), &f);
        test_assert_int(f.n_settings, 1);
        if (f.n_settings) {
                test_assert_str(f.settings[0].value, "7");
                test_assert_int(f.settings[0].line, 4);
        }
        profile_file_done(&f);

        /* a BOM anywhere else is not a BOM */
        static const char bom2[] = "[profile]\n\xef\xbb\xbf" "description = d\n";
        struct error e = {};
        test_assert_int(profile_parse_buffer("t.ini", bom2, strlen(bom2), 250, &f, &e), -EINVAL);
        test_assert_str(e.file, "t.ini");
        test_assert_int(e.line, 2);
        test_assert_str(e.message, "expected KEY = VALUE");
        error_done(&e);
}

static void test_binary(void) {
        static const char text[] = HEAD "tcp_retries2 = 6\0garbage\n";
        struct profile_file f = {};
        struct error e = {};
        test_assert_int(profile_parse_buffer("t.ini", text, sizeof(text) - 1, 250, &f, &e), -EINVAL);
        _cleanup_free_ char *err = take_line(&e);
        test_assert_str(err, "t.ini:4: NUL byte: binary data, not a text file");
}

static void test_long_lines(void) {
        /* inih r55 holds 200 bytes with "\r\n\0": 197 is the longest line */
        char line[400];
        for (size_t len = 190; len <= 260; len++) {
                struct profile_file f = {};
                struct error e = {};
                char *err = NULL, *text = NULL;
                size_t prefix = strlen("description = ");
                memset(line, 'x', sizeof(line));
                memcpy(line, "description = ", prefix);
                line[len] = '\0';
                test_assert(asprintf(&text, "[profile]\n%s\n", line) > 0);
                int r = profile_parse_buffer("t.ini", text, strlen(text), 250, &f, &e);
                err = take_line(&e);
                if (len <= 197) {
                        test_assert_int(r, 0);
                        test_assert_int(strlen(strempty(f.description)), len - prefix);
                } else {
                        char want[128];
                        snprintf(want, sizeof(want), "t.ini:2: line of %zu bytes: at most 197 (inih would split it)", len);
                        test_assert_int(r, -EINVAL);
                        test_assert_str(err, want);
                }
                free(err);
                free(text);
                profile_file_done(&f);
        }
}

/* A scratch tree: root/etc/tcptune/profiles.d and a shipped directory. */
static char tmp[64], shipped[128], etc[128];
static struct root tmp_root = { .fd = -1 };  /* tmp, opened once by setup_tree() */

static void write_file(const char *dir, const char *name, const char *text) {
        char *path = NULL;
        test_assert(asprintf(&path, "%s/%s", dir, name) > 0);
        FILE *f = fopen(path, "w");
        test_assert(f != NULL);
        if (f) {
                fputs(text, f);
                fclose(f);
        }
        free(path);
}

static void setup_tree(void) {
        snprintf(tmp, sizeof(tmp), "/tmp/tcptune-test-profile-XXXXXX");
        test_assert(mkdtemp(tmp) != NULL);
        snprintf(shipped, sizeof(shipped), "%s/shipped", tmp);
        snprintf(etc, sizeof(etc), "%s/etc/tcptune/profiles.d", tmp);
        char *cmd = NULL;
        test_assert(asprintf(&cmd, "mkdir -p '%s' '%s'", shipped, etc) > 0);
        test_assert_int(system(cmd), 0);
        free(cmd);
        setenv("TCPTUNE_PROFILES_DIR", shipped, 1);
        test_assert_int(root_open(tmp, &tmp_root), 0);
}

static void cleanup_tree(void) {
        char *cmd = NULL;
        root_done(&tmp_root);
        if (!startswith(tmp, "/tmp/tcptune-test-profile-"))
                return;
        test_assert(asprintf(&cmd, "rm -rf '%s'", tmp) > 0);
        test_assert_int(system(cmd), 0);
        free(cmd);
}

static char *load_error(const char *name, int want_r) {
        struct profile *p = NULL;
        struct error e = {};
        int r = profile_load(&tmp_root, name, 250, &p, &e);
        test_assert_int(r, want_r);
        test_assert_int(e.code, want_r);
        test_assert(p == NULL);
        return take_line(&e);
}

static void test_include_override(void) {
        struct profile *p = NULL;
        struct error err = {};
        char *want = NULL;
        write_file(shipped, "base.ini", "[profile]\ndescription = base\n[sysctl]\ntcp_retries2 = 15\n"
                                        "tcp_keepalive_time = 7200\n[expect]\nestablished_max = 16m\n");
        write_file(etc, "child.ini", "[profile]\ndescription = child\ninclude = base\n[sysctl]\n"
                                     "tcp_syn_retries = 3\ntcp_keepalive_time = 60\n");
        test_assert_int(profile_load(&tmp_root, "child", 250, &p, &err), 0);
        test_assert(!error_is_set(&err));
        if (!p)
                return;
        test_assert_str(p->name, "child");
        test_assert_str(p->description, "child");
        test_assert_str(p->file, "/etc/tcptune/profiles.d/child.ini");
        test_assert(p->includes && p->includes[0] && !p->includes[1]);
        test_assert(asprintf(&want, "%s/base.ini", shipped) > 0);
        if (p->includes)
                test_assert_str(p->includes[0], want);
        test_assert_int(p->n_settings, 3);
        if (p->n_settings == 3) {
                /* parents first; the override stays in the parent's place */
                test_assert_str(p->settings[0].key, "net.ipv4.tcp_retries2");
                test_assert_str(p->settings[0].file, want);
                test_assert_int(p->settings[0].line, 4);
                test_assert_str(p->settings[1].key, "net.ipv4.tcp_keepalive_time");
                test_assert_str(p->settings[1].value, "60");
                test_assert_str(p->settings[1].file, "/etc/tcptune/profiles.d/child.ini");
                test_assert_int(p->settings[1].line, 6);
                test_assert_str(p->settings[2].key, "net.ipv4.tcp_syn_retries");
        }
        /* [expect] is not inherited */
        test_assert_int(p->n_expects, 0);
        test_assert(profile_find(p, "net.ipv4.tcp_syn_retries") != NULL);
        test_assert(profile_find(p, "net.ipv4.tcp_fin_timeout") == NULL);
        profile_free(p);
        free(want);

        /* a later directory wins a name */
        write_file(etc, "base.ini", "[profile]\ndescription = local base\n");
        test_assert_int(profile_load(&tmp_root, "base", 250, &p, &err), 0);
        if (p) {
                test_assert_str(p->description, "local base");
                test_assert_str(p->file, "/etc/tcptune/profiles.d/base.ini");
        }
        profile_free(p);
        /* a path include, relative to the including file */
        write_file(etc, "bypath.ini", "[profile]\ndescription = p\ninclude = ../../../shipped/base.ini\n");
        test_assert_int(profile_load(&tmp_root, "bypath", 250, &p, &err), 0);
        if (p)
                test_assert_int(p->n_settings, 2);
        profile_free(p);
}

/* Each writes its files into etc, loads name, and expects r and a message
 * (@SHIPPED@: the shipped directory). */
static const struct include_case {
        const char *files[2][2];
        const char *name;
        int r;
        const char *error;
} include_cases[] = {
        { { { "a.ini", "[profile]\ndescription = a\ninclude = b\n" },
            { "b.ini", "[profile]\ndescription = b\n\ninclude = a\n" } },
          "a", -ELOOP, "/etc/tcptune/profiles.d/b.ini:4: include = a: include loop: a -> b -> a" },
        { { { "self.ini", "[profile]\ndescription = s\ninclude = self\n" } },
          "self", -ELOOP, "/etc/tcptune/profiles.d/self.ini:3: include = self: include loop: self -> self" },
        { { { "orphan.ini", "[profile]\ndescription = o\ninclude = nope\n" } },
          "orphan", -ENOENT, "/etc/tcptune/profiles.d/orphan.ini:3: include = nope: no profile 'nope' in @SHIPPED@ or "
                             "/etc/tcptune/profiles.d (tcptune profile list shows them)" },
        /* an error in the parent names the parent's line */
        { { { "badparent.ini", "[profile]\ndescription = p\n[sysctl]\ntcp_syn_retries = 0\n" },
            { "kid.ini", "[profile]\ndescription = k\ninclude = badparent\n" } },
          "kid", -EINVAL, "/etc/tcptune/profiles.d/badparent.ini:4: tcp_syn_retries = 0 is out of range (1-127)" },
        { { { "badname.ini", "[profile]\ndescription = p\ninclude = .hidden\n" } },
          "badname", -EINVAL, "/etc/tcptune/profiles.d/badname.ini:3: include = .hidden: not a profile name "
                              "([A-Za-z0-9_.-], no leading dot)" },
        { { { "deadlink.ini", "[profile]\ndescription = p\ninclude = ./nothing.ini\n" } },
          "deadlink", -ENOENT, "/etc/tcptune/profiles.d/deadlink.ini:3: include = ./nothing.ini: "
                               "/etc/tcptune/profiles.d/./nothing.ini: no such file" },
};

static void test_include_errors(void) {
        for (size_t i = 0; i < ELEMENTSOF(include_cases); i++) {
                const struct include_case *c = &include_cases[i];
                char *err, *want = NULL;
                for (size_t f = 0; f < 2 && c->files[f][0]; f++)
                        write_file(etc, c->files[f][0], c->files[f][1]);
                err = load_error(c->name, c->r);
                const char *at = strstr(c->error, "@SHIPPED@");
                if (at)
                        test_assert(asprintf(&want, "%.*s%s%s", (int) (at - c->error), c->error, shipped,
                                             at + strlen("@SHIPPED@")) > 0);
                else
                        want = strdup(c->error);
                test_assert_str(err, want);
                free(err);
                free(want);
        }
}

static int make_dir(const char *path) {
        return mkdir(path, 0755);
}
static int make_loop(const char *path) {
        return symlink(strrchr(path, '/') + 1, path);
}
static int make_fifo(const char *path) {
        return mkfifo(path, 0644);
}
static int make_dangling(const char *path) {
        return symlink("nothing-here.ini", path);
}
static int make_big(const char *path) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0)
                return -1;
        int r = ftruncate(fd, PROFILE_SIZE_MAX + 1);
        close(fd);
        return r;
}

static void test_lookup_errors(void) {
        char *err, *want = NULL, *path = NULL;
        err = load_error("missing", -ENOENT);
        test_assert(asprintf(&want, "no profile 'missing' in %s or /etc/tcptune/profiles.d (tcptune profile list shows "
                                    "them)", shipped) > 0);
        test_assert_str(err, want);
        free(err);
        free(want);
        static const char *const bad_names[] = { ".hidden", "a b", "x;y", "", "é" };
        for (size_t i = 0; i < ELEMENTSOF(bad_names); i++) {
                err = load_error(bad_names[i], -EINVAL);
                test_assert(err && strstr(err, "not a profile name"));
                free(err);
        }
        test_assert(profile_name_valid("fast-failover"));
        test_assert(profile_name_valid("a.b_c-1"));

        /* what can stand where a profile file should */
        static const struct {
                const char *name;
                int (*make)(const char *path);
                int r;
                const char *error;
        } specials[] = {
                { "dir", make_dir, -EINVAL, "/etc/tcptune/profiles.d/dir.ini: a directory, not a profile file" },
                { "loop", make_loop, -ELOOP, "/etc/tcptune/profiles.d/loop.ini: symbolic link loop" },
                /* a FIFO must not block */
                { "fifo", make_fifo, -EINVAL,
                  "/etc/tcptune/profiles.d/fifo.ini: not a regular file (FIFO, device or socket)" },
                /* larger than 1 MiB: one error, not a read without bound */
                { "big", make_big, -EINVAL, "/etc/tcptune/profiles.d/big.ini: larger than 1 MiB: not a profile" },
                { "dangling", make_dangling, -ENOENT, "/etc/tcptune/profiles.d/dangling.ini: dangling symbolic link" },
        };
        for (size_t i = 0; i < ELEMENTSOF(specials); i++) {
                test_assert(asprintf(&path, "%s/%s.ini", etc, specials[i].name) > 0);
                test_assert_int(specials[i].make(path), 0);
                free(path);
                err = load_error(specials[i].name, specials[i].r);
                test_assert_str(err, specials[i].error);
                free(err);
        }
        /* a path on the command line is not relocated (under tmp it
         * would name tmp/tmp/.../base.ini, which is not there) */
        struct profile *p = NULL;
        struct error e = {};
        test_assert(asprintf(&path, "%s/base.ini", shipped) > 0);
        test_assert_int(profile_load(&tmp_root, path, 250, &p, &e), 0);
        test_assert(!error_is_set(&e));
        if (p)
                test_assert_str(p->name, "base");
        profile_free(p);
        free(path);
}

static void test_list(void) {
        struct profile_entry *e = NULL;
        size_t n = 0;
        test_assert_int(profile_list(&tmp_root, &e, &n), 0);
        /* names sorted, each once; broken ones carry their error */
        for (size_t i = 1; i < n; i++)
                test_assert(strcmp(e[i - 1].name, e[i].name) < 0);
        bool base = false, loop = false;
        for (size_t i = 0; i < n; i++) {
                if (streq(e[i].name, "base")) {
                        base = true;
                        test_assert_str(e[i].description, "local base");
                        test_assert_str(e[i].file, "/etc/tcptune/profiles.d/base.ini");
                        test_assert(!error_is_set(&e[i].error));
                }
                if (streq(e[i].name, "a")) {
                        loop = true;
                        test_assert_int(e[i].error.code, -ELOOP);
                        test_assert_str(e[i].error.file, "/etc/tcptune/profiles.d/b.ini");
                        test_assert_int(e[i].error.line, 4);
                        test_assert(e[i].description == NULL);
                        test_assert_str(e[i].file, "/etc/tcptune/profiles.d/a.ini");
                }
        }
        test_assert(base && loop);
        profile_entries_free(e, n);

        /* no directory of the search path at all: an error, not an empty
         * list (shipped as the root has no etc/tcptune/profiles.d) */
        _cleanup_free_ char *none = NULL;
        struct root bare;
        test_assert(asprintf(&none, "%s/no-such-dir", tmp) > 0);
        test_assert_int(root_open(shipped, &bare), 0);
        setenv("TCPTUNE_PROFILES_DIR", none, 1);
        e = NULL;
        n = 0;
        test_assert_int(profile_list(&bare, &e, &n), -ENOENT);
        test_assert(e == NULL && n == 0);
        root_done(&bare);
        /* one of them is enough, even empty */
        test_assert_int(profile_list(&tmp_root, &e, &n), 0);
        profile_entries_free(e, n);
        setenv("TCPTUNE_PROFILES_DIR", shipped, 1);
}

/* A --root image whose etc/tcptune/profiles.d is an absolute link: it
 * resolves inside the image, for the listing as for the loading, and
 * "did you mean" looks there too. */
static void test_list_in_root(void) {
        char *img = NULL, *cmd = NULL;
        struct root r;
        struct profile_entry *e = NULL;
        struct profile *p = NULL;
        struct error err = {};
        size_t n = 0;
        test_assert(asprintf(&img, "%s/image", tmp) > 0);
        test_assert(asprintf(&cmd, "mkdir -p '%s/real' '%s/etc/tcptune' && ln -s /real '%s/etc/tcptune/profiles.d'",
                             img, img, img) > 0);
        test_assert_int(system(cmd), 0);
        char real[256];
        snprintf(real, sizeof(real), "%s/real", img);
        write_file(real, "imaged.ini", "[profile]\ndescription = in the image\n");
        test_assert_int(root_open(img, &r), 0);
        test_assert_int(profile_list(&r, &e, &n), 0);
        bool seen = false;
        for (size_t i = 0; i < n; i++)
                if (streq(e[i].name, "imaged")) {
                        seen = true;
                        test_assert_str(e[i].description, "in the image");
                        test_assert_str(e[i].file, "/etc/tcptune/profiles.d/imaged.ini");
                }
        test_assert(seen);
        profile_entries_free(e, n);
        test_assert_int(profile_load(&r, "imagd", 250, &p, &err), -ENOENT);
        test_assert(err.message && strstr(err.message, "did you mean 'imaged'?"));
        error_done(&err);
        root_done(&r);
        free(cmd);
        free(img);
}

static struct profile *inline_profile(const char *text) {
        write_file(etc, "inline.ini", text);
        struct profile *p = NULL;
        struct error e = {};
        test_assert_int(profile_load(&tmp_root, "inline", 250, &p, &e), 0);
        _cleanup_free_ char *err = take_line(&e);
        if (err)
                printf("# %s\n", err);
        return p;
}

static void test_check_expect(void) {
        struct model_input base, in;
        struct model_result m;
        struct profile_expect_result *res = NULL;
        size_t n = 0;
        model_input_defaults(&base);

        struct profile *p;
        p = inline_profile("[profile]\ndescription = d\n[sysctl]\ntcp_retries2 = 6\ntcp_fin_timeout = 10\n[expect]\n"
                           "established_max = 26s\nestablished_min = 26.5s\nidle_max = 3h\nfin-wait-2_min = 11s\n");
        if (!p)
                return;
        test_assert_int(profile_check_expect(p, &base, &res, &n), 0);
        test_assert_int(n, 4);
        /* the model's own figures: retries2 6 at HZ 250, RTT 100 us */
        in = base;
        in.retries2 = 6;
        test_assert_int(model_run(&in, SCENARIO_ESTABLISHED, &m), 0);
        test_assert_int(m.detect_min_us, 26584000);
        test_assert_int(m.detect_max_us, 26840000);
        if (n == 4) {
                test_assert(!res[0].holds);  /* 26.84 s > 26 s */
                test_assert_int(res[0].detect_max_us, m.detect_max_us);
                test_assert(res[1].holds);   /* 26.584 s >= 26.5 s */
                test_assert(res[2].holds);   /* 2h 13m 33s <= 3h */
                test_assert(!res[3].holds);  /* fin-wait-2 ends at 10 s .. 10.26 s */
                test_assert_int(res[3].detect_min_us, 10 * USEC_PER_SEC);
                test_assert(res[0].expect == &p->expects[0]);
        }
        free(res);
        profile_free(p);
        /* the profile's rtt replaces the base's */
        struct profile *q = inline_profile("[profile]\ndescription = d\n[expect]\nrtt = 600ms\n");
        if (q) {
                test_assert_int(profile_apply_input(q, &base, &in), 0);
                test_assert_int(in.srtt_us, 600000);
                test_assert_int(in.retries2, 15);
        }
        profile_free(q);
}

static void test_shipped_profiles(void) {
        static const char *const names[] = { "kernel-defaults", "rfc1122", "fast-failover", "roaming", "long-haul",
                                             "datacenter" };
        static const unsigned hzs[] = { 100, 250, 1000 };
        setenv("TCPTUNE_PROFILES_DIR", PROFILES_DIR, 1);
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                for (size_t h = 0; h < ELEMENTSOF(hzs); h++) {
                        struct profile *p = NULL;
                        struct profile_expect_result *res = NULL;
                        struct model_input base;
                        struct error e = {};
                        size_t n = 0;
                        /* an empty root: only the shipped directory */
                        test_assert_int(profile_load(&tmp_root, names[i], hzs[h], &p, &e), 0);
                        char *err = take_line(&e);
                        if (err)
                                printf("# %s\n", err);
                        free(err);
                        if (!p)
                                continue;
                        test_assert(p->n_expects >= 2);
                        test_assert(p->n_settings >= 1);
                        test_assert(strlen(p->description) > 40);
                        model_input_defaults(&base);
                        base.hz = hzs[h];
                        test_assert_int(profile_check_expect(p, &base, &res, &n), 0);
                        for (size_t k = 0; k < n; k++) {
                                char key[64];
                                if (!res[k].holds)
                                        printf("# %s at HZ %u: %s fails (%" PRIu64 " .. %" PRIu64 " us)\n", names[i],
                                               hzs[h], profile_expect_key(res[k].expect, key, sizeof(key)),
                                               res[k].detect_min_us, res[k].detect_max_us);
                                test_assert(res[k].holds);
                        }
                        free(res);
                        /* on a kernel that lacks the optional keys (rto_min 200 ms before 6.11,
                         * no linear SYN timeouts before 6.5) the promises hold too */
                        size_t w = 0;
                        for (size_t k = 0; k < p->n_settings; k++)
                                if (!p->settings[k].optional)
                                        p->settings[w++] = p->settings[k];
                                else {
                                        free(p->settings[k].key);
                                        free(p->settings[k].value);
                                        free(p->settings[k].file);
                                }
                        p->n_settings = w;
                        base.syn_linear_timeouts = 0;
                        test_assert_int(profile_check_expect(p, &base, &res, &n), 0);
                        for (size_t k = 0; k < n; k++) {
                                char key[64];
                                if (!res[k].holds)
                                        printf("# %s at HZ %u without optional keys: %s fails\n", names[i], hzs[h],
                                               profile_expect_key(res[k].expect, key, sizeof(key)));
                                test_assert(res[k].holds);
                        }
                        free(res);
                        profile_free(p);
                }
        setenv("TCPTUNE_PROFILES_DIR", shipped, 1);
}

int main(void) {
        TEST(test_parse_table);
        TEST(test_values_and_lines);
        TEST(test_crlf_bom);
        TEST(test_binary);
        TEST(test_long_lines);
        setup_tree();
        TEST(test_include_override);
        TEST(test_include_errors);
        TEST(test_lookup_errors);
        TEST(test_list);
        TEST(test_list_in_root);
        TEST(test_check_expect);
        TEST(test_shipped_profiles);
        cleanup_tree();
        return test_done();
}

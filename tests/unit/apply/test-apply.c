/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "apply-internal.h"
#include "sysctl.h"
#include "test.h"

static char root[] = "/tmp/test-apply-XXXXXX";
static struct root rt = { .fd = -1 };  /* root, opened once in main() */

static void put(const char *rel, const char *content, mode_t mode) {
        char path[512], dir[1100];
        snprintf(path, sizeof(path), "%s/%s", root, rel);
        snprintf(dir, sizeof(dir), "mkdir -p \"$(dirname '%s')\"", path);
        test_assert_int(system(dir), 0);
        FILE *f = fopen(path, "w");
        test_assert(f != NULL);
        if (!f)
                return;
        fputs(content, f);
        fclose(f);
        chmod(path, mode);
}

static char *get(const char *rel) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", root, rel);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
                return NULL;
        char *buf = calloc(1, 8192);
        ssize_t n = read(fd, buf, 8191);
        close(fd);
        if (n < 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

static mode_t mode_of(const char *rel) {
        char path[512];
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s", root, rel);
        if (lstat(path, &st) < 0)
                return (mode_t) -1;
        return st.st_mode & 07777;
}

static bool exists(const char *rel) {
        return mode_of(rel) != (mode_t) -1;
}

static void test_value_same(void) {
        static const struct {
                const char *live, *want;
                bool same;
        } cases[] = {
                { "15", "15", true },
                { "8", "010", true },       /* octal, as the kernel reads it */
                { "16", "0x10", true },
                { "15", "8", false },
                { "4096 131072 6291456", "4096\t131072  6291456", true },
                { "4096 131072 6291456", "4096 131072", false },
                { "cubic", "cubic", true },
                { "cubic", " cubic ", true },
                { "cubic", "bbr", false },
                { "-1", "-1", true },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                test_assert_int(apply_value_same(cases[i].live, cases[i].want), cases[i].same);
}

static void test_dropin_name(void) {
        test_assert(apply_dropin_name_valid("90-tcptune.conf"));
        test_assert(apply_dropin_name_valid("50-x.conf"));
        test_assert(!apply_dropin_name_valid(".conf"));
        test_assert(!apply_dropin_name_valid(".hidden.conf"));
        test_assert(!apply_dropin_name_valid("90-tcptune"));
        test_assert(!apply_dropin_name_valid("../90-tcptune.conf"));
        test_assert(!apply_dropin_name_valid("a/b.conf"));
        test_assert(!apply_dropin_name_valid("a b.conf"));
        test_assert(!apply_dropin_name_valid(""));
        /* Printable UTF-8 only: the name is printed, recorded, journaled. */
        test_assert(apply_dropin_name_valid("50-r\xc3\xa9seau.conf"));
        test_assert(!apply_dropin_name_valid("50-a\tb.conf"));
        test_assert(!apply_dropin_name_valid("50-a\x1b[31mb.conf"));
        test_assert(!apply_dropin_name_valid("50-a\x7f.conf"));
        test_assert(!apply_dropin_name_valid("50-a\xc2\x9b.conf"));       /* U+009B CSI */
        test_assert(!apply_dropin_name_valid("50-\xe2\x80\xae" "b.conf"));  /* U+202E */
        test_assert(!apply_dropin_name_valid("50-\xff.conf"));
        test_assert(!apply_dropin_name_valid("50-\xc3.conf"));             /* cut sequence */
        char name[APPLY_DROPIN_NAME_MAX + 2];
        memset(name, 'a', sizeof(name) - 1);
        name[sizeof(name) - 1] = '\0';
        memcpy(name + APPLY_DROPIN_NAME_MAX - strlen(".conf"), ".conf", strlen(".conf") + 1);
        test_assert(apply_dropin_name_valid(name));
        memcpy(name + APPLY_DROPIN_NAME_MAX + 1 - strlen(".conf"), ".conf", strlen(".conf") + 1);
        test_assert(!apply_dropin_name_valid(name));
}

static void test_dropin_content(void) {
        const struct apply_setting s[] = {
                { "net.ipv4.tcp_retries2", "8" },
                { "net.ipv4.tcp_keepalive_time", "60" },
        };
        /* Only the name and the settings count: no version, no path, so
         * an upgrade or a copied profile directory writes the same bytes
         * (the hash is FNV-1a 64 of the "key = value\n" lines). */
        char *c = apply_dropin_content("fast-failover", s, 2);
        test_assert_str(c, "# Written by tcptune from profile fast-failover, settings fnv1a64:1e4864e7e63cebb7.\n"
                           "# `tcptune profile revert` undoes it; edits here are lost on the next apply.\n"
                           "net.ipv4.tcp_retries2 = 8\n"
                           "net.ipv4.tcp_keepalive_time = 60\n");
        test_assert(!strstr(c, TCPTUNE_VERSION));
        free(c);
        /* A newline in a name cannot start a line of its own. */
        c = apply_dropin_content("a\nnet.ipv4.tcp_sack = 0", s, 1);
        test_assert_str(c, "# Written by tcptune from profile a?net.ipv4.tcp_sack = 0, settings fnv1a64:45129de3655dbd4c.\n"
                           "# `tcptune profile revert` undoes it; edits here are lost on the next apply.\n"
                           "net.ipv4.tcp_retries2 = 8\n");
        free(c);
}

static void test_state_roundtrip(void) {
        static const char bytes[] = "a = 1\r\n\x01\xff no newline";
        struct apply_state s = { .had_dropin = true, .dropin_mode = 0600, .created_dir = false };
        s.profile = strdup("roaming");
        s.profile_file = strdup("/etc/tcptune/profiles.d/roaming.conf");
        s.dropin = strdup("/etc/sysctl.d/90-tcptune.conf");
        s.dropin_data = malloc(sizeof(bytes));
        memcpy(s.dropin_data, bytes, sizeof(bytes));
        s.dropin_len = sizeof(bytes) - 1;
        test_assert_int(apply_state_add(&s, "net.ipv4.tcp_retries2", "15"), 0);
        test_assert_int(apply_state_add(&s, "net.ipv4.tcp_congestion_control", "cubic reno"), 0);
        /* The first value recorded wins: it is the one before tcptune. */
        test_assert_int(apply_state_add(&s, "net.ipv4.tcp_retries2", "8"), 0);
        test_assert_int(s.n, 2);
        const struct apply_setting set[] = { { "net.ipv4.tcp_retries2", "8" } };
        test_assert_int(apply_state_set_settings(&s, set, 1), 0);

        char *text = NULL;
        test_assert_int(apply_state_format(&s, &text), 0);
        struct apply_state p = {};
        test_assert_int(apply_state_parse(text, "state", &p, NULL), 0);
        test_assert_str(p.profile, "roaming");
        test_assert_str(p.profile_file, "/etc/tcptune/profiles.d/roaming.conf");
        test_assert_str(p.dropin, "/etc/sysctl.d/90-tcptune.conf");
        test_assert(p.had_dropin);
        test_assert_int(p.dropin_mode, 0600);
        test_assert_int(p.dropin_len, sizeof(bytes) - 1);
        test_assert(p.dropin_data && memcmp(p.dropin_data, bytes, sizeof(bytes) - 1) == 0);
        test_assert_str(apply_state_get(&p, "net.ipv4.tcp_retries2"), "15");
        test_assert_str(apply_state_get(&p, "net.ipv4.tcp_congestion_control"), "cubic reno");
        test_assert(apply_state_get(&p, "net.ipv4.tcp_sack") == NULL);
        /* What the last apply set, for `profile active`. */
        test_assert_int(p.n_set, 1);
        test_assert_str(p.set_keys[0], "net.ipv4.tcp_retries2");
        test_assert_str(p.set_values[0], "8");
        apply_state_done(&p);
        test_assert_int(apply_state_parse("version 1\nset net.ipv4.tcp_retries2\nlive net.ipv4.tcp_retries2 15\n",
                                          "state", &p, NULL), -EBADMSG);
        test_assert_int(apply_state_parse("version 1\nset kernel.panic 1\nlive net.ipv4.tcp_retries2 15\n", "state",
                                          &p, NULL), -EBADMSG);
        free(text);

        /* A value spanning lines cannot be recorded faithfully: refused. */
        test_assert_int(apply_state_add(&s, "net.ipv4.tcp_sack", "1\nlive x y"), 0);
        test_assert_int(apply_state_format(&s, &text), -EINVAL);
        apply_state_done(&s);

        test_assert_int(apply_state_parse("version 2\n", "state", &p, NULL), -EBADMSG);
        test_assert_int(apply_state_parse("profile x\n", "state", &p, NULL), -EBADMSG);
        test_assert_int(apply_state_parse("version 1\nprevious-dropin none\nlive net.ipv4.tcp_retries2 15\n", "state",
                                          &p, NULL), 0);
        test_assert(!p.had_dropin);
        apply_state_done(&p);
}

/* The record is input: each line tcptune would never write is refused
 * with its line number and a reason. */
static void test_state_untrusted(void) {
#define HEAD "version 1\ndropin /etc/sysctl.d/90-tcptune.conf\n"
#define LIVE "live net.ipv4.tcp_retries2 15\n"
        static const struct {
                const char *text;
                unsigned line;
                const char *why; /* start of the reason */
        } cases[] = {
                { HEAD "previous-dropin 0644 zz\n" LIVE, 3, "previous-dropin: the file's bytes are not hex" },
                { HEAD "bogus 1\n" LIVE, 3, "'bogus' is not a field" },
                { HEAD LIVE "live //.//.//.//.x/y 666\n", 4, "live key '//.//.//.//.x/y' is not a key tcptune writes" },
                { HEAD LIVE "live kernel.core_pattern |/tmp/evil %p\n", 4, "live key 'kernel.core_pattern'" },
                { HEAD LIVE "live net/ipv4/tcp_syn_retries 3\n", 4, "live key 'net/ipv4/tcp_syn_retries'" },
                { HEAD LIVE "live tcp_syn_retries 3\n", 4, "live key 'tcp_syn_retries'" },
                { HEAD LIVE "live net.ipv4.tcp_bogus 3\n", 4, "live key 'net.ipv4.tcp_bogus'" },
                { HEAD LIVE "live net.ipv4.tcp_syn_retries \n", 4, "live net.ipv4.tcp_syn_retries has an empty value" },
                { HEAD LIVE "live net.ipv4.tcp_syn_retries\n", 4, "live net.ipv4.tcp_syn_retries has an empty value" },
                { HEAD LIVE "live\n", 4, "live: no key" },
                { "version 1\ndropin /srv/90-tcptune.conf\n" LIVE, 2, "drop-in '/srv/90-tcptune.conf' is not a file" },
                { "version 1\ndropin /etc/sysctl.d/../x.conf\n" LIVE, 2, "drop-in" },
                { "version 1\ndropin /etc/sysctl.d/.x.conf\n" LIVE, 2, "drop-in" },
                { "version 1\ndropin x.conf\n" LIVE, 2, "drop-in" },
                { HEAD "previous-dropin 4644 61\n" LIVE, 3, "previous-dropin: mode 4644 is not one tcptune records" },
                { HEAD "previous-dropin 2644 61\n" LIVE, 3, "previous-dropin: mode 2644" },
                { HEAD "previous-dropin 1644 61\n" LIVE, 3, "previous-dropin: mode 1644" },
                { HEAD "previous-dropin 0666 61\n" LIVE, 3, "previous-dropin: mode 0666" },
                { HEAD "previous-dropin 10644 61\n" LIVE, 3, "previous-dropin: not a mode" },
                { HEAD "previous-dropin 0644\n" LIVE, 3, "previous-dropin: not a mode" },
                { HEAD "previous-dropin none\n", 4, "the record ends before its live values (incomplete)" },
                { HEAD "previous-dropin none\n\n# a comment\n", 6, "the record ends before its live values" },
                /* fuzz-state: record bytes in a message are escaped, and
                 * a '\r' (which format never writes) is refused. */
                { HEAD LIVE "live net.\033[2Jx 1\n", 4, "live key 'net.\\x1b[2Jx' is not a key tcptune writes" },
                { "version 1\033]0;x\a\n", 1, "version 1\\x1b]0;x\\x07: not one" },
                { "version 1\ndropin /etc/\r.conf\n" LIVE, 2, "a carriage return" },
                { HEAD "\xc2\x9b" "31m 1\n" LIVE, 3, "'\\xc2\\x9b31m' is not a field" },
                { HEAD LIVE "live net.ipv4.tcp_sack 1\r\n", 4, "a carriage return: not a line tcptune writes" },
                { "version 1\r\n" LIVE, 1, "a carriage return" },
                { "not a state\n", 1, "not a tcptune state record" },
                { "# only a comment\n", 1, "no version line" },
                { "", 1, "no version line" }, /* fuzz-state: was line 0 */
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct apply_state p = {};
                struct error e = {};
                test_assert_int(apply_state_parse(cases[i].text, "/var/lib/tcptune/state", &p, &e), -EBADMSG);
                test_assert_int(e.code, -EBADMSG);
                test_assert_str(e.file, "/var/lib/tcptune/state");
                test_assert_int(e.line, cases[i].line);
                const char *why = e.message;
                test_assert(why && startswith(why, cases[i].why));
                if (!why || !startswith(why, cases[i].why) || e.line != cases[i].line)
                        fprintf(stderr, "# case %zu: line %u: %s\n", i, e.line, why ? why : "(null)");
                error_done(&e);
        }
#undef HEAD
#undef LIVE
}

/* Linear: a 4 MiB previous drop-in (8 MiB of hex) parses in well under a
 * second; the sscanf-per-byte parser took about an hour for it. */
static void test_state_large(void) {
        size_t n = APPLY_DROPIN_MAX;
        char *text = malloc(2 * n + 256);
        test_assert(text != NULL);
        if (!text)
                return;
        int k = sprintf(text, "version 1\ndropin /etc/sysctl.d/90-tcptune.conf\nprevious-dropin 0644 ");
        memset(text + k, '6', 2 * n);
        strcpy(text + k + 2 * n, "\nlive net.ipv4.tcp_retries2 15\n");
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        struct apply_state p = {};
        test_assert_int(apply_state_parse(text, "state", &p, NULL), 0);
        clock_gettime(CLOCK_MONOTONIC, &b);
        test_assert_int(p.dropin_len, n);
        test_assert(p.dropin_data && p.dropin_data[0] == 0x66 && p.dropin_data[n - 1] == 0x66);
        double s = (double) (b.tv_sec - a.tv_sec) + (double) (b.tv_nsec - a.tv_nsec) / 1e9;
        printf("# 8 MiB record parsed in %.3f s\n", s);
        test_assert(s < 2.0);
        apply_state_done(&p);
        free(text);
}

static void test_write_atomic(void) {
        mode_t old = umask(077);
        int dfd = applyfs_open_dir(&rt, "/etc/sysctl.d", /* create= */ true, NULL);
        test_assert(dfd >= 0);
        test_assert_int(mode_of("etc/sysctl.d"), 0755); /* whatever the umask */
        bool renamed = false;
        test_assert_int(applyfs_write_atomic(dfd, "a.conf", "x = 1\n", 6, 0644, &renamed), 0);
        test_assert(renamed);
        test_assert_int(mode_of("etc/sysctl.d/a.conf"), 0644);
        char *c = get("etc/sysctl.d/a.conf");
        test_assert_str(c, "x = 1\n");
        free(c);
        /* Replaced, not appended. */
        test_assert_int(applyfs_write_atomic(dfd, "a.conf", "y", 1, 0600, NULL), 0);
        c = get("etc/sysctl.d/a.conf");
        test_assert_str(c, "y");
        free(c);
        test_assert_int(mode_of("etc/sysctl.d/a.conf"), 0600);
        umask(old);

        /* A symlink or a directory at the target is refused, the link's
         * target untouched. */
        put("outside", "keep\n", 0644);
        char target[512], link[512];
        snprintf(target, sizeof(target), "%s/outside", root);
        snprintf(link, sizeof(link), "%s/etc/sysctl.d/l.conf", root);
        test_assert_int(symlink(target, link), 0);
        test_assert_int(applyfs_write_atomic(dfd, "l.conf", "z", 1, 0644, NULL), -ELOOP);
        c = get("outside");
        test_assert_str(c, "keep\n");
        free(c);
        char *data = NULL;
        test_assert_int(applyfs_read(dfd, "l.conf", APPLY_DROPIN_MAX, &data, NULL, NULL), -ELOOP);
        test_assert_int(mkdirat(dfd, "d.conf", 0755), 0);
        test_assert_int(applyfs_write_atomic(dfd, "d.conf", "z", 1, 0644, NULL), -EISDIR);
        test_assert_int(applyfs_read(dfd, "missing.conf", APPLY_DROPIN_MAX, &data, NULL, NULL), -ENOENT);

        /* Stale temps of ours go; other files stay. */
        put("etc/sysctl.d/.a.conf.abc123", "stale", 0600);
        put("etc/sysctl.d/.a.conf.keep", "other", 0600);
        applyfs_clean_temps(dfd, "a.conf");
        test_assert(!exists("etc/sysctl.d/.a.conf.abc123"));
        test_assert(exists("etc/sysctl.d/.a.conf.keep"));
        test_assert_int(applyfs_unlink(dfd, "a.conf"), 0);
        test_assert_int(applyfs_unlink(dfd, "a.conf"), 0); /* absent is fine */
        close(dfd);
}

static void test_open_dir_link(void) {
        char target[512], link[512];
        snprintf(target, sizeof(target), "%s/elsewhere", root);
        snprintf(link, sizeof(link), "%s/linked", root);
        test_assert_int(mkdir(target, 0755), 0);
        test_assert_int(symlink(target, link), 0);
        test_assert_int(applyfs_open_dir(&rt, "/linked/sysctl.d", true, NULL), -ELOOP);
        test_assert(!exists("elsewhere/sysctl.d"));
        test_assert_int(applyfs_open_dir(&rt, "/nothere/x", false, NULL), -ENOENT);
        put("plainfile", "", 0644);
        test_assert_int(applyfs_open_dir(&rt, "/plainfile/x", true, NULL), -ENOTDIR);
}

static void test_lock(void) {
        int a = applyfs_lock(&rt, 0);
        test_assert(a >= 0);
        test_assert_int(mode_of("run/tcptune"), 0755);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        /* flock belongs to the open file: a second open conflicts even here. */
        test_assert_int(applyfs_lock(&rt, 300 * USEC_PER_MSEC), -EWOULDBLOCK);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double waited = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
        test_assert(waited >= 0.3 && waited < 2.0);
        close(a);
        int b = applyfs_lock(&rt, 0);
        test_assert(b >= 0);
        close(b);
}

static void test_sysctl_write_truncates(void) {
        put("proc/sys/net/ipv4/tcp_keepalive_time", "7200\n", 0644);
        test_assert_int(sysctl_write(&rt, "net.ipv4.tcp_keepalive_time", "60"), 0);
        char *c = get("proc/sys/net/ipv4/tcp_keepalive_time");
        test_assert_str(c, "60\n");
        free(c);
}

static const struct apply_setting ff[] = {
        { "net.ipv4.tcp_retries2", "8" },
        { "net.ipv4.tcp_keepalive_time", "60" },
};

static void test_apply_revert(void) {
        put("proc/sys/net/ipv4/tcp_retries2", "15\n", 0644);
        put("proc/sys/net/ipv4/tcp_keepalive_time", "7200\n", 0644);
        put("proc/sys/net/ipv4/tcp_syn_retries", "6\n", 0644);
        put("etc/sysctl.d/90-tcptune.conf", "# older\nnet.ipv4.tcp_retries2 = 10\n", 0600);
        struct apply_request req = { .root = &rt, .profile_name = "ff", .settings = ff, .n_settings = 2 };
        struct apply_result res;

        req.dry_run = true;
        test_assert_int(apply_run(&req, &res), 1);
        test_assert_int(res.n_changes, 2);
        test_assert_int(res.dropin, APPLY_DROPIN_WRITTEN);
        apply_result_done(&res);
        char *c = get("proc/sys/net/ipv4/tcp_retries2");
        test_assert_str(c, "15\n"); /* dry run: nothing written */
        free(c);
        test_assert(!exists("var/lib/tcptune/state"));

        req.dry_run = false;
        test_assert_int(apply_run(&req, &res), 1);
        test_assert_int(res.n_changes, 2);
        test_assert_str(res.changes[0].key, "net.ipv4.tcp_retries2");
        test_assert_str(res.changes[0].old, "15");
        test_assert_str(res.changes[0].new, "8");
        test_assert_str(res.dropin_path, "/etc/sysctl.d/90-tcptune.conf");
        apply_result_done(&res);
        test_assert_int(mode_of("etc/sysctl.d/90-tcptune.conf"), 0644);
        c = get("proc/sys/net/ipv4/tcp_keepalive_time");
        test_assert_str(c, "60\n");
        free(c);

        /* Idempotent. */
        test_assert_int(apply_run(&req, &res), 0);
        test_assert_int(res.n_changes, 0);
        test_assert_int(res.dropin, APPLY_DROPIN_KEPT);
        apply_result_done(&res);

        /* A second profile: its keys recorded as they were before tcptune,
         * the first profile's keys it leaves alone put back. */
        const struct apply_setting other[] = { { "net.ipv4.tcp_syn_retries", "3" } };
        struct apply_request req2 = { .root = &rt, .profile_name = "other", .settings = other, .n_settings = 1 };
        test_assert_int(apply_run(&req2, &res), 1);
        test_assert_int(res.n_changes, 3);
        apply_result_done(&res);
        c = get("proc/sys/net/ipv4/tcp_retries2");
        test_assert_str(c, "15\n");
        free(c);

        struct apply_request rev = { .root = &rt };
        test_assert_int(apply_revert(&rev, &res), 1);
        test_assert_int(res.dropin, APPLY_DROPIN_RESTORED);
        test_assert_int(res.n_changes, 1);
        test_assert_str(res.changes[0].key, "net.ipv4.tcp_syn_retries");
        apply_result_done(&res);
        c = get("etc/sysctl.d/90-tcptune.conf");
        test_assert_str(c, "# older\nnet.ipv4.tcp_retries2 = 10\n");
        free(c);
        test_assert_int(mode_of("etc/sysctl.d/90-tcptune.conf"), 0600);
        c = get("proc/sys/net/ipv4/tcp_syn_retries");
        test_assert_str(c, "6\n");
        free(c);
        test_assert(!exists("var/lib/tcptune"));

        test_assert_int(apply_revert(&rev, &res), 0);
        test_assert(res.nothing_to_revert);
        apply_result_done(&res);
}

static void test_apply_rollback(void) {
        put("proc/sys/net/ipv4/tcp_retries2", "15\n", 0644);
        put("proc/sys/net/ipv4/tcp_keepalive_time", "7200\n", 0644);
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s/etc/sysctl.d' '%s/var/lib/tcptune'", root, root);
        test_assert_int(system(cmd), 0);
        /* The second key does not exist on this "kernel". */
        const struct apply_setting bad[] = {
                { "net.ipv4.tcp_retries2", "8" },
                { "net.ipv4.tcp_nothere", "1" },
        };
        struct apply_request req = { .root = &rt, .profile_name = "bad", .settings = bad, .n_settings = 2 };
        struct apply_result res;
        test_assert_int(apply_run(&req, &res), -ENOENT);
        test_assert(!res.error.file);
        test_assert_str(res.error.message, "net.ipv4.tcp_nothere: no such key on this kernel");
        apply_result_done(&res);
        test_assert(!exists("etc/sysctl.d"));
        test_assert(!exists("var/lib/tcptune"));

}

int main(void) {
        if (!mkdtemp(root) || root_open(root, &rt) < 0) {
                perror("mkdtemp");
                return 1;
        }
        TEST(test_value_same);
        TEST(test_dropin_name);
        TEST(test_dropin_content);
        TEST(test_state_roundtrip);
        TEST(test_state_untrusted);
        TEST(test_state_large);
        TEST(test_write_atomic);
        TEST(test_open_dir_link);
        TEST(test_lock);
        TEST(test_sysctl_write_truncates);
        TEST(test_apply_revert);
        TEST(test_apply_rollback);
        root_done(&rt);
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        (void) system(cmd);
        return test_done();
}

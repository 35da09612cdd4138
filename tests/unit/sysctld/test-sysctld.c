/* SPDX-License-Identifier: MIT */
/* sysctld: the rules systemd-sysctl follows, as observed (see the man
 * page's SYSCTL.D PRECEDENCE), on byte buffers and on small fake roots. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "sysctld.h"
#include "test.h"

static char root[] = "/tmp/tcptune-test-sysctld-XXXXXX";
static struct root rt = { .fd = -1 };  /* root, opened once in main() */

/* Create root/path (parents too) holding len bytes of data. */
static void put(const char *path, const char *data, size_t len) {
        _cleanup_free_ char *p = NULL;
        test_assert(asprintf(&p, "%s/%s", root, path) > 0);
        for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
                *s = '\0';
                mkdir(p, 0755);
                *s = '/';
        }
        /* Never through a link: the trees hold links to /etc, /dev/null... */
        unlink(p);
        int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        test_assert(fd >= 0);
        if (fd >= 0) {
                test_assert(write(fd, data, len) == (ssize_t) len);
                close(fd);
        }
}
static void puts_(const char *path, const char *text) {
        put(path, text, strlen(text));
}
static void link_(const char *target, const char *path) {
        _cleanup_free_ char *p = NULL;
        test_assert(asprintf(&p, "%s/%s", root, path) > 0);
        unlink(p);
        test_assert(symlink(target, p) == 0);
}
static void mkdir_(const char *path) {
        _cleanup_free_ char *p = NULL;
        test_assert(asprintf(&p, "%s/%s", root, path) > 0);
        test_assert(mkdir(p, 0755) == 0);
}
static void rm_rf(const char *path) {
        _cleanup_free_ char *cmd = NULL;
        test_assert(asprintf(&cmd, "rm -rf '%s/%s'", root, path) > 0);
        test_assert(system(cmd) == 0);
}

/* Parse buffers as consecutive files; no globs, so no root is needed. */
static struct sysctld *parse(const char *first, ...) {
        struct sysctld *s = sysctld_new();
        va_list ap;
        va_start(ap, first);
        for (const char *name = first; name; name = va_arg(ap, const char *)) {
                const char *text = va_arg(ap, const char *);
                test_assert_int(sysctld_parse_buffer(s, name, text, strlen(text)), 0);
        }
        va_end(ap);
        test_assert_int(sysctld_finish(s, &rt), 0);
        return s;
}

static bool has_diag(const struct sysctld *s, const char *file, unsigned line, const char *part) {
        for (size_t i = 0; i < s->n_diags; i++)
                if (streq_ptr(s->diags[i].file, file) && s->diags[i].line == line && strstr(s->diags[i].message, part))
                        return true;
        for (size_t i = 0; i < s->n_diags; i++)
                printf("# diag %s:%u: %s\n", strempty(s->diags[i].file), s->diags[i].line, s->diags[i].message);
        return false;
}

static void test_normalize_key(void) {
        static const struct {
                const char *in, *out;
        } cases[] = {
                { "net.ipv4.tcp_sack", "net/ipv4/tcp_sack" },
                { "net/ipv4/tcp_sack", "net/ipv4/tcp_sack" },
                { "net.ipv4.conf.eth0/100.rp_filter", "net/ipv4/conf/eth0.100/rp_filter" },
                { "net/ipv4/conf/eth0.100/rp_filter", "net/ipv4/conf/eth0.100/rp_filter" },
                { "/net/ipv4/tcp_sack", "net/ipv4/tcp_sack" },
                { ".net.ipv4.tcp_sack", "net/ipv4/tcp_sack" },
                { "net.ipv4.tcp_sack.", "net/ipv4/tcp_sack" },
                { "net..ipv4.tcp_sack", "net/ipv4/tcp_sack" },
                { "net/ipv4//tcp_sack", "net/ipv4/tcp_sack" },
                { "net/ipv4/./tcp_sack", "net/ipv4/tcp_sack" },
                { "net.ipv4/tcp_sack", "net/ipv4.tcp_sack" }, /* the '/' becomes a dot */
                { "net/ipv4.tcp_sack", "net/ipv4.tcp_sack" },
                { "net.ipv4.tcp_sack/", "net/ipv4/tcp_sack." },
                { "net/ipv4/../ipv4/tcp_sack", "net/ipv4/../ipv4/tcp_sack" },
                { "// slashes", " slashes" },
                { "net.ipv4.tcp_*", "net/ipv4/tcp_*" },
                { "", "" },
                { "/", "/" },
                { ".", "/" },
                { "./", "/" },
                { "a/./", "a" },
                { "./a", ".a" }, /* the first separator is a dot: swapped */
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *k = sysctld_normalize_key(cases[i].in);
                test_assert_str(k, cases[i].out);
        }
}

static void test_lines(void) {
        /* \r\n, \r, \n\r and NUL end lines; \n\r\n is two ends; no final newline needed. */
        _cleanup_(sysctld_freep) struct sysctld *s =
                parse("a.conf", "net.ipv4.tcp_retries2 = 5\r\nnet.ipv4.tcp_sack = 0\rnet.ipv4.tcp_frto = 1\n\r\nx\n",
                      "b.conf", "net.ipv4.tcp_ecn = 1\0net.ipv4.tcp_dsack = 0\0\n\n\0\ny\nnet.ipv4.tcp_fack = 1", NULL);
        const struct sysctld_entry *e;
        test_assert((e = sysctld_find(s, "net.ipv4.tcp_retries2")) && e->line == 1);
        test_assert((e = sysctld_find(s, "net.ipv4.tcp_sack")) && e->line == 2);
        test_assert((e = sysctld_find(s, "net.ipv4.tcp_frto")) && e->line == 3);
        test_assert(has_diag(s, "a.conf", 5, "'x' is not an assignment"));
        /* A NUL ends the buffer handed over here: parse_buffer takes strlen. */
        test_assert((e = sysctld_find(s, "net.ipv4.tcp_ecn")) && e->line == 1);
        test_assert(!sysctld_find(s, "net.ipv4.tcp_dsack"));
}

static void test_nul_lines(void) {
        static const char text[] = "net.ipv4.tcp_ecn = 1\0net.ipv4.tcp_dsack = 0\0\n\n\0\ny\nnet.ipv4.tcp_fack = 1";
        _cleanup_(sysctld_freep) struct sysctld *s = sysctld_new();
        const struct sysctld_entry *e;
        test_assert_int(sysctld_parse_buffer(s, "n.conf", text, sizeof(text) - 1), 0);
        test_assert_int(sysctld_finish(s, &rt), 0);
        test_assert((e = sysctld_find(s, "net.ipv4.tcp_ecn")) && e->line == 1);
        test_assert((e = sysctld_find(s, "net.ipv4.tcp_dsack")) && e->line == 2);
        /* "\0\n": the NUL ends line 2, "\n" is line 3; "\n\0" is one end. */
        test_assert(has_diag(s, "n.conf", 6, "'y'"));
        test_assert((e = sysctld_find(s, "net.ipv4.tcp_fack")) && e->line == 7);
}

static void test_syntax(void) {
        _cleanup_(sysctld_freep) struct sysctld *s = parse("a.conf",
                "# comment\n"
                "; comment\n"
                "   # indented\n"
                "\t net.ipv4.tcp_retries2 \t=\t 5 # not a comment \t\n"
                "net.ipv4.tcp_synack_retries = 2 = 3\n"
                "- net.ipv4.tcp_syn_retries = 4\n"
                "net.ipv4.tcp_keepalive_time =\n"
                "net.ipv4.tcp_sack 0\n"
                "=7\n"
                "net.ipv4. tcp_frto = 1\n",
                NULL);
        const struct sysctld_entry *e;
        test_assert((e = sysctld_find(s, "net.ipv4.tcp_retries2")) && streq(e->value, "5 # not a comment"));
        test_assert((e = sysctld_find(s, "net.ipv4.tcp_synack_retries")) && streq(e->value, "2 = 3"));
        test_assert((e = sysctld_find(s, "net.ipv4.tcp_syn_retries")) && e->ignore_failure && streq(e->value, "4"));
        test_assert((e = sysctld_find(s, "net.ipv4.tcp_keepalive_time")) && streq(e->value, ""));
        test_assert(has_diag(s, "a.conf", 8, "not an assignment"));
        test_assert((e = sysctld_find(s, "")) && streq(e->value, "7"));
        test_assert(sysctld_find(s, "net.ipv4. tcp_frto"));
        test_assert_int(s->n_entries, 6);
}

static void test_later_wins(void) {
        /* A different value moves the key to the end; the same value keeps
         * its place but names the later line; '-' ORs. */
        _cleanup_(sysctld_freep) struct sysctld *s = parse(
                "10-a.conf", "net.ipv4.tcp_retries2 = 5\nnet.ipv4.tcp_sack = 0\nnet.ipv4.tcp_frto = bad\n",
                "20-b.conf", "net.ipv4.tcp_retries2 = 6\nnet.ipv4.tcp_sack = 0\n-net.ipv4.tcp_frto = bad\n", NULL);
        test_assert_int(s->n_entries, 3);
        test_assert_str(s->entries[0].key, "net.ipv4.tcp_sack");
        test_assert_str(s->entries[0].file, "20-b.conf");
        test_assert_int(s->entries[0].line, 2);
        test_assert_str(s->entries[1].key, "net.ipv4.tcp_frto");
        test_assert(s->entries[1].ignore_failure);
        test_assert_str(s->entries[2].key, "net.ipv4.tcp_retries2");
        test_assert_str(s->entries[2].value, "6");
        test_assert_int(s->n_overrides, 3);
        bool seen = false;
        for (size_t i = 0; i < s->n_overrides; i++)
                if (streq(s->overrides[i].key, "net.ipv4.tcp_retries2")) {
                        test_assert_str(s->overrides[i].value, "5");
                        test_assert_str(s->overrides[i].file, "10-a.conf");
                        test_assert_int(s->overrides[i].winner, 2);
                        test_assert(!s->overrides[i].written);
                        seen = true;
                }
        test_assert(seen);
}

static void test_cancel(void) {
        /* "-KEY" without '=' cancels an earlier assignment, and a later one revives it. */
        _cleanup_(sysctld_freep) struct sysctld *s = parse(
                "a.conf", "net.ipv4.tcp_fin_timeout = 30\n-net.ipv4.tcp_fin_timeout\n-net.ipv4.tcp_sack\nnet.ipv4.tcp_sack = 0\n",
                NULL);
        test_assert(!sysctld_find(s, "net.ipv4.tcp_fin_timeout"));
        test_assert(sysctld_find(s, "net.ipv4.tcp_sack"));
        test_assert(has_diag(s, "a.conf", 2, "cancels the assignment at a.conf:1"));
        test_assert_int(s->n_overrides, 0);
}

static void test_long_line(void) {
        size_t n = SYSCTLD_LINE_MAX + 100;
        _cleanup_free_ char *buf = malloc(n);
        _cleanup_(sysctld_freep) struct sysctld *s = sysctld_new();
        const char head[] = "net.ipv4.tcp_sack = 0\n#";
        memcpy(buf, head, sizeof(head) - 1);
        memset(buf + sizeof(head) - 1, 'x', SYSCTLD_LINE_MAX - 1); /* line 2: exactly 1 MiB */
        memcpy(buf + sizeof(head) - 2 + SYSCTLD_LINE_MAX, "\nnet.ipv4.tcp_ecn = 1\n", 22);
        test_assert_int(sysctld_parse_buffer(s, "l.conf", buf, sizeof(head) - 2 + SYSCTLD_LINE_MAX + 22), 0);
        /* One byte shorter is fine. */
        buf[sizeof(head) - 2 + SYSCTLD_LINE_MAX - 1] = '\n';
        test_assert_int(sysctld_parse_buffer(s, "m.conf", buf, sizeof(head) - 2 + SYSCTLD_LINE_MAX + 22), 0);
        test_assert_int(sysctld_finish(s, &rt), 0);
        test_assert(has_diag(s, "l.conf", 2, "1 MiB"));
        test_assert(sysctld_find(s, "net.ipv4.tcp_sack"));
        const struct sysctld_entry *e = sysctld_find(s, "net.ipv4.tcp_ecn");
        test_assert(e && streq(e->file, "m.conf"));
}

static void test_globs(void) {
        puts_("proc/sys/net/ipv4/tcp_keepalive_time", "7200\n");
        puts_("proc/sys/net/ipv4/tcp_keepalive_intvl", "75\n");
        puts_("proc/sys/net/ipv4/tcp_keepalive_probes", "9\n");
        puts_("proc/sys/net/ipv4/conf/all/rp_filter", "0\n");
        puts_("proc/sys/net/ipv4/conf/lo/rp_filter", "0\n");
        _cleanup_(sysctld_freep) struct sysctld *s = parse(
                "a.conf",
                "net.ipv4.tcp_keepalive_* = 30\n"          /* 1 */
                "-net.ipv4.tcp_keepalive_probes\n"         /* 2: never written */
                "net.ipv4.tcp_keepalive_[it]* = 40\n"      /* 3: overlaps 1 */
                "net.ipv4.conf.*.rp_filter = 2\n"          /* 4 */
                "net.ipv4.conf.* = 1\n"                    /* 5: directories */
                "net.ipv4.conf.{all,lo}.rp_f* = 1\n",      /* 6: braces */
                "b.conf", "net.ipv4.tcp_keepalive_time = 7\n", NULL);
        const struct sysctld_entry *e;
        test_assert(!sysctld_find(s, "net.ipv4.tcp_keepalive_probes"));
        test_assert((e = sysctld_find(s, "net.ipv4.tcp_keepalive_time")) && !e->pattern && streq(e->value, "7"));
        test_assert((e = sysctld_find(s, "net.ipv4.tcp_keepalive_intvl")) && e->line == 3 &&
                    streq_ptr(e->pattern, "net.ipv4.tcp_keepalive_[it]*"));
        test_assert((e = sysctld_find(s, "net.ipv4.conf.lo.rp_filter")) && e->line == 6 && streq(e->value, "1"));
        test_assert(has_diag(s, "a.conf", 5, "a directory"));
        /* The glob's value for time lost to the explicit key; intvl's first write was overwritten. */
        bool lost = false, written = false;
        for (size_t i = 0; i < s->n_overrides; i++) {
                const struct sysctld_override *v = &s->overrides[i];
                lost |= streq(v->key, "net.ipv4.tcp_keepalive_time") && v->line == 1 && !v->written;
                written |= streq(v->key, "net.ipv4.tcp_keepalive_intvl") && v->line == 1 && v->written;
        }
        test_assert(lost && written);
        /* Write order: each key where its last write happens. */
        test_assert_str(s->entries[0].key, "net.ipv4.tcp_keepalive_intvl");
        test_assert_str(s->entries[1].key, "net.ipv4.conf.all.rp_filter");
        test_assert_str(s->entries[3].key, "net.ipv4.tcp_keepalive_time");
        rm_rf("proc");
}

static void test_load(void) {
        puts_("proc/sys/net/ipv4/tcp_retries2", "15\n");
        puts_("etc/sysctl.d/50-same.conf", "net.ipv4.tcp_retries2 = 1\n");
        puts_("run/sysctl.d/50-same.conf", "net.ipv4.tcp_retries2 = 2\n");
        puts_("usr/lib/sysctl.d/50-same.conf", "net.ipv4.tcp_retries2 = 3\n");
        puts_("usr/lib/sysctl.d/10-a.conf", "net.ipv4.tcp_sack = 0\n");
        puts_("usr/lib/sysctl.d/B.conf", "net.ipv4.tcp_ecn = 1\n");
        puts_("usr/lib/sysctl.d/.hidden.conf", "net.ipv4.tcp_ecn = 2\n");
        puts_("usr/lib/sysctl.d/x.CONF", "net.ipv4.tcp_ecn = 3\n");
        puts_("usr/lib/sysctl.d/m.conf", "net.ipv4.tcp_frto = 1\n");
        puts_("usr/lib/sysctl.d/d.conf", "net.ipv4.tcp_fack = 1\n");
        puts_("usr/lib/sysctl.d/loop.conf", "net.ipv4.tcp_dsack = 1\n");
        puts_("lib/sysctl.d/z.conf", "net.ipv4.tcp_timestamps = 0\n");
        puts_("etc/sysctl.conf", "net.ipv4.tcp_window_scaling = 0\n");
        link_("/dev/null", "etc/sysctl.d/m.conf");
        mkdir_("etc/sysctl.d/d.conf");
        link_("loop.conf", "run/sysctl.d/loop.conf");
        link_("/nowhere", "run/sysctl.d/dangling.conf");
        mkdir_("usr/local");
        link_("../lib", "usr/local/lib"); /* /usr/local/lib/sysctl.d is /usr/lib/sysctl.d: read once */
        _cleanup_(sysctld_freep) struct sysctld *s = NULL;
        test_assert_int(sysctld_load(&rt, &s), 0);
        if (!s)
                return;
        static const char *const files[] = {
                "/usr/lib/sysctl.d/10-a.conf", "/etc/sysctl.d/50-same.conf", "/usr/lib/sysctl.d/B.conf",
                "/etc/sysctl.d/d.conf", "/run/sysctl.d/dangling.conf", "/run/sysctl.d/loop.conf",
                "/etc/sysctl.d/m.conf", "/lib/sysctl.d/z.conf",
        };
        test_assert_int(s->n_files, ELEMENTSOF(files));
        for (size_t i = 0; i < s->n_files && i < ELEMENTSOF(files); i++)
                test_assert_str(s->files[i], files[i]);
        test_assert_str(sysctld_find(s, "net.ipv4.tcp_retries2")->value, "1");
        test_assert(!sysctld_find(s, "net.ipv4.tcp_frto"));
        test_assert(!sysctld_find(s, "net.ipv4.tcp_fack"));
        test_assert(!sysctld_find(s, "net.ipv4.tcp_window_scaling"));
        test_assert(has_diag(s, "/run/sysctl.d/dangling.conf", 0, "dangling"));
        test_assert(has_diag(s, "/etc/sysctl.d/d.conf", 0, "a directory"));
        test_assert(has_diag(s, "/run/sysctl.d/loop.conf", 0, "loop"));
        test_assert(has_diag(s, "/etc/sysctl.conf", 0, "not applied at boot"));
        test_assert_int(s->n_shadowed, 5);
        for (size_t i = 0; i < s->n_diags; i++)
                test_assert_int(s->diags[i].error, 0);
        rm_rf("etc");
        rm_rf("run");
        rm_rf("usr");
        rm_rf("lib");
        rm_rf("proc");
}

static void test_links_in_root(void) {
        /* Absolute links resolve inside the root; a linked directory names its
         * files by the resolved path; /etc/sysctl.conf through a link counts. */
        puts_("srv/conf/10-srv.conf", "net.ipv4.tcp_sack = 0\n");
        puts_("etc/sysctl.conf", "net.ipv4.tcp_ecn = 1\n");
        link_("/srv/conf", "etc/sysctl.d");
        link_("/etc/sysctl.conf", "srv/conf/99-sysctl.conf");
        _cleanup_(sysctld_freep) struct sysctld *s = NULL;
        test_assert_int(sysctld_load(&rt, &s), 0);
        if (!s)
                return;
        test_assert_int(s->n_files, 2);
        if (s->n_files != 2) {
                for (size_t i = 0; i < s->n_files; i++)
                        printf("# file %s\n", s->files[i]);
                for (size_t i = 0; i < s->n_diags; i++)
                        printf("# diag %s: %s\n", strempty(s->diags[i].file), s->diags[i].message);
                return;
        }
        test_assert_str(s->files[0], "/srv/conf/10-srv.conf");
        test_assert_str(s->files[1], "/srv/conf/99-sysctl.conf");
        test_assert(sysctld_find(s, "net.ipv4.tcp_ecn"));
        test_assert_int(s->n_diags, 0);
        rm_rf("etc");
        rm_rf("srv");
}

/* fuzz-load: a path that resolves to the root after a component
 * (/run/sysctl.d -> "/", /lib/sysctl.d -> "../srv/..") leaked the path built so far
 * (LeakSanitizer, in the ASan build). The root's own *.conf are read. */
static void test_link_to_root(void) {
        puts_("90-root.conf", "net.ipv4.tcp_sack = 0\n");
        mkdir_("srv");
        mkdir_("run");
        mkdir_("lib");
        link_("/", "run/sysctl.d");
        link_("../srv/..", "lib/sysctl.d");
        _cleanup_(sysctld_freep) struct sysctld *s = NULL;
        test_assert_int(sysctld_load(&rt, &s), 0);
        if (!s)
                return;
        test_assert_int(s->n_files, 1);
        test_assert(s->n_files == 1 && streq(s->files[0], "/90-root.conf"));
        rm_rf("90-root.conf");
        rm_rf("srv");
        rm_rf("run");
        rm_rf("lib");
}

static void test_held(void) {
        static const struct {
                const char *key, *value, *live, *held;
        } cases[] = {
                { "net.ipv4.tcp_retries2", "010", "15", "8" },
                { "net.ipv4.tcp_retries2", "0x0f", "15", "15" },
                { "net.ipv4.tcp_retries2", "0X1a", "15", "26" },
                { "net.ipv4.tcp_retries2", "08", "15", "15" },      /* refused */
                { "net.ipv4.tcp_retries2", "5 # c", "15", "5" },
                { "net.ipv4.tcp_retries2", "5#c", "15", "15" },     /* refused */
                { "net.ipv4.tcp_retries2", "-0", "15", "15" },      /* u8: no sign */
                { "net.ipv4.tcp_retries2", "+5", "15", "15" },
                { "net.ipv4.tcp_retries2", "300", "15", "15" },     /* out of range */
                { "net.ipv4.tcp_retries2", "", "15", "15" },
                { "net.ipv4.tcp_retries2", "00000000000000000007", "15", "7" },
                { "net.ipv4.tcp_retries2", "000000000000000000007", "15", "15" }, /* 21 characters */
                { "net.ipv4.tcp_retries2", "09", "15", "15" },                    /* octal */
                { "net.ipv4.tcp_retries2", "\t 7 ", "15", "7" },
                { "net.ipv4.tcp_retries2", "7\v", "15", "15" },      /* only space, tab, newline may follow */
                { "net.ipv4.tcp_fin_timeout", "-0", "60", "0" },
                { "net.ipv4.tcp_wmem", "8192 16384", "4096 16384 4194304", "8192 16384 4194304" },
                { "net.ipv4.tcp_wmem", "1 2 3 4", "4096 16384 4194304", "1 2 3" },
                { "net.ipv4.tcp_wmem", "1 x", "4096 16384 4194304", "1 16384 4194304" },
                { "net.ipv4.tcp_limit_output_bytes", "1 2", "1048576", "1" },
                { "net.ipv4.icmp_ratelimit", "417", "1000", "420" },
                { "net.ipv4.icmp_ratelimit", "1", "1000", "4" },
                { "net.ipv4.neigh.lo.locktime", "1", "100", "0" }, /* 2 jiffies = 0.8 ticks */
                { "net.ipv4.ip_local_reserved_ports", "5,1-3,0x4", "", "1-5" },
                { "net.ipv4.ip_local_reserved_ports", "1, 2", "7", "7" },
                { "net.ipv4.ip_local_reserved_ports", "", "7", "" },
                { "net.ipv4.tcp_congestion_control", "  reno ", "cubic", "reno" },
                { "net.ipv4.tcp_allowed_congestion_control", "reno  cubic", "reno", "reno cubic" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *h = sysctld_held(cases[i].key, cases[i].value, cases[i].live, 250);
                if (!h || !streq(h, cases[i].held))
                        printf("# %s = '%s'\n", cases[i].key, cases[i].value);
                test_assert_str(h, cases[i].held);
        }
}

static void check(const char *key, const char *value, bool valid, const char *problem, bool drift) {
        struct sysctld_entry e = { .key = (char *) key, .value = (char *) value };
        struct sysctld_check c;
        bool needs_hz = false;
        test_assert_int(sysctld_check_entry(&rt, &e, 0, &needs_hz, &c), 0);
        if (needs_hz) {
                sysctld_check_done(&c);
                test_assert_int(sysctld_check_entry(&rt, &e, 250, &needs_hz, &c), 0);
        }
        if (c.valid != valid || !streq_ptr(c.problem, problem) || c.drift != drift)
                printf("# %s = '%s': valid %d, problem '%s', drift %d\n", key, value, c.valid, strempty(c.problem), c.drift);
        test_assert(c.valid == valid);
        test_assert_str(strempty(c.problem), strempty(problem));
        test_assert(c.drift == drift);
        sysctld_check_done(&c);
}

static void test_check(void) {
        puts_("proc/sys/net/ipv4/tcp_retries2", "15\n");
        puts_("proc/sys/net/ipv4/tcp_syn_retries", "6\n");
        puts_("proc/sys/net/ipv4/tcp_fin_timeout", "60\n");
        puts_("proc/sys/net/ipv4/tcp_rmem", "4096\t131072\t6291456\n");
        puts_("proc/sys/net/ipv4/tcp_available_ulp", "\n");
        puts_("proc/sys/net/ipv4/tcp_congestion_control", "cubic\n");
        puts_("proc/sys/net/ipv4/tcp_available_congestion_control", "reno cubic\n");
        puts_("proc/sys/net/ipv4/conf/lo/rp_filter", "0\n");
        _cleanup_free_ char *ro = NULL;
        test_assert(asprintf(&ro, "%s/proc/sys/net/ipv4/tcp_available_ulp", root) > 0);
        chmod(ro, 0444);
        check("net.ipv4.tcp_retries2", "15", true, NULL, false);
        check("net.ipv4.tcp_retries2", "8", true, NULL, true);
        check("net.ipv4.tcp_retries2", "017", true, NULL, false);
        check("net.ipv4.tcp_retries2", "300", false, "300 is out of range (0-255)", false);
        check("net.ipv4.tcp_retries2", "-1", false, "-1 is out of range (0-255)", false);
        check("net.ipv4.tcp_retries2", "abc", false, "'abc' is not a number", false);
        check("net.ipv4.tcp_retries2", "", false, "an empty value", false);
        check("net.ipv4.tcp_syn_retries", "0", false, "0 is out of range (1-127)", false);
        check("net.ipv4.tcp_fin_timeout", "9999999", false, "9999999 is out of range (-8589934 to 8589934 at HZ 250)", false);
        check("net.ipv4.tcp_fin_timeout", "30", true, NULL, true);
        check("net.ipv4.tcp_rmem", "4096 131072", true, NULL, false);
        check("net.ipv4.tcp_rmem", "4096 x", false, "the kernel sets the first 1 value and refuses the rest", false);
        check("net.ipv4.tcp_available_ulp", "tls", false, "read-only", false);
        check("net.ipv4.tcp_no_such_key", "1", false, "not a key on this kernel", false);
        check("net.ipv4.conf", "1", false, "a directory, not a key", false);
        check("net.ipv4.conf.lo.rp_filter", "2", true, NULL, true);
        check("net.ipv4.//.ipv4.tcp_retries2", "1", false, "not a valid key ('..')", false);
        check("net.ipv4.tcp_congestion_control", "reno", true, NULL, true);
        check("net.ipv4.tcp_congestion_control", "bbr", false,
              "'bbr' is not available (reno cubic); only a module tcp_bbr could provide it", false);
        rm_rf("proc");
}

static void test_settle(void) {
        /* The later glob's write is refused: the earlier one stays. */
        puts_("proc/sys/net/ipv4/tcp_syn_retries", "6\n");
        puts_("proc/sys/net/ipv4/tcp_synack_retries", "5\n");
        _cleanup_(sysctld_freep) struct sysctld *s =
                parse("a.conf", "net.ipv4.tcp_syn*_retries = 3\nnet.ipv4.tcp_syn*retries = 0\n", NULL);
        test_assert_int(sysctld_settle(s, &rt), 0);
        const struct sysctld_entry *e = sysctld_find(s, "net.ipv4.tcp_syn_retries");
        test_assert(e && streq(e->value, "3") && e->line == 1);
        e = sysctld_find(s, "net.ipv4.tcp_synack_retries");
        test_assert(e && streq(e->value, "0") && e->line == 2);
        /* Refused halfway, a vector write still sets its first value: it stays. */
        puts_("proc/sys/net/ipv4/tcp_rmem", "4096\t131072\t6291456\n");
        _cleanup_(sysctld_freep) struct sysctld *v =
                parse("b.conf", "net.ipv4.tcp_[rw]mem = 593\nnet.ipv4.tcp_rme? = 5083 ; x\n", NULL);
        test_assert_int(sysctld_settle(v, &rt), 0);
        e = sysctld_find(v, "net.ipv4.tcp_rmem");
        test_assert(e && e->line == 2);
        rm_rf("proc");
}

static int collect(char *line, unsigned lineno, void *userdata) {
        int *n = userdata;
        *n = (int) lineno;
        return 0;
}

static void test_read_lines(void) {
        int fd = -1, n = 0;
        unsigned lines = 0;
        puts_("cat.conf", "a\r\nb\n\rc");
        _cleanup_free_ char *p = NULL;
        test_assert(asprintf(&p, "%s/cat.conf", root) > 0);
        test_assert((fd = sysctld_open(&rt, "/cat.conf")) >= 0);
        test_assert_int(sysctld_read_lines(fd, collect, &n, &lines), 0);
        test_assert_int(n, 3);
        close(fd);
        link_("/dev/null", "null.conf");
        test_assert_int(sysctld_open(&rt, "/null.conf"), -ENODEV);
        link_("null.conf", "null2.conf");
        test_assert_int(sysctld_open(&rt, "/null2.conf"), -ENODEV);
        unlink(p);
}

/* sysctld_load_prefix(): globs that cannot reach the prefix are not
 * expanded; those that can, and plain keys, are kept as sysctld_load()
 * keeps them. */
static void test_glob_prefix(void) {
        rm_rf("pfx");
        puts_("pfx/proc/sys/net/ipv4/conf/lo/rp_filter", "0\n");
        puts_("pfx/proc/sys/net/ipv4/conf/all/rp_filter", "0\n");
        puts_("pfx/proc/sys/net/ipv4/tcp_retries2", "15\n");
        puts_("pfx/proc/sys/net/ipv4/tcp_syn_retries", "6\n");
        puts_("pfx/etc/sysctl.d/50-default.conf",
              "net.ipv4.conf.*.rp_filter = 2\nnet.ipv4.tcp_s*_retries = 3\nnet.*.tcp_retries2 = 8\nkernel.sysrq = 0\n");
        char *r = NULL;
        struct root pfx;
        test_assert(asprintf(&r, "%s/pfx", root) > 0);
        test_assert_int(root_open(r, &pfx), 0);
        struct sysctld *all = NULL, *some = NULL;
        test_assert_int(sysctld_load(&pfx, &all), 0);
        test_assert_int(sysctld_load_prefix(&pfx, "net.ipv4.tcp_", &some), 0);
        test_assert(all && sysctld_find(all, "net.ipv4.conf.lo.rp_filter"));
        test_assert(some && !sysctld_find(some, "net.ipv4.conf.lo.rp_filter"));
        test_assert(some && !sysctld_find(some, "net.ipv4.conf.all.rp_filter"));
        const struct sysctld_entry *e = some ? sysctld_find(some, "net.ipv4.tcp_syn_retries") : NULL;
        test_assert(e && streq(e->value, "3"));
        e = some ? sysctld_find(some, "net.ipv4.tcp_retries2") : NULL;
        test_assert(e && streq(e->value, "8"));
        test_assert(some && sysctld_find(some, "kernel.sysrq"));
        test_assert_int(all ? all->n_entries : 0, 5);
        test_assert_int(some ? some->n_entries : 0, 3);
        sysctld_free(all);
        sysctld_free(some);
        root_done(&pfx);
        free(r);
}

int main(void) {
        if (!mkdtemp(root) || root_open(root, &rt) < 0) {
                perror("mkdtemp");
                return EXIT_FAILURE;
        }
        TEST(test_normalize_key);
        TEST(test_lines);
        TEST(test_nul_lines);
        TEST(test_syntax);
        TEST(test_later_wins);
        TEST(test_cancel);
        TEST(test_long_line);
        TEST(test_globs);
        TEST(test_load);
        TEST(test_links_in_root);
        TEST(test_link_to_root);
        TEST(test_held);
        TEST(test_check);
        TEST(test_settle);
        TEST(test_read_lines);
        TEST(test_glob_prefix);
        root_done(&rt);
        rm_rf("");
        return test_done();
}

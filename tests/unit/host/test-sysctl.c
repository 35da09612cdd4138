/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "fileio.h"
#include "sysctl.h"
#include "test.h"

static void test_normalize(void) {
        static const struct {
                const char *in, *out;
        } cases[] = {
                { "net.ipv4.tcp_retries2", "net.ipv4.tcp_retries2" },
                { "net/ipv4/tcp_retries2", "net.ipv4.tcp_retries2" },
                { "tcp_retries2", "net.ipv4.tcp_retries2" },
                { "net.ipv4.conf.eth0/100.rp_filter", "net.ipv4.conf.eth0/100.rp_filter" },
                { "net/ipv4/conf/eth0.100/rp_filter", "net.ipv4.conf.eth0/100.rp_filter" },
                { "net.core.somaxconn", "net.core.somaxconn" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *k = NULL;
                test_assert_int(sysctl_key_normalize(cases[i].in, &k), 0);
                test_assert_str(k, cases[i].out);
        }
}

static void test_normalize_invalid(void) {
        static const char *const bad[] = {
                "", "net..ipv4", "../../etc/passwd", "net.ipv4.", ".net", "/net/ipv4/x",
                "net/ipv4/../x", "net.ipv4.tcp_*", "tcp retries", "net.ipv4.tcp_retries2=5",
                "net.ipv4.a\tb", "net.ipv4.\x01", "a/./b",
                /* '/' in a dotted name is '.' in the path: "//" is "..",
                 * "/" is "." (found by tests/fuzz/fuzz-parse). */
                "net.//.x", "3.//", "net.ipv4.//", "net.//.//.//.//etc.passwd", "net./.x",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char *k = NULL;
                int r = sysctl_key_normalize(bad[i], &k);
                if (r != -EINVAL)
                        printf("# input \"%s\" -> %d (%s)\n", bad[i], r, k ? k : "");
                test_assert_int(r, -EINVAL);
                test_assert(k == NULL);
        }
        char long_key[5001];
        memset(long_key, 'a', sizeof(long_key) - 1);
        long_key[sizeof(long_key) - 1] = '\0';
        char *k = NULL;
        test_assert_int(sysctl_key_normalize(long_key, &k), -ENAMETOOLONG);
}

static char root[] = "/tmp/tcptune-test-sysctl-XXXXXX";
static struct root rt = { .fd = -1 };  /* root, opened once in main() */

static void test_subpath(void) {
        _cleanup_free_ char *a = sysctl_key_to_subpath("net.ipv4.conf.eth0/100.rp_filter");
        test_assert_str(a, "net/ipv4/conf/eth0.100/rp_filter");
        struct root host, slash, tree;
        char want[512];
        test_assert_int(root_open(NULL, &host), 0);
        test_assert_int(root_open("/", &slash), 0);
        test_assert_int(root_open(root, &tree), 0);
        _cleanup_free_ char *b = sysctl_path(&host, "net.ipv4.tcp_sack");
        test_assert_str(b, "/proc/sys/net/ipv4/tcp_sack");
        _cleanup_free_ char *c = sysctl_path(&slash, "net.ipv4.tcp_sack");
        test_assert_str(c, "/proc/sys/net/ipv4/tcp_sack");
        _cleanup_free_ char *d = sysctl_path(&tree, "net.ipv4.conf.eth0/100.rp_filter");
        snprintf(want, sizeof(want), "%s/proc/sys/net/ipv4/conf/eth0.100/rp_filter", root);
        test_assert_str(d, want);
        root_done(&host);
        root_done(&slash);
        root_done(&tree);
}

static void put(const char *rel, const char *content, mode_t mode) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", root, rel);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
        if (fd < 0) {
                perror(path);
                abort();
        }
        if (write(fd, content, strlen(content)) < 0)
                abort();
        close(fd);
        chmod(path, mode);
}

static void test_read_fixture(void) {
        char path[512];
        snprintf(path, sizeof(path), "%s/proc/sys/net/ipv4", root);
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "mkdir -p %s %s/proc/sys/net/ipv4/tcp_dir", path, root);
        test_assert_int(system(cmd), 0);
        put("proc/sys/net/ipv4/tcp_retries2", "8\n", 0644);
        put("proc/sys/net/ipv4/tcp_rmem", "4096\t131072\t6291456\n", 0644);
        put("proc/sys/net/ipv4/tcp_congestion_control", "bbr\n", 0644);
        put("proc/sys/net/ipv4/ip_forward", "0\n", 0644);
        put("proc/sys/net/ipv4/tcp_binary", "a\0b", 0644);

        char *v = NULL;
        test_assert_int(sysctl_read(&rt, "net.ipv4.tcp_retries2", &v), 0);
        test_assert_str(v, "8");
        free(v);
        test_assert_int(sysctl_read(&rt, "net.ipv4.tcp_rmem", &v), 0);
        test_assert_str(v, "4096 131072 6291456");
        free(v);
        v = NULL;
        test_assert_int(sysctl_read(&rt, "net.ipv4.tcp_rto_max_ms", &v), -ENOENT);
        test_assert(v == NULL);
        test_assert_int(sysctl_read(&rt, "net.ipv4.tcp_retries2.x", &v), -ENOENT);
        test_assert_int(sysctl_read(&rt, "net.ipv4.tcp_dir", &v), -EISDIR);

        struct stat st;
        test_assert_int(sysctl_stat(&rt, "net.ipv4.tcp_retries2", &st), 0);
        test_assert(S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0644);
        test_assert_int(sysctl_stat(&rt, "net.ipv4.tcp_dir", &st), 0);
        test_assert(S_ISDIR(st.st_mode));
        test_assert_int(sysctl_stat(&rt, "net.ipv4.tcp_rto_max_ms", &st), -ENOENT);
        test_assert_int(sysctl_stat(&rt, "net.ipv4.tcp_retries2.x", &st), -ENOTDIR);

        char **keys = NULL;
        test_assert_int(sysctl_list(&rt, "net.ipv4", "tcp_", &keys), 4);
        test_assert_str(keys[0], "net.ipv4.tcp_binary");
        test_assert_str(keys[1], "net.ipv4.tcp_congestion_control");
        test_assert_str(keys[2], "net.ipv4.tcp_retries2");
        test_assert_str(keys[3], "net.ipv4.tcp_rmem");
        test_assert(keys[4] == NULL);
        strv_free(keys);
        test_assert_int(sysctl_list(&rt, "net.nothere", "tcp_", &keys), -ENOENT);
}

static void test_write_fixture(void) {
        char *v = NULL;
        test_assert_int(sysctl_write(&rt, "net.ipv4.tcp_retries2", "5"), 0);
        test_assert_int(sysctl_read(&rt, "net.ipv4.tcp_retries2", &v), 0);
        test_assert_str(v, "5");
        free(v);
        test_assert_int(sysctl_write(&rt, "net.ipv4.tcp_nothere_x", "5") , -ENOENT);
        /* A symlink where a sysctl file belongs is refused, not followed. */
        char link[512], target[512];
        snprintf(link, sizeof(link), "%s/proc/sys/net/ipv4/tcp_link", root);
        snprintf(target, sizeof(target), "%s/outside", root);
        put("outside", "x\n", 0644);
        test_assert_int(symlink(target, link), 0);
        test_assert_int(sysctl_write(&rt, "net.ipv4.tcp_link", "1"), -ELOOP);
}

/* read_full_fd(): exactly max is fine, one byte more is -EFBIG, a size
 * hint that is wrong either way still reads the whole file, NUL after it. */
static void test_read_full(void) {
        static const size_t sizes[] = { 0, 1, 4095, 4096, 4097, 100000 };
        for (size_t i = 0; i < ELEMENTSOF(sizes); i++) {
                char path[600];
                snprintf(path, sizeof(path), "%s/full-%zu", root, sizes[i]);
                int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
                test_assert(fd >= 0);
                for (size_t k = 0; k < sizes[i]; k++)
                        test_assert_int(write(fd, &"0123456789"[k % 10], 1), 1);
                const size_t hints[] = { 0, 1, sizes[i], sizes[i] * 3 + 7 };
                for (size_t h = 0; h < ELEMENTSOF(hints); h++) {
                        char *buf = NULL;
                        size_t len = 99;
                        test_assert_int(lseek(fd, 0, SEEK_SET), 0);
                        test_assert_int(read_full_fd(fd, sizes[i], hints[h], &buf, &len), 0);
                        test_assert(buf && len == sizes[i] && buf[len] == '\0');
                        test_assert(sizes[i] == 0 || buf[sizes[i] - 1] == "0123456789"[(sizes[i] - 1) % 10]);
                        free(buf);
                        if (sizes[i] == 0)
                                continue;
                        buf = NULL;
                        test_assert_int(lseek(fd, 0, SEEK_SET), 0);
                        test_assert_int(read_full_fd(fd, sizes[i] - 1, hints[h], &buf, &len), -EFBIG);
                        test_assert(buf == NULL);
                }
                close(fd);
        }
        char *buf = NULL;
        size_t len;
        test_assert_int(read_full_fd(-1, 10, 0, &buf, &len), -EBADF);
}

int main(void) {
        if (!mkdtemp(root) || root_open(root, &rt) < 0) {
                perror("mkdtemp");
                return 1;
        }
        TEST(test_normalize);
        TEST(test_normalize_invalid);
        TEST(test_subpath);
        TEST(test_read_fixture);
        TEST(test_write_fixture);
        TEST(test_read_full);
        root_done(&rt);
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
        if (system(cmd) != 0)
                return 1;
        return test_done();
}

/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "path-beneath.h"
#include "test.h"

static char top[] = "/tmp/test-path-beneath-XXXXXX";
static int root_fd = -1;

/* top/root/proc/sys/net/ipv4/tcp_retries2, top/outside/tcp_retries2, and
 * links: root/proc/sys/net/v4link -> ../../../../outside (a directory on
 * the way), root/proc/sys/net/ipv4/flink -> tcp_retries2 (the last one). */
static void setup(void) {
        char cmd[600];
        test_assert(mkdtemp(top) != NULL);
        snprintf(cmd, sizeof(cmd),
                 "cd %s && mkdir -p root/proc/sys/net/ipv4 outside && echo 15 >root/proc/sys/net/ipv4/tcp_retries2 && "
                 "echo 99 >outside/tcp_retries2 && ln -s ../../../../outside root/proc/sys/net/v4link && "
                 "ln -s tcp_retries2 root/proc/sys/net/ipv4/flink && ln -s %s/outside root/proc/abs",
                 top, top);
        test_assert_int(system(cmd), 0);
        char path[300];
        snprintf(path, sizeof(path), "%s/root", top);
        root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        test_assert(root_fd >= 0);
}

static void both(const char *sub, int flags, int want) {
        int (*fns[])(int, const char *, int, mode_t) = { path_open_beneath, path_open_beneath_walk };
        for (size_t i = 0; i < ELEMENTSOF(fns); i++) {
                int fd = fns[i](root_fd, sub, flags, 0);
                if (want >= 0) {
                        if (fd < 0)
                                fprintf(stderr, "# %s (%s): %s\n", sub, i ? "walk" : "openat2", strerror(-fd));
                        test_assert(fd >= 0);
                        if (fd >= 0) {
                                char buf[8] = {};
                                if (flags == O_RDONLY)
                                        test_assert_int((int) read(fd, buf, sizeof(buf) - 1), 3);
                                close(fd);
                        }
                } else
                        test_assert_int(fd, want);
        }
}

static void test_plain(void) {
        both("proc/sys/net/ipv4/tcp_retries2", O_RDONLY, 0);
        both("proc//sys/./net/ipv4/tcp_retries2", O_RDONLY, 0);
        both("proc/sys/net/ipv4/missing", O_RDONLY, -ENOENT);
        both("proc/sys/net/ipv4/tcp_retries2/x", O_RDONLY, -ENOTDIR);
}

static void test_links(void) {
        both("proc/sys/net/v4link/tcp_retries2", O_RDONLY, -ELOOP);
        both("proc/sys/net/v4link/tcp_retries2", O_WRONLY | O_TRUNC, -ELOOP);
        both("proc/sys/net/ipv4/flink", O_RDONLY, -ELOOP);
        both("proc/abs/tcp_retries2", O_WRONLY, -ELOOP);
        char path[300], buf[8] = {};
        snprintf(path, sizeof(path), "%s/outside/tcp_retries2", top);
        int fd = open(path, O_RDONLY);
        test_assert(fd >= 0);
        test_assert_int((int) read(fd, buf, sizeof(buf) - 1), 3);
        test_assert_str(buf, "99\n"); /* O_TRUNC never reached it */
        close(fd);
}

static void test_escape(void) {
        both("proc/sys/../../../outside/tcp_retries2", O_RDONLY, -EXDEV);
        both("/etc/passwd", O_RDONLY, -EXDEV);
}

int main(void) {
        setup();
        TEST(test_plain);
        TEST(test_links);
        TEST(test_escape);
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", top);
        (void) system(cmd);
        return test_done();
}

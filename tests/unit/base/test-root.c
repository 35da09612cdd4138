/* SPDX-License-Identifier: MIT */
/* base/root.c: every path beneath a root, resolved in one place. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "root.h"
#include "test.h"

static char tree[64];

static void mk(const char *rel, const char *content) {
        char p[256];
        snprintf(p, sizeof(p), "%s/%s", tree, rel);
        if (content) {
                FILE *f = fopen(p, "w");
                test_assert(f != NULL);
                if (f) {
                        fputs(content, f);
                        fclose(f);
                }
        } else {
                test_assert(mkdir(p, 0755) == 0);
        }
}

static void ln(const char *target, const char *rel) {
        char p[256];
        snprintf(p, sizeof(p), "%s/%s", tree, rel);
        test_assert(symlink(target, p) == 0);
}

static void setup(void) {
        snprintf(tree, sizeof(tree), "/tmp/tcptune-root.XXXXXX");
        test_assert(mkdtemp(tree) != NULL);
        mk("proc", NULL);
        mk("proc/sys", NULL);
        mk("proc/sys/net", NULL);
        mk("proc/sys/net/ipv4", NULL);
        mk("proc/sys/net/ipv4/tcp_retries2", "15\n");
        mk("outside", NULL);
        mk("outside/victim", "keep\n");
        ln("../../../outside", "proc/sys/net/ipv6");     /* a directory link in the middle */
        ln("/outside/victim", "proc/sys/net/ipv4/abs");   /* an absolute link, last component */
        ln("../../../../../../../../../etc/hostname", "proc/sys/net/ipv4/up");
        ln("loop", "proc/sys/net/ipv4/loop");
}

static void teardown(void) {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree);
        test_assert(system(cmd) == 0);
}

static int rd(int fd, char *buf, size_t n) {
        if (fd < 0)
                return fd;
        ssize_t k = read(fd, buf, n - 1);
        close(fd);
        buf[k > 0 ? k : 0] = '\0';
        return 0;
}

static void test_open_and_display(void) {
        struct root r, h;
        test_assert_int(root_open(tree, &r), 0);
        test_assert(!root_is_host(&r));
        _cleanup_free_ char *d = root_display(&r, "/proc/sys/net/ipv4/x");
        char want[256];
        snprintf(want, sizeof(want), "%s/proc/sys/net/ipv4/x", tree);
        test_assert_str(d, want);
        root_done(&r);
        root_done(&r); /* safe twice */

        snprintf(want, sizeof(want), "%s///", tree);
        test_assert_int(root_open(want, &r), 0);
        test_assert_int((int) strlen(r.path), (int) strlen(tree)); /* trailing slashes dropped */
        root_done(&r);

        test_assert_int(root_open("/", &h), 0);
        test_assert(root_is_host(&h));
        _cleanup_free_ char *hd = root_display(&h, "/proc/sys/x");
        test_assert_str(hd, "/proc/sys/x");
        root_done(&h);
        test_assert_int(root_open(NULL, &h), 0);
        test_assert(root_is_host(&h));
        root_done(&h);

        test_assert_int(root_open("/nonexistent/tcptune", &r), -ENOENT);
        snprintf(want, sizeof(want), "%s/outside/victim", tree);
        test_assert_int(root_open(want, &r), -ENOTDIR);
}

/* The prefix for messages, and "" and "/" as the host. */
static void test_prefix(void) {
        struct root r, h;
        test_assert_int(root_open(tree, &r), 0);
        test_assert_str(root_prefix(&r), tree);
        _cleanup_free_ char *d = root_display(&r, "etc/x");   /* no leading '/': one is put in */
        char want[256];
        snprintf(want, sizeof(want), "%s/etc/x", tree);
        test_assert_str(d, want);
        root_done(&r);
        test_assert_int(root_open("", &h), 0);
        test_assert(root_is_host(&h));
        test_assert_str(root_prefix(&h), "");
        root_done(&h);
}

/* Opened once: after root_open() the tree is reached through its fd, not
 * its name. A relative name stays the directory it named when opened, and
 * a tree renamed away is still the one read; a root not open is -EBADF,
 * never a silent "/". */
static void test_opened_once(void) {
        struct root r, closed = { .fd = -1 };
        char moved[96], buf[32], cwd[256];
        struct stat st;

        test_assert(getcwd(cwd, sizeof(cwd)) != NULL);
        test_assert(chdir("/tmp") == 0);
        test_assert_int(root_open(tree + strlen("/tmp/"), &r), 0);
        test_assert(chdir("/") == 0);
        snprintf(moved, sizeof(moved), "%s.moved", tree);
        test_assert(rename(tree, moved) == 0);
        test_assert_int(rd(root_open_at(&r, "/proc/sys/net/ipv4/tcp_retries2", O_RDONLY, 0, ROOT_NO_SYMLINKS), buf,
                           sizeof(buf)), 0);
        test_assert_str(buf, "15\n");
        test_assert_int(rd(root_open_at(&r, "/proc/sys/net/ipv6/victim", O_RDONLY, 0, ROOT_IN_ROOT), buf,
                           sizeof(buf)), 0);
        test_assert_str(buf, "keep\n");
        test_assert_int(root_stat(&r, "/proc/sys/net/ipv4/tcp_retries2", 0, &st), 0);
        test_assert(S_ISREG(st.st_mode));
        test_assert(rename(moved, tree) == 0);
        test_assert(chdir(cwd) == 0);
        root_done(&r);

        test_assert_int(root_open_at(&closed, "/proc", O_RDONLY, 0, ROOT_NO_SYMLINKS), -EBADF);
        test_assert_int(root_open_at(&closed, "/proc", O_RDONLY, 0, ROOT_IN_ROOT), -EBADF);
        test_assert_int(root_open_walk(&closed, "/proc", O_RDONLY, 0), -EBADF);
        test_assert_int(root_open_walk_in_root(&closed, "/proc", O_RDONLY, 0), -EBADF);
        test_assert_int(root_stat(&closed, "/proc", 0, &st), -EBADF);
        test_assert_int(root_open_at(NULL, "/proc", O_RDONLY, 0, ROOT_NO_SYMLINKS), -EBADF);
}

/* root_stat() answers as stat(2) and lstat(2) of the path on disk. */
static void test_stat(void) {
        struct root r, h;
        struct stat st;
        test_assert_int(root_open(tree, &r), 0);
        test_assert_int(root_stat(&r, "/proc/sys/net/ipv4", 0, &st), 0);
        test_assert(S_ISDIR(st.st_mode));
        /* a relative link in the middle is followed, within the tree */
        test_assert_int(root_stat(&r, "/proc/sys/net/ipv6/victim", 0, &st), 0);
        test_assert(S_ISREG(st.st_mode));
        test_assert_int(root_stat(&r, "/proc/sys/net/ipv4/abs", AT_SYMLINK_NOFOLLOW, &st), 0);
        test_assert(S_ISLNK(st.st_mode));
        test_assert_int(root_stat(&r, "/proc/sys/net/ipv4/missing", 0, &st), -ENOENT);
        test_assert_int(root_stat(&r, "/proc/sys/net/ipv4/tcp_retries2/x", 0, &st), -ENOTDIR);
        test_assert_int(root_stat(&r, "/proc/sys/net/ipv4/loop", 0, &st), -ELOOP);
        test_assert_int(root_stat(&r, "/", 0, &st), 0);
        test_assert(S_ISDIR(st.st_mode));
        root_done(&r);
        test_assert_int(root_open(NULL, &h), 0);
        test_assert_int(root_stat(&h, "/proc/self", AT_SYMLINK_NOFOLLOW, &st), 0);
        test_assert(S_ISLNK(st.st_mode));
        root_done(&h);
}

/* The same answers from openat2 and from the user-space walk. */
static void check_no_symlinks(bool walk) {
        struct root r;
        char buf[32];
        test_assert_int(root_open(tree, &r), 0);
#define OPEN(p, fl) (walk ? root_open_walk(&r, p, fl, 0) : root_open_at(&r, p, fl, 0, ROOT_NO_SYMLINKS))
        test_assert_int(rd(OPEN("/proc/sys/net/ipv4/tcp_retries2", O_RDONLY), buf, sizeof(buf)), 0);
        test_assert_str(buf, "15\n");
        test_assert_int(rd(OPEN("proc//sys/./net/ipv4/tcp_retries2", O_RDONLY), buf, sizeof(buf)), 0);
        test_assert_str(buf, "15\n");
        test_assert_int(OPEN("/proc/sys/net/ipv6/victim", O_WRONLY | O_TRUNC), -ELOOP);
        test_assert_int(OPEN("/proc/sys/net/ipv4/abs", O_WRONLY | O_TRUNC), -ELOOP);
        test_assert_int(OPEN("/proc/sys/net/ipv4/up", O_RDONLY), -ELOOP);
        test_assert_int(OPEN("/proc/sys/../../outside/victim", O_RDONLY), -EXDEV);
        test_assert_int(OPEN("/../outside/victim", O_RDONLY), -EXDEV);
        test_assert_int(OPEN("/proc/sys/net/ipv4/missing", O_RDONLY), -ENOENT);
        /* O_PATH, as for a directory to fstatat() in */
        int fd = OPEN("/proc/sys/net/ipv4", O_PATH | O_DIRECTORY);
        struct stat st;
        test_assert(fd >= 0 && fstatat(fd, "tcp_retries2", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode));
        if (fd >= 0)
                close(fd);
#undef OPEN
        root_done(&r);
        /* Nothing was truncated through a link. */
        char p[256];
        snprintf(p, sizeof(p), "%s/outside/victim", tree);
        FILE *f = fopen(p, "r");
        test_assert(f && fgets(buf, sizeof(buf), f));
        if (f)
                fclose(f);
        test_assert_str(buf, "keep\n");
}

static void test_no_symlinks_openat2(void) {
        check_no_symlinks(false);
}

static void test_no_symlinks_walk(void) {
        check_no_symlinks(true);
}

/* A --root image's own links resolve inside it, never to the host's. */
static void check_in_root(bool walk) {
        struct root r;
        char buf[32];
        test_assert_int(root_open(tree, &r), 0);
#define OPEN(p) (walk ? root_open_walk_in_root(&r, p, O_RDONLY, 0) : root_open_at(&r, p, O_RDONLY, 0, ROOT_IN_ROOT))
        test_assert_int(rd(OPEN("/proc/sys/net/ipv6/victim"), buf, sizeof(buf)), 0);
        test_assert_str(buf, "keep\n");
        test_assert_int(rd(OPEN("/proc/sys/net/ipv4/abs"), buf, sizeof(buf)), 0);
        test_assert_str(buf, "keep\n");
        test_assert_int(rd(OPEN("/proc/sys/net/../net/ipv4/tcp_retries2"), buf, sizeof(buf)), 0);
        test_assert_str(buf, "15\n");
        /* "up" climbs past the top: clamped to the tree, which has no etc/hostname. */
        test_assert_int(OPEN("/proc/sys/net/ipv4/up"), -ENOENT);
        test_assert_int(OPEN("/../../outside/victim") >= 0, 1);
        test_assert_int(OPEN("/proc/sys/net/ipv4/loop"), -ELOOP);
        int fd = walk ? root_open_walk_in_root(&r, "/proc/sys/net/ipv6", O_PATH | O_DIRECTORY, 0)
                      : root_open_at(&r, "/proc/sys/net/ipv6", O_PATH | O_DIRECTORY, 0, ROOT_IN_ROOT);
        struct stat st;
        test_assert(fd >= 0 && fstatat(fd, "victim", &st, 0) == 0 && S_ISREG(st.st_mode));
        if (fd >= 0)
                close(fd);
        /* O_PATH on a link follows it too, inside the tree */
        fd = walk ? root_open_walk_in_root(&r, "/proc/sys/net/ipv4/abs", O_PATH, 0)
                  : root_open_at(&r, "/proc/sys/net/ipv4/abs", O_PATH, 0, ROOT_IN_ROOT);
        test_assert(fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
        if (fd >= 0)
                close(fd);
#undef OPEN
        root_done(&r);
}

static void test_in_root_openat2(void) {
        check_in_root(false);
}

static void test_in_root_walk(void) {
        check_in_root(true);
}

int main(void) {
        setup();
        TEST(test_open_and_display);
        TEST(test_prefix);
        TEST(test_opened_once);
        TEST(test_stat);
        TEST(test_no_symlinks_openat2);
        TEST(test_no_symlinks_walk);
        TEST(test_in_root_openat2);
        TEST(test_in_root_walk);
        teardown();
        return test_done();
}

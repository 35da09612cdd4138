/* SPDX-License-Identifier: MIT */
/* --all-netns when a namespace vanishes between enumeration and entry:
 * a child holds a fresh namespace, is enumerated, then exits; entering
 * it must fail with -ENOENT (reported by the audit as netns-unavailable),
 * and a scan while it lives must enter it and come back. Needs root
 * (CAP_SYS_ADMIN for unshare and setns): exit 77 otherwise. */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "audit.h"
#include "netns-scan.h"

static int failures;
#define check(cond)                                                              \
        do {                                                                     \
                if (cond)                                                        \
                        printf("ok - %s\n", #cond);                              \
                else {                                                           \
                        printf("not ok - %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
                        failures++;                                              \
                }                                                                \
        } while (0)

#define HOLDER_RETRIES2 "7"

static pid_t spawn_holder(void) {
        int p[2];
        char c;
        if (pipe(p) < 0)
                return -1;
        pid_t pid = fork();
        if (pid == 0) {
                close(p[0]);
                if (unshare(CLONE_NEWNET) < 0)
                        _exit(1);
                /* Its own value, in its own namespace only: the scan must
                 * read this one through the root opened outside it. */
                int fd = open("/proc/sys/net/ipv4/tcp_retries2", O_WRONLY | O_CLOEXEC);
                if (fd < 0 || write(fd, HOLDER_RETRIES2 "\n", strlen(HOLDER_RETRIES2) + 1) < 0)
                        _exit(1);
                close(fd);
                (void) !write(p[1], "x", 1);
                pause();
                _exit(0);
        }
        close(p[1]);
        ssize_t n = read(p[0], &c, 1);
        close(p[0]);
        if (n != 1) {
                waitpid(pid, NULL, 0);
                return -1;
        }
        return pid;
}

static const struct netns_entry *find(const struct netns_entry *e, int n, const char *label) {
        for (int i = 0; i < n; i++)
                if (streq(e[i].label, label))
                        return &e[i];
        return NULL;
}

static ino_t self_ino(void) {
        struct stat st;
        return stat("/proc/self/ns/net", &st) < 0 ? 0 : st.st_ino;
}

int main(void) {
        if (geteuid() != 0) {
                printf("SKIP: needs root for unshare(CLONE_NEWNET) and setns()\n");
                return 77;
        }
        pid_t pid = spawn_holder();
        if (pid < 0) {
                printf("SKIP: cannot create a network namespace here\n");
                return 77;
        }
        char label[32];
        snprintf(label, sizeof(label), "pid:%d", (int) pid);
        ino_t home = self_ino();

        /* While it lives: enumerated once, entered, values read, back home. */
        struct audit_report rep = {};
        struct kernel_info k = { .hz = 250 };
        struct policy pol;
        check(policy_init(&pol) == 0);
        struct root host;
        check(root_open(NULL, &host) == 0); /* before any setns(), as main.c */
        check(audit_run(&host, &k, &pol, NULL, true, &rep) == 0);
        size_t seen = 0;
        for (size_t i = 0; i < rep.n_ns; i++)
                if (streq(rep.ns[i].label, label)) {
                        seen++;
                        check(rep.ns[i].error == 0);
                        /* tcp_retries2 read inside, not the host's */
                        check(streq_ptr(rep.ns[i].live.value[0], HOLDER_RETRIES2));
                }
        check(seen == 1);
        check(streq(rep.ns[0].label, "host"));
        check(self_ino() == home);
        audit_report_done(&rep);
        root_done(&host);

        /* Enumerate, then the holder exits before we enter. */
        struct netns_entry *e = NULL;
        int n = netns_scan(&e);
        check(n >= 2);
        const struct netns_entry *x = n > 0 ? find(e, n, label) : NULL;
        check(x != NULL);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        if (x) {
                int r = netns_scan_enter(x);
                check(r == -ENOENT);
                if (r == 0) {
                        /* Entered something else: get back before anything else. */
                        int fd = open("/proc/1/ns/net", O_RDONLY | O_CLOEXEC);
                        if (fd >= 0 && setns(fd, CLONE_NEWNET) == 0)
                                close(fd);
                }
        }
        check(self_ino() == home);
        /* The host entry is a no-op. */
        check(netns_scan_enter(&e[0]) == 0);
        netns_entries_free(e, n > 0 ? (size_t) n : 0);

        /* The audit's view of it: a finding, not a failure. */
        struct findings f = {};
        struct findings_input in = { .netns = label, .netns_error = -ENOENT, .netns_path = "/proc/X/ns/net", .policy = &pol };
        check(findings_run(&in, &f) == 0);
        check(f.n == 1 && streq(f.items[0].id, "netns-unavailable"));
        check(f.n == 1 && strstr(f.items[0].evidence, "vanished during the scan"));
        findings_done(&f);
        policy_done(&pol);
        return failures ? 1 : 0;
}

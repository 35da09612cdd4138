/* SPDX-License-Identifier: MIT */
/*
 * tunrelay: a wire with a fixed delay between two TUN devices in two network
 * namespaces, standing in for sch_netem, which the test kernel lacks.
 *
 *   tunrelay [--rtt-ms N] NETNS_PATH:DEV NETNS_PATH:DEV
 *
 * The devices must exist (run.sh creates them persistent with
 * "ip -n NS tuntap add dev DEV mode tun" and configures their addresses);
 * we attach to them and forward every packet after RTT/2, in order. Runs
 * until killed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define SLOT_BYTES 2048 /* above the 1500-byte MTU; tun without vnet headers never hands us GSO packets */
#define SLOTS 1024      /* per direction; a full queue drops, like a real link */

struct packet {
        double due;
        size_t len;
        unsigned char data[SLOT_BYTES];
};

struct queue {
        struct packet slot[SLOTS];
        unsigned head, count;
};

static struct queue queues[2]; /* queues[i]: read from side i, to be written to side 1-i */

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

static _Noreturn void die(const char *what) {
        fprintf(stderr, "tunrelay: %s: %s\n", what, strerror(errno));
        exit(1);
}

/* /dev/net/tun binds the device lookup to the namespace it is opened in. */
static int tun_open(const char *spec) {
        const char *colon = strrchr(spec, ':');
        struct ifreq ifr = { .ifr_flags = IFF_TUN | IFF_NO_PI };
        char path[4096];
        int self, ns, fd;

        if (!colon || colon == spec || strlen(colon + 1) >= IFNAMSIZ) {
                fprintf(stderr, "tunrelay: '%s': expected NETNS_PATH:DEV\n", spec);
                exit(2);
        }
        snprintf(path, sizeof path, "%.*s", (int) (colon - spec), spec);
        strcpy(ifr.ifr_name, colon + 1);
        self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        ns = open(path, O_RDONLY | O_CLOEXEC);
        if (self < 0 || ns < 0 || setns(ns, CLONE_NEWNET) < 0)
                die(path);
        fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0)
                die(spec);
        if (setns(self, CLONE_NEWNET) < 0)
                die("setns back");
        close(self);
        close(ns);
        return fd;
}

static void receive(int side, int fd, double delay) {
        struct queue *q = &queues[side];
        unsigned char scratch[65536];
        for (;;) {
                struct packet *p = q->count < SLOTS ? &q->slot[(q->head + q->count) % SLOTS] : NULL;
                ssize_t n = p ? read(fd, p->data, sizeof p->data) : read(fd, scratch, sizeof scratch);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        return;
                if (n < 0)
                        die("read");
                if (!p || n > SLOT_BYTES)
                        continue; /* dropped */
                p->len = n;
                p->due = now() + delay;
                q->count++;
        }
}

/* Sends what is due; returns the next due time, or 0 if the queue is empty. */
static double deliver(int side, int fd) {
        struct queue *q = &queues[side];
        double t = now();
        while (q->count > 0) {
                struct packet *p = &q->slot[q->head];
                if (p->due > t)
                        return p->due;
                if (write(fd, p->data, p->len) < 0 && errno != EAGAIN && errno != EINTR)
                        die("write");
                q->head = (q->head + 1) % SLOTS;
                q->count--;
        }
        return 0;
}

int main(int argc, char **argv) {
        double delay = 0;
        struct pollfd pfd[2];

        if (argc == 5 && !strcmp(argv[1], "--rtt-ms")) {
                delay = atof(argv[2]) / 2e3;
                argv += 2;
                argc -= 2;
        }
        if (argc != 3 || delay < 0) {
                fprintf(stderr, "usage: tunrelay [--rtt-ms N] NETNS_PATH:DEV NETNS_PATH:DEV\n");
                return 2;
        }
        for (int i = 0; i < 2; i++)
                pfd[i] = (struct pollfd) { .fd = tun_open(argv[1 + i]), .events = POLLIN };

        for (;;) {
                double next = 0, wait;
                struct timespec ts;

                for (int i = 0; i < 2; i++) {
                        double due = deliver(i, pfd[1 - i].fd);
                        if (due && (!next || due < next))
                                next = due;
                }
                wait = next ? next - now() : 0;
                if (wait < 0)
                        wait = 0;
                ts = (struct timespec) { (time_t) wait, (long) ((wait - (time_t) wait) * 1e9) };
                if (ppoll(pfd, 2, next ? &ts : NULL, NULL) < 0) {
                        if (errno == EINTR)
                                continue;
                        die("ppoll");
                }
                for (int i = 0; i < 2; i++) {
                        if (pfd[i].revents & (POLLERR | POLLHUP | POLLNVAL))
                                return 0; /* device gone with its namespace */
                        if (pfd[i].revents & POLLIN)
                                receive(i, pfd[i].fd, delay);
                }
        }
}

/* SPDX-License-Identifier: MIT */
/*
 * tcpdead: one measurement of how long Linux takes to report a dead TCP peer
 * (docs/MODEL.md §14). run.sh starts it inside a throwaway network
 * namespace; it prints one JSON object shaped like kernel-cases.json.
 *
 *   tcpdead server      --addr A:P [--hold] [--stall-after N]
 *   tcpdead established --addr A:P --hole CMD [--bytes N] [--user-timeout MS]
 *                       [--at SEC:CMD]... [--until-echo]
 *   tcpdead zero-window --addr A:P --hole CMD --zw-backoff B  (against "server --stall-after")
 *   tcpdead idle        --addr A:P --hole CMD --keepalive IDLE,INTVL,CNT
 *   tcpdead connect     --addr A:P [--hole CMD] [--user-timeout MS]
 *   tcpdead orphan      --addr A:P --hole CMD [--bytes N]
 *   tcpdead fin-wait-2  --addr A:P            (against "server --hold")
 *   tcpdead accept      --addr A:P --from ADDR --netns PATH
 * common: [--name NAME] [--rounds N] [--input KEY=VALUE]...
 * A:P is 10.200.1.2:5000 or [fd00:200:1:2::2]:5000 (IPv6: server,
 * established and zero-window only).
 *
 * --hole is a shell command that silences the peer (run.sh passes
 * "ip -n SERVER route replace blackhole CLIENT/32"). Running it from here
 * puts it between the warm-up and the write with no hand-shaking.
 * --at SEC:CMD runs CMD SEC seconds after the write (an address deleted
 * while data is in flight, restored after an outage); --until-echo then
 * stops at whichever comes first, the echo of the write (data flows
 * again: errno null) or the socket's error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tcpcase.h"

#define ECHO_BYTES 100
#define PROC_POLL_US 5000 /* /proc/net/tcp scan step for socket lifetimes */
#define MAX_INPUTS 16
#define MAX_AT 8

static struct {
        const char *mode, *name, *hole, *from, *netns;
        union sockaddr_any addr;
        socklen_t addr_len;
        long bytes, stall_after;
        int rounds, user_timeout_ms, ka[3], hold, until_echo, zw_backoff;
        const char *inputs[MAX_INPUTS];
        int n_inputs;
        struct {
                double at_s;
                const char *cmd;
        } at[MAX_AT];
        int n_at;
} opt = { .bytes = ECHO_BYTES, .rounds = 20, .stall_after = -1, .zw_backoff = -1 };

/* The "inputs" object, built up as the measurement learns things. */
static char inputs[2048];

/* The worst wake-up latency this process saw while it ran: a thread sleeps
 * 5 ms at a time and keeps the largest overshoot. On a loaded machine the
 * process that reads the error runs late by about as much, so run.sh
 * allows it on top of its fixed slack (the kernel's timers are not late;
 * the measurement is). */
static _Atomic double wakeup_latency_s;

static void *latency_probe(void *unused) {
        (void) unused;
        for (;;) {
                struct timespec d = { 0, 5 * 1000 * 1000 };
                double t0 = now();
                nanosleep(&d, NULL);
                double over = now() - t0 - 0.005;
                if (over > wakeup_latency_s)
                        wakeup_latency_s = over;
        }
        return NULL;
}

__attribute__((format(printf, 2, 3)))
static void input_add(const char *key, const char *fmt, ...) {
        size_t len = strlen(inputs);
        va_list ap;
        len += snprintf(inputs + len, sizeof inputs - len, "%s\"%s\": ", len ? ", " : "", key);
        if (len >= sizeof inputs)
                die("too many inputs");
        va_start(ap, fmt);
        vsnprintf(inputs + len, sizeof inputs - len, fmt, ap);
        va_end(ap);
}

/* --input KEY=VALUE: a number stays a number, anything else becomes a string. */
static void input_add_raw(const char *kv) {
        const char *eq = strchr(kv, '=');
        char key[256], *end;
        if (!eq || eq == kv || (size_t) (eq - kv) >= sizeof key)
                die("--input '%s': expected KEY=VALUE", kv);
        snprintf(key, sizeof key, "%.*s", (int) (eq - kv), kv);
        strtod(eq + 1, &end);
        if (eq[1] && !*end)
                input_add(key, "%s", eq + 1);
        else
                input_add(key, "\"%s\"", eq + 1);
}

static void set_int(int fd, int level, int name, int val, const char *what) {
        if (setsockopt(fd, level, name, &val, sizeof val) < 0)
                die("setsockopt %s=%d: %m", what, val);
}

static struct tcp_info tcp_info_get(int fd) {
        struct tcp_info ti;
        socklen_t len = sizeof ti;
        if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
                die("TCP_INFO: %m");
        return ti;
}

static void run_hole(void) {
        if (opt.hole && run_shell(opt.hole) != 0)
                die("'%s' failed", opt.hole);
}

static void io_all(int fd, char *buf, size_t len, int sending) {
        while (len > 0) {
                ssize_t n = sending ? send(fd, buf, len, MSG_NOSIGNAL) : recv(fd, buf, len, 0);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        die("%s: %s", sending ? "send" : "recv", n ? strerror(errno) : "peer closed");
                buf += n;
                len -= n;
        }
}

/* The server may still be starting: retry refused connections briefly. */
static int connect_peer(void) {
        double give_up = now() + 5;
        for (;;) {
                int fd = socket(opt.addr.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
                if (fd < 0)
                        die("socket: %m");
                if (connect(fd, &opt.addr.sa, opt.addr_len) == 0)
                        return fd;
                if (errno != ECONNREFUSED || now() > give_up)
                        die("connect: %m");
                close(fd);
                usleep(10000);
        }
}

/*
 * Echo round trips settle SRTT and the RTO to a steady path's values
 * (MODEL.md §5.1); then wait until nothing is unacknowledged so the write
 * starts a fresh flight. Records rtt_s and rto_s if asked; returns the
 * time the last byte arrived.
 */
static double warm_up(int fd, int rounds, int record) {
        char buf[ECHO_BYTES];
        double last_rx = 0, give_up;
        struct tcp_info ti;

        memset(buf, 'x', sizeof buf);
        for (int i = 0; i < rounds; i++) {
                io_all(fd, buf, sizeof buf, 1);
                io_all(fd, buf, sizeof buf, 0);
                last_rx = now();
        }
        for (give_up = now() + 2;; usleep(1000)) {
                ti = tcp_info_get(fd);
                if (ti.tcpi_unacked == 0)
                        break;
                if (now() > give_up)
                        die("data still unacknowledged after the warm-up");
        }
        if (record) {
                input_add("rtt_s", "%.6g", ti.tcpi_rtt / 1e6);
                input_add("rto_s", "%.6g", ti.tcpi_rto / 1e6);
        }
        return last_rx;
}

static void congestion_control_record(int fd) {
        char cc[16] = "";
        socklen_t len = sizeof cc - 1;
        if (getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc, &len) == 0)
                input_add("congestion_control", "\"%s\"", cc);
}

/* Writes opt.bytes without blocking: a bulk write must not sleep on sndbuf. */
static void write_data(int fd, int extra_segments) {
        static char buf[1 << 20];
        ssize_t n;
        if (opt.bytes < 1 || (size_t) opt.bytes > sizeof buf)
                die("--bytes %ld: out of range", opt.bytes);
        n = send(fd, buf, opt.bytes, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n <= 0)
                die("send: %m");
        /* packets_out right after the write: the segments in flight (MODEL.md §5.2). */
        input_add("segments", "%u", tcp_info_get(fd).tcpi_unacked + extra_segments);
        if (n != opt.bytes)
                fprintf(stderr, "tcpdead: wrote %zd of %ld bytes\n", n, opt.bytes);
}

/* Sleeps until the socket reports an error; returns the wake-up time. */
static double wait_error(int fd, int *ret_err) {
        struct pollfd p = { .fd = fd, .events = 0 }; /* POLLERR/POLLHUP are always reported */
        socklen_t len = sizeof *ret_err;
        double t;
        while (poll(&p, 1, -1) <= 0)
                if (errno != EINTR)
                        die("poll: %m");
        t = now();
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, ret_err, &len) < 0)
                die("SO_ERROR: %m");
        return t;
}

/*
 * State of the TCP socket local_port <-> raddr:rport in this namespace, as
 * /proc/net/tcp shows it (request and time-wait sockets included), or -1.
 */
static int socket_state(uint16_t local_port, struct in_addr raddr, uint16_t rport) {
        char line[256];
        int state = -1;
        FILE *f = fopen("/proc/net/tcp", "re");
        if (!f)
                die("/proc/net/tcp: %m");
        while (state < 0 && fgets(line, sizeof line, f)) {
                unsigned la, lp, ra, rp, st;
                if (sscanf(line, " %*u: %x:%x %x:%x %x", &la, &lp, &ra, &rp, &st) == 5 &&
                    lp == local_port && ra == raddr.s_addr && rp == rport)
                        state = st;
        }
        fclose(f);
        return state;
}

static void wait_socket(uint16_t local_port, struct in_addr raddr, uint16_t rport, int present) {
        double give_up = now() + 2;
        while ((socket_state(local_port, raddr, rport) >= 0) != present) {
                if (present && now() > give_up)
                        die("socket never appeared in /proc/net/tcp");
                usleep(PROC_POLL_US);
        }
}

static void print_result(double measured_s, int err, const char *note) {
        struct utsname u;
        char line[256];
        int hz = 0;
        FILE *f, *gz = NULL;

        /* CONFIG_HZ, not sysconf(_SC_CLK_TCK), which is USER_HZ (MODEL.md §13). */
        uname(&u);
        snprintf(line, sizeof line, "/boot/config-%s", u.release);
        f = fopen(line, "re");
        if (!f)
                f = gz = popen("gzip -dc /proc/config.gz 2>/dev/null", "r");
        if (f) {
                while (fgets(line, sizeof line, f)) /* read to the end: no SIGPIPE for gzip */
                        if (!hz)
                                sscanf(line, "CONFIG_HZ=%d", &hz);
                gz ? pclose(gz) : fclose(f);
        }

        printf("{\"name\": \"%s\", \"scenario\": \"%s\", \"inputs\": {%s}, \"measured_s\": %.3f, ",
               opt.name ? opt.name : opt.mode, opt.mode, inputs, measured_s);
        if (err)
                printf("\"errno\": \"%s\", ", strerrorname_np(err));
        else
                printf("\"errno\": null, ");
        if (hz)
                printf("\"hz\": %d, ", hz);
        else
                printf("\"hz\": null, ");
        printf("\"wakeup_latency_s\": %.3f, ", (double) wakeup_latency_s);
        printf("\"kernel\": \"%s\", \"note\": \"%s\"}\n", u.release, note);
}

static int cmd_server(void) {
        int one = 1, lfd, fd;
        char buf[65536];
        ssize_t n;

        lfd = socket(opt.addr.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        /* A stalling server keeps a small receive buffer: the window closes
         * after a few segments, long before the client's send buffer fills. */
        if (lfd >= 0 && opt.stall_after >= 0)
                set_int(lfd, SOL_SOCKET, SO_RCVBUF, 16384, "SO_RCVBUF");
        if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
            bind(lfd, &opt.addr.sa, opt.addr_len) < 0 || listen(lfd, 4) < 0)
                die("listen: %m");
        fd = accept(lfd, NULL, NULL);
        if (fd < 0)
                die("accept: %m");
        /* --stall-after N: echo N bytes (the client's warm-up), then stop
         * reading, so that our receive window closes (zero-window case). */
        for (long left = opt.stall_after; left != 0; left -= left > 0 ? n : 0) {
                size_t want = left > 0 && (size_t) left < sizeof buf ? (size_t) left : sizeof buf;
                if ((n = recv(fd, buf, want, 0)) <= 0 || send(fd, buf, n, MSG_NOSIGNAL) < 0)
                        break;
        }
        while (opt.stall_after >= 0)
                pause();
        /* --hold: never send our FIN, for the fin-wait-2 case; run.sh kills us. */
        while (opt.hold)
                pause();
        return 0;
}

/*
 * --at: a child runs each command at its time after t0, in the order
 * given, and logs when it really ran. Returns the child, or 0 without
 * --at; schedule_stop() ends it early when the measurement is done.
 */
static pid_t schedule_start(double t0) {
        pid_t pid;
        if (opt.n_at == 0)
                return 0;
        pid = fork();
        if (pid < 0)
                die("fork: %m");
        if (pid > 0)
                return pid;
        for (int i = 0; i < opt.n_at; i++) {
                double t = t0 + opt.at[i].at_s;
                struct timespec ts = { .tv_sec = (time_t) t, .tv_nsec = (long) ((t - (time_t) t) * 1e9) };
                while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
                        ;
                if (run_shell(opt.at[i].cmd) != 0)
                        fprintf(stderr, "tcpdead: --at %.3f: '%s' failed\n", opt.at[i].at_s, opt.at[i].cmd);
                fprintf(stderr, "tcpdead: at %.3f s (asked %.3f s): %s\n", now() - t0, opt.at[i].at_s, opt.at[i].cmd);
        }
        _exit(0);
}

static void schedule_stop(pid_t pid) {
        if (pid <= 0)
                return;
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
}

/* --until-echo: the echo of everything written, or the socket's error,
 * whichever comes first; *ret_err is 0 for the echo. */
static double wait_echo_or_error(int fd, int *ret_err) {
        static char buf[1 << 16];
        struct pollfd p = { .fd = fd, .events = POLLIN };
        long got = 0;
        for (;;) {
                if (poll(&p, 1, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        die("poll: %m");
                }
                if (p.revents & (POLLERR | POLLHUP))
                        return wait_error(fd, ret_err);
                ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
                if (n < 0 && (errno == EAGAIN || errno == EINTR))
                        continue;
                if (n <= 0)
                        return wait_error(fd, ret_err);
                got += n;
                if (got >= opt.bytes) {
                        *ret_err = 0;
                        return now();
                }
        }
}

static int cmd_established(void) {
        int fd = connect_peer(), err;
        double t0, t1;
        char note[160];
        pid_t sched;

        if (opt.user_timeout_ms) {
                set_int(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, opt.user_timeout_ms, "TCP_USER_TIMEOUT");
                input_add("user_timeout_s", "%g", opt.user_timeout_ms / 1e3);
        }
        warm_up(fd, opt.rounds, 1);
        congestion_control_record(fd);
        run_hole();
        t0 = now();
        write_data(fd, 0);
        sched = schedule_start(t0);
        t1 = opt.until_echo ? wait_echo_or_error(fd, &err) : wait_error(fd, &err);
        schedule_stop(sched);
        if (opt.until_echo && !err)
                snprintf(note, sizeof note, "%ld-byte write, peer cut off for a while; its echo came back", opt.bytes);
        else
                snprintf(note, sizeof note, "%ld-byte write to a black-holed peer, measured from the write", opt.bytes);
        print_result(t1 - t0, err, note);
        return 0;
}

/*
 * Fill the peer's window ("server --stall-after" stops reading after the
 * warm-up), wait until nothing is in flight and the probe backoff has
 * reached --zw-backoff, then silence the peer: measured from the hole, with
 * the backoff and unanswered probes at that moment as inputs (§8).
 */
static int cmd_zero_window(void) {
        static char buf[1 << 16];
        int fd = connect_peer(), err;
        double t0, t1, give_up;
        struct tcp_info ti = { 0 };

        /* rtt_s and rto_s are recorded at the hole, below: the bulk write
         * that fills the window moves the RTO, and the probe timer's base
         * is the RTO then (measured 216 ms after a 204 ms warm-up). */
        warm_up(fd, opt.rounds, /* record= */ 0);
        congestion_control_record(fd);
        /* 256 kB: more than the peer's window, less than our send buffer. */
        set_int(fd, SOL_SOCKET, SO_SNDBUF, 1 << 20, "SO_SNDBUF");
        for (int i = 0; i < 4; i++)
                if (send(fd, buf, sizeof buf, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t) sizeof buf)
                        die("send: %m");
        for (give_up = now() + 20;; usleep(200)) {
                unsigned last_backoff = ti.tcpi_backoff;
                ti = tcp_info_get(fd);
                if (ti.tcpi_backoff != last_backoff)
                        fprintf(stderr, "tcpdead: window closed, %.3f s: backoff %u\n", now() - (give_up - 20),
                                ti.tcpi_backoff);
                /* probes 0: the last probe's ACK is in, its re-arm done
                 * (a snapshot between probe and ACK showed probes_out 1) */
                if (ti.tcpi_unacked == 0 && ti.tcpi_backoff >= opt.zw_backoff && ti.tcpi_probes == 0)
                        break;
                if (now() > give_up)
                        die("no zero window with backoff %d after 20 s (backoff %u, unacked %u, probes %u, retransmits %u)",
                            opt.zw_backoff, ti.tcpi_backoff, ti.tcpi_unacked, ti.tcpi_probes, ti.tcpi_retransmits);
        }
        run_hole();
        t0 = now();
        input_add("rtt_s", "%.6g", ti.tcpi_rtt / 1e6);
        input_add("rto_s", "%.6g", ti.tcpi_rto / 1e6);
        input_add("zw_backoff", "%u", ti.tcpi_backoff);
        input_add("zw_probes_out", "%u", ti.tcpi_probes);
        /* Log each probe as it goes out: when the pending one fired is the
         * point of this case (its timer was armed before the hole). */
        for (struct pollfd p = { .fd = fd };;) {
                struct tcp_info now_ti;
                if (poll(&p, 1, 1) > 0)
                        break;
                now_ti = tcp_info_get(fd);
                if (now_ti.tcpi_probes != ti.tcpi_probes || now_ti.tcpi_backoff != ti.tcpi_backoff)
                        fprintf(stderr, "tcpdead: %.3f s: probes_out %u, backoff %u\n", now() - t0,
                                now_ti.tcpi_probes, now_ti.tcpi_backoff);
                ti = now_ti;
        }
        t1 = wait_error(fd, &err);
        print_result(t1 - t0, err, "window closed (peer stopped reading), then the peer black-holed; measured from the hole");
        return 0;
}

static int cmd_idle(void) {
        int fd = connect_peer(), err;
        double t0, t1;

        /* The reference cases list only the keepalive settings for idle. */
        t0 = warm_up(fd, 1, /* record= */ 0);
        /* SO_KEEPALIVE first: setting TCP_KEEPIDLE afterwards re-arms the timer
         * relative to the last received segment, the reference point (MODEL.md §6). */
        set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE");
        set_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, opt.ka[0], "TCP_KEEPIDLE");
        set_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, opt.ka[1], "TCP_KEEPINTVL");
        set_int(fd, IPPROTO_TCP, TCP_KEEPCNT, opt.ka[2], "TCP_KEEPCNT");
        if (opt.user_timeout_ms) {
                set_int(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, opt.user_timeout_ms, "TCP_USER_TIMEOUT");
                input_add("user_timeout_s", "%g", opt.user_timeout_ms / 1e3);
        }
        input_add("keepalive_idle_s", "%d", opt.ka[0]);
        input_add("keepalive_intvl_s", "%d", opt.ka[1]);
        input_add("keepalive_cnt", "%d", opt.ka[2]);
        run_hole();
        t1 = wait_error(fd, &err);
        print_result(t1 - t0, err, "idle connection with keepalive, peer black-holed, measured from the last received segment");
        return 0;
}

static int cmd_connect(void) {
        int fd, err = 0;
        double t0;

        run_hole();
        fd = socket(opt.addr.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                die("socket: %m");
        if (opt.user_timeout_ms) {
                set_int(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, opt.user_timeout_ms, "TCP_USER_TIMEOUT");
                input_add("user_timeout_s", "%g", opt.user_timeout_ms / 1e3);
        }
        t0 = now();
        if (connect(fd, &opt.addr.sa, opt.addr_len) < 0)
                err = errno;
        print_result(now() - t0, err, "connect() to a black-holed server");
        return err ? 0 : 1;
}

/* orphan and fin-wait-2: close(), then time the socket's life in /proc/net/tcp. */
static int cmd_closed(int orphan) {
        int fd = connect_peer();
        struct sockaddr_in local;
        socklen_t len = sizeof local;
        double t0;

        warm_up(fd, opt.rounds, 1);
        if (getsockname(fd, (struct sockaddr *) &local, &len) < 0)
                die("getsockname: %m");
        if (orphan) {
                congestion_control_record(fd);
                run_hole();
                t0 = now();
                write_data(fd, 1); /* close() adds a separate FIN segment (MODEL.md §9) */
        } else {
                t0 = now();
        }
        close(fd);
        wait_socket(ntohs(local.sin_port), opt.addr.in.sin_addr, ntohs(opt.addr.in.sin_port), 0);
        print_result(now() - t0, 0, orphan ? "write, close(), peer black-holed; socket gone from /proc/net/tcp"
                                           : "close(); peer acks our FIN but never sends its own; socket gone from /proc/net/tcp");
        return 0;
}

static uint16_t checksum(const void *data, size_t len, uint32_t sum) {
        const uint8_t *p = data;
        for (; len > 1; p += 2, len -= 2)
                sum += (uint32_t) p[0] << 8 | p[1];
        if (len)
                sum += (uint32_t) p[0] << 8;
        while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
        return htons(~sum & 0xffff);
}

/*
 * A raw SYN from an address nobody owns, sent from the namespace at --netns:
 * the SYN-ACKs go there and die, so the request socket lives out its
 * tcp_synack_retries (MODEL.md §8). Runs in the server's namespace.
 */
static int cmd_accept(void) {
        enum { SPORT = 40000 };
        struct {
                struct iphdr ip;
                struct tcphdr tcp;
                uint8_t mss[4];
        } syn = { 0 };
        struct pseudo_header {
                uint32_t src, dst;
                uint8_t zero, proto;
                uint16_t len;
        } pseudo;
        uint8_t sum_buf[sizeof pseudo + sizeof syn.tcp + sizeof syn.mss];
        struct in_addr from;
        int lfd, raw, self_ns, peer_ns, one = 1;
        double t0;

        if (!opt.from || inet_pton(AF_INET, opt.from, &from) != 1 || !opt.netns)
                die("accept needs --from ADDR and --netns PATH");
        lfd = socket(opt.addr.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
            bind(lfd, &opt.addr.sa, opt.addr_len) < 0 || listen(lfd, 16) < 0)
                die("listen: %m");

        /* A socket stays bound to the namespace it was created in. */
        self_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        peer_ns = open(opt.netns, O_RDONLY | O_CLOEXEC);
        if (self_ns < 0 || peer_ns < 0 || setns(peer_ns, CLONE_NEWNET) < 0)
                die("%s: %m", opt.netns);
        raw = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
        if (raw < 0)
                die("raw socket: %m");
        if (setns(self_ns, CLONE_NEWNET) < 0)
                die("setns back: %m");

        syn.ip.version = 4;
        syn.ip.ihl = 5;
        syn.ip.ttl = 64;
        syn.ip.protocol = IPPROTO_TCP;
        syn.ip.tot_len = htons(sizeof syn);
        syn.ip.saddr = from.s_addr;
        syn.ip.daddr = opt.addr.in.sin_addr.s_addr;
        syn.tcp.source = htons(SPORT);
        syn.tcp.dest = opt.addr.in.sin_port;
        syn.tcp.seq = htonl(0x12345678);
        syn.tcp.doff = (sizeof syn.tcp + sizeof syn.mss) / 4;
        syn.tcp.syn = 1;
        syn.tcp.window = htons(64240);
        memcpy(syn.mss, (uint8_t[]) { 2, 4, 1460 >> 8, 1460 & 0xff }, 4);
        pseudo = (struct pseudo_header) { from.s_addr, opt.addr.in.sin_addr.s_addr, 0, IPPROTO_TCP,
                                            htons(sizeof syn.tcp + sizeof syn.mss) };
        memcpy(sum_buf, &pseudo, sizeof pseudo);
        memcpy(sum_buf + sizeof pseudo, &syn.tcp, sizeof syn.tcp + sizeof syn.mss);
        syn.tcp.check = checksum(sum_buf, sizeof sum_buf, 0);

        t0 = now();
        if (sendto(raw, &syn, sizeof syn, 0, &opt.addr.sa, opt.addr_len) < 0)
                die("sendto: %m");
        wait_socket(ntohs(opt.addr.in.sin_port), from, SPORT, 1);
        wait_socket(ntohs(opt.addr.in.sin_port), from, SPORT, 0);
        print_result(now() - t0, 0, "raw SYN from an unowned address; request socket gone from /proc/net/tcp");
        return 0;
}

int main(int argc, char **argv) {
        static const struct option options[] = {
                { "addr",         required_argument, NULL, 'a' },
                { "name",         required_argument, NULL, 'n' },
                { "hole",         required_argument, NULL, 'H' },
                { "bytes",        required_argument, NULL, 'b' },
                { "rounds",       required_argument, NULL, 'r' },
                { "user-timeout", required_argument, NULL, 'u' },
                { "keepalive",    required_argument, NULL, 'k' },
                { "input",        required_argument, NULL, 'i' },
                { "hold",         no_argument,       NULL, 'h' },
                { "from",         required_argument, NULL, 'f' },
                { "netns",        required_argument, NULL, 'N' },
                { "at",           required_argument, NULL, 'A' },
                { "until-echo",   no_argument,       NULL, 'E' },
                { "stall-after",  required_argument, NULL, 'S' },
                { "zw-backoff",   required_argument, NULL, 'Z' },
                { 0 }
        };
        pthread_t probe;
        pthread_create(&probe, NULL, latency_probe, NULL);
        pthread_detach(probe);
        int c, have_addr = 0;

        if (argc < 2)
                die("usage: tcpdead server|established|zero-window|idle|connect|orphan|fin-wait-2|accept [options]");
        opt.mode = argv[1];
        optind = 2;
        while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
                switch (c) {
                case 'a': parse_addr(optarg, &opt.addr, &opt.addr_len); have_addr = 1; break;
                case 'n': opt.name = optarg; break;
                case 'H': opt.hole = optarg; break;
                case 'b': opt.bytes = atol(optarg); break;
                case 'r': opt.rounds = atoi(optarg); break;
                case 'u': opt.user_timeout_ms = atoi(optarg); break;
                case 'k':
                        if (sscanf(optarg, "%d,%d,%d", &opt.ka[0], &opt.ka[1], &opt.ka[2]) != 3)
                                die("--keepalive '%s': expected IDLE,INTVL,CNT", optarg);
                        break;
                case 'i':
                        if (opt.n_inputs == MAX_INPUTS)
                                die("too many --input");
                        opt.inputs[opt.n_inputs++] = optarg;
                        break;
                case 'h': opt.hold = 1; break;
                case 'f': opt.from = optarg; break;
                case 'N': opt.netns = optarg; break;
                case 'A': {
                        char *colon = strchr(optarg, ':');
                        if (opt.n_at == MAX_AT)
                                die("too many --at");
                        if (!colon)
                                die("--at '%s': expected SECONDS:COMMAND", optarg);
                        opt.at[opt.n_at].at_s = strtod(optarg, NULL);
                        opt.at[opt.n_at++].cmd = colon + 1;
                        break;
                }
                case 'E': opt.until_echo = 1; break;
                case 'S': opt.stall_after = atol(optarg); break;
                case 'Z': opt.zw_backoff = atoi(optarg); break;
                default: exit(2);
                }
        }
        if (!have_addr)
                die("--addr ADDR:PORT is required");
        if (opt.rounds < 1)
                die("--rounds must be at least 1");
        for (int i = 0; i < opt.n_inputs; i++)
                input_add_raw(opt.inputs[i]);

        if (!strcmp(opt.mode, "server"))
                return cmd_server();
        if (!strcmp(opt.mode, "established"))
                return cmd_established();
        if (!strcmp(opt.mode, "idle")) {
                if (opt.ka[0] < 1)
                        die("idle needs --keepalive IDLE,INTVL,CNT");
                return cmd_idle();
        }
        if (!strcmp(opt.mode, "zero-window")) {
                if (opt.zw_backoff < 0)
                        die("zero-window needs --zw-backoff B");
                return cmd_zero_window();
        }
        if (!strcmp(opt.mode, "connect"))
                return cmd_connect();
        if (opt.addr.sa.sa_family != AF_INET)
                die("%s: IPv4 only", opt.mode);
        if (!strcmp(opt.mode, "orphan"))
                return cmd_closed(1);
        if (!strcmp(opt.mode, "fin-wait-2"))
                return cmd_closed(0);
        if (!strcmp(opt.mode, "accept"))
                return cmd_accept();
        die("unknown mode '%s'", opt.mode);
}

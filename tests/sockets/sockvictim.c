/* SPDX-License-Identifier: MIT */
/*
 * sockvictim: one TCP connection that fails, measured from the inside.
 * test-sockets.sh runs it in a throwaway namespace; it prints one JSON
 * object with CLOCK_MONOTONIC times, so the test can hold the abort it
 * measured against what `tcptune sockets` predicted in between.
 *
 *   sockvictim server --addr A:P [--no-read] [--rcvbuf N]   (A:P: 10.200.1.2:5000 or [fd00:200::2]:5000)
 *   sockvictim client --addr A:P --mode established|zero-window|keepalive|connect
 *                     [--hole CMD] [--hole-after-write CMD]
 *                     [--query-after SEC --query CMD] [--then CMD]
 *
 * client: connects (keepalive: with SO_KEEPALIVE and the namespace's
 * tcp_keepalive_*; zero-window: first fills the peer's window), runs
 * --hole (which silences the peer), writes 100 bytes (not for keepalive
 * and connect), runs --hole-after-write, and blocks in recv() (connect:
 * in connect()) until the kernel fails the socket. A thread runs --query
 * SEC after the write (or the connect() call) and --then right after it.
 * Output: {"lport", "t_query0", "t_query1", "t_then0", "t_then1",
 * "t_fail", "errno"}.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcpcase.h"

static struct {
        const char *mode, *hole, *hole_after, *query, *then;
        union sockaddr_any addr;
        socklen_t addr_len;
        double query_after;
        int no_read, rcvbuf;
} opt = { .rcvbuf = 0 };

static double t_query0 = -1, t_query1 = -1, t_then0 = -1, t_then1 = -1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void run(const char *cmd) {
        if (cmd && run_shell(cmd) != 0)
                fprintf(stderr, "sockvictim: '%s' failed\n", cmd);
}

static void server(void) {
        int one = 1, l = socket(opt.addr.sa.sa_family, SOCK_STREAM, 0);
        if (l < 0)
                die("socket: %m");
        setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        /* A small receive buffer closes the window after a few writes;
         * set on the listener so accepted sockets inherit it. */
        if (opt.rcvbuf && setsockopt(l, SOL_SOCKET, SO_RCVBUF, &opt.rcvbuf, sizeof(opt.rcvbuf)) < 0)
                die("SO_RCVBUF: %m");
        if (bind(l, &opt.addr.sa, opt.addr_len) < 0 || listen(l, 16) < 0)
                die("bind/listen: %m");
        printf("ready\n");
        fflush(stdout);
        for (;;) {
                int c = accept(l, NULL, NULL);
                if (c < 0)
                        continue;
                if (opt.no_read)
                        continue; /* held open, never read */
                if (fork() == 0) {
                        char buf[4096];
                        while (read(c, buf, sizeof(buf)) > 0)
                                ;
                        _exit(0);
                }
                close(c);
        }
}

static double t_ref;

static void *queries(void *unused) {
        (void) unused;
        double until = t_ref + opt.query_after;
        while (now() < until)
                usleep(1000);
        pthread_mutex_lock(&lock);
        t_query0 = now();
        run(opt.query);
        t_query1 = now();
        if (opt.then) {
                t_then0 = now();
                run(opt.then);
                t_then1 = now();
        }
        pthread_mutex_unlock(&lock);
        return NULL;
}

static void client(void) {
        int s = socket(opt.addr.sa.sa_family, SOCK_STREAM, 0), one = 1, err = 0;
        char buf[65536] = { 0 };
        pthread_t th;
        union sockaddr_any local = { .sa.sa_family = opt.addr.sa.sa_family };
        socklen_t len = opt.addr_len;
        if (s < 0)
                die("socket: %m");
        bool connect_mode = strcmp(opt.mode, "connect") == 0;
        if (strcmp(opt.mode, "keepalive") == 0 && setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) < 0)
                die("SO_KEEPALIVE: %m");
        if (connect_mode) {
                run(opt.hole);
                /* Bind first (to the wildcard) so the port is known
                 * before connect() blocks. */
                if (bind(s, &local.sa, opt.addr_len) < 0)
                        die("bind: %m");
                getsockname(s, &local.sa, &len);
                t_ref = now();
                pthread_create(&th, NULL, queries, NULL);
                if (connect(s, &opt.addr.sa, opt.addr_len) == 0)
                        die("connect succeeded");
                err = errno;
                goto done;
        }
        if (connect(s, &opt.addr.sa, opt.addr_len) < 0)
                die("connect: %m");
        getsockname(s, &local.sa, &len);
        if (strcmp(opt.mode, "zero-window") == 0) {
                /* Fill the peer's window and our send buffer, then wait
                 * for the persist timer to take over. */
                fcntl(s, F_SETFL, O_NONBLOCK);
                for (double until = now() + 5; now() < until;) {
                        if (write(s, buf, sizeof(buf)) < 0) {
                                if (errno != EAGAIN)
                                        die("write: %m");
                                usleep(100000);
                                if (write(s, buf, 1) < 0 && errno == EAGAIN)
                                        break;
                        }
                }
                usleep(300000);
                fcntl(s, F_SETFL, 0);
                run(opt.hole);
        } else if (strcmp(opt.mode, "keepalive") == 0) {
                run(opt.hole);
        } else {
                run(opt.hole);
                if (write(s, buf, 100) != 100)
                        die("write: %m");
                run(opt.hole_after);
        }
        t_ref = now();
        pthread_create(&th, NULL, queries, NULL);
        if (recv(s, buf, sizeof(buf), 0) >= 0)
                die("recv returned data or EOF");
        err = errno;
done:;
        double t_fail = now();
        pthread_join(th, NULL);
        printf("{\"lport\": %u, \"t_ref\": %.6f, \"t_query0\": %.6f, \"t_query1\": %.6f, \"t_then0\": %.6f, "
               "\"t_then1\": %.6f, \"t_fail\": %.6f, \"errno\": \"%s\"}\n",
               addr_port(&local), t_ref, t_query0, t_query1, t_then0, t_then1, t_fail, strerrorname_np(err));
}

int main(int argc, char **argv) {
        static const struct option options[] = {
                { "addr", required_argument, NULL, 'a' },        { "mode", required_argument, NULL, 'm' },
                { "hole", required_argument, NULL, 'H' },        { "hole-after-write", required_argument, NULL, 'W' },
                { "query-after", required_argument, NULL, 'q' }, { "query", required_argument, NULL, 'Q' },
                { "then", required_argument, NULL, 'T' },        { "no-read", no_argument, NULL, 'n' },
                { "rcvbuf", required_argument, NULL, 'r' },      {}
        };
        int c;
        if (argc < 2)
                die("usage: sockvictim server|client ...");
        const char *role = argv[1];
        optind = 2;
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case 'a': parse_addr(optarg, &opt.addr, &opt.addr_len); break;
                case 'm': opt.mode = optarg; break;
                case 'H': opt.hole = optarg; break;
                case 'W': opt.hole_after = optarg; break;
                case 'q': opt.query_after = atof(optarg); break;
                case 'Q': opt.query = optarg; break;
                case 'T': opt.then = optarg; break;
                case 'n': opt.no_read = 1; break;
                case 'r': opt.rcvbuf = atoi(optarg); break;
                default: die("bad option");
                }
        if (strcmp(role, "server") == 0)
                server();
        else if (strcmp(role, "client") == 0 && opt.mode)
                client();
        else
                die("usage: sockvictim server|client --mode M ...");
        return 0;
}

/* SPDX-License-Identifier: MIT */
/* What `tcptune sockets` reads and computes: for one network namespace or
 * all of them, every TCP socket (sockdiag), the addresses assigned there,
 * the namespace's tunables, and for each socket that matches the filter
 * sock_predict()'s abort. One report struct; no printing.
 *
 * Invariants:
 * 1. A namespace is all or nothing: when its dump fails (netlink error,
 *    truncated reply) it keeps only its error, never half a socket list.
 * 2. entries[] is what the command lists: the failing sockets that match
 *    the filter (every matching one with filter.all), those that will
 *    abort first by their earliest abort, then the others in the kernel's
 *    order. total and failing count every socket that matches.
 * 3. Predictions are made only for the sockets listed (without
 *    filter.all, the failing ones: sock_failing() needs no model run) and
 *    memoised per namespace by what sock_predict() reads of a socket but
 *    its pending timer (a constant offset): 100 000 sockets in a few
 *    states cost a few model runs. */
#pragma once

#include "kernel.h"
#include "live.h"
#include "sock-predict.h"
#include "sockdiag.h"

/* ADDR[/PREFIX]: an IPv4 prefix also matches IPv4-mapped IPv6 sockets. */
struct sockets_prefix {
        uint8_t family;     /* AF_INET, AF_INET6 */
        uint8_t bits;
        uint8_t addr[16];
};
/* Returns 0 or -EINVAL ("10.0.0.0/33", "fe80::/x", "host"). */
int sockets_prefix_parse(const char *s, struct sockets_prefix *ret);

struct sockets_filter {
        unsigned states;    /* bit (1 << enum tcp_state); 0: any */
        bool has_src, has_dst;
        struct sockets_prefix src, dst;
        int port;           /* either end; -1: any */
        bool all;           /* list sockets that are not failing too */
};
/* Whether any of state, src, dst, port is set (what --kill requires
 * unless --failing). */
bool sockets_filter_narrows(const struct sockets_filter *f);

struct sockets_entry {
        size_t sock;                  /* index into the namespace's table */
        struct sock_state st;
        struct sock_prediction pred;
        bool killed;                  /* sockets_kill() ended it */
        int kill_error;               /* its failure, < 0; 0 */
};

enum sockets_stage {
        SOCKETS_STAGE_ENTER,          /* setns(): the namespace vanished or cannot be entered */
        SOCKETS_STAGE_SOCKETS,        /* the sock_diag dump */
        SOCKETS_STAGE_ADDRESSES,      /* the RTM_GETADDR dump */
};

struct sockets_ns {
        char *label;                  /* "host", --netns as typed, a /run/netns name, "pid:PID" */
        char *path;                   /* NULL: the namespace tcptune runs in */
        int error;                    /* < 0: nothing else is filled; stage says where */
        enum sockets_stage stage;
        struct sockdiag_table table;
        struct sockdiag_addrs addrs;
        struct live live;
        struct model_input in;
        bool hz_assumed;
        struct sockets_entry *entries;
        size_t n_entries;
        size_t total, failing, gone;  /* matching the filter; gone: local address gone */
        size_t model_runs;            /* distinct predictions computed (the cache's misses) */
};

struct sockets_report {
        struct sockets_ns *ns;        /* ns[0]: the host or --netns namespace */
        size_t n_ns, cap_ns;
        bool all_netns;
        struct sockets_filter filter;
};

/* Collect the namespace we are in (label: "host" or the --netns spec) or,
 * with all_netns, every namespace of the host, entering each with setns()
 * and coming back; tunables are read beneath root, the host's "/" (live
 * sockets are the running kernel's). Failures of one namespace are in its
 * error. Returns 0, -ENOMEM, or -errno when we could not return to our own
 * namespace. Free with sockets_report_done(). */
int sockets_run(const struct root *root, const struct kernel_info *k, const struct sockets_filter *f,
                const char *label, bool all_netns, struct sockets_report *ret);
void sockets_report_done(struct sockets_report *r);

/* Fill ns (label and path set, error 0) from the namespace we are in. */
int sockets_collect(const struct root *root, const struct kernel_info *k, const struct sockets_filter *f,
                    struct sockets_ns *ns);

/* As sockets_collect() with ns->in already set (audit has read the
 * namespace's tunables), for the sockets in the states of the mask (bit
 * 1 << enum tcp_state, without TCP_LISTEN), and cheaper where there is
 * little to find: a dump walks the kernel's whole established hash
 * (shared by every namespace), so it is done once for both families
 * (sockdiag_dump_connections()), and not at all when
 * /proc/thread-self/net/sockstat{,6} count no socket or only the
 * listeners; the addresses are read only when there are sockets to
 * check. sockstat does not count request sockets: a namespace holding
 * nothing but listeners and half-open requests (SYN-ACKs retransmitted)
 * reports none of them, as walking for them would cost every host with
 * a listener the walk. Returns as sockets_collect(). */
int sockets_collect_connections(const struct sockets_filter *f, uint32_t states, struct sockets_ns *ns);

/* Free what one namespace holds (label and path too); NULL-safe fields. */
void sockets_ns_done(struct sockets_ns *ns);

/* The same from dumps already read (tests, recorded replies): takes
 * ownership of table and addrs. */
int sockets_predict(const struct sockets_filter *f, struct sockets_ns *ns);

/* End every listed socket of ns with SOCK_DESTROY (from inside its
 * namespace), recording each result in its entry. Returns how many were
 * ended; stops at the first -EPERM or -EOPNOTSUPP (every other one would
 * fail alike) and returns it. */
int sockets_kill(struct sockets_ns *ns);

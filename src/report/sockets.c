/* SPDX-License-Identifier: MIT */
/* Invariants (see also sockets.h):
 * 1. /proc/sys/net and netlink sockets bind to the namespace of the thread
 *    when opened, so each namespace is read between its setns() and the
 *    setns() back to the fd of our own, kept open for the whole scan.
 * 2. The memo key holds every field of struct sock_state that
 *    sock_predict() reads, but expires_us; the cached prediction is made
 *    with a pending timer of MEMO_EXPIRES_US and shifted by the socket's
 *    own: sock_predict() adds expires_us to every bound and clamps the
 *    lower one at 0, which the shift redoes. The RTT only enters the
 *    retransmission and zero-window chains (the RTO and the tail loss
 *    probe), so the others key on an RTT of 0 and stay shared. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>

#include "fileio.h"
#include "netns-scan.h"
#include "parse.h"
#include "sockets.h"

#define MEMO_EXPIRES_US (UINT64_C(1) << 50) /* 35 years: more than any sum of timer granules */

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

int sockets_prefix_parse(const char *s, struct sockets_prefix *ret) {
        struct sockets_prefix p = {};
        _cleanup_free_ char *a = strdup(s);
        uint64_t bits;
        if (!a)
                return -ENOMEM;
        char *slash = strchr(a, '/'), *host = a;
        if (slash)
                *slash = 0;
        size_t l = strlen(host);
        if (l > 2 && host[0] == '[' && host[l - 1] == ']') /* [::1], as we print it */
                host[l - 1] = 0, host++;
        if (inet_pton(AF_INET, host, p.addr) == 1)
                p.family = AF_INET;
        else if (inet_pton(AF_INET6, host, p.addr) == 1)
                p.family = AF_INET6;
        else
                return -EINVAL;
        unsigned max = p.family == AF_INET ? 32 : 128;
        if (!slash)
                bits = max;
        else if (parse_uint(slash + 1, max, &bits) < 0)
                return -EINVAL;
        p.bits = (uint8_t) bits;
        *ret = p;
        return 0;
}

bool sockets_filter_narrows(const struct sockets_filter *f) {
        return f->states || f->has_src || f->has_dst || f->port >= 0;
}

static bool prefix_match(const struct sockets_prefix *p, uint8_t family, const uint8_t addr[16]) {
        const uint8_t *a = addr;
        if (family == AF_INET6 && p->family == AF_INET && memcmp(addr, v4mapped, sizeof(v4mapped)) == 0)
                family = AF_INET, a = addr + 12;
        if (family != p->family)
                return false;
        size_t bytes = p->bits / 8;
        if (memcmp(a, p->addr, bytes) != 0)
                return false;
        if (p->bits % 8 == 0)
                return true;
        uint8_t mask = (uint8_t) (0xff << (8 - p->bits % 8));
        return (a[bytes] & mask) == (p->addr[bytes] & mask);
}

static bool filter_match(const struct sockets_filter *f, const struct sockdiag_sock *s) {
        if (f->states) {
                unsigned st = s->state == TCP_STATE_NEW_SYN_RECV ? TCP_STATE_SYN_RECV : s->state;
                if (st >= 32 || !(f->states & (1u << st)))
                        return false;
        }
        if (f->port >= 0 && s->sport != f->port && s->dport != f->port)
                return false;
        if (f->has_src && !prefix_match(&f->src, s->family, s->src))
                return false;
        if (f->has_dst && !prefix_match(&f->dst, s->family, s->dst))
                return false;
        return true;
}

/* What sock_predict() needs, from what sock_diag showed. */
static void sock_state_of(const struct sockdiag_sock *s, const struct sockdiag_addrs *addrs, struct sock_state *ret) {
        enum tcp_state state = s->state;
        bool mapped = s->family == AF_INET6 && memcmp(s->src, v4mapped, sizeof(v4mapped)) == 0;
        bool timewait = s->timer == 3; /* a time-wait socket: its state is the substate */
        /* inet_req_diag_fill() reports a request socket as SYN-RECV,
         * without tcp_info. */
        bool request = (state == TCP_STATE_NEW_SYN_RECV || state == TCP_STATE_SYN_RECV) && !s->has_info;
        bool has_peer = state != TCP_STATE_LISTEN && state != TCP_STATE_CLOSE && !timewait;
        *ret = (struct sock_state) {
                .state = state,
                .timer = sock_timer_from_diag(s->timer, state),
                .orphan = s->inode == 0 && !timewait && !request,
                /* An IPv4-mapped socket takes IPv4's paths (ipv6_mapped). */
                .inet6 = s->family == AF_INET6 && !mapped,
                .local_address_gone = has_peer && !sockdiag_addr_assigned(addrs, s->family, s->src),
                .timewait = timewait,
                .expires_us = (uint64_t) s->expires_ms * USEC_PER_MSEC,
                .retransmits = s->has_info && s->timer == 1 ? s->info_retransmits : s->retrans,
                .probes = s->has_info ? s->info_probes : s->retrans,
                .backoff = s->has_info ? s->info_backoff : 0,
                .rto_us = s->rto_us,
                .rtt_us = s->rtt_us,
                .unacked = s->unacked,
        };
}

/* The memo: open addressing over the key fields, per namespace. */
struct memo_key {
        uint8_t timer, state, orphan, gone, inet6, timewait;
        uint16_t pad;
        uint32_t retransmits, probes, backoff, unacked;
        uint64_t rto_us, rtt_us;
};
struct memo_slot {
        bool used;
        int r;
        struct memo_key key;
        struct sock_prediction pred;
};
struct memo {
        struct memo_slot *slots;
        size_t n, cap; /* cap: a power of two */
};

static void memo_done(struct memo *m) {
        free(m->slots);
}

static uint64_t memo_hash(const struct memo_key *k) {
        /* FNV-1a over the key's bytes (padding zeroed by the initialiser). */
        const uint8_t *p = (const uint8_t *) k;
        uint64_t h = UINT64_C(14695981039346656037);
        for (size_t i = 0; i < sizeof(*k); i++)
                h = (h ^ p[i]) * UINT64_C(1099511628211);
        return h;
}

static struct memo_slot *memo_find(struct memo *m, const struct memo_key *k) {
        if (2 * (m->n + 1) > m->cap) {
                size_t cap = m->cap ? m->cap * 2 : 64;
                struct memo_slot *s = calloc(cap, sizeof(*s));
                if (!s)
                        return NULL;
                for (size_t i = 0; i < m->cap; i++) {
                        if (!m->slots[i].used)
                                continue;
                        size_t j = memo_hash(&m->slots[i].key) & (cap - 1);
                        while (s[j].used)
                                j = (j + 1) & (cap - 1);
                        s[j] = m->slots[i];
                }
                free(m->slots);
                m->slots = s;
                m->cap = cap;
        }
        size_t j = memo_hash(k) & (m->cap - 1);
        while (m->slots[j].used && memcmp(&m->slots[j].key, k, sizeof(*k)) != 0)
                j = (j + 1) & (m->cap - 1);
        return &m->slots[j];
}

static int predict(struct memo *m, const struct model_input *in, const struct sock_state *st,
                   struct sock_prediction *ret, size_t *runs) {
        bool rtt_matters = st->timer == SOCK_TIMER_RETRANSMIT || st->timer == SOCK_TIMER_PROBE;
        struct memo_key k;
        memset(&k, 0, sizeof(k));
        k.timer = (uint8_t) st->timer, k.state = (uint8_t) st->state, k.orphan = st->orphan,
        k.gone = st->local_address_gone, k.inet6 = st->inet6, k.timewait = st->timewait,
        k.retransmits = st->retransmits, k.probes = st->probes, k.backoff = st->backoff,
        k.unacked = st->unacked, k.rto_us = st->rto_us, k.rtt_us = rtt_matters ? st->rtt_us : 0;

        struct memo_slot *slot = memo_find(m, &k);
        if (!slot)
                return -ENOMEM;
        if (!slot->used) {
                struct sock_state s = *st;
                s.expires_us = MEMO_EXPIRES_US;
                s.rtt_us = k.rtt_us;
                slot->used = true;
                slot->key = k;
                slot->r = sock_predict(in, &s, &slot->pred);
                m->n++;
                (*runs)++;
        }
        if (slot->r < 0)
                return slot->r;
        struct sock_prediction p = slot->pred;
        if (p.aborts) {
                uint64_t lo = p.abort_min_us + st->expires_us;
                p.abort_min_us = lo > MEMO_EXPIRES_US ? lo - MEMO_EXPIRES_US : 0;
                p.abort_max_us = p.abort_max_us + st->expires_us - MEMO_EXPIRES_US;
        }
        *ret = p;
        return 0;
}

static int cmp_entry(const void *a, const void *b) {
        const struct sockets_entry *x = a, *y = b;
        if (x->pred.aborts != y->pred.aborts)
                return x->pred.aborts ? -1 : 1;
        if (x->pred.aborts && x->pred.abort_min_us != y->pred.abort_min_us)
                return x->pred.abort_min_us < y->pred.abort_min_us ? -1 : 1;
        return x->sock < y->sock ? -1 : x->sock > y->sock; /* stable: the kernel's order */
}

int sockets_predict(const struct sockets_filter *f, struct sockets_ns *ns) {
        struct memo m = {};
        int r = 0;
        ns->entries = calloc(ns->table.n ? ns->table.n : 1, sizeof(*ns->entries));
        if (!ns->entries)
                return -ENOMEM;
        for (size_t i = 0; i < ns->table.n; i++) {
                const struct sockdiag_sock *s = &ns->table.socks[i];
                if (!filter_match(f, s))
                        continue;
                struct sockets_entry e = { .sock = i };
                sock_state_of(s, &ns->addrs, &e.st);
                ns->total++;
                if (!f->all && !sock_failing(&e.st))
                        continue; /* not listed: no abort to predict */
                r = predict(&m, &ns->in, &e.st, &e.pred, &ns->model_runs);
                if (r < 0)
                        break;
                ns->failing += e.pred.failing;
                ns->gone += e.st.local_address_gone;
                if (f->all || e.pred.failing)
                        ns->entries[ns->n_entries++] = e;
        }
        memo_done(&m);
        if (r < 0)
                return r;
        qsort(ns->entries, ns->n_entries, sizeof(*ns->entries), cmp_entry);
        return 0;
}

int sockets_collect(const struct root *root, const struct kernel_info *k, const struct sockets_filter *f,
                    struct sockets_ns *ns) {
        int r = live_read(root, &ns->live);
        if (r < 0)
                return r;
        live_model_input(&ns->live, k, &ns->in, &ns->hz_assumed);
        r = sockdiag_dump_addrs(&ns->addrs, NULL);
        if (r < 0) {
                ns->error = r, ns->stage = SOCKETS_STAGE_ADDRESSES;
                return r == -ENOMEM ? r : 0;
        }
        r = sockdiag_dump(&ns->table, NULL);
        if (r < 0) {
                sockdiag_addrs_done(&ns->addrs);
                ns->error = r, ns->stage = SOCKETS_STAGE_SOCKETS;
                return r == -ENOMEM ? r : 0;
        }
        return sockets_predict(f, ns);
}

static int add_ns(struct sockets_report *rep, const char *label, const char *path) {
        if (GROW(rep->ns, rep->n_ns, rep->cap_ns) < 0)
                return -ENOMEM;
        struct sockets_ns *n = &rep->ns[rep->n_ns++];
        *n = (struct sockets_ns) { .label = strdup(label), .path = path ? strdup(path) : NULL };
        return !n->label || (path && !n->path) ? -ENOMEM : 0;
}

struct scan {
        const struct root *root;
        const struct kernel_info *k;
        struct sockets_report *rep;
};

static int visit_ns(struct netns_entry *e, int enter_error, void *userdata) {
        struct scan *s = userdata;
        int r = add_ns(s->rep, e->label, e->path);
        if (r < 0)
                return r;
        struct sockets_ns *ns = &s->rep->ns[s->rep->n_ns - 1];
        if (enter_error < 0) {
                ns->error = enter_error, ns->stage = SOCKETS_STAGE_ENTER;
                return 0;
        }
        return sockets_collect(s->root, s->k, &s->rep->filter, ns);
}

static int scan_all(const struct root *root, const struct kernel_info *k, struct sockets_report *rep) {
        struct scan s = { root, k, rep };
        return netns_scan_each(visit_ns, &s);
}

int sockets_run(const struct root *root, const struct kernel_info *k, const struct sockets_filter *f,
                const char *label, bool all_netns, struct sockets_report *ret) {
        struct sockets_report rep = { .all_netns = all_netns, .filter = *f };
        int r;
        if (all_netns)
                r = scan_all(root, k, &rep);
        else if ((r = add_ns(&rep, label ? label : "host", NULL)) >= 0)
                r = sockets_collect(root, k, f, &rep.ns[0]);
        if (r < 0) {
                sockets_report_done(&rep);
                return r;
        }
        *ret = rep;
        return 0;
}

void sockets_report_done(struct sockets_report *r) {
        for (size_t i = 0; i < r->n_ns; i++)
                sockets_ns_done(&r->ns[i]);
        free(r->ns);
        *r = (struct sockets_report) {};
}

int sockets_kill(struct sockets_ns *ns) {
        int n = 0;
        for (size_t i = 0; i < ns->n_entries; i++) {
                struct sockets_entry *e = &ns->entries[i];
                int r = sockdiag_destroy(&ns->table.socks[e->sock]);
                e->kill_error = r;
                e->killed = r == 0;
                if (r == -EPERM || r == -EOPNOTSUPP)
                        return r;
                n += r == 0;
        }
        return n;
}

void sockets_ns_done(struct sockets_ns *ns) {
        free(ns->label);
        free(ns->path);
        sockdiag_table_done(&ns->table);
        sockdiag_addrs_done(&ns->addrs);
        live_done(&ns->live);
        free(ns->entries);
        *ns = (struct sockets_ns) {};
}

/* "TCP: inuse N ..." (sockstat) or "TCP6: inuse N ..." (sockstat6). */
static int sockstat_inuse(const char *path, const char *label, uint64_t *ret) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        _cleanup_free_ char *buf = NULL;
        size_t len;
        if (fd < 0)
                return -errno;
        int r = read_full_fd(fd, 64 * 1024, 4096, &buf, &len);
        if (r < 0)
                return r;
        for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
                size_t n = strlen(label);
                if (strncmp(line, label, n) == 0 && strncmp(line + n, " inuse ", 7) == 0) {
                        *ret = strtoull(line + n + 7, NULL, 10);
                        return 0;
                }
        }
        return -EBADMSG;
}

/* What the namespace's sockstat files count (sockdiag_dump_connections()),
 * or false when one cannot be read. A kernel without IPv6 has no
 * sockstat6: no IPv6 socket. */
static bool sockets_in_use(uint64_t ret[2]) {
        if (sockstat_inuse("/proc/thread-self/net/sockstat", "TCP:", &ret[0]) < 0)
                return false;
        int r = sockstat_inuse("/proc/thread-self/net/sockstat6", "TCP6:", &ret[1]);
        if (r == -ENOENT)
                ret[1] = 0, r = 0;
        return r >= 0;
}

int sockets_collect_connections(const struct sockets_filter *f, uint32_t states, struct sockets_ns *ns) {
        uint64_t in_use[2];
        int r = sockdiag_dump_connections(&ns->table, states, sockets_in_use(in_use) ? in_use : NULL);
        if (r < 0) {
                sockdiag_table_done(&ns->table);
                ns->error = r, ns->stage = SOCKETS_STAGE_SOCKETS;
                return r == -ENOMEM ? r : 0;
        }
        /* The addresses only tell whether a socket's own is gone. */
        if (ns->table.n > 0 && (r = sockdiag_dump_addrs(&ns->addrs, NULL)) < 0) {
                sockdiag_table_done(&ns->table);
                ns->error = r, ns->stage = SOCKETS_STAGE_ADDRESSES;
                return r == -ENOMEM ? r : 0;
        }
        return sockets_predict(f, ns);
}

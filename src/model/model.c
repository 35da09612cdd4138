/* SPDX-License-Identifier: MIT */
/* The dead-peer timing model (docs/MODEL.md): inputs, one setup per
 * scenario, and model_run(), which hands the scenario's chain of timers
 * (model-chains.c) to the phase sweep (model-sweep.c). Every figure is
 * computed, nothing is read or printed. Sections are those of
 * docs/MODEL.md; each step names the kernel function it follows. */
#include <assert.h>

#include "model-internal.h"
#include "tunables.h"

/* A default from the tunables catalog, the one place defaults live. By
 * exact canonical key: tunable_find() allocates to normalise spellings,
 * and these keys are spelled right. */
static uint64_t catalog_default(const char *key) {
        size_t n;
        const struct tunable *t = tunable_all(&n);
        for (size_t i = 0; i < n; i++)
                if (streq(t[i].key, key)) {
                        assert(t[i].type == TUNABLE_INT && t[i].def >= 0);
                        return (uint64_t) t[i].def;
                }
        assert(!"model key missing from the tunables catalog");
        return 0;
}

void model_input_defaults(struct model_input *in) {
#define DEF(key) catalog_default("net.ipv4." key)
        *in = (struct model_input) {
                .hz = HZ_ASSUMED,
                .retries2 = (unsigned) DEF("tcp_retries2"),
                .orphan_retries = (unsigned) DEF("tcp_orphan_retries"),
                .syn_retries = (unsigned) DEF("tcp_syn_retries"),
                .syn_linear_timeouts = (unsigned) DEF("tcp_syn_linear_timeouts"),
                .synack_retries = (unsigned) DEF("tcp_synack_retries"),
                .rto_min_us = DEF("tcp_rto_min_us"),
                .rto_max_us = DEF("tcp_rto_max_ms") * USEC_PER_MSEC,
                .keepalive_time_us = DEF("tcp_keepalive_time") * USEC_PER_SEC,
                .keepalive_intvl_us = DEF("tcp_keepalive_intvl") * USEC_PER_SEC,
                .keepalive_probes = (unsigned) DEF("tcp_keepalive_probes"),
                .fin_timeout_us = DEF("tcp_fin_timeout") * USEC_PER_SEC,
                .early_retrans = (unsigned) DEF("tcp_early_retrans"),
                .sack = DEF("tcp_sack") != 0,
                .thin_linear_timeouts = DEF("tcp_thin_linear_timeouts") != 0,
                /* tcp_congestion_control: the build decides; cubic. */
                .srtt_us = 100,
                .segments = 1,
        };
#undef DEF
}

const char *model_event_kind_to_string(enum model_event_kind k) {
        static const char *const names[] = {
                [EVENT_SEND] = "send",       [EVENT_TLP] = "tlp",       [EVENT_RTO] = "rto",
                [EVENT_SYN] = "syn",         [EVENT_SYNACK] = "synack", [EVENT_PROBE] = "probe",
                [EVENT_KEEPALIVE] = "keepalive", [EVENT_TIMEWAIT] = "timewait", [EVENT_ABORT] = "abort",
        };
        return (unsigned) k < ELEMENTSOF(names) ? names[k] : "?";
}

uint64_t model_budget_ms(unsigned hz, unsigned boundary, uint64_t rto_base_us, uint64_t rto_max_us) {
        /* net/ipv4/tcp_timer.c: tcp_model_timeout() (MODEL.md §5.5) */
        uint64_t base_j = us_to_j(rto_base_us, hz), max_j = us_to_j(rto_max_us, hz), budget_j;
        unsigned thresh = 0;
        if (base_j == 0)
                base_j = 1;
        while ((max_j / base_j) >> (thresh + 1))
                thresh++; /* ilog2(max / base) */
        if (boundary <= thresh)
                budget_j = ((UINT64_C(2) << boundary) - 1) * base_j;
        else
                budget_j = ((UINT64_C(2) << thresh) - 1) * base_j + (uint64_t) (boundary - thresh) * max_j;
        return j_to_ms(budget_j, hz);
}

static uint64_t rto_min_eff_us(const struct model_input *in) {
        /* §5.1: stored in jiffies, so 50 ms at HZ=250 becomes 52 ms. */
        return j_to_us(us_to_j(in->rto_min_us, in->hz), in->hz);
}

uint64_t model_rto_us(const struct model_input *in) {
        /* §5.1: steady path RTO = J(SRTT + rttvar), rttvar >= rto_min. */
        uint64_t rto_j = in->rto_us ? us_to_j(in->rto_us, in->hz) : us_to_j(in->srtt_us + rto_min_eff_us(in), in->hz);
        return j_to_us(min_u64(max_u64(rto_j, 1), us_to_j(in->rto_max_us, in->hz)), in->hz);
}

static void governed(struct model_result *r, const char *what) {
        if (r->n_governed_by < MODEL_MAX_GOVERNORS)
                r->governed_by[r->n_governed_by++] = what;
}

/* §5.2: PTO = J(2 SRTT + X), capped at the RTO by the caller; before 6.6
 * J(2 SRTT) + 200 ms for a lone segment, + 2 jiffies otherwise. */
static uint64_t tlp_delay_j(const struct model_input *in, unsigned segments) {
        if (in->tlp_legacy)
                return us_to_j(2 * in->srtt_us, in->hz) + (segments == 1 ? us_to_j(K(RTO_MIN), in->hz) : 2);
        uint64_t extra_us = segments == 1 ? rto_min_eff_us(in) : K(TLP_MULTI_SEGMENT);
        return us_to_j(2 * in->srtt_us + extra_us, in->hz);
}

/* §5.8: the data dies on this host. Returns the chain to sweep, or NULL
 * when r is complete (an unresolved neighbour has no timer chain). */
static chain_fn setup_local_failure(struct params *p, struct model_result *r) {
        const struct model_input *in = p->in;

        if (in->local_failure == LOCAL_FAILURE_NEIGHBOUR) {
                r->error = EHOSTUNREACH;
                r->note = "an unresolved neighbour is noticed at ~3 s ARP-failure cycles";
                model_neighbour_cycles(p, r);
                return NULL;
        }
        if (in->local_failure_before_send) {
                /* Nothing left the host: the persist timer counts probes. */
                p->first_delay_j = model_probe0_base_j(p);
                p->trigger_sends = false;
                r->budget_us = 0;
                r->note = in->address_gone
                                  ? "the address was gone before the write: write() succeeds until the send buffer "
                                    "fills, nothing leaves, the persist timer counts tcp_retries2 attempts"
                                  : "nothing ever left the host: the persist timer counts tcp_retries2 attempts";
                return model_chain_probe0;
        }
        if (in->local_failure == LOCAL_FAILURE_ROUTE)
                r->error = in->local_failure_errno ? in->local_failure_errno : EHOSTUNREACH;
        if (in->address_gone)
                r->note = "IPv4 address gone: every retransmission fails its route lookup (the source is no "
                          "longer local); a new address does not help this socket";
        return model_chain_rto;
}

/* established and orphan (§5, §9): retransmissions against a time budget. */
static chain_fn setup_retransmission(struct params *p, struct model_result *r) {
        const struct model_input *in = p->in;
        bool orphan = p->scenario == SCENARIO_ORPHAN;
        /* close() after a write leaves data and FIN: two segments (§9). */
        unsigned segments = orphan ? (unsigned) max_u64(in->segments, 2) : in->segments;
        bool tlp = (in->early_retrans == 3 || in->early_retrans == 4) && in->sack;

        if (tlp)
                p->tlp_j = min_u64(tlp_delay_j(in, segments), p->rto_j);
        p->thin_stream = !orphan && in->thin_linear_timeouts && segments < 4 && !in->cc_bbr;
        unsigned boundary = orphan ? (in->orphan_retries ? in->orphan_retries : (unsigned) K(ORPHAN_RETRIES_DEFAULT))
                                   : in->retries2;
        p->budget_ms = model_budget_ms(in->hz, boundary, K(RTO_MIN), in->rto_max_us);
        p->budget_dead_ms = in->orphan_retries ? p->budget_ms : model_budget_ms(in->hz, 0, K(RTO_MIN), in->rto_max_us);
        p->first_delay_j = p->tlp_j ? p->tlp_j : p->rto_j;
        p->trigger_sends = true;

        r->budget_us = (p->user_timeout_ms ? p->user_timeout_ms : p->budget_ms) * USEC_PER_MSEC;
        r->has_naive = true;
        r->naive_us = r->budget_us;
        if (p->user_timeout_ms)
                governed(r, "TCP_USER_TIMEOUT");
        governed(r, orphan ? "net.ipv4.tcp_orphan_retries" : "net.ipv4.tcp_retries2");
        governed(r, "net.ipv4.tcp_rto_min_us");
        governed(r, "net.ipv4.tcp_rto_max_ms");
        governed(r, "net.ipv4.tcp_early_retrans");
        if (!orphan && in->thin_linear_timeouts) {
                governed(r, "net.ipv4.tcp_thin_linear_timeouts");
                governed(r, "net.ipv4.tcp_congestion_control");
                if (in->cc_bbr)
                        r->note = "thin-stream linear timeouts never apply under bbr";
        }
        if (orphan)
                r->error = 0;
        if (!orphan && in->address_gone && in->inet6)
                r->note = "IPv6 keeps sending from the deleted address; the replies go nowhere: an ordinary "
                          "dead peer";
        if (orphan || in->local_failure == LOCAL_FAILURE_NONE)
                return model_chain_rto;
        return setup_local_failure(p, r);
}

/* idle (§6): keepalive probes from the last received segment. */
static chain_fn setup_idle(struct params *p, struct model_result *r) {
        const struct model_input *in = p->in;

        p->first_delay_j = us_to_j(in->keepalive_time_us, in->hz);
        r->has_naive = true;
        r->naive_us = p->user_timeout_ms
                              ? max_u64(p->user_timeout_ms * USEC_PER_MSEC, in->keepalive_time_us + in->keepalive_intvl_us)
                              : in->keepalive_time_us + in->keepalive_probes * in->keepalive_intvl_us;
        if (p->user_timeout_ms)
                governed(r, "TCP_USER_TIMEOUT");
        if (in->keepalive_from_socket) {
                governed(r, "TCP_KEEPIDLE");
                governed(r, "TCP_KEEPINTVL");
                governed(r, "TCP_KEEPCNT");
        } else {
                governed(r, "net.ipv4.tcp_keepalive_time");
                governed(r, "net.ipv4.tcp_keepalive_intvl");
                governed(r, "net.ipv4.tcp_keepalive_probes");
        }
        r->note = "only for sockets with SO_KEEPALIVE; without it an idle connection never notices";
        return model_chain_keepalive;
}

/* connect (§7): initial RTO 1 s, no RTT sample, no TLP; budget base 1 s. */
static chain_fn setup_connect(struct params *p, struct model_result *r) {
        const struct model_input *in = p->in;

        p->rto_j = min_u64(us_to_j(K(TIMEOUT_INIT), in->hz), p->rto_max_j);
        p->first_delay_j = p->rto_j;
        p->trigger_sends = true;
        p->budget_ms = model_budget_ms(in->hz, in->syn_retries, K(TIMEOUT_INIT), in->rto_max_us);
        r->budget_us = (p->user_timeout_ms ? p->user_timeout_ms : p->budget_ms) * USEC_PER_MSEC;
        r->has_naive = true;
        r->naive_us = r->budget_us;
        if (p->user_timeout_ms)
                governed(r, "TCP_USER_TIMEOUT");
        governed(r, "net.ipv4.tcp_syn_retries");
        governed(r, "net.ipv4.tcp_syn_linear_timeouts");
        governed(r, "net.ipv4.tcp_rto_max_ms");
        return model_chain_syn;
}

/* accept (§8): the request socket's SYN-ACK timer; nobody is told. */
static chain_fn setup_accept(struct params *p, struct model_result *r) {
        const struct model_input *in = p->in;

        p->first_delay_j = us_to_j(K(TIMEOUT_INIT), in->hz);
        p->trigger_sends = true;
        r->error = 0;
        r->has_naive = true;
        r->naive_us = in->synack_retries >= 40 ? UINT64_MAX
                                               : ((UINT64_C(2) << in->synack_retries) - 1) * K(TIMEOUT_INIT);
        governed(r, "net.ipv4.tcp_synack_retries");
        governed(r, "net.ipv4.tcp_syncookies");
        r->note = "no application is told; with SYN cookies in use no request is kept at all";
        return model_chain_synack;
}

/* fin-wait-2 (§10): one timer, or two above TCP_TIMEWAIT_LEN. */
static chain_fn setup_fin_wait_2(struct params *p, struct model_result *r) {
        uint64_t fin_time_j = model_fin_time_j(p), timewait_j = us_to_j(K(TIMEWAIT_LEN), p->hz);

        p->first_delay_j = fin_time_j > timewait_j ? fin_time_j - timewait_j : fin_time_j;
        r->error = 0;
        r->has_naive = true;
        r->naive_us = p->in->fin_timeout_us;
        governed(r, "net.ipv4.tcp_fin_timeout");
        if (fin_time_j > timewait_j)
                r->note = "above 60 s the kernel waits twice (F - 60 s): once as a full socket, once in time-wait";
        return model_chain_fin_wait_2;
}

/* zero-window (§11): the persist timer, maybe already backed off. */
static chain_fn setup_zero_window(struct params *p, struct model_result *r) {
        const struct model_input *in = p->in;

        if (in->zw_backoff || in->zw_probes_out)
                p->pending_j = model_probe0_when_j(model_probe0_base_j(p), p->rto_max_j, in->zw_backoff);
        else
                p->first_delay_j = model_probe0_base_j(p); /* tcp_check_probe_timer() */
        if (p->user_timeout_ms)
                governed(r, "TCP_USER_TIMEOUT");
        governed(r, "net.ipv4.tcp_retries2");
        governed(r, "net.ipv4.tcp_rto_min_us");
        governed(r, "net.ipv4.tcp_rto_max_ms");
        return model_chain_probe0;
}

/* What each chain reads of start_j, which decides how the sweep may skip
 * phases (model-sweep.c): the RTO chain only fail_j and the last real
 * transmission, both unused without a local failure; the SYN chain its
 * give-up age, once the delays stop depending on the user timeout; the
 * keepalive chain only the user timeout's age; the SYN-ACK, FIN-WAIT-2
 * and persist chains nothing. Chains without a user timeout keep their
 * expiries from one phase to the next where the delays allow. */
static void set_chain_traits(struct params *p, chain_fn chain) {
        const struct model_input *in = p->in;

        if (chain == model_chain_rto)
                p->start_dep = in->local_failure == LOCAL_FAILURE_NONE ? START_NONE : START_ANY;
        else if (chain == model_chain_syn)
                p->start_dep = p->user_timeout_ms ? START_ANY : START_MONOTONE;
        else if (chain == model_chain_keepalive)
                p->start_dep = p->user_timeout_ms ? START_MONOTONE : START_NONE;
        else
                p->start_dep = START_NONE;
        p->use_memo = !p->user_timeout_ms && (chain == model_chain_probe0 ||
                                              (chain == model_chain_rto && in->local_failure == LOCAL_FAILURE_NONE));
}

/* §15: what an outage does beyond the timing (measured:
 * tests/kernel/cases.txt outage4_*). */
static const char *outage_note(enum scenario s) {
        switch (s) {
        case SCENARIO_ESTABLISHED:
        case SCENARIO_ZERO_WINDOW:
                return "the peer never notices the outage without keepalive; if it lost the connection meanwhile "
                       "(NAT rebinding, reboot), its reset ends this one at once (ECONNRESET) when the path is back";
        case SCENARIO_IDLE:
                return "without SO_KEEPALIVE nothing is sent while idle: the outage goes unnoticed until a write";
        default:
                return NULL;
        }
}

int model_run(const struct model_input *in, enum scenario scenario, struct model_result *ret) {
        struct model_result *r = ret;
        struct model_input v6;
        chain_fn chain;

        if (in->hz == 0 || in->hz > 10000 || in->segments == 0 || (unsigned) scenario >= _SCENARIO_MAX)
                return -EINVAL;
        /* §5.8: IPv6 keeps sending from a deleted address (measured:
         * addr6_gone), so nothing fails on this host. */
        if (in->address_gone && in->inet6 && in->local_failure != LOCAL_FAILURE_NONE) {
                v6 = *in;
                v6.local_failure = LOCAL_FAILURE_NONE;
                in = &v6;
        }
        struct params p = { .in = in, .scenario = scenario, .hz = in->hz };

        *r = (struct model_result) { .scenario = scenario, .error = ETIMEDOUT };
        p.rto_max_j = max_u64(us_to_j(in->rto_max_us, in->hz), 1);
        p.rto_j = us_to_j(model_rto_us(in), in->hz);
        p.user_timeout_ms = in->user_timeout_us / USEC_PER_MSEC;
        if (in->user_timeout_us && p.user_timeout_ms == 0)
                p.user_timeout_ms = 1;

        switch (scenario) {
        case SCENARIO_ESTABLISHED:
        case SCENARIO_ORPHAN:
                chain = setup_retransmission(&p, r);
                break;
        case SCENARIO_IDLE:
                chain = setup_idle(&p, r);
                break;
        case SCENARIO_CONNECT:
                chain = setup_connect(&p, r);
                break;
        case SCENARIO_ACCEPT:
                chain = setup_accept(&p, r);
                break;
        case SCENARIO_FIN_WAIT_2:
                chain = setup_fin_wait_2(&p, r);
                break;
        case SCENARIO_ZERO_WINDOW:
                chain = setup_zero_window(&p, r);
                break;
        default:
                return -EINVAL;
        }
        if (!chain)
                return 0;

        set_chain_traits(&p, chain);
        p.budget_j = ms_budget_j(p.budget_ms, in->hz);
        p.budget_dead_j = ms_budget_j(p.budget_dead_ms, in->hz);
        p.user_timeout_budget_j = ms_budget_j(p.user_timeout_ms, in->hz);
        p.user_timeout_j = ms_to_j(p.user_timeout_ms, in->hz);
        model_sweep(&p, chain, r);
        if (r->has_outage)
                r->outage_note = outage_note(scenario);
        return 0;
}

/* SPDX-License-Identifier: MIT */
/* Differential check of the model (src/model/model*.c) against the model
 * at an older revision: both run over the same random and edge-case
 * inputs, every field of every struct model_result must match, events and
 * outage figures included.
 * Built and run by tools/model-diff.sh, which compiles the old sources
 * with their entry points renamed to old_* and everything else made
 * local, and tools/model-diff-old.c with the old headers, which says how
 * large the old structs are. Not a CI test: it needs the old source.
 * usage: model-diff [N [SEED]]
 * N random inputs after the fixed edge inputs. Exit 0: no difference;
 * 1: some; 2: cannot compare. */
#include <stdio.h>

#include "model.h"

int old_model_run(const struct model_input *in, enum scenario s, struct model_result *ret);
/* tools/model-diff-old.c */
extern const size_t old_model_diff_input_size, old_model_diff_result_size;

/* The old structs end where the current ones append the address-gone,
 * family and outage fields (model.h): those are left zero in the inputs
 * and not compared. */
static bool old_without_appended;

static uint64_t rng_state;
static uint64_t rnd(void) {
        /* xorshift64* */
        rng_state ^= rng_state >> 12;
        rng_state ^= rng_state << 25;
        rng_state ^= rng_state >> 27;
        return rng_state * UINT64_C(2685821657736338717);
}
static uint64_t range(uint64_t lo, uint64_t hi) {
        return lo + rnd() % (hi - lo + 1);
}
/* Log-uniform in [lo, hi], so that small values are as common as big ones. */
static uint64_t logrange(uint64_t lo, uint64_t hi) {
        unsigned bits_lo = 63 - (unsigned) __builtin_clzll(lo), bits_hi = 63 - (unsigned) __builtin_clzll(hi);
        unsigned b = (unsigned) range(bits_lo, bits_hi);
        uint64_t v = range(UINT64_C(1) << b, (UINT64_C(2) << b) - 1);
        return v < lo ? lo : v > hi ? hi : v;
}
static bool coin(unsigned pct) {
        return rnd() % 100 < pct;
}

static const unsigned hzs[] = { 100, 250, 300, 1000 };

static void strip_appended(struct model_input *in) {
        if (!old_without_appended)
                return;
        in->address_gone = in->inet6 = in->outage = false;
        in->outage_us = 0;
}

static void random_input(struct model_input *in) {
        model_input_defaults(in);
        in->hz = coin(10) ? (unsigned) range(1, 10000) : hzs[rnd() % 4];
        if (coin(80))
                in->retries2 = (unsigned) range(0, 40);
        if (coin(50))
                in->orphan_retries = (unsigned) range(0, 20);
        if (coin(60))
                in->syn_retries = (unsigned) (coin(90) ? range(1, 12) : range(1, 127));
        if (coin(60))
                in->syn_linear_timeouts = (unsigned) range(0, 10);
        if (coin(60))
                in->synack_retries = (unsigned) (coin(90) ? range(0, 12) : range(0, 255));
        if (coin(70))
                in->rto_min_us = logrange(1, 2 * USEC_PER_SEC);
        if (coin(70))
                in->rto_max_us = range(1, 120) * USEC_PER_SEC;
        if (coin(50))
                in->keepalive_time_us = logrange(1, 32767) * USEC_PER_SEC;
        if (coin(50))
                in->keepalive_intvl_us = logrange(1, 32767) * USEC_PER_SEC;
        if (coin(50))
                in->keepalive_probes = (unsigned) range(0, 127);
        in->keepalive_from_socket = coin(30);
        if (coin(50))
                in->fin_timeout_us = coin(10) ? 0 : logrange(1, 600) * USEC_PER_SEC;
        if (coin(40))
                in->early_retrans = (unsigned) range(0, 4);
        in->sack = !coin(20);
        in->thin_linear_timeouts = coin(30);
        in->cc_bbr = coin(20);
        in->tlp_legacy = coin(25);
        in->srtt_us = logrange(10, 3 * USEC_PER_SEC);
        in->rto_us = coin(30) ? logrange(1, 120 * USEC_PER_SEC) : 0;
        in->segments = (unsigned) (coin(60) ? range(1, 3) : range(1, 50));
        if (coin(35))
                in->user_timeout_us = coin(10) ? range(1, 999) : logrange(1000, 600 * USEC_PER_SEC);
        if (coin(30)) {
                in->zw_backoff = (unsigned) range(0, 20);
                in->zw_probes_out = (unsigned) range(0, 20);
        }
        if (coin(30)) {
                in->local_failure = (enum model_local_failure) range(1, 3);
                in->local_failure_before_send = coin(30);
                in->local_failure_at_us = coin(20) ? 0 : logrange(1, 60 * USEC_PER_SEC);
                static const int errs[] = { 0, EHOSTUNREACH, ENETUNREACH, EACCES, EINVAL };
                in->local_failure_errno = errs[rnd() % ELEMENTSOF(errs)];
                if (coin(25)) { /* --local-failure address-gone */
                        in->local_failure = LOCAL_FAILURE_ROUTE;
                        in->local_failure_errno = ENETUNREACH;
                        in->address_gone = true;
                }
        }
        in->inet6 = coin(30);
        if (coin(30)) {
                in->outage = true;
                in->outage_us = coin(10) ? 0 : logrange(1, 3 * USEC_PER_HOUR);
        }
        strip_appended(in);
}

/* One field changed from the defaults at a time: the inputs people type. */
#define EDGE_CASES 14
#define EDGE_INPUTS (4 * EDGE_CASES * 200)
static void edge_input(unsigned i, struct model_input *in) {
        model_input_defaults(in);
        in->hz = hzs[i % 4];
        i /= 4;
        unsigned k = i / EDGE_CASES;
        switch (i % EDGE_CASES) {
        case 0: in->retries2 = k % 41; break;
        case 1: in->rto_min_us = (uint64_t[]) { 1, 1000, 4000, 10000, 50000, 200000, 1000000, 2000000 }[k % 8]; break;
        case 2: in->rto_max_us = (k % 120 + 1) * USEC_PER_SEC; break;
        case 3: in->srtt_us = (uint64_t[]) { 10, 100, 1000, 20000, 80000, 300000, 1000000, 3000000 }[k % 8]; break;
        case 4: in->segments = k % 50 + 1; break;
        case 5: in->user_timeout_us = (uint64_t[]) { 0, 1, 999, 1000, 30000, 5000000, 30000000, 600000000 }[k % 8]; break;
        case 6: in->keepalive_time_us = (k % 20 + 1) * 10 * USEC_PER_SEC; in->keepalive_intvl_us = (k % 7 + 1) * USEC_PER_SEC; break;
        case 7: in->local_failure = (enum model_local_failure) (k % 4); in->local_failure_before_send = k / 4 % 2; break;
        case 8: in->zw_backoff = k % 16; in->zw_probes_out = k / 16 % 4; break;
        case 9: in->syn_retries = k % 12 + 1; in->syn_linear_timeouts = k / 12 % 6; break;
        case 10: in->thin_linear_timeouts = true; in->segments = k % 5 + 1; in->cc_bbr = k / 5 % 2; break;
        case 11: in->synack_retries = k % 12; in->fin_timeout_us = (k % 130) * USEC_PER_SEC; break;
        case 12: /* --outage */
                in->outage = true;
                in->outage_us = (uint64_t[]) { 0, 1, 1000, 200000, 1000000, 3000000, 10000000, 60000000, 900000000,
                                               7200000000 }[k % 10];
                in->retries2 = k / 10 % 16;
                break;
        case 13: /* --local-failure address-gone[@DUR] --family [--outage] */
                in->local_failure = LOCAL_FAILURE_ROUTE;
                in->local_failure_errno = ENETUNREACH;
                in->address_gone = true;
                in->inet6 = k % 2;
                in->local_failure_before_send = k / 2 % 2;
                in->local_failure_at_us = (k / 4 % 10) * 500 * USEC_PER_MSEC;
                in->outage = k / 40 % 2;
                in->outage_us = (k / 80 % 3 + 1) * 2 * USEC_PER_SEC;
                break;
        }
        strip_appended(in);
}

static void dump(const struct model_input *in) {
        fprintf(stderr,
                "  hz=%u retries2=%u orphan=%u syn=%u synlin=%u synack=%u rto_min=%llu rto_max=%llu ka=%llu,%llu,%u "
                "ka_sock=%d fin=%llu er=%u sack=%d thin=%d bbr=%d legacy=%d srtt=%llu rto=%llu segs=%u ut=%llu "
                "zw=%u,%u lf=%d before=%d at=%llu errno=%d addr_gone=%d inet6=%d outage=%d,%llu\n",
                in->hz, in->retries2, in->orphan_retries, in->syn_retries, in->syn_linear_timeouts, in->synack_retries,
                (unsigned long long) in->rto_min_us, (unsigned long long) in->rto_max_us,
                (unsigned long long) in->keepalive_time_us, (unsigned long long) in->keepalive_intvl_us,
                in->keepalive_probes, in->keepalive_from_socket, (unsigned long long) in->fin_timeout_us,
                in->early_retrans, in->sack, in->thin_linear_timeouts, in->cc_bbr, in->tlp_legacy,
                (unsigned long long) in->srtt_us, (unsigned long long) in->rto_us, in->segments,
                (unsigned long long) in->user_timeout_us, in->zw_backoff, in->zw_probes_out, in->local_failure,
                in->local_failure_before_send, (unsigned long long) in->local_failure_at_us, in->local_failure_errno,
                in->address_gone, in->inet6, in->outage, (unsigned long long) in->outage_us);
}

/* Each differ returns NULL, or the first field that differs, spelled as
 * in the source. */
#define F(x)                            \
        do {                            \
                if (a->x != b->x)       \
                        return #x;      \
        } while (0)
#define S(x)                                    \
        do {                                    \
                if (!streq_ptr(a->x, b->x))     \
                        return #x;              \
        } while (0)

static const char *result_differs(const struct model_result *a, const struct model_result *b) {
        F(scenario); F(never); F(detect_us); F(detect_min_us); F(detect_max_us); F(has_naive); F(naive_us);
        F(budget_us); F(error); F(n_governed_by); F(n_events); F(events_truncated);
        for (size_t i = 0; i < a->n_governed_by; i++)
                S(governed_by[i]);
        for (size_t i = 0; i < a->n_events; i++) {
                F(events[i].t_us); F(events[i].kind); F(events[i].n);
        }
        S(note);
        if (old_without_appended)
                return NULL;
        F(has_outage); F(outage.duration_us); F(outage.n_phases); F(outage.survives); F(outage.resume_min_us);
        F(outage.resume_max_us); F(outage.tolerance_us); F(outage.wait_max_us);
        S(outage_note);
        return NULL;
}

#undef F
#undef S

/* Whether the old structs can be handed over (model-diff-old.c): the same
 * sizes, or the model's two ending just where the current ones append. */
static bool ends_before(size_t old_size, size_t appended_at, size_t align) {
        return old_size >= appended_at && old_size <= (appended_at + align - 1) / align * align;
}
static int check_layout(void) {
        if (old_model_diff_result_size == 0) {
                fprintf(stderr, "model-diff: the old model_run() takes other types: cannot compare\n");
                return -1;
        }
        if (old_model_diff_input_size == sizeof(struct model_input) &&
            old_model_diff_result_size == sizeof(struct model_result))
                return 0;
        if (ends_before(old_model_diff_input_size, offsetof(struct model_input, address_gone),
                        _Alignof(struct model_input)) &&
            ends_before(old_model_diff_result_size, offsetof(struct model_result, has_outage),
                        _Alignof(struct model_result))) {
                old_without_appended = true;
                printf("model-diff: the old revision predates the appended model fields: address-gone, family and "
                       "outage are neither set nor compared\n");
                return 0;
        }
        fprintf(stderr, "model-diff: the old struct model_input or model_result is %zu or %zu bytes, not %zu or %zu: "
                        "cannot compare\n",
                old_model_diff_input_size, old_model_diff_result_size, sizeof(struct model_input),
                sizeof(struct model_result));
        return -1;
}

static unsigned long compare_model(unsigned long n) {
        static struct model_result a, b;
        unsigned long runs = 0, fails = 0;

        for (unsigned long i = 0; i < EDGE_INPUTS + n; i++) {
                struct model_input in;
                if (i < EDGE_INPUTS)
                        edge_input((unsigned) i, &in);
                else
                        random_input(&in);
                for (int s = 0; s < _SCENARIO_MAX; s++) {
                        /* Poison both so that a field one side leaves unset shows. */
                        memset(&a, 0x5a, sizeof(a));
                        memset(&b, 0xa5, sizeof(b));
                        int ra = old_model_run(&in, (enum scenario) s, &a), rb = model_run(&in, (enum scenario) s, &b);
                        const char *d = ra != rb ? "return value" : ra < 0 ? NULL : result_differs(&a, &b);
                        runs++;
                        if (d && fails++ < 10) {
                                fprintf(stderr, "model: input %lu scenario %s: %s differs; detection old %llu/%llu/%llu new %llu/%llu/%llu us\n",
                                        i, scenario_to_string((enum scenario) s), d,
                                        (unsigned long long) a.detect_min_us, (unsigned long long) a.detect_us,
                                        (unsigned long long) a.detect_max_us, (unsigned long long) b.detect_min_us,
                                        (unsigned long long) b.detect_us, (unsigned long long) b.detect_max_us);
                                dump(&in);
                        }
                }
        }
        printf("model-diff: model: %lu runs (%lu edge inputs, %lu random, %d scenarios each), %lu differ\n", runs,
               (unsigned long) EDGE_INPUTS, n, _SCENARIO_MAX, fails);
        return fails;
}

int main(int argc, char **argv) {
        unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
        uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 0x7c97;

        setvbuf(stdout, NULL, _IOLBF, 0); /* in order with the differences on stderr */
        if (check_layout() < 0)
                return 2;
        rng_state = seed ? seed : 1;
        return compare_model(n) ? 1 : 0;
}

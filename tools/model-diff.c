/* SPDX-License-Identifier: MIT */
/* Differential check of the model (src/model/model*.c) and of advise
 * (src/model/advise.c) against their copies at an older revision: both
 * sides run over the same random and edge-case inputs, and every field
 * must match: every struct model_result field, events and outage figures
 * included; for advise every field of struct advise_report, each
 * scenario's and each application option's current and proposed results
 * with them.
 * Built and run by tools/model-diff.sh, which compiles the old sources
 * with their entry points renamed to old_* and everything else made
 * local, and tools/model-diff-old.c with the old headers, which says how
 * large the old structs are. Not a CI test: it needs the old source.
 * usage: model-diff [N [SEED [model|advise]]]
 * N random inputs per part after the fixed edge inputs; the last word runs
 * one part only. Exit 0: no difference; 1: some; 2: cannot compare. */
#include <stdio.h>

#include "advise.h"
#include "model-input.h"
#include "model.h"

int old_model_run(const struct model_input *in, enum scenario s, struct model_result *ret);
/* Weak: an old revision without advise, or without the function, leaves
 * them NULL. */
__attribute__((weak)) int old_advise_run(const struct model_input *in, uint64_t target_us, unsigned scenarios,
                                         bool have_rto_max, bool have_syn_linear, struct advise_report *ret);
__attribute__((weak)) double old_advise_probes_per_hour(uint64_t every_us);
/* tools/model-diff-old.c */
extern const size_t old_model_diff_input_size, old_model_diff_result_size, old_model_diff_report_size;

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

/* The same for a report, an item's field as "scenarios[2] (connect)
 * proposed.detect_max_us". */
static const char *item_differs(const char *what, size_t i, const char *name, const char *field) {
        static char buf[160];
        snprintf(buf, sizeof(buf), "%s[%zu] (%s) %s", what, i, name, field);
        return buf;
}
static const char *scenario_differs(const struct advise_scenario *a, const struct advise_scenario *b) {
        F(scenario); F(already_within); F(possible); F(n_changes); F(floor_us); F(probe_every_us);
        F(current_probe_every_us); S(reason);
        for (size_t c = 0; c < a->n_changes; c++) {
                S(changes[c].key); S(changes[c].from); S(changes[c].to);
        }
        return NULL;
}
static const char *app_differs(const struct advise_app *a, const struct advise_app *b) {
        F(scenario); S(option); S(value); F(already_within); F(possible); F(probe_every_us);
        return NULL;
}
static const char *report_differs(const struct advise_report *a, const struct advise_report *b) {
        char field[96];
        const char *d;
#define ITEM(what, name, x, y, differs)                                                                  \
        do {                                                                                            \
                if ((d = result_differs(&(x)->current, &(y)->current)))                                 \
                        snprintf(field, sizeof(field), "current.%s", d);                               \
                else if ((d = result_differs(&(x)->proposed, &(y)->proposed)))                          \
                        snprintf(field, sizeof(field), "proposed.%s", d);                              \
                else if ((d = differs(x, y)))                                                           \
                        snprintf(field, sizeof(field), "%s", d);                                       \
                if (d)                                                                                  \
                        return item_differs(what, i, name, field);                                      \
        } while (0)
        F(target_us); S(target_text); F(n_scenarios); F(n_apps);
        for (size_t i = 0; i < a->n_scenarios; i++)
                ITEM("scenarios", scenario_to_string(b->scenarios[i].scenario), &a->scenarios[i], &b->scenarios[i],
                     scenario_differs);
        for (size_t i = 0; i < a->n_apps; i++)
                ITEM("apps", b->apps[i].option, &a->apps[i], &b->apps[i], app_differs);
#undef ITEM
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

/* The knob advise searches for scenario s one step below what in has, so
 * that the model's figure for it is a target some search ends exactly on. */
static void one_step_down(struct model_input *in, enum scenario s) {
        switch (s) {
        case SCENARIO_ESTABLISHED:
        case SCENARIO_ZERO_WINDOW:
                in->retries2 -= in->retries2 > 0;
                break;
        case SCENARIO_ORPHAN:
                in->orphan_retries = (in->orphan_retries ? in->orphan_retries : 8) - 1;
                break;
        case SCENARIO_IDLE:
                in->keepalive_time_us -= in->keepalive_time_us > USEC_PER_SEC ? USEC_PER_SEC : 0;
                break;
        case SCENARIO_CONNECT:
                in->syn_retries -= in->syn_retries > 1;
                break;
        case SCENARIO_ACCEPT:
                in->synack_retries -= in->synack_retries > 0;
                break;
        case SCENARIO_FIN_WAIT_2:
                in->fin_timeout_us -= in->fin_timeout_us > USEC_PER_SEC ? USEC_PER_SEC : 0;
                break;
        default:
                break;
        }
}

/* A target on an edge: the latest detection of one scenario in the mask
 * as things are, one knob step lower, or (established) with some
 * TCP_USER_TIMEOUT, then 1 us under, on or over it. Where that scenario
 * never detects: a random one. */
static uint64_t boundary_target(const struct model_input *in, unsigned mask) {
        static struct model_result r;
        enum scenario pick[_SCENARIO_MAX];
        size_t n = 0;
        for (int s = 0; s < _SCENARIO_MAX; s++)
                if (mask & SCENARIO_BIT(s))
                        pick[n++] = (enum scenario) s;
        enum scenario s = n ? pick[rnd() % n] : SCENARIO_ESTABLISHED;
        struct model_input x = *in;
        unsigned c = (unsigned) range(0, 99);
        if (c < 25 && (mask & SCENARIO_BIT(SCENARIO_ESTABLISHED))) {
                s = SCENARIO_ESTABLISHED;
                x.user_timeout_us = logrange(1, 600000) * USEC_PER_MSEC;
        } else if (c < 60)
                one_step_down(&x, s);
        if (model_run(&x, s, &r) < 0 || r.never || r.detect_max_us < 2)
                return logrange(1, 3 * USEC_PER_HOUR);
        return r.detect_max_us - 1 + range(0, 2);
}

/* The targets people type. */
static const uint64_t typed_targets[] = {
        1, 1000, 100000, 200000, USEC_PER_SEC, 3 * USEC_PER_SEC, 10 * USEC_PER_SEC, 30 * USEC_PER_SEC,
        USEC_PER_MIN, 2 * USEC_PER_MIN, 15 * USEC_PER_MIN, USEC_PER_HOUR, 2 * USEC_PER_HOUR + 15 * USEC_PER_MIN,
        MODEL_USER_TIMEOUT_MAX_US, MODEL_USER_TIMEOUT_MAX_US + USEC_PER_MSEC, UINT64_MAX,
};

static uint64_t random_target(const struct model_input *in, unsigned mask) {
        unsigned c = (unsigned) range(0, 99);
        return c < 1    ? 0 /* -EINVAL on both sides */
               : c < 10 ? range(1, 1000)
               : c < 20 ? typed_targets[rnd() % ELEMENTSOF(typed_targets)]
               : c < 45 ? boundary_target(in, mask)
                        : logrange(1000, 3 * USEC_PER_HOUR);
}

static unsigned random_mask(void) {
        unsigned c = (unsigned) range(0, 99);
        return c < 1    ? 0 /* -EINVAL on both sides */
               : c < 40 ? SCENARIO_ALL
               : c < 60 ? SCENARIO_BIT(range(0, _SCENARIO_MAX - 1))
                        : (unsigned) range(1, SCENARIO_ALL);
}

struct advise_tally {
        unsigned long within, proposed, impossible, rto_max, syn_linear, apps_within, apps_proposed, apps_impossible;
};

static void tally(const struct advise_report *r, struct advise_tally *t) {
        for (size_t i = 0; i < r->n_scenarios; i++) {
                const struct advise_scenario *a = &r->scenarios[i];
                a->already_within ? t->within++ : a->possible ? t->proposed++ : t->impossible++;
                for (size_t c = 0; c < a->n_changes; c++) {
                        t->rto_max += streq(a->changes[c].key, "net.ipv4.tcp_rto_max_ms");
                        t->syn_linear += streq(a->changes[c].key, "net.ipv4.tcp_syn_linear_timeouts");
                }
        }
        for (size_t i = 0; i < r->n_apps; i++)
                r->apps[i].already_within ? t->apps_within++ : r->apps[i].possible ? t->apps_proposed++ : t->apps_impossible++;
}

/* advise_probes_per_hour() over what the report says. */
static bool probes_per_hour_differ(const struct advise_report *r) {
        if (!old_advise_probes_per_hour)
                return false;
        for (size_t i = 0; i < r->n_scenarios; i++) {
                uint64_t v[] = { r->scenarios[i].probe_every_us, r->scenarios[i].current_probe_every_us };
                for (size_t j = 0; j < ELEMENTSOF(v); j++)
                        if (memcmp(&(double) { old_advise_probes_per_hour(v[j]) },
                                   &(double) { advise_probes_per_hour(v[j]) }, sizeof(double)) != 0)
                                return true;
        }
        return false;
}

static const char *advise_incomparable(void) {
        if (!old_advise_run)
                return "the old revision has no advise_run()";
        if (old_without_appended)
                return "the old revision predates the appended model fields";
        if (old_model_diff_report_size != sizeof(struct advise_report))
                return "the old advise_run() or struct advise_report differs";
        return NULL;
}

/* The edge inputs with a typed target or one on an edge, for all
 * scenarios or one; then random inputs with random targets (1 us to 3 h,
 * typed, on an edge, or 0), scenario sets (all, one, any, or none) and
 * either kernel knob present or not. */
static unsigned long compare_advise(unsigned long n) {
        static struct advise_report a, b;
        struct advise_tally t = { 0 };
        unsigned long fails = 0;
        const char *why = advise_incomparable();

        if (why) {
                printf("model-diff: advise: not compared: %s\n", why);
                return 0;
        }
        for (unsigned long i = 0; i < EDGE_INPUTS + n; i++) {
                struct model_input in;
                uint64_t target;
                unsigned mask;
                if (i < EDGE_INPUTS) {
                        edge_input((unsigned) i, &in);
                        mask = coin(80) ? SCENARIO_ALL : SCENARIO_BIT(range(0, _SCENARIO_MAX - 1));
                        target = coin(50) ? typed_targets[rnd() % ELEMENTSOF(typed_targets)] : boundary_target(&in, mask);
                } else {
                        random_input(&in);
                        mask = random_mask();
                        target = random_target(&in, mask);
                }
                bool rto_max = coin(50), syn_linear = coin(50);
                /* advise_run() wants *ret zeroed: no poison here. */
                memset(&a, 0, sizeof(a));
                memset(&b, 0, sizeof(b));
                int ra = old_advise_run(&in, target, mask, rto_max, syn_linear, &a);
                int rb = advise_run(&in, target, mask, rto_max, syn_linear, &b);
                const char *d = ra != rb ? "return value" : ra < 0 ? NULL : report_differs(&a, &b);
                if (!d && probes_per_hour_differ(&b))
                        d = "advise_probes_per_hour()";
                tally(&b, &t);
                if (d && fails++ < 10) {
                        fprintf(stderr, "advise: input %lu target %llu us scenarios %#x have_rto_max %d have_syn_linear %d: %s differs\n",
                                i, (unsigned long long) target, mask, rto_max, syn_linear, d);
                        dump(&in);
                }
        }
        printf("model-diff: advise: %lu runs (%lu edge inputs, %lu random), %lu differ; scenarios %lu already "
               "within, %lu proposed (%lu lowering tcp_rto_max_ms, %lu tcp_syn_linear_timeouts), %lu impossible; "
               "options %lu within, %lu proposed, %lu impossible\n",
               (unsigned long) EDGE_INPUTS + n, (unsigned long) EDGE_INPUTS, n, fails, t.within, t.proposed, t.rto_max,
               t.syn_linear, t.impossible, t.apps_within, t.apps_proposed, t.apps_impossible);
        return fails;
}

int main(int argc, char **argv) {
        unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
        uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 0x7c97;
        const char *only = argc > 3 ? argv[3] : NULL;
        unsigned long fails = 0;

        setvbuf(stdout, NULL, _IOLBF, 0); /* in order with the differences on stderr */
        if (only && !streq(only, "model") && !streq(only, "advise")) {
                fprintf(stderr, "usage: model-diff [N [SEED [model|advise]]]\n");
                return 2;
        }
        if (check_layout() < 0)
                return 2;
        /* Each part from the seed, so that its inputs do not depend on
         * whether the other ran. */
        if (!only || streq(only, "model")) {
                rng_state = seed ? seed : 1;
                fails += compare_model(n);
        }
        if (!only || streq(only, "advise")) {
                rng_state = seed ? seed : 1;
                fails += compare_advise(n);
        }
        return fails ? 1 : 0;
}

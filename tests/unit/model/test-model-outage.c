/* SPDX-License-Identifier: MIT */
/* The outage fold on chains written out by hand: one phase of the
 * retries2=5 chain at HZ 250 (model --timeline), and the same shifted.
 * Then the fold hooked into the phase sweep (model_run() with an outage),
 * against the address-change measurements of
 * tests/kernel/measured/addrchange-6.18.44.jsonl. */
#include <math.h>
#include <stdio.h>

#include "model-input.h"
#include "model.h"
#include "test.h"

#define MS(x) ((uint64_t) (x) * USEC_PER_MSEC)

/* send, TLP, RTO #1..#5; the give-up test aborts at the next expiry. */
static const uint64_t tx_a[] = { 0, MS(208), MS(416), MS(848), MS(1680), MS(3340), MS(6860) };
static const struct model_phase phase_a = { tx_a, ELEMENTSOF(tx_a), true, MS(13520) };
static const uint64_t tx_b[] = { 0, MS(212), MS(424), MS(872), MS(1704), MS(3380), MS(6900) };
static const struct model_phase phase_b = { tx_b, ELEMENTSOF(tx_b), true, MS(13560) };

static struct model_outage fold1(uint64_t d_us) {
        struct model_outage o;
        model_outage_init(&o, d_us);
        model_outage_add(&o, &phase_a);
        return o;
}

static void test_resume_at_next_expiry(void) {
        /* ending just before an expiry: that expiry */
        struct model_outage o = fold1(MS(3340) - 1);
        test_assert(o.survives);
        test_assert_int(o.resume_min_us, MS(3340));
        test_assert_int(o.resume_max_us, MS(3340));
        /* ending on it: the retransmission goes out on the restored path */
        o = fold1(MS(3340));
        test_assert_int(o.resume_min_us, MS(3340));
        /* ending just after: the next one, 3.5 s later */
        o = fold1(MS(3340) + 1);
        test_assert(o.survives);
        test_assert_int(o.resume_min_us, MS(6860));
        test_assert_int(o.resume_max_us, MS(6860));
        /* not when the path returns, however early */
        o = fold1(MS(4000));
        test_assert_int(o.resume_min_us, MS(6860));
}

static void test_survives_flips_at_last_transmission(void) {
        struct model_outage o = fold1(MS(6860));
        test_assert(o.survives);
        test_assert_int(o.resume_max_us, MS(6860));
        /* alive until 13.52 s, but nothing is sent after the return: lost */
        o = fold1(MS(6860) + 1);
        test_assert(!o.survives);
        test_assert_int(o.resume_min_us, 0);
        test_assert_int(o.resume_max_us, 0);
        o = fold1(MS(10000));
        test_assert(!o.survives);
        test_assert_int(o.tolerance_us, MS(6860));
        test_assert_int(o.wait_max_us, MS(3520));
}

static void test_phases_make_a_range(void) {
        struct model_outage o;
        model_outage_init(&o, MS(4000));
        model_outage_add(&o, &phase_a);
        model_outage_add(&o, &phase_b);
        test_assert(o.survives);
        test_assert_int(o.n_phases, 2);
        test_assert_int(o.resume_min_us, MS(6860));
        test_assert_int(o.resume_max_us, MS(6900));
        test_assert_int(o.tolerance_us, MS(6860));

        /* survived in phase b only: not survived */
        model_outage_init(&o, MS(6880));
        model_outage_add(&o, &phase_b);
        test_assert(o.survives);
        model_outage_add(&o, &phase_a);
        test_assert(!o.survives);
        test_assert_int(o.resume_max_us, 0);
        model_outage_add(&o, &phase_b);
        test_assert(!o.survives);
}

static void test_no_give_up(void) {
        /* a chain that never aborts survives any outage that a
         * transmission follows */
        static const uint64_t tx[] = { 0, MS(1000), MS(2000) };
        const struct model_phase p = { tx, ELEMENTSOF(tx), false, 0 };
        struct model_outage o;
        model_outage_init(&o, MS(1500));
        model_outage_add(&o, &p);
        test_assert(o.survives);
        test_assert_int(o.resume_min_us, MS(2000));
        test_assert_int(o.tolerance_us, UINT64_MAX);
        /* ... but not one after its last transmission */
        model_outage_init(&o, MS(2500));
        model_outage_add(&o, &p);
        test_assert(!o.survives);
        /* nothing sent at all */
        const struct model_phase none = { NULL, 0, true, MS(100) };
        model_outage_init(&o, 1);
        model_outage_add(&o, &none);
        test_assert(!o.survives);
        test_assert_int(o.tolerance_us, 0);
}

/* One kernel case: established, HZ 250, RTO 204 ms as measured. */
struct kcase {
        const char *name;
        unsigned retries2;
        const char *local_failure;   /* --local-failure, or NULL */
        bool inet6;
        double outage_s;             /* 0: none */
        double measured_lo_s, measured_hi_s;  /* over the recorded runs */
        int error;                   /* 0: data flowed again */
};

static const struct kcase kcases[] = {
        { "addr4_del", 5, "address-gone@0.3s", false, 0, 13.308, 13.452, ENETUNREACH },
        { "addr4_renum", 5, "address-gone@0.3s", false, 0, 13.365, 13.406, ENETUNREACH },
        { "addr4_gone", 5, "address-gone", false, 0, 13.081, 13.318, ETIMEDOUT },
        { "addr6_gone", 5, "address-gone", true, 0, 13.388, 13.460, ETIMEDOUT },
        { "outage4_path", 15, NULL, false, 4, 6.674, 6.817, 0 },
        { "outage4_addr", 15, "address-gone@0.3s", false, 4, 6.660, 6.776, 0 },
        { "outage4_gone", 15, "address-gone", false, 4, 6.444, 6.512, 0 },
        { "outage4_late", 5, NULL, false, 10, 13.387, 13.439, ETIMEDOUT },
};

static void test_measured_cases(void) {
        struct model_result *r = calloc(1, sizeof(*r));
        for (size_t i = 0; i < ELEMENTSOF(kcases); i++) {
                const struct kcase *c = &kcases[i];
                struct model_input in;
                model_input_defaults(&in);
                in.rto_us = 204 * USEC_PER_MSEC;
                in.retries2 = c->retries2;
                in.inet6 = c->inet6;
                if (c->local_failure)
                        test_assert_int(model_input_parse_local_failure(&in, c->local_failure), 0);
                in.outage = c->outage_s > 0;
                in.outage_us = (uint64_t) llround(c->outage_s * 1e6);
                test_assert_int(model_run(&in, SCENARIO_ESTABLISHED, r), 0);
                uint64_t lo = r->detect_min_us, hi = r->detect_max_us;
                int err = r->error;
                if (in.outage) {
                        test_assert(r->has_outage);
                        test_assert(r->outage.survives == (c->error == 0));
                        if (r->outage.survives)
                                lo = r->outage.resume_min_us, hi = r->outage.resume_max_us, err = 0;
                }
                printf("# %s: measured %.3f..%.3f s, predicted %.3f..%.3f s\n", c->name, c->measured_lo_s,
                          c->measured_hi_s, (double) lo / 1e6, (double) hi / 1e6);
                test_assert((double) lo / 1e6 - 0.02 <= c->measured_lo_s);
                test_assert(c->measured_hi_s <= (double) hi / 1e6 + 0.05);
                test_assert_int(err, c->error);
        }
        free(r);
}

static void test_sweep_exact(void) {
        /* retries2=5 at HZ 250: the last transmission before the earliest
         * abort is RTO #5, 6.62 s at the earliest phase; the longest wait
         * between transmissions before it, the 3.52 s before RTO #5. */
        struct model_result *r = calloc(1, sizeof(*r));
        struct model_input in;
        model_input_defaults(&in);
        in.hz = 250;
        in.retries2 = 5;
        in.outage = true;
        test_assert_int(model_run(&in, SCENARIO_ESTABLISHED, r), 0);
        test_assert(r->has_outage && r->outage.survives);
        test_assert_int(r->outage.duration_us, 0);
        test_assert_int(r->outage.resume_min_us, 0); /* the send itself goes through */
        test_assert_int(r->outage.tolerance_us, 6620 * USEC_PER_MSEC);
        test_assert_int(r->outage.wait_max_us, 3520 * USEC_PER_MSEC);
        /* one jiffy past it: lost in some phase */
        in.outage_us = r->outage.tolerance_us + 4 * USEC_PER_MSEC;
        test_assert_int(model_run(&in, SCENARIO_ESTABLISHED, r), 0);
        test_assert(!r->outage.survives);
        test_assert_int(r->outage.resume_max_us, 0);
        /* the same figures without the outage as with it */
        struct model_result *q = calloc(1, sizeof(*q));
        in.outage = false;
        test_assert_int(model_run(&in, SCENARIO_ESTABLISHED, q), 0);
        test_assert(!q->has_outage);
        test_assert_int(q->detect_min_us, r->detect_min_us);
        test_assert_int(q->detect_max_us, r->detect_max_us);
        test_assert_int(q->detect_us, r->detect_us);
        /* FIN-WAIT-2 sends nothing: no outage figures */
        in.outage = true;
        test_assert_int(model_run(&in, SCENARIO_FIN_WAIT_2, r), 0);
        test_assert(!r->has_outage);
        free(q);
        free(r);
}

static void test_address_gone_input(void) {
        struct model_input in;
        model_input_defaults(&in);
        test_assert_int(model_input_parse_local_failure(&in, "address-gone@2s"), 0);
        test_assert(in.address_gone);
        test_assert_int(in.local_failure, LOCAL_FAILURE_ROUTE);
        test_assert_int(in.local_failure_errno, ENETUNREACH);
        test_assert_int(in.local_failure_at_us, 2 * USEC_PER_SEC);
        test_assert_int(model_input_parse_local_failure(&in, "no-route"), 0);
        test_assert(!in.address_gone);
        test_assert_int(model_input_parse_family(&in, "inet6"), 0);
        test_assert(in.inet6);
        test_assert_int(model_input_parse_family(&in, "inet4"), -EINVAL);
        test_assert_int(model_input_parse_local_failure(&in, "address-gone@x"), -EINVAL);
}

int main(void) {
        TEST(test_resume_at_next_expiry);
        TEST(test_survives_flips_at_last_transmission);
        TEST(test_phases_make_a_range);
        TEST(test_no_give_up);
        TEST(test_measured_cases);
        TEST(test_sweep_exact);
        TEST(test_address_gone_input);
        return test_done();
}

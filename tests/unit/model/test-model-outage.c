/* SPDX-License-Identifier: MIT */
/* The outage fold on chains written out by hand: one phase of the
 * retries2=5 chain at HZ 250 (model --timeline), and the same shifted. */
#include "model-outage.h"
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

int main(void) {
        TEST(test_resume_at_next_expiry);
        TEST(test_survives_flips_at_last_transmission);
        TEST(test_phases_make_a_range);
        TEST(test_no_give_up);
        return test_done();
}

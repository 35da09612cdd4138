/* SPDX-License-Identifier: MIT */
/* advise proposals, verified by the model: each fits the target, one step
 * less aggressive would not, impossible targets really are. */
#include "advise.h"
#include "model-input.h"
#include "test.h"

static struct advise_report *advise(const struct model_input *in, uint64_t t, unsigned mask, bool rto_max) {
        struct advise_report *r = calloc(1, sizeof(*r));
        test_assert_int(advise_run(in, t, mask, rto_max, true, r), 0);
        return r;
}

static void test_proposals_fit_and_are_minimal(void) {
        static const uint64_t targets_s[] = { 2, 5, 10, 20, 30, 60, 120, 300, 900, 3600, 7200 };
        struct model_input base;
        struct model_result *r = calloc(1, sizeof(*r));
        model_input_defaults(&base);
        unsigned mask = SCENARIO_ALL;
        for (size_t i = 0; i < ELEMENTSOF(targets_s); i++) {
                uint64_t T = targets_s[i] * USEC_PER_SEC;
                struct advise_report *rep = advise(&base, T, mask, true);
                test_assert_int(rep->n_scenarios, _SCENARIO_MAX);
                for (size_t s = 0; s < rep->n_scenarios; s++) {
                        struct advise_scenario *a = &rep->scenarios[s];
                        struct model_input in = base;
                        if (!a->possible) {
                                test_assert(a->floor_us > T);
                                test_assert(a->reason != NULL);
                                continue;
                        }
                        for (size_t c = 0; c < a->n_changes; c++)
                                test_assert_int(model_input_set(&in, a->changes[c].key, a->changes[c].to), 0);
                        test_assert_int(model_run(&in, a->scenario, r), 0);
                        test_assert(r->detect_max_us <= T);
                        test_assert_int(r->detect_max_us, a->proposed.detect_max_us);
                        if (a->already_within)
                                test_assert_int(a->n_changes, 0);
                        /* minimal: retries2 one higher misses the target */
                        if (a->scenario == SCENARIO_ESTABLISHED && a->n_changes == 1 && in.retries2 < base.retries2) {
                                in.retries2++;
                                test_assert_int(model_run(&in, a->scenario, r), 0);
                                test_assert(r->detect_max_us > T);
                        }
                }
                for (size_t k = 0; k < rep->n_apps; k++)
                        if (rep->apps[k].possible)
                                test_assert(rep->apps[k].proposed.detect_max_us <= T);
                free(rep);
        }
        free(r);
}

static void test_impossible(void) {
        struct model_input in;
        model_input_defaults(&in);
        /* connect cannot fail before the first SYN retransmission's 1 s timer */
        struct advise_report *rep = advise(&in, 500 * USEC_PER_MSEC, SCENARIO_BIT(SCENARIO_CONNECT), true);
        test_assert(!rep->scenarios[0].possible);
        test_assert(rep->scenarios[0].floor_us > 500 * USEC_PER_MSEC);
        test_assert_int(rep->scenarios[0].n_changes, 0);
        free(rep);
        /* established needs at least ~2 RTOs */
        rep = advise(&in, 300 * USEC_PER_MSEC, SCENARIO_BIT(SCENARIO_ESTABLISHED), true);
        test_assert(!rep->scenarios[0].possible);
        free(rep);
}

static void test_old_kernel_never_rto_max(void) {
        struct model_input in;
        model_input_defaults(&in);
        struct advise_report *rep = advise(&in, 3 * USEC_PER_SEC, SCENARIO_BIT(SCENARIO_ESTABLISHED), false);
        for (size_t c = 0; c < rep->scenarios[0].n_changes; c++)
                test_assert(strcmp(rep->scenarios[0].changes[c].key, "net.ipv4.tcp_rto_max_ms") != 0);
        free(rep);
        rep = advise(&in, 3 * USEC_PER_SEC, SCENARIO_BIT(SCENARIO_ESTABLISHED), true);
        test_assert(rep->scenarios[0].possible);
        free(rep);
}

static void test_already_within(void) {
        struct model_input in;
        model_input_defaults(&in);
        struct advise_report *rep = advise(&in, 3 * USEC_PER_HOUR, SCENARIO_ALL, true);
        for (size_t s = 0; s < rep->n_scenarios; s++) {
                test_assert(rep->scenarios[s].already_within);
                test_assert_int(rep->scenarios[s].n_changes, 0);
        }
        /* Nor per application: no TCP_USER_TIMEOUT, no keepalive options. */
        test_assert_int(rep->n_apps, 2);
        for (size_t k = 0; k < rep->n_apps; k++) {
                test_assert(rep->apps[k].already_within);
                test_assert(rep->apps[k].value[0] == '\0');
        }
        free(rep);
}

/* The case: established takes 15m 40s today, so a 20m target is
 * met; a TCP_USER_TIMEOUT of ~20m would make detection slower. */
static void test_user_timeout_never_slower(void) {
        static const uint64_t targets_s[] = { 5, 30, 300, 900, 938, 939, 940, 1200, 3600 };
        struct model_input in;
        struct model_result cur;
        model_input_defaults(&in);
        test_assert_int(model_run(&in, SCENARIO_ESTABLISHED, &cur), 0);
        for (size_t i = 0; i < ELEMENTSOF(targets_s); i++) {
                uint64_t T = targets_s[i] * USEC_PER_SEC;
                struct advise_report *rep = advise(&in, T, SCENARIO_BIT(SCENARIO_ESTABLISHED), true);
                const struct advise_app *a = &rep->apps[0];
                test_assert_int(rep->n_apps, 1);
                test_assert(streq(a->option, "TCP_USER_TIMEOUT"));
                test_assert_int(a->already_within, cur.detect_max_us <= T);
                test_assert(a->proposed.detect_max_us <= cur.detect_max_us);
                test_assert(a->proposed.detect_min_us <= cur.detect_min_us);
                if (a->already_within)
                        test_assert(a->value[0] == '\0');
                else
                        test_assert(a->possible && a->proposed.detect_max_us <= T);
                free(rep);
        }
}

int main(void) {
        TEST(test_proposals_fit_and_are_minimal);
        TEST(test_impossible);
        TEST(test_old_kernel_never_rto_max);
        TEST(test_already_within);
        TEST(test_user_timeout_never_slower);
        return test_done();
}

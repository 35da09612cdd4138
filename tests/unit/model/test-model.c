/* SPDX-License-Identifier: MIT */
/* The model against the kernel: every measured case in
 * tests/data/kernel-cases.json (measured on 6.18 at HZ=250) must fall
 * inside the predicted [min, max]; plus exact values the kernel's own
 * arithmetic gives, and properties that must hold for any input. */
#include <json-c/json.h>
#include <math.h>

#include "model-input.h"
#include "model.h"
#include "test.h"

#ifndef TESTS_DATA_DIR
#error "TESTS_DATA_DIR must be defined"
#endif

static double s_of(uint64_t us) {
        return (double) us / 1e6;
}

/* Map a case's inputs onto the model; returns false for inputs the model
 * does not know (none expected). */
static bool case_input(json_object *c, struct model_input *in, int *ret_scenario) {
        json_object *inputs, *v, *sc;
        model_input_defaults(in);
        if (!json_object_object_get_ex(c, "inputs", &inputs) || !json_object_object_get_ex(c, "scenario", &sc))
                return false;
        *ret_scenario = scenario_from_string(json_object_get_string(sc));
        if (json_object_object_get_ex(c, "hz", &v))
                in->hz = (unsigned) json_object_get_int(v);
        json_object_object_foreach(inputs, key, val) {
                double d = json_object_get_double(val);
                unsigned u = (unsigned) json_object_get_int(val);
                if (strcmp(key, "net.ipv4.tcp_retries2") == 0)
                        in->retries2 = u;
                else if (strcmp(key, "net.ipv4.tcp_orphan_retries") == 0)
                        in->orphan_retries = u;
                else if (strcmp(key, "net.ipv4.tcp_syn_retries") == 0)
                        in->syn_retries = u;
                else if (strcmp(key, "net.ipv4.tcp_syn_linear_timeouts") == 0)
                        in->syn_linear_timeouts = u;
                else if (strcmp(key, "net.ipv4.tcp_synack_retries") == 0)
                        in->synack_retries = u;
                else if (strcmp(key, "net.ipv4.tcp_rto_min_us") == 0)
                        in->rto_min_us = u;
                else if (strcmp(key, "net.ipv4.tcp_rto_max_ms") == 0)
                        in->rto_max_us = (uint64_t) u * 1000;
                else if (strcmp(key, "net.ipv4.tcp_early_retrans") == 0)
                        in->early_retrans = u;
                else if (strcmp(key, "net.ipv4.tcp_fin_timeout") == 0)
                        in->fin_timeout_us = (uint64_t) u * 1000000;
                else if (strcmp(key, "net.ipv4.tcp_syncookies") == 0)
                        ;
                else if (strcmp(key, "rtt_s") == 0)
                        in->srtt_us = (uint64_t) llround(d * 1e6);
                else if (strcmp(key, "rto_s") == 0)
                        in->rto_us = (uint64_t) llround(d * 1e6);
                else if (strcmp(key, "segments") == 0)
                        in->segments = u ? u : 1;
                else if (strcmp(key, "user_timeout_s") == 0)
                        in->user_timeout_us = (uint64_t) llround(d * 1e6);
                else if (strcmp(key, "keepalive_idle_s") == 0) {
                        in->keepalive_time_us = (uint64_t) llround(d * 1e6);
                        in->keepalive_from_socket = true;
                } else if (strcmp(key, "keepalive_intvl_s") == 0)
                        in->keepalive_intvl_us = (uint64_t) llround(d * 1e6);
                else if (strcmp(key, "keepalive_cnt") == 0)
                        in->keepalive_probes = u;
                else if (strcmp(key, "congestion_control") == 0)
                        in->cc_bbr = strcmp(json_object_get_string(val), "bbr") == 0;
                else if (strcmp(key, "backoff") == 0)
                        in->zw_backoff = u;
                else if (strcmp(key, "probes_out") == 0)
                        in->zw_probes_out = u;
                else if (strcmp(key, "local_failure") == 0) {
                        const char *f = json_object_get_string(val);
                        if (strcmp(f, "route_unreachable_after_send") == 0) {
                                in->local_failure = LOCAL_FAILURE_ROUTE;
                                in->local_failure_errno = EHOSTUNREACH;
                        } else if (strcmp(f, "qdisc_drop_before_send") == 0) {
                                in->local_failure = LOCAL_FAILURE_QDISC_DROP;
                                in->local_failure_before_send = true;
                        } else if (strcmp(f, "neighbour_unresolved_before_send") == 0) {
                                in->local_failure = LOCAL_FAILURE_NEIGHBOUR;
                                in->local_failure_before_send = true;
                        } else
                                return false;
                } else if (strcmp(key, "local_failure_at_s") == 0)
                        in->local_failure_at_us = (uint64_t) llround(d * 1e6);
                else {
                        printf("# unknown input %s\n", key);
                        return false;
                }
        }
        return true;
}

static void test_kernel_cases(void) {
        json_object *all = json_object_from_file(TESTS_DATA_DIR "/kernel-cases.json");
        size_t checked = 0;
        test_assert(all != NULL);
        if (!all)
                return;
        for (size_t i = 0; i < json_object_array_length(all); i++) {
                json_object *c = json_object_array_get_idx(all, i), *name, *meas;
                struct model_input in;
                struct model_result *r = calloc(1, sizeof(*r));
                int sc;
                json_object_object_get_ex(c, "name", &name);
                json_object_object_get_ex(c, "measured_s", &meas);
                if (!case_input(c, &in, &sc)) {
                        free(r);
                        continue;
                }
                test_assert_int(model_run(&in, sc, r), 0);
                double m = json_object_get_double(meas);
                bool inside = m >= s_of(r->detect_min_us) && m <= s_of(r->detect_max_us);
                printf("# %-16s measured %8.3f  predicted %8.3f [%8.3f .. %8.3f] %s\n",
                       json_object_get_string(name), m, s_of(r->detect_us), s_of(r->detect_min_us),
                       s_of(r->detect_max_us), inside ? "inside" : "OUTSIDE");
                test_assert(inside);
                json_object *err;
                json_object_object_get_ex(c, "errno", &err);
                const char *want = err ? json_object_get_string(err) : NULL;
                const char *got = r->error == ETIMEDOUT      ? "ETIMEDOUT"
                                  : r->error == EHOSTUNREACH ? "EHOSTUNREACH"
                                  : r->error == 0            ? NULL
                                                             : "other";
                test_assert((want == NULL) == (got == NULL));
                if (want && got)
                        test_assert_str(got, want);
                checked++;
                free(r);
        }
        test_assert_int(checked, json_object_array_length(all));
        json_object_put(all);
}

static void test_budget(void) {
        /* docs/MODEL.md §5.5: tcp_model_timeout() with a 200 ms base. */
        static const uint64_t want[] = { 200, 600, 1400, 3000, 6200, 12600, 25400, 51000,
                                         102200, 204600, 324600, 444600, 564600, 684600, 804600, 924600 };
        for (unsigned hz = 100; hz <= 1000; hz = hz == 100 ? 250 : hz == 250 ? 300 : hz == 300 ? 1000 : 2000)
                for (unsigned n = 0; n < ELEMENTSOF(want); n++)
                        test_assert_int(model_budget_ms(hz, n, 200000, 120000000), want[n]);
        /* rto_max 2 s: L = ilog2(10) = 3, then 2 s per step. */
        test_assert_int(model_budget_ms(250, 5, 200000, 2000000), 7000);
        test_assert_int(model_budget_ms(250, 15, 200000, 2000000), 27000);
        /* SYN budget, base 1 s: 3, 7, 15, 31, 63, 127 s. */
        test_assert_int(model_budget_ms(250, 2, 1000000, 120000000), 7000);
        test_assert_int(model_budget_ms(250, 6, 1000000, 120000000), 127000);
        test_assert_int(model_budget_ms(250, 8, 1000000, 120000000), 367000);
}

static void test_rto(void) {
        struct model_input in;
        model_input_defaults(&in);
        in.srtt_us = 50;
        test_assert_int(model_rto_us(&in), 204000); /* J(RTT + 200 ms) at HZ 250 */
        in.hz = 1000;
        test_assert_int(model_rto_us(&in), 201000);
        in.hz = 250;
        in.srtt_us = 50000;
        test_assert_int(model_rto_us(&in), 252000);
        in.rto_min_us = 50000;
        in.srtt_us = 40;
        test_assert_int(model_rto_us(&in), 56000); /* 13 jiffies of rto_min + 1 */
        in.rto_us = 3000000;
        in.rto_max_us = 2000000;
        test_assert_int(model_rto_us(&in), 2000000); /* capped by rto_max */
}

static uint64_t run(const struct model_input *in, enum scenario s, struct model_result *r) {
        test_assert_int(model_run(in, s, r), 0);
        return r->detect_us;
}

static void test_worked_numbers(void) {
        /* docs/MODEL.md §5, §6, §7: figures the kernel's arithmetic
         * gives for inputs not among the measured cases. */
        struct model_input in;
        struct model_result *r = calloc(1, sizeof(*r));
        model_input_defaults(&in);
        in.srtt_us = 50;
        run(&in, SCENARIO_ESTABLISHED, r); /* defaults: 938.7 [937.7..939.7] */
        test_assert(llabs((long long) r->detect_us - 938700000) < 100000);
        test_assert(llabs((long long) r->detect_min_us - 937700000) < 100000);
        test_assert(llabs((long long) r->detect_max_us - 939700000) < 100000);
        test_assert_int(r->naive_us, 924600000);
        in.srtt_us = 50000; /* R = 252 ms */
        in.retries2 = 3;
        run(&in, SCENARIO_ESTABLISHED, r); /* 4.11 [4.09..4.12] */
        test_assert(llabs((long long) r->detect_us - 4110000) < 10000);
        in.retries2 = 7;
        run(&in, SCENARIO_ESTABLISHED, r); /* 66.3 */
        test_assert(llabs((long long) r->detect_us - 66300000) < 100000);
        in.hz = 1000;
        in.srtt_us = 50;
        in.retries2 = 5;
        run(&in, SCENARIO_ESTABLISHED, r); /* HZ 1000: 13.27 */
        test_assert(llabs((long long) r->detect_us - 13270000) < 10000);
        model_input_defaults(&in);
        run(&in, SCENARIO_CONNECT, r); /* 131 s ideal, 134.3 typical */
        test_assert(llabs((long long) r->detect_us - 134300000) < 100000);
        test_assert_int(r->naive_us, 127000000);
        run(&in, SCENARIO_IDLE, r); /* one-go arming: ~7948 s */
        test_assert(llabs((long long) r->detect_us - 7948000000) < 5000000);
        test_assert_int(r->naive_us, 7875000000);
        run(&in, SCENARIO_ACCEPT, r); /* 63 s ideal, ~64.6 typical */
        test_assert(llabs((long long) r->detect_us - 64600000) < 200000);
        test_assert_int(r->error, 0);
        run(&in, SCENARIO_ORPHAN, r); /* 0 means 8: budget 102.2 s */
        test_assert_int(r->budget_us, 102200000);
        test_assert(r->detect_us > 102200000);
        in.fin_timeout_us = 90 * USEC_PER_SEC; /* above 60 s: two waits of 30 s */
        run(&in, SCENARIO_FIN_WAIT_2, r);
        /* two 30 s timers at wheel level 3 (2.048 s granularity at HZ 250) */
        test_assert(r->detect_min_us >= 60000000 && r->detect_max_us <= 60000000 + 2 * 2048000 + 4000);
        in.syn_linear_timeouts = 0; /* before 6.5: 127 s ideal */
        run(&in, SCENARIO_CONNECT, r);
        test_assert(r->detect_min_us >= 127000000);
        test_assert(llabs((long long) r->detect_us - 130200000) < 150000); /* MODEL.md §7: ~130.2 s */
        free(r);
}

static void test_monotone_retries2(void) {
        struct model_input in;
        struct model_result *r = calloc(1, sizeof(*r));
        for (unsigned hz = 250; hz <= 1000; hz += 750) {
                uint64_t prev_min = 0, prev_max = 0, prev_typ = 0;
                model_input_defaults(&in);
                in.hz = hz;
                for (unsigned n = 0; n <= 40; n++) {
                        in.retries2 = n;
                        run(&in, SCENARIO_ESTABLISHED, r);
                        test_assert(r->detect_min_us >= prev_min);
                        test_assert(r->detect_max_us >= prev_max);
                        test_assert(r->detect_us >= prev_typ);
                        prev_min = r->detect_min_us;
                        prev_max = r->detect_max_us;
                        prev_typ = r->detect_us;
                }
        }
        free(r);
}

static unsigned level_of(uint64_t j) {
        unsigned n = 0;
        for (uint64_t start = 63; n < 8 && j >= start; start <<= 3)
                n++;
        return n;
}

static void test_rto_max_caps_intervals(void) {
        struct model_input in;
        struct model_result *r = calloc(1, sizeof(*r));
        const uint64_t maxes_ms[] = { 1000, 2000, 5000, 30000, 120000 };
        for (size_t i = 0; i < ELEMENTSOF(maxes_ms); i++) {
                model_input_defaults(&in);
                in.rto_max_us = maxes_ms[i] * 1000;
                in.retries2 = 20;
                run(&in, SCENARIO_ESTABLISHED, r);
                uint64_t max_j = maxes_ms[i] * in.hz / 1000;
                uint64_t slack_us = ((UINT64_C(1) << (3 * level_of(max_j))) + 1) * 1000000 / in.hz;
                for (size_t e = 1; e < r->n_events; e++) {
                        uint64_t gap = r->events[e].t_us - r->events[e - 1].t_us;
                        if (gap > in.rto_max_us + slack_us)
                                printf("# rto_max %" PRIu64 " ms: gap %" PRIu64 " us\n", maxes_ms[i], gap);
                        test_assert(gap <= in.rto_max_us + slack_us);
                }
        }
        free(r);
}

static void test_user_timeout_bounds(void) {
        struct model_input in;
        struct model_result *r = calloc(1, sizeof(*r));
        const uint64_t uts_ms[] = { 1, 500, 1000, 5000, 20000, 30000, 100000, 600000 };
        for (size_t i = 0; i < ELEMENTSOF(uts_ms); i++) {
                model_input_defaults(&in);
                in.user_timeout_us = uts_ms[i] * 1000;
                run(&in, SCENARIO_ESTABLISHED, r);
                uint64_t R = model_rto_us(&in);
                /* clock starts at RTO #1 (P + R from the write); the last,
                 * clamped timer is late by at most one granularity. */
                uint64_t gran_us = ((UINT64_C(1) << (3 * level_of(in.rto_max_us * in.hz / 1000000))) + 1) *
                                   1000000 / in.hz;
                test_assert(r->detect_min_us >= in.user_timeout_us);
                test_assert(r->detect_max_us <= in.user_timeout_us + 2 * R + gran_us + 8000);
                test_assert_int(r->naive_us, in.user_timeout_us);
        }
        free(r);
}

static void test_ordering_all_scenarios(void) {
        struct model_input in;
        struct model_result *r = calloc(1, sizeof(*r));
        unsigned seed = 12345;
        for (int i = 0; i < 300; i++) {
                model_input_defaults(&in);
                seed = seed * 1103515245 + 12345;
                in.hz = (unsigned[]) { 100, 250, 300, 1000 }[seed >> 28 & 3];
                in.retries2 = seed % 16;
                in.syn_retries = 1 + seed % 7;
                in.synack_retries = seed % 6;
                in.srtt_us = 20 + seed % 400000;
                in.segments = 1 + seed % 5;
                in.keepalive_time_us = (1 + seed % 900) * USEC_PER_SEC;
                in.keepalive_intvl_us = (1 + seed % 60) * USEC_PER_SEC;
                in.keepalive_probes = seed % 10;
                in.fin_timeout_us = (1 + seed % 100) * USEC_PER_SEC;
                in.thin_linear_timeouts = seed & 1;
                in.early_retrans = seed % 5;
                in.user_timeout_us = (seed & 8) ? (1 + seed % 60000) * 1000 : 0;
                in.zw_backoff = seed % 4;
                for (int s = 0; s < _SCENARIO_MAX; s++) {
                        run(&in, s, r);
                        test_assert(r->detect_min_us <= r->detect_us);
                        test_assert(r->detect_us <= r->detect_max_us);
                        test_assert(r->n_events >= 2);
                        test_assert(r->events[r->n_events - 1].kind == EVENT_ABORT);
                        for (size_t e = 1; e < r->n_events; e++)
                                test_assert(r->events[e].t_us >= r->events[e - 1].t_us);
                }
        }
        free(r);
}

/* fuzz-model found it: with the probes already out (zw_probes_out >=
 * retries2) the pending probe timer can abort at offset 0, and min was
 * j_to_us(0 - 1): 20496382 hours. */
static void test_zero_window_probes_out(void) {
        struct model_input in;
        struct model_result *r = calloc(1, sizeof(*r));
        for (unsigned probes = 14; probes <= 255; probes = probes < 20 ? probes + 1 : probes * 2) {
                model_input_defaults(&in);
                in.zw_probes_out = probes;
                in.zw_backoff = probes % 3;
                run(&in, SCENARIO_ZERO_WINDOW, r);
                test_assert(r->detect_min_us <= r->detect_us);
                test_assert(r->detect_us <= r->detect_max_us);
                test_assert(r->detect_max_us < 200 * USEC_PER_SEC);
        }
        free(r);
}

static void test_synack_ignores_rto_max(void) {
        /* Measured on 6.18 (tests/kernel synack_3_max1s): 15.4 s with
         * tcp_rto_max_ms=1000, the same as with 120 s. */
        struct model_input in;
        struct model_result *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
        model_input_defaults(&in);
        in.synack_retries = 3;
        run(&in, SCENARIO_ACCEPT, a);
        in.rto_max_us = 1000000;
        run(&in, SCENARIO_ACCEPT, b);
        test_assert_int(a->detect_us, b->detect_us);
        test_assert(b->detect_min_us <= 15434000 && 15434000 <= b->detect_max_us);
        free(a);
        free(b);
}

static void test_fin_wait_2_above_60(void) {
        /* Measured on 6.18 (tests/kernel fin_wait2_70): 20.281 s, not 70 s. */
        struct model_input in;
        struct model_result *r = calloc(1, sizeof(*r));
        model_input_defaults(&in);
        in.fin_timeout_us = 70 * USEC_PER_SEC;
        run(&in, SCENARIO_FIN_WAIT_2, r);
        test_assert(r->detect_min_us <= 20281000 && 20281000 <= r->detect_max_us);
        test_assert_int(r->naive_us, 70000000);
        free(r);
}

static void test_thin_streams(void) {
        struct model_input in;
        struct model_result *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
        model_input_defaults(&in);
        in.retries2 = 6;
        run(&in, SCENARIO_ESTABLISHED, a);
        in.thin_linear_timeouts = true;
        run(&in, SCENARIO_ESTABLISHED, b); /* cubic: six linear RTOs first */
        test_assert(b->n_events > a->n_events);
        in.cc_bbr = true; /* bbr never qualifies (MODEL.md §5.7) */
        run(&in, SCENARIO_ESTABLISHED, b);
        test_assert_int(b->detect_us, a->detect_us);
        test_assert(b->note != NULL);
        free(a);
        free(b);
}

static void test_invalid(void) {
        struct model_input in;
        struct model_result *r = calloc(1, sizeof(*r));
        model_input_defaults(&in);
        in.hz = 0;
        test_assert_int(model_run(&in, SCENARIO_ESTABLISHED, r), -EINVAL);
        model_input_defaults(&in);
        in.segments = 0;
        test_assert_int(model_run(&in, SCENARIO_ESTABLISHED, r), -EINVAL);
        test_assert_int(model_run(&in, _SCENARIO_MAX, r), -EINVAL);
        free(r);
}

int main(void) {
        TEST(test_kernel_cases);
        TEST(test_budget);
        TEST(test_rto);
        TEST(test_worked_numbers);
        TEST(test_monotone_retries2);
        TEST(test_rto_max_caps_intervals);
        TEST(test_user_timeout_bounds);
        TEST(test_ordering_all_scenarios);
        TEST(test_zero_window_probes_out);
        TEST(test_thin_streams);
        TEST(test_synack_ignores_rto_max);
        TEST(test_fin_wait_2_above_60);
        TEST(test_invalid);
        return test_done();
}

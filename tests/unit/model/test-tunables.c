/* SPDX-License-Identifier: MIT */
#include <limits.h>

#include "tunables.h"
#include "test.h"

static void test_lookup(void) {
        const struct tunable *a = tunable_find("tcp_retries2");
        const struct tunable *b = tunable_find("net/ipv4/tcp_retries2");
        const struct tunable *c = tunable_find("net.ipv4.tcp_retries2");
        test_assert(a && a == b && b == c);
        test_assert_str(a->key, "net.ipv4.tcp_retries2");
        test_assert_int(a->def, 15);
        test_assert_int(a->min, 0);
        test_assert_int(a->max, 255);
        test_assert(tunable_find("tcp_nonsense") == NULL);
        test_assert(tunable_find("net..ipv4") == NULL);
        test_assert(tunable_find("net.core.somaxconn") == NULL);
}

static void test_required_keys(void) {
        /* The keys the model and the audit depend on (issue #3). */
        static const char *const required[] = {
                "tcp_retries1", "tcp_retries2", "tcp_orphan_retries", "tcp_fin_timeout",
                "tcp_syn_retries", "tcp_synack_retries", "tcp_syn_linear_timeouts",
                "tcp_rto_min_us", "tcp_rto_max_ms", "tcp_keepalive_time", "tcp_keepalive_intvl",
                "tcp_keepalive_probes", "tcp_early_retrans", "tcp_thin_linear_timeouts",
                "tcp_frto", "tcp_congestion_control", "tcp_sack",
        };
        for (size_t i = 0; i < ELEMENTSOF(required); i++) {
                const struct tunable *t = tunable_find(required[i]);
                if (!t)
                        printf("# missing %s\n", required[i]);
                test_assert(t != NULL);
        }
}

static void test_catalog_consistent(void) {
        size_t n;
        const struct tunable *t = tunable_all(&n);
        test_assert(n >= 17);
        for (size_t i = 0; i < n; i++) {
                test_assert(strncmp(t[i].key, "net.ipv4.tcp_", 13) == 0);
                test_assert(t[i].summary && *t[i].summary && t[i].detail && t[i].source);
                test_assert(t[i].scenarios <= SCENARIO_ALL);
                for (size_t j = 0; j < i; j++)
                        test_assert(strcmp(t[i].key, t[j].key) != 0);
                if (t[i].type == TUNABLE_INT && !t[i].jiffies) {
                        test_assert(t[i].min <= t[i].def && t[i].def <= t[i].max);
                }
        }
}

static void test_defaults_from_kernel(void) {
        /* docs/MODEL.md §12; defaults verified in a fresh namespace of 6.18. */
        static const struct {
                const char *key;
                long def, min, max;
        } cases[] = {
                { "tcp_syn_retries", 6, 1, 127 },         { "tcp_syn_linear_timeouts", 4, 0, 127 },
                { "tcp_synack_retries", 5, 0, 255 },      { "tcp_rto_min_us", 200000, 1, INT_MAX },
                { "tcp_rto_max_ms", 120000, 1000, 120000 }, { "tcp_keepalive_probes", 9, 0, 255 },
                { "tcp_early_retrans", 3, 0, 4 },         { "tcp_orphan_retries", 0, 0, 255 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                const struct tunable *t = tunable_find(cases[i].key);
                long lo, hi;
                test_assert(t != NULL);
                if (!t)
                        continue;
                tunable_range(t, 250, &lo, &hi);
                test_assert_int(t->def, cases[i].def);
                test_assert_int(lo, cases[i].min);
                test_assert_int(hi, cases[i].max);
        }
}

static void test_jiffies_range(void) {
        const struct tunable *t = tunable_find("tcp_keepalive_time");
        long lo, hi;
        tunable_range(t, 250, &lo, &hi);
        test_assert_int(hi, INT_MAX / 250);
        test_assert_int(lo, -(INT_MAX / 250));
        tunable_range(t, 1000, &lo, &hi);
        test_assert_int(hi, INT_MAX / 1000);
        test_assert_int(tunable_check_value(t, "8589934", 250, NULL), 0);
        test_assert_int(tunable_check_value(t, "8589935", 250, NULL), -ERANGE);
        test_assert_int(tunable_check_value(t, "8589934", 1000, NULL), -ERANGE);
}

static void test_check_value(void) {
        const struct tunable *r2 = tunable_find("tcp_retries2");
        long v = 0;
        test_assert_int(tunable_check_value(r2, "010", 250, &v), 0);
        test_assert_int(v, 8);
        test_assert_int(tunable_check_value(r2, "256", 250, NULL), -ERANGE);
        test_assert_int(tunable_check_value(r2, "-1", 250, NULL), -ERANGE);
        test_assert_int(tunable_check_value(r2, "fifteen", 250, NULL), -EINVAL);
        test_assert_int(tunable_check_value(r2, "", 250, NULL), -EINVAL);
        const struct tunable *syn = tunable_find("tcp_syn_retries");
        test_assert_int(tunable_check_value(syn, "0", 250, NULL), -ERANGE);
        test_assert_int(tunable_check_value(syn, "128", 250, NULL), -ERANGE);
        /* fuzz-value: what the kernel refuses on write, as sysctld-check.c
         * models it: a sign on a u8 counter, a number of 21+ characters. */
        test_assert_int(tunable_check_value(r2, "-0", 250, NULL), -ERANGE);
        test_assert_int(tunable_check_value(syn, " -0 ", 250, NULL), -ERANGE);
        test_assert_int(tunable_check_value(r2, "000000000000000000005", 250, NULL), -EINVAL);
        test_assert_int(tunable_check_value(r2, "00000000000000000005", 250, &v), 0);
        test_assert_int(v, 5);
        test_assert_int(tunable_check_value(r2, "0x000000000000000000f", 250, NULL), -EINVAL);
        /* After the number only a space, a tab or a newline. */
        test_assert_int(tunable_check_value(r2, "00\v", 250, NULL), -EINVAL);
        test_assert_int(tunable_check_value(r2, "5\r", 250, NULL), -EINVAL);
        test_assert_int(tunable_check_value(r2, "\v5 \t", 250, &v), 0);
        const struct tunable *fin = tunable_find("tcp_fin_timeout");
        test_assert_int(tunable_check_value(fin, "-0", 250, &v), 0); /* an int: a sign is fine */
        test_assert_int(tunable_check_value(fin, "-5", 250, &v), 0);
        test_assert_int(tunable_check_value(fin, "-000000000000000000005", 250, NULL), -EINVAL);
        const struct tunable *cc = tunable_find("tcp_congestion_control");
        test_assert_int(tunable_check_value(cc, "bbr", 250, NULL), 0);
        test_assert_int(tunable_check_value(cc, "", 250, NULL), -EINVAL);
        test_assert_int(tunable_check_value(cc, "averyveryverylongname", 250, NULL), -EINVAL);
}

static void test_is_default(void) {
        const struct tunable *r2 = tunable_find("tcp_retries2");
        test_assert(tunable_is_default(r2, "15"));
        test_assert(tunable_is_default(r2, "017"));
        test_assert(!tunable_is_default(r2, "8"));
        test_assert(!tunable_is_default(r2, "garbage"));
        const struct tunable *cc = tunable_find("tcp_congestion_control");
        test_assert(tunable_is_default(cc, "bbr"));
}

static void test_scenarios(void) {
        test_assert_int(scenario_from_string("fin-wait-2"), SCENARIO_FIN_WAIT_2);
        test_assert_int(scenario_from_string("established"), SCENARIO_ESTABLISHED);
        test_assert_int(scenario_from_string("Established"), -EINVAL);
        test_assert_str(scenario_to_string(SCENARIO_ZERO_WINDOW), "zero-window");
        for (int s = 0; s < _SCENARIO_MAX; s++)
                test_assert_int(scenario_from_string(scenario_to_string(s)), s);
        const struct tunable *ka = tunable_find("tcp_keepalive_time");
        test_assert_int(ka->scenarios, SCENARIO_BIT(SCENARIO_IDLE));
}

int main(void) {
        TEST(test_lookup);
        TEST(test_required_keys);
        TEST(test_catalog_consistent);
        TEST(test_defaults_from_kernel);
        TEST(test_jiffies_range);
        TEST(test_check_value);
        TEST(test_is_default);
        TEST(test_scenarios);
        return test_done();
}

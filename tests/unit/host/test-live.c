/* SPDX-License-Identifier: MIT */
/* host/live.c: from what was read to what the model takes. */
#include "live.h"
#include "test.h"

/* Governors the kernel lacks are dropped; present ones keep their order. */
static void test_drop_absent(void) {
        size_t n;
        const struct tunable *t = tunable_all(&n);
        struct live live = { .n = n, .value = calloc(n, sizeof(char *)), .error = calloc(n, sizeof(int)) };
        test_assert(live.value && live.error);
        for (size_t i = 0; i < n; i++)
                if (streq(t[i].key, "net.ipv4.tcp_rto_min_us") || streq(t[i].key, "net.ipv4.tcp_rto_max_ms"))
                        live.error[i] = -ENOENT;
                else if (streq(t[i].key, "net.ipv4.tcp_early_retrans"))
                        live.error[i] = -EACCES; /* unreadable is not absent */
        struct model_input in;
        struct model_result r;
        model_input_defaults(&in);
        test_assert_int(model_run(&in, SCENARIO_ESTABLISHED, &r), 0);
        size_t before = r.n_governed_by;
        bool had_min = false;
        for (size_t g = 0; g < before; g++)
                had_min = had_min || streq(r.governed_by[g], "net.ipv4.tcp_rto_min_us");
        test_assert(had_min);
        live_drop_absent(&live, &r);
        test_assert_int(r.n_governed_by, before - 2);
        test_assert_str(r.governed_by[0], "net.ipv4.tcp_retries2");
        for (size_t g = 0; g < r.n_governed_by; g++) {
                test_assert(!streq(r.governed_by[g], "net.ipv4.tcp_rto_min_us"));
                test_assert(!streq(r.governed_by[g], "net.ipv4.tcp_rto_max_ms"));
        }
        bool kept = false;
        for (size_t g = 0; g < r.n_governed_by; g++)
                kept = kept || streq(r.governed_by[g], "net.ipv4.tcp_early_retrans");
        test_assert(kept);
        free(live.value);
        free(live.error);
}

/* Live values become model input; absent keys keep the older kernels'
 * behaviour, and an unknown HZ is reported as assumed. */
static void test_model_input(void) {
        size_t n;
        const struct tunable *t = tunable_all(&n);
        struct live live = { .n = n, .value = calloc(n, sizeof(char *)), .error = calloc(n, sizeof(int)) };
        test_assert(live.value && live.error);
        for (size_t i = 0; i < n; i++)
                if (streq(t[i].key, "net.ipv4.tcp_retries2"))
                        live.value[i] = strdup("7");
                else if (streq(t[i].key, "net.ipv4.tcp_syn_linear_timeouts"))
                        live.error[i] = -ENOENT;
        struct kernel_info k = { .release = (char *) "6.1.0", .hz = 0 };
        struct model_input in;
        bool assumed = false;
        test_assert_int(live_model_input(&live, &k, &in, &assumed), 0);
        test_assert(assumed);
        test_assert_int(in.retries2, 7);
        test_assert_int(in.syn_linear_timeouts, 0);
        test_assert(in.tlp_legacy);
        k.hz = 1000;
        k.release = (char *) "6.18.44";
        test_assert_int(live_model_input(&live, &k, &in, &assumed), 0);
        test_assert(!assumed);
        test_assert_int(in.hz, 1000);
        test_assert(!in.tlp_legacy);
        live_done(&live);
}

int main(void) {
        TEST(test_drop_absent);
        TEST(test_model_input);
        return test_done();
}

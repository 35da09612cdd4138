/* SPDX-License-Identifier: MIT */
/* Each rule fires just past its boundary and not at it. */
#include <stdio.h>

#include "findings.h"
#include "test.h"
#include "tunables.h"

static struct live live_defaults(void) {
        size_t n;
        const struct tunable *t = tunable_all(&n);
        struct live l = { .n = n, .value = calloc(n, sizeof(char *)), .error = calloc(n, sizeof(int)) };
        for (size_t i = 0; i < n; i++) {
                if (t[i].type == TUNABLE_INT)
                        test_assert(asprintf(&l.value[i], "%ld", t[i].def) > 0);
                else
                        l.value[i] = strdup("cubic");
        }
        return l;
}

static void live_set(struct live *l, const char *key, const char *value, int error) {
        size_t n;
        const struct tunable *t = tunable_find(key), *all = tunable_all(&n);
        size_t i = (size_t) (t - all);
        free(l->value[i]);
        l->value[i] = value ? strdup(value) : NULL;
        l->error[i] = error;
}

/* Results far from every boundary unless a test moves them. */
static void results_quiet(struct model_result *r) {
        for (unsigned s = 0; s < _SCENARIO_MAX; s++)
                r[s] = (struct model_result) { .scenario = s, .detect_us = 200 * USEC_PER_SEC,
                                               .detect_min_us = 199 * USEC_PER_SEC, .detect_max_us = 201 * USEC_PER_SEC };
}

struct fixture {
        struct live live;
        struct model_result results[_SCENARIO_MAX];
        struct policy policy;
        struct findings_input in;
        struct findings f;
};

static void setup(struct fixture *x) {
        *x = (struct fixture) { .live = live_defaults() };
        /* Keepalive below an hour unless a test says otherwise. */
        live_set(&x->live, "tcp_keepalive_time", "600", 0);
        results_quiet(x->results);
        test_assert_int(policy_init(&x->policy), 0);
        x->in = (struct findings_input) { .netns = "host", .live = &x->live, .results = x->results, .hz = 250,
                                          .policy = &x->policy };
}

static size_t run(struct fixture *x) {
        findings_done(&x->f);
        test_assert_int(findings_run(&x->in, &x->f), 0);
        return x->f.n;
}

static const struct finding *find(const struct fixture *x, const char *id) {
        for (size_t i = 0; i < x->f.n; i++)
                if (streq(x->f.items[i].id, id))
                        return &x->f.items[i];
        return NULL;
}

static void teardown(struct fixture *x) {
        findings_done(&x->f);
        live_done(&x->live);
        policy_done(&x->policy);
}

static void test_quiet(void) {
        struct fixture x;
        setup(&x);
        test_assert_int(run(&x), 0);
        test_assert_int(x.f.count[SEVERITY_WARNING], 0);
        teardown(&x);
}

static void test_slow_established(void) {
        struct fixture x;
        setup(&x);
        x.results[SCENARIO_ESTABLISHED].detect_max_us = 300 * USEC_PER_SEC; /* exactly the 5m limit */
        run(&x);
        test_assert(!find(&x, "slow-established"));
        x.results[SCENARIO_ESTABLISHED].detect_max_us = 300 * USEC_PER_SEC + 1;
        x.results[SCENARIO_ESTABLISHED].detect_us = 938700000;
        run(&x);
        const struct finding *f = find(&x, "slow-established");
        test_assert(f != NULL);
        if (f) {
                test_assert_int(f->severity, SEVERITY_WARNING);
                test_assert(strstr(f->evidence, "15m 38.7s") != NULL);
                test_assert(strstr(f->evidence, "limit of 5m") != NULL);
                test_assert(strstr(f->fix, "tcptune advise --detect-within 5m") != NULL);
                /* rfc1122 meets 5m without raising below-rfc1122; fast-failover would. */
                test_assert(strstr(f->fix, "tcptune profile apply rfc1122") != NULL);
                test_assert(strstr(f->fix, "fast-failover") == NULL);
        }
        test_assert_int(x.f.count[SEVERITY_WARNING], 1);
        /* A never-firing scenario is over any limit. */
        x.results[SCENARIO_ESTABLISHED] = (struct model_result) { .never = true };
        run(&x);
        test_assert(find(&x, "slow-established") != NULL);
        teardown(&x);
}

static void test_policy_limits(void) {
        struct fixture x;
        setup(&x);
        const char *text = "[limits]\nestablished = off\nconnect = 30s\n";
        policy_done(&x.policy);
        test_assert_int(policy_parse("p", text, strlen(text), &x.policy, NULL), 0);
        x.results[SCENARIO_ESTABLISHED].detect_max_us = 3600 * USEC_PER_SEC;
        x.results[SCENARIO_CONNECT].detect_max_us = 30 * USEC_PER_SEC;
        x.results[SCENARIO_CONNECT].detect_min_us = 29 * USEC_PER_SEC;
        run(&x);
        test_assert(!find(&x, "slow-established"));
        test_assert(!find(&x, "slow-connect"));
        x.results[SCENARIO_CONNECT].detect_max_us = 30 * USEC_PER_SEC + 1;
        run(&x);
        const struct finding *f = find(&x, "slow-connect");
        test_assert(f && strstr(f->fix, "--detect-within 30s --scenario connect"));
        teardown(&x);
}

static void test_keepalive(void) {
        struct fixture x;
        setup(&x);
        live_set(&x.live, "tcp_keepalive_time", "3599", 0);
        run(&x);
        test_assert(!find(&x, "keepalive-hours"));
        live_set(&x.live, "tcp_keepalive_time", "3600", 0);
        run(&x);
        test_assert(find(&x, "keepalive-hours") != NULL);
        /* An idle limit in the policy replaces the rule. */
        x.policy.limit_us[SCENARIO_IDLE] = 7200 * USEC_PER_SEC;
        x.policy.limit_text[SCENARIO_IDLE] = strdup("2h");
        run(&x);
        test_assert(!find(&x, "keepalive-hours"));
        test_assert(!find(&x, "slow-idle"));
        teardown(&x);
}

static void test_rfc1122(void) {
        struct fixture x;
        setup(&x);
        x.results[SCENARIO_ESTABLISHED].detect_min_us = 100 * USEC_PER_SEC;
        run(&x);
        test_assert(!find(&x, "below-rfc1122"));
        x.results[SCENARIO_ESTABLISHED].detect_min_us = 100 * USEC_PER_SEC - 1;
        live_set(&x.live, "tcp_retries2", "7", 0);
        run(&x);
        const struct finding *f = find(&x, "below-rfc1122");
        test_assert(f && strstr(f->evidence, "tcp_retries2 = 7"));
        test_assert(f && f->severity == SEVERITY_WARNING && strstr(f->fix, "profile apply rfc1122"));
        teardown(&x);
}

/* The profile a fix names ends the finding: its [expect] bounds fit the
 * limit and RFC 1122 unless the limit is under 100 s, where below-rfc1122
 * is what the policy asked for and only info. */
static void test_profile_per_limit(void) {
        static const struct {
                const char *limit, *profile; /* NULL: no shipped profile fits */
                enum severity rfc;
        } cases[] = {
                { "20s", NULL, SEVERITY_INFO },
                { "29s", NULL, SEVERITY_INFO },
                { "30s", "fast-failover", SEVERITY_INFO },
                { "1m", "fast-failover", SEVERITY_INFO },
                { "99s", "fast-failover", SEVERITY_INFO },
                { "100s", NULL, SEVERITY_WARNING },
                { "119s", NULL, SEVERITY_WARNING },
                { "2m", "rfc1122", SEVERITY_WARNING },
                { "5m", "rfc1122", SEVERITY_WARNING },
                { "1h", "rfc1122", SEVERITY_WARNING },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct fixture x;
                char *text = NULL;
                setup(&x);
                policy_done(&x.policy);
                test_assert(asprintf(&text, "[limits]\nestablished = %s\n", cases[i].limit) > 0);
                test_assert_int(policy_parse("p", text, strlen(text), &x.policy, NULL), 0);
                /* Over every limit, and under 100 s: both rules fire. */
                x.results[SCENARIO_ESTABLISHED] = (struct model_result) {
                        .detect_us = 7200 * USEC_PER_SEC, .detect_min_us = 10 * USEC_PER_SEC,
                        .detect_max_us = 7200 * USEC_PER_SEC };
                run(&x);
                const struct finding *slow = find(&x, "slow-established"), *rfc = find(&x, "below-rfc1122");
                test_assert(slow && rfc);
                if (slow && rfc) {
                        const char *named = strstr(slow->fix, "profile apply ");
                        if (cases[i].profile) {
                                test_assert(named && streq(named + strlen("profile apply "), cases[i].profile));
                        } else
                                test_assert(named == NULL);
                        test_assert_int(rfc->severity, cases[i].rfc);
                        /* below-rfc1122's fix never names a profile that brings slow-established back */
                        named = strstr(rfc->fix, "profile apply ");
                        test_assert(!named || (cases[i].profile && strstr(named, cases[i].profile)));
                }
                test_assert_int(x.f.count[SEVERITY_WARNING], cases[i].rfc == SEVERITY_WARNING ? 2 : 1);
                free(text);
                teardown(&x);
        }
}

static void test_values(void) {
        struct fixture x;
        setup(&x);
        live_set(&x.live, "tcp_syn_retries", "127", 0);
        run(&x);
        test_assert(!find(&x, "out-of-range"));
        live_set(&x.live, "tcp_syn_retries", "128", 0);
        live_set(&x.live, "tcp_retries2", "lots", 0);
        run(&x);
        const struct finding *f = find(&x, "out-of-range");
        test_assert(f && strstr(f->evidence, "tcp_syn_retries = 128") && strstr(f->evidence, "1..127"));
        test_assert(f && f->severity == SEVERITY_CRITICAL);
        test_assert(find(&x, "not-a-number") != NULL);
        /* Critical findings come first. */
        test_assert(x.f.n >= 2 && x.f.items[0].severity == SEVERITY_CRITICAL);
        teardown(&x);
}

static void test_unreadable(void) {
        struct fixture x;
        setup(&x);
        live_set(&x.live, "tcp_rto_max_ms", NULL, -ENOENT);
        run(&x);
        test_assert(!find(&x, "unreadable"));
        live_set(&x.live, "tcp_retries2", NULL, -EACCES);
        run(&x);
        const struct finding *f = find(&x, "unreadable");
        test_assert(f && strstr(f->evidence, "/proc/sys/net/ipv4/tcp_retries2: Permission denied"));
        test_assert(f && f->fix && strstr(f->fix, "root"));
        teardown(&x);
}

static void test_drift(void) {
        struct fixture x;
        setup(&x);
        struct findings_drift d[] = {
                { "net.ipv4.tcp_retries2", "15", "15", "/etc/sysctl.d/90-a.conf", 3, false, NULL },
                { "net.ipv4.tcp_syn_retries", "6", "200", "/etc/sysctl.d/90-a.conf", 4, false, "out of range (1-127)" },
        };
        x.in.drift = d;
        x.in.n_drift = 2;
        run(&x);
        test_assert(!find(&x, "drift"));
        const struct finding *f = find(&x, "boot-rejected");
        test_assert(f && strstr(f->evidence, "/etc/sysctl.d/90-a.conf:4"));
        d[0].live = "8";
        d[0].drift = true;
        run(&x);
        f = find(&x, "drift");
        test_assert(f && strstr(f->evidence, "tcp_retries2 is 8 live, but /etc/sysctl.d/90-a.conf:3 sets 15"));
        teardown(&x);
}

static void test_conflict(void) {
        struct fixture x;
        setup(&x);
        struct sysctld *s = sysctld_new();
        const char *a = "net.ipv4.tcp_retries2 = 8\nnet.ipv4.tcp_syn_retries = 3\n";
        const char *b = "net.ipv4.tcp_retries2 = 5\nnet.ipv4.tcp_syn_retries = 3\n";
        test_assert(s != NULL);
        test_assert_int(sysctld_parse_buffer(s, "/etc/sysctl.d/10-a.conf", a, strlen(a)), 0);
        test_assert_int(sysctld_parse_buffer(s, "/etc/sysctl.d/20-b.conf", b, strlen(b)), 0);
        struct root defaults;
        test_assert_int(root_open(TESTS_DATA_DIR "/../fixtures/defaults", &defaults), 0);
        test_assert_int(sysctld_finish(s, &defaults), 0);
        root_done(&defaults);
        x.in.sysctld = s;
        run(&x);
        size_t n = 0;
        for (size_t i = 0; i < x.f.n; i++)
                n += streq(x.f.items[i].id, "dropin-conflict");
        /* The same value twice is no conflict. */
        test_assert_int(n, 1);
        const struct finding *f = find(&x, "dropin-conflict");
        test_assert(f && strstr(f->evidence, "/etc/sysctl.d/10-a.conf:1 sets tcp_retries2 = 8"));
        test_assert(f && strstr(f->evidence, "/etc/sysctl.d/20-b.conf:1 sets 5, which wins"));
        test_assert(f && f->severity == SEVERITY_INFO);
        sysctld_free(s);
        teardown(&x);
}

static void test_netns(void) {
        struct fixture x;
        setup(&x);
        struct live host = live_defaults();
        live_set(&host, "tcp_keepalive_time", "600", 0);
        x.in.host = &host;
        x.in.netns = "ns1";
        run(&x);
        test_assert(!find(&x, "netns-differs"));
        live_set(&x.live, "tcp_retries2", "7", 0);
        run(&x);
        const struct finding *f = find(&x, "netns-differs");
        test_assert(f && strstr(f->evidence, "ns1 differs from the host: tcp_retries2 7 (host 15)"));
        live_done(&host);

        /* A namespace that vanished: that finding only. */
        x.in.netns_error = -ENOENT;
        x.in.netns_path = "/proc/42/ns/net";
        x.in.host = NULL;
        test_assert_int(run(&x), 1);
        f = find(&x, "netns-unavailable");
        test_assert(f && strstr(f->evidence, "vanished during the scan"));
        teardown(&x);
}

static void test_silence(void) {
        struct fixture x;
        setup(&x);
        x.results[SCENARIO_ESTABLISHED].detect_max_us = 900 * USEC_PER_SEC;
        x.policy.silence = realloc(x.policy.silence, 2 * sizeof(char *));
        x.policy.silence[0] = strdup("slow-established");
        x.policy.silence[1] = NULL;
        test_assert_int(run(&x), 0);
        test_assert_int(x.f.n_silenced, 1);
        test_assert_int(x.f.count[SEVERITY_WARNING], 0);
        teardown(&x);
}

static void test_ids(void) {
        test_assert(finding_id_known("drift"));
        test_assert(finding_id_known("slow-zero-window"));
        test_assert(!finding_id_known("slow"));
        test_assert(!finding_id_known(""));
}

int main(void) {
        TEST(test_quiet);
        TEST(test_slow_established);
        TEST(test_policy_limits);
        TEST(test_keepalive);
        TEST(test_rfc1122);
        TEST(test_profile_per_limit);
        TEST(test_values);
        TEST(test_unreadable);
        TEST(test_drift);
        TEST(test_conflict);
        TEST(test_netns);
        TEST(test_silence);
        TEST(test_ids);
        return test_done();
}

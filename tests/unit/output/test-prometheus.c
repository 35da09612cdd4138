/* SPDX-License-Identifier: MIT */
/* The textfile format: escaping, +Inf, HELP/TYPE once per family, every
 * family's samples together. */
#include <stdio.h>

#include "live.h"
#include "model-input.h"
#include "output-prometheus.h"
#include "test.h"
#include "tunables.h"

static void test_escape(void) {
        char *s = prometheus_escape_label("a\"b\\c\nd");
        test_assert_str(s, "a\\\"b\\\\c\\nd");
        free(s);
        s = prometheus_escape_label("pid:42");
        test_assert_str(s, "pid:42");
        free(s);
        s = prometheus_escape_label("");
        test_assert_str(s, "");
        free(s);
        /* not UTF-8: each byte \\xNN; valid UTF-8 kept */
        s = prometheus_escape_label("ns\xff\xc3\xa9\xe2\x82");
        test_assert_str(s, "ns\\\\xff\xc3\xa9\\\\xe2\\\\x82");
        free(s);
}

static void test_seconds(void) {
        char buf[32];
        test_assert_str(prometheus_seconds(UINT64_MAX, buf, sizeof(buf)), "+Inf");
        test_assert_str(prometheus_seconds(938700000, buf, sizeof(buf)), "938.7");
        test_assert_str(prometheus_seconds(204000, buf, sizeof(buf)), "0.204");
        test_assert_str(prometheus_seconds(0, buf, sizeof(buf)), "0");
}

static void fill_ns(struct audit_ns *ns, const char *label, const char *retries2) {
        size_t n;
        const struct tunable *t = tunable_all(&n);
        struct kernel_info k = { .hz = 250 };
        *ns = (struct audit_ns) { .label = strdup(label) };
        ns->live = (struct live) { .n = n, .value = calloc(n, sizeof(char *)), .error = calloc(n, sizeof(int)) };
        for (size_t i = 0; i < n; i++)
                if (t[i].type == TUNABLE_INT)
                        test_assert(asprintf(&ns->live.value[i], "%ld", t[i].def) > 0);
        free(ns->live.value[0]);
        ns->live.value[0] = strdup(retries2); /* tcp_retries2 comes first */
        live_model_input(&ns->live, &k, &ns->in, NULL);
        ns->in.outage = true; /* as audit_collect() does */
        ns->results = calloc(_SCENARIO_MAX, sizeof(*ns->results));
        for (unsigned s = 0; s < _SCENARIO_MAX; s++)
                test_assert_int(model_run(&ns->in, s, &ns->results[s]), 0);
}

#define N_FAMILIES 9

/* Index of the family a sample line belongs to, by name prefix. */
static int family_of(const char *line) {
        static const char *const fam[] = { "tcptune_detect_seconds", "tcptune_sysctl_value", "tcptune_drift",
                                           "tcptune_findings", "tcptune_audit_timestamp_seconds",
                                           "tcptune_survivable_outage_seconds", "tcptune_outage_resume_within_seconds",
                                           "tcptune_failing_sockets", "tcptune_sockets_local_address_gone" };
        for (int i = 0; i < N_FAMILIES; i++) {
                size_t l = strlen(fam[i]);
                if (strncmp(line, fam[i], l) == 0 && (line[l] == '{' || line[l] == ' '))
                        return i;
        }
        return -1;
}

static void test_report(void) {
        struct audit_ns ns[2];
        struct findings_drift drift = { "net.ipv4.tcp_retries2", "8", "15", "/etc/sysctl.d/a.conf", 1, true, NULL };
        fill_ns(&ns[0], "host", "8");
        fill_ns(&ns[1], "we\"ird\\ns\n", "15");
        ns[0].boot_config = true;
        ns[0].drift = &drift;
        ns[0].n_drift = 1;
        ns[0].findings.count[SEVERITY_WARNING] = 2;
        ns[1].findings.count[SEVERITY_INFO] = 1;
        /* idle never fires in the second namespace */
        ns[1].results[SCENARIO_IDLE].never = true;
        /* sockets read in the first only (the second as under --root) */
        ns[0].sockets = (struct audit_sockets) { .read = true, .total = 5, .failing = 2, .gone = 1 };
        ns[0].sockets.failing_by_timer[SOCK_TIMER_RETRANSMIT] = 2;
        struct audit_report rep = { .ns = ns, .n_ns = 2, .timestamp = 1764651234 };

        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        test_assert_int(output_prometheus(f, &rep), 0);
        fclose(f);

        int last = -1, seen[N_FAMILIES] = {}, help[N_FAMILIES] = {}, type[N_FAMILIES] = {};
        unsigned samples = 0;
        char *save = NULL;
        for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                if (strncmp(line, "# HELP ", 7) == 0 || strncmp(line, "# TYPE ", 7) == 0) {
                        int fi = family_of(line + 7);
                        test_assert(fi >= 0);
                        if (fi < 0)
                                continue;
                        (line[2] == 'H' ? help : type)[fi]++;
                        if (line[2] == 'T')
                                test_assert(strstr(line, " gauge") != NULL);
                        continue;
                }
                int fi = family_of(line);
                test_assert(fi >= 0);
                if (fi < 0)
                        continue;
                samples++;
                /* Grouped: once a family is left, it never comes back. */
                if (fi != last) {
                        test_assert(!seen[fi]);
                        test_assert(help[fi] == 1 && type[fi] == 1);
                        seen[fi] = 1;
                        last = fi;
                }
        }
        for (int i = 0; i < N_FAMILIES; i++) {
                test_assert_int(help[i], 1);
                test_assert_int(type[i], 1);
        }
        /* 2 x 7 x 3 detect, 2 x 18 integer tunables, 1 drift, 2 x 3 findings, 1 timestamp,
         * 2 x 2 x 6 outage (fin-wait-2 sends nothing), 7 timers + 1 address-gone in the first */
        size_t n_int = 0, n;
        const struct tunable *t = tunable_all(&n);
        for (size_t i = 0; i < n; i++)
                n_int += t[i].type == TUNABLE_INT;
        test_assert_int(samples, 42 + 2 * n_int + 1 + 6 + 1 + 24 + 8);
        free(buf);

        f = open_memstream(&buf, &len);
        test_assert_int(output_prometheus(f, &rep), 0);
        fclose(f);
        test_assert(strstr(buf, "tcptune_detect_seconds{netns=\"host\",scenario=\"established\",bound=\"min\"} ") != NULL);
        test_assert(strstr(buf, "tcptune_detect_seconds{netns=\"we\\\"ird\\\\ns\\n\",scenario=\"idle\",bound=\"max\"} +Inf\n") != NULL);
        test_assert(strstr(buf, "tcptune_sysctl_value{netns=\"host\",key=\"net.ipv4.tcp_retries2\"} 8\n") != NULL);
        test_assert(strstr(buf, "tcptune_drift{netns=\"host\",key=\"net.ipv4.tcp_retries2\"} 1\n") != NULL);
        test_assert(strstr(buf, "tcptune_findings{netns=\"host\",severity=\"warning\"} 2\n") != NULL);
        test_assert(strstr(buf, "tcptune_audit_timestamp_seconds 1764651234\n") != NULL);
        test_assert(strstr(buf, "tcptune_failing_sockets{netns=\"host\",timer=\"retransmit\"} 2\n") != NULL);
        test_assert(strstr(buf, "tcptune_failing_sockets{netns=\"host\",timer=\"probe\"} 0\n") != NULL);
        test_assert(strstr(buf, "tcptune_sockets_local_address_gone{netns=\"host\"} 1\n") != NULL);
        test_assert(strstr(buf, "tcptune_failing_sockets{netns=\"we") == NULL);
        test_assert(strstr(buf, "tcptune_survivable_outage_seconds{netns=\"host\",scenario=\"fin-wait-2\"}") == NULL);
        /* tcp_retries2 8: RTO #8, the last transmission before the abort */
        test_assert(strstr(buf, "tcptune_survivable_outage_seconds{netns=\"host\",scenario=\"established\"} ") != NULL);
        /* tcp_retries2 8 vs 15: the detect figures differ between the namespaces. */
        test_assert(strstr(buf, "tcptune_detect_seconds{netns=\"host\",scenario=\"established\",bound=\"typical\"} 938.7\n") == NULL);
        free(buf);

        /* No namespace with drift: the family is left out, not empty. */
        ns[0].n_drift = 0;
        f = open_memstream(&buf, &len);
        test_assert_int(output_prometheus(f, &rep), 0);
        fclose(f);
        test_assert(strstr(buf, "tcptune_drift") == NULL);
        free(buf);

        ns[0].drift = NULL;
        for (int i = 0; i < 2; i++) {
                free(ns[i].label);
                live_done(&ns[i].live);
                free(ns[i].results);
        }
}

int main(void) {
        TEST(test_escape);
        TEST(test_seconds);
        TEST(test_report);
        return test_done();
}

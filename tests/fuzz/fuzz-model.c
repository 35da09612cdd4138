/* SPDX-License-Identifier: MIT */
/* The model's option parsers over arbitrary text, then the model on what
 * they accept. Each line is "OPTION ARG" as `tcptune model` takes it:
 *   hz N | set KEY=VALUE | keepalive IDLE,INTVL,CNT | local-failure KIND[@DUR]
 *   rtt DUR | rto DUR | user-timeout DUR | segments N | backoff N | probes N
 * model_input_set(), model_input_parse_keepalive() and
 * model_input_parse_local_failure() either refuse (input untouched but
 * for the field they own) or accept; durations go through parse_duration()
 * with the CLI's bounds (model-input.h: MODEL_RTT_MAX_US, MODEL_RTO_MAX_US,
 * MODEL_USER_TIMEOUT_MAX_US, as cmd_parse_assumptions() and cmd-model.c
 * check them). Every scenario must then run,
 * without UB (UBSan), with min <= typical <= max, events in time order
 * and within their arrays. */
#include <inttypes.h>
#include <limits.h>

#include "fuzz.h"
#include "model-input.h"
#include "parse.h"

static void option(struct model_input *in, const char *opt, const char *arg) {
        uint64_t u;
        int r;
        if (streq(opt, "hz")) {
                if (parse_uint(arg, 10000, &u) == 0 && (u == 100 || u == 250 || u == 300 || u == 1000))
                        in->hz = (unsigned) u;
        } else if (streq(opt, "set")) {
                _cleanup_free_ char *kv = strdup(arg);
                fuzz_assert(kv);
                char *eq = strchr(kv, '=');
                if (!eq)
                        return;
                *eq = '\0';
                r = model_input_set(in, kv, eq + 1);
                fuzz_oom(r);
                fuzz_assert(r == 0 || r == -ENOENT || r == -EINVAL || r == -ERANGE);
        } else if (streq(opt, "keepalive")) {
                struct model_input before = *in;
                r = model_input_parse_keepalive(in, arg);
                fuzz_oom(r);
                fuzz_assert(r == 0 || r == -EINVAL || r == -ERANGE);
                if (r < 0)
                        fuzz_assert(memcmp(&before, in, sizeof(before)) == 0);
                else {
                        fuzz_assert(in->keepalive_from_socket);
                        fuzz_assert(in->keepalive_time_us >= USEC_PER_SEC && in->keepalive_time_us <= 32767 * USEC_PER_SEC);
                        fuzz_assert(in->keepalive_intvl_us >= USEC_PER_SEC && in->keepalive_intvl_us <= 32767 * USEC_PER_SEC);
                        fuzz_assert(in->keepalive_time_us % USEC_PER_SEC == 0 && in->keepalive_intvl_us % USEC_PER_SEC == 0);
                        fuzz_assert(in->keepalive_probes >= 1 && in->keepalive_probes <= 127);
                }
        } else if (streq(opt, "local-failure")) {
                struct model_input before = *in;
                r = model_input_parse_local_failure(in, arg);
                fuzz_assert(r == 0 || r == -EINVAL || r == -ERANGE);
                if (r < 0)
                        fuzz_assert(memcmp(&before, in, sizeof(before)) == 0);
                else
                        fuzz_assert(in->local_failure != LOCAL_FAILURE_NONE &&
                                    in->local_failure_before_send == !strchr(arg, '@') &&
                                    in->local_failure_at_us <= MODEL_AT_MAX_US);
        } else if (streq(opt, "rtt")) {
                if (parse_duration(arg, &u) == 0 && u <= MODEL_RTT_MAX_US)
                        in->srtt_us = u;
        } else if (streq(opt, "rto")) {
                if (parse_duration(arg, &u) == 0 && u > 0 && u <= MODEL_RTO_MAX_US)
                        in->rto_us = u;
        } else if (streq(opt, "user-timeout")) {
                if (parse_duration(arg, &u) == 0 && u <= MODEL_USER_TIMEOUT_MAX_US)
                        in->user_timeout_us = u;
        } else if (streq(opt, "segments")) {
                if (parse_uint(arg, 100000, &u) == 0 && u > 0)
                        in->segments = (unsigned) u;
        } else if (streq(opt, "backoff")) {
                if (parse_uint(arg, 255, &u) == 0)
                        in->zw_backoff = (unsigned) u;
        } else if (streq(opt, "probes")) {
                if (parse_uint(arg, 255, &u) == 0)
                        in->zw_probes_out = (unsigned) u;
        }
}

static void check_result(const struct model_result *m, enum scenario s) {
        fuzz_assert(m->scenario == s);
        fuzz_assert(m->n_events <= MODEL_MAX_EVENTS);
        fuzz_assert(m->n_governed_by <= MODEL_MAX_GOVERNORS);
        for (size_t i = 0; i < m->n_governed_by; i++)
                fuzz_assert(m->governed_by[i] && *m->governed_by[i]);
        if (m->never)
                return;
        if (m->detect_min_us > m->detect_us || m->detect_us > m->detect_max_us)
                fprintf(stderr, "%s: min %" PRIu64 " typical %" PRIu64 " max %" PRIu64 "\n", scenario_to_string(s),
                        m->detect_min_us, m->detect_us, m->detect_max_us);
        fuzz_assert(m->detect_min_us <= m->detect_us && m->detect_us <= m->detect_max_us);
        for (size_t i = 1; i < m->n_events; i++)
                fuzz_assert(m->events[i - 1].t_us <= m->events[i].t_us);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = strndup((const char *) data, size);
        struct model_input in;

        fuzz_assert(text);
        model_input_defaults(&in);
        for (char *line = text, *next; line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                char *sp = strchr(line, ' ');
                if (!sp)
                        continue;
                *sp = '\0';
                option(&in, line, sp + 1);
        }
        _cleanup_free_ struct model_result *m = malloc(sizeof(*m));
        fuzz_assert(m);
        for (unsigned s = 0; s < _SCENARIO_MAX; s++) {
                int r = model_run(&in, s, m);
                fuzz_assert(r == 0);
                check_result(m, s);
        }
        return 0;
}

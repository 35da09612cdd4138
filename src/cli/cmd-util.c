/* SPDX-License-Identifier: MIT */
#include <inttypes.h>

#include "escape.h"
#include "cmd-util.h"
#include "cmd.h"
#include "log.h"
#include "model-input.h"
#include "netns.h"
#include "parse.h"
#include "sysctl.h"
#include "sysctld.h"
#include "tunables.h"

int cmd_exit_from_errno(int r) {
        switch (r) {
        case -EINVAL:
        case -ENOENT:
        case -ELOOP:
        case -EISDIR:
        case -ENOTDIR:
        case -ENXIO:
        case -EFBIG:
        case -ERANGE:
        case -ENAMETOOLONG:
                return EXIT_USAGE;
        default:
                return r < 0 ? EXIT_OPERATION : EXIT_OK;
        }
}

int cmd_parse_scenario(const char *arg, unsigned *mask) {
        int r = scenario_from_string(arg);
        if (r < 0) {
                log_error("--scenario '%s': not a scenario (established, idle, connect, accept, orphan, fin-wait-2, "
                          "zero-window)", arg);
                return EXIT_USAGE;
        }
        *mask |= SCENARIO_BIT(r);
        return EXIT_OK;
}

int cmd_bad_duration(const char *opt, const char *arg, int r) {
        if (r == -ERANGE)
                log_error("%s '%s': too large", opt, arg);
        else
                log_error("%s '%s': not a duration (try 80ms, 1.5s, 2m)", opt, arg);
        return EXIT_USAGE;
}

int cmd_parse_assumptions(struct model_input *in, const char *rtt, const char *rto, const char *segments) {
        uint64_t u;
        int r;

        if (rtt && (r = parse_duration(rtt, &in->srtt_us)) < 0)
                return cmd_bad_duration("--rtt", rtt, r);
        if (rtt && in->srtt_us > MODEL_RTT_MAX_US) {
                log_error("--rtt '%s': more than the kernel keeps (srtt_us, 32 bits: at most %" PRIu64 "us)", rtt,
                          MODEL_RTT_MAX_US);
                return EXIT_USAGE;
        }
        if (rto) {
                if ((r = parse_duration(rto, &in->rto_us)) < 0)
                        return cmd_bad_duration("--rto", rto, r);
                if (in->rto_us == 0) {
                        log_error("--rto '%s': an RTO is never 0", rto);
                        return EXIT_USAGE;
                }
                if (in->rto_us > MODEL_RTO_MAX_US) {
                        log_error("--rto '%s': more than the kernel's largest RTO (TCP_RTO_MAX, 120s)", rto);
                        return EXIT_USAGE;
                }
        }
        if (segments) {
                if (parse_uint(segments, 100000, &u) < 0 || u == 0) {
                        log_error("--segments '%s': a count of packets, at least 1", segments);
                        return EXIT_USAGE;
                }
                in->segments = (unsigned) u;
        }
        return EXIT_OK;
}

int cmd_enter_netns(const char *spec) {
        _cleanup_free_ char *path = NULL;
        int r = netns_resolve(spec, &path);
        if (r == -ENOMEM)
                return log_error("out of memory"), EXIT_OPERATION;
        if (r < 0)
                return log_error("--netns '%s': not a namespace name, path or pid:PID", spec), EXIT_USAGE;
        r = netns_enter(path);
        if (r == -ENOENT)
                log_error("--netns '%s': %s does not exist (ip netns list shows the names)", spec, path);
        else if (r == -EINVAL)
                log_error("--netns '%s': %s is not a network namespace", spec, path);
        else if (r < 0)
                log_error("--netns '%s': cannot enter %s: %s", spec, path, strerror(-r));
        return cmd_exit_from_errno(r);
}

bool cmd_report_live(const char *root, const struct live *live, unsigned hz) {
        size_t n;
        const struct tunable *t = tunable_all(&n);
        bool bad = live_report_errors(root, live, NULL) > 0;
        for (size_t i = 0; i < n && i < live->n; i++) {
                if (!live->value[i] || t[i].type != TUNABLE_INT ||
                    tunable_check_value(&t[i], live->value[i], hz_or_assumed(hz), NULL) >= 0)
                        continue;
                _cleanup_free_ char *path = sysctl_path(root, t[i].key);
                log_error("%s: '%s' is not a value the kernel holds; the figures use the default %ld",
                          path ? path : t[i].key, live->value[i], t[i].def);
                bad = true;
        }
        return bad;
}

int cmd_sysctld_refused(const struct sysctld *s) {
        const struct sysctld_diag *d = sysctld_refused(s);
        if (!d)
                return EXIT_OK;
        _cleanup_free_ char *f = d->file ? escape_text(d->file, SIZE_MAX) : NULL,
                            *m = escape_text(d->message, SIZE_MAX);
        if (d->file && d->line)
                log_error("%s:%u: %s", f ? f : "?", d->line, m ? m : d->message);
        else
                log_error("%s: %s", f ? f : "sysctl.d", m ? m : d->message);
        return EXIT_USAGE;
}

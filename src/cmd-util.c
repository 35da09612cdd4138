/* SPDX-License-Identifier: MIT */
#include "cmd-util.h"
#include "cmd.h"
#include "log.h"
#include "netns.h"
#include "parse.h"

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
        if (rto) {
                if ((r = parse_duration(rto, &in->rto_us)) < 0)
                        return cmd_bad_duration("--rto", rto, r);
                if (in->rto_us == 0) {
                        log_error("--rto '%s': an RTO is never 0", rto);
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
                return log_error("--netns '%s': %s does not exist (ip netns list shows the names)", spec, path),
                       EXIT_USAGE;
        if (r == -EINVAL)
                return log_error("--netns '%s': %s is not a network namespace", spec, path), EXIT_USAGE;
        if (r < 0)
                return log_error("--netns '%s': cannot enter %s: %s", spec, path, strerror(-r)), EXIT_OPERATION;
        return EXIT_OK;
}

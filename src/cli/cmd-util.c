/* SPDX-License-Identifier: MIT */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "cmd-util.h"
#include "cmd.h"
#include "escape.h"
#include "log.h"
#include "model-input.h"
#include "netns.h"
#include "parse.h"
#include "suggest.h"
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

int cmd_fail(int status, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        va_start(ap, fmt);
        int r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        log_error("%s", r < 0 ? "out of memory" : msg);
        return status;
}

int cmd_fail_errno(int err, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        va_start(ap, fmt);
        int r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        log_error("%s: %s", r < 0 ? "out of memory" : msg, strerror(err < 0 ? -err : err));
        return cmd_exit_from_errno(err < 0 ? err : -err);
}

void cmd_log_error(const struct error *e, int r) {
        _cleanup_free_ char *line = error_format(e);
        if (line)
                log_error("%s", line);
        else
                log_error("%s", r == -ENOMEM || error_is_set(e) ? "out of memory" : strerror(-r));
}

void cmd_log_at(const char *file, unsigned line, const char *message) {
        _cleanup_free_ char *l = error_format_at(file, line, message);
        log_error("%s", l ? l : "out of memory");
}

int cmd_fail_error(const struct error *e, int r) {
        cmd_log_error(e, r);
        return cmd_exit_from_errno(r);
}

/* Accepted after any command too: main.c takes them out of its argv. */
static const char *const global_option_names[] = { "json", "format", "netns", "root" };

static int unknown_option(const char *cmd, const struct option *options, const char *arg, size_t len) {
        _cleanup_free_ char *name = strndup(arg, len), *safe = name ? escape_text(name, 200) : NULL;
        struct suggest sg;
        suggest_init(&sg, name ? name + 2 : NULL);
        for (const struct option *o = options; o->name; o++)
                suggest_add(&sg, o->name);
        for (size_t i = 0; i < ELEMENTSOF(global_option_names); i++)
                suggest_add(&sg, global_option_names[i]);
        const char *near = suggest_result(&sg);
        if (near)
                return cmd_fail(EXIT_USAGE, "%s%soption '%s' is unknown (did you mean '--%s'?)", strempty(cmd),
                                cmd ? ": " : "", strempty(safe), near);
        return cmd_fail(EXIT_USAGE, "%s%soption '%s' is unknown (see tcptune %s%s--help)", strempty(cmd),
                        cmd ? ": " : "", strempty(safe), strempty(cmd), cmd ? " " : "");
}

int cmd_check_options(const char *cmd, const struct option *options, int argc, char **argv, bool stop_at_operand) {
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                if (streq(a, "--"))
                        break;
                if (a[0] != '-') {
                        if (stop_at_operand)
                                break;
                        continue;
                }
                if (!startswith(a, "--"))
                        continue;
                size_t len = strcspn(a + 2, "=");
                const struct option *o = NULL;
                for (const struct option *p = options; p->name && !o; p++)
                        if (strlen(p->name) == len && strncmp(p->name, a + 2, len) == 0)
                                o = p;
                if (!o)
                        return unknown_option(cmd, options, a, len + 2);
                if (o->has_arg == required_argument && !a[2 + len])
                        i++;
        }
        return EXIT_OK;
}

int cmd_bad_option(const char *cmd, const struct option *options, char **argv) {
        const char *a = argv[optind - 1];
        for (const struct option *o = options; optopt && o->name; o++)
                if (o->val == optopt && o->has_arg == required_argument)
                        return cmd_fail(EXIT_USAGE, "%s: option '--%s' needs a value", cmd, o->name);
        if (startswith(a, "--"))
                return unknown_option(cmd, options, a, strcspn(a, "="));
        if (optopt > 0 && optopt < 0x80)
                return cmd_fail(EXIT_USAGE, "%s: option '-%c' is unknown (see tcptune %s --help)", cmd, optopt, cmd);
        _cleanup_free_ char *safe = escape_text(a, 200);
        return cmd_fail(EXIT_USAGE, "%s: option '%s' is unknown (see tcptune %s --help)", cmd, strempty(safe), cmd);
}

int cmd_parse_scenario(const char *arg, unsigned *mask) {
        int r = scenario_from_string(arg);
        if (r < 0) {
                struct suggest sg;
                suggest_init(&sg, arg);
                for (int i = 0; i < _SCENARIO_MAX; i++)
                        suggest_add(&sg, scenario_to_string((enum scenario) i));
                const char *near = suggest_result(&sg);
                _cleanup_free_ char *safe = escape_text(arg, 200);
                if (near)
                        return cmd_fail(EXIT_USAGE, "--scenario '%s': not a scenario (did you mean '%s'?)",
                                        strempty(safe), near);
                return cmd_fail(EXIT_USAGE, "--scenario '%s': not a scenario (established, idle, connect, accept, "
                                "orphan, fin-wait-2, zero-window)", strempty(safe));
        }
        *mask |= SCENARIO_BIT(r);
        return EXIT_OK;
}

const char *cmd_nearest_key(const char *typed, const char *const *keys) {
        size_t n;
        const struct tunable *t = tunable_all(&n);
        const char *word = typed;
        for (const char *p = typed; *p; p++)
                if (*p == '.' || *p == '/')
                        word = p + 1;
        struct suggest sg;
        suggest_init(&sg, word);
        for (size_t i = 0; keys ? keys[i] != NULL : i < n; i++)
                suggest_add(&sg, tunable_short_key(keys ? keys[i] : t[i].key));
        return suggest_result(&sg);
}

int cmd_bad_duration(const char *opt, const char *arg, int r) {
        if (r == -ERANGE)
                return cmd_fail(EXIT_USAGE, "%s '%s': too large", opt, arg);
        return cmd_fail(EXIT_USAGE, "%s '%s': not a duration (try 80ms, 1.5s, 2m)", opt, arg);
}

/* An RTT above this is no path TCP runs over: a value in the wrong unit. */
#define RTT_PLAUSIBLE_MAX_US (10 * USEC_PER_SEC)

int cmd_parse_assumptions(struct model_input *in, const char *rtt, const char *rto, const char *segments) {
        uint64_t u;
        int r;

        /* Bare numbers are milliseconds, as ss -ti prints rtt: and rto:. */
        if (rtt) {
                if ((r = parse_duration_unit(rtt, USEC_PER_MSEC, &in->srtt_us)) < 0)
                        return cmd_bad_duration("--rtt", rtt, r);
                if (in->srtt_us > RTT_PLAUSIBLE_MAX_US)
                        return cmd_fail(EXIT_USAGE, "--rtt '%s': a round trip of more than 10s is no TCP path "
                                        "(a bare number is milliseconds, as ss -ti prints rtt:)", rtt);
        }
        if (rto) {
                if ((r = parse_duration_unit(rto, USEC_PER_MSEC, &in->rto_us)) < 0)
                        return cmd_bad_duration("--rto", rto, r);
                if (in->rto_us == 0)
                        return cmd_fail(EXIT_USAGE, "--rto '%s': an RTO is never 0", rto);
                if (in->rto_us > in->rto_max_us) {
                        _cleanup_free_ char *max = format_duration(in->rto_max_us);
                        return cmd_fail(EXIT_USAGE, "--rto '%s': above tcp_rto_max (%s), which no RTO exceeds "
                                        "(a bare number is milliseconds, as ss -ti prints rto:)", rto, strempty(max));
                }
                if (in->rto_us < in->rto_min_us) {
                        _cleanup_free_ char *got = format_duration(in->rto_us), *min = format_duration(in->rto_min_us);
                        log_warning("--rto '%s': %s is below tcp_rto_min (%s): only a route's rto_min allows that "
                                    "(a bare number is milliseconds)", rto, strempty(got), strempty(min));
                }
                if (in->rto_us > MODEL_RTO_MAX_US)
                        return cmd_fail(EXIT_USAGE, "--rto '%s': more than the kernel's largest RTO (TCP_RTO_MAX, "
                                        "120s)", rto);
        }
        if (segments) {
                if (parse_uint(segments, 100000, &u) < 0 || u == 0)
                        return cmd_fail(EXIT_USAGE, "--segments '%s': a count of packets, at least 1", segments);
                in->segments = (unsigned) u;
        }
        return EXIT_OK;
}

int cmd_enter_netns(const char *spec) {
        _cleanup_free_ char *path = NULL;
        int r = netns_resolve(spec, &path);
        if (r == -ENOMEM)
                return cmd_fail(EXIT_OPERATION, "out of memory");
        if (r < 0)
                return cmd_fail(EXIT_USAGE, "--netns '%s': not a namespace name, path or pid:PID", spec);
        r = netns_enter(path);
        if (r == -ENOENT)
                return cmd_fail(EXIT_USAGE, "--netns '%s': %s does not exist (ip netns list shows the names)", spec,
                                path);
        if (r == -EINVAL)
                return cmd_fail(EXIT_USAGE, "--netns '%s': %s is not a network namespace", spec, path);
        if (r < 0)
                return cmd_fail_errno(r, "--netns '%s': cannot enter %s", spec, path);
        return EXIT_OK;
}

bool cmd_report_live_error(const struct root *root, const char *key, int error) {
        const char *why = live_unreadable(error);
        if (!why)
                return false;
        /* Keys from sysctl.d files may hold any byte: log.c escapes them. */
        _cleanup_free_ char *path = sysctl_path(root, key);
        log_error("%s: %s", path ? path : key, why);
        return true;
}

size_t cmd_report_live_errors(const struct root *root, const struct live *l, const struct tunable *only) {
        size_t n, logged = 0;
        const struct tunable *t = tunable_all(&n);
        for (size_t i = 0; i < n && i < l->n; i++)
                if ((!only || only == &t[i]) && cmd_report_live_error(root, t[i].key, l->error[i]))
                        logged++;
        return logged;
}

bool cmd_report_live(const struct root *root, const struct live *live, unsigned hz) {
        size_t n;
        const struct tunable *t = tunable_all(&n);
        bool bad = cmd_report_live_errors(root, live, NULL) > 0;
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
        cmd_log_at(d->file, d->line, d->message);
        return EXIT_USAGE;
}

int cmd_sysctld_unreadable(const struct sysctld *s) {
        int status = EXIT_OK;
        for (size_t i = 0; s && i < s->n_diags; i++)
                if (s->diags[i].error) {
                        cmd_log_at(s->diags[i].file, s->diags[i].line, s->diags[i].message);
                        status = EXIT_OPERATION;
                }
        return status;
}

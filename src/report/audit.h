/* SPDX-License-Identifier: MIT */
/* What `tcptune audit` reads and computes, for one network namespace or
 * all of them: live values, detection times from the model, drift against
 * sysctl.d (the namespace systemd-sysctl configures at boot only) and the
 * findings. One report struct that every emitter renders; no printing. */
#pragma once

#include "findings.h"
#include "kernel.h"
#include "model.h"
#include "policy.h"
#include "sock-predict.h"
#include "sysctld.h"

/* The namespace's TCP sockets that are failing now (sockets.h), summed
 * up: audit reads them with the tunables, from the running kernel only
 * (never under --root: a fixture root has no sockets, and the host's
 * would not belong to it). */
struct audit_sockets {
        bool read;                      /* false: not looked at (--root) */
        int error;                      /* < 0: the dump failed; the counts are 0 */
        size_t total;                   /* TCP sockets */
        size_t failing;                 /* a retransmission or probe out, or the address gone */
        size_t failing_by_timer[_SOCK_TIMER_MAX];
        size_t gone;                    /* local address no longer assigned */
        bool aborts;                    /* some failing socket will be aborted: the soonest is */
        uint64_t abort_min_us, abort_max_us;  /* from the audit */
        int abort_error;                /* the errno it reads; 0: no application */
};

struct audit_ns {
        char *label;                    /* "host", --netns as typed, a /run/netns name, "pid:PID" */
        char *path;                     /* namespace file; NULL: the one tcptune runs in */
        char *process;                  /* "pid:PID" ones: the process's comm, unescaped; else NULL */
        char *cgroup;                   /* "pid:PID" ones: "docker <id12>", a unit...; else NULL */
        int error;                      /* < 0: could not be entered or vanished (nothing else is filled) */
        bool boot_config;               /* sysctl.d applies here: drift was checked */
        struct live live;
        struct model_input in;
        bool hz_assumed;
        struct model_result *results;   /* _SCENARIO_MAX, indexed by scenario */
        struct findings_drift *drift;   /* catalog keys sysctl.d sets, in sysctl.d order */
        size_t n_drift;
        struct sysctld_check *checks;   /* private: owns drift[].live */
        struct findings findings;
        struct audit_sockets sockets;
};

struct audit_report {
        const struct kernel_info *kernel;
        const struct policy *policy;
        const char *netns;              /* --netns as typed (borrowed), or NULL */
        struct sysctld *sysctld;        /* owned; NULL when no namespace is the boot one */
        struct audit_ns *ns;            /* ns[0] is the host or the --netns namespace */
        size_t n_ns, cap_ns;
        bool all_netns;
        bool all_tunables;              /* --all: the whole catalog in text */
        uint64_t timestamp;             /* Unix seconds (SOURCE_DATE_EPOCH in tests) */
        unsigned count[_SEVERITY_MAX];  /* findings over every namespace */
        size_t n_silenced;
};

/* Audit the namespace we are in (label: the --netns spec, kept as
 * ->netns, or NULL for "host", the boot one) or, with all_netns, every
 * namespace of the host, entering each with setns() and coming back. Per-key read failures and
 * namespaces that cannot be entered are findings, not failures. Returns
 * 0, -ENOMEM, or -errno when we could not return to our own namespace
 * (the report is then unusable). Free with audit_report_done(). */
int audit_run(const struct root *root, const struct kernel_info *k, const struct policy *p, const char *label,
              bool all_netns, struct audit_report *ret);
void audit_report_done(struct audit_report *r);

/* Append a namespace to rep, labelled label made unique within the report
 * (a taken label gets "#2", "#3", ...: /run/netns may hold one named
 * "host"), with path copied (NULL: the one tcptune runs in). Returns 0 or
 * -ENOMEM. */
int audit_add_ns(struct audit_report *rep, const char *label, const char *path);

/* Fill ns from the namespace we are in: live values, model, (with s)
 * drift and, on the host (not a --root tree), the failing sockets. Returns 0 or -ENOMEM. */
int audit_collect(const struct root *root, const struct kernel_info *k, const struct sysctld *s, struct audit_ns *ns);


/* SPDX-License-Identifier: MIT */
/* Audit rules -> findings: pure, no I/O. Each finding has a stable id
 * (tcptune(8), FINDINGS), a severity, the evidence and the fix. Input is
 * what the audit read of one network namespace and what the model made of
 * it. */
#pragma once

#include "finding.h"
#include "live.h"
#include "model.h"
#include "policy.h"
#include "sysctld.h"

struct finding {
        const char *id;           /* stable, static storage */
        enum severity severity;
        char *subject;            /* the key, scenario or namespace it is about; NULL */
        char *evidence;           /* one sentence with the figures */
        char *fix;                /* what to do; NULL when nothing applies */
};

/* A catalog key sysctl.d sets at boot, against the live value. */
struct findings_drift {
        const char *key;          /* canonical */
        const char *live;         /* normalised; NULL when unreadable or absent */
        const char *boot;         /* the value sysctl.d writes */
        const char *file;         /* host path of the drop-in */
        unsigned line;
        bool drift;               /* live differs from what the kernel holds after the boot write */
        const char *problem;      /* the kernel or systemd-sysctl rejects the boot value; NULL: fine */
};

struct findings_input {
        const char *netns;                    /* label ("host", a name, "pid:42") */
        int netns_error;                      /* < 0: the namespace could not be read (nothing else is used) */
        const char *netns_path;
        const struct live *live;
        const struct live *host;              /* compare with the host's values (--all-netns); NULL: don't */
        const struct model_result *results;   /* _SCENARIO_MAX, indexed by scenario */
        unsigned hz;
        bool hz_assumed;
        const struct findings_drift *drift;   /* NULL/0: not checked */
        size_t n_drift;
        const struct sysctld *sysctld;        /* for conflicting drop-ins; NULL: not checked */
        const struct policy *policy;
};

struct findings {
        struct finding *items;    /* critical first, then warning, info; rule order within */
        size_t n;
        size_t n_silenced;        /* matched a silenced id and left out */
        unsigned count[_SEVERITY_MAX];
};

/* Run every rule. Returns 0 or -ENOMEM (*ret untouched). */
int findings_run(const struct findings_input *in, struct findings *ret);
void findings_done(struct findings *f);

/* RFC 1122 4.2.3.5: R2 for data must correspond to at least 100 seconds. */
#define FINDINGS_RFC1122_R2_USEC (100 * USEC_PER_SEC)
/* keepalive-hours: tcp_keepalive_time from this many seconds on. */
#define FINDINGS_KEEPALIVE_HOURS_S 3600

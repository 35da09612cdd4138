/* SPDX-License-Identifier: MIT */
/* The ids of the findings the audit can raise, with their severity:
 * listed in tcptune(8), FINDINGS, and named by the policy file. */
#include "finding.h"
#include "tunables.h"

const struct finding_kind finding_kinds[] = {
        { "unreadable",        SEVERITY_CRITICAL, "a /proc/sys entry exists but cannot be read" },
        { "not-a-number",      SEVERITY_CRITICAL, "a live integer value does not parse" },
        { "out-of-range",      SEVERITY_CRITICAL, "a live value is outside the kernel's documented range" },
        { "slow-established",  SEVERITY_WARNING,  "established: latest detection over the policy limit (default 5m)" },
        { "slow-idle",         SEVERITY_WARNING,  "idle: latest detection over the policy limit" },
        { "slow-connect",      SEVERITY_WARNING,  "connect: latest detection over the policy limit" },
        { "slow-accept",       SEVERITY_WARNING,  "accept: latest detection over the policy limit" },
        { "slow-orphan",       SEVERITY_WARNING,  "orphan: latest detection over the policy limit" },
        { "slow-fin-wait-2",   SEVERITY_WARNING,  "fin-wait-2: latest detection over the policy limit" },
        { "slow-zero-window",  SEVERITY_WARNING,  "zero-window: latest detection over the policy limit" },
        { "keepalive-hours",   SEVERITY_WARNING,  "tcp_keepalive_time of an hour or more (no idle limit in the policy)" },
        { "below-rfc1122",     SEVERITY_WARNING,  "established gives up in under 100 s, RFC 1122's minimum" },
        { "drift",             SEVERITY_WARNING,  "a live value differs from what sysctl.d sets at boot" },
        { "boot-rejected",     SEVERITY_WARNING,  "sysctl.d sets a value the kernel refuses" },
        { "dropin-conflict",   SEVERITY_INFO,     "two drop-ins set the same key differently; the loser is named" },
        { "netns-differs",     SEVERITY_WARNING,  "a network namespace's values differ from the host's (--all-netns)" },
        { "netns-unavailable", SEVERITY_WARNING,  "a network namespace could not be entered or vanished (--all-netns)" },
        { "hz-assumed",        SEVERITY_INFO,     "no kernel config found: HZ " STRINGIFY(HZ_ASSUMED) " assumed" },
        {}
};

const char *severity_to_string(enum severity s) {
        static const char *const n[] = { "info", "warning", "critical" };
        return s < _SEVERITY_MAX ? n[s] : NULL;
}

const struct finding_kind *finding_kind_find(const char *id) {
        for (const struct finding_kind *k = finding_kinds; k->id; k++)
                if (streq(k->id, id))
                        return k;
        return NULL;
}

bool finding_id_known(const char *id) {
        return finding_kind_find(id) != NULL;
}

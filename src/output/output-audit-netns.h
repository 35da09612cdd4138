/* SPDX-License-Identifier: MIT */
/* audit --all-netns in text: one table row per group of namespaces with
 * the same values and findings, instead of a full screen for each (with
 * 500 containers that was 14,000 lines). Used by output-audit.c only. */
#pragma once

#include "audit.h"
#include "output.h"

/* How a namespace reads in text: its label, or for "pid:PID" ones the
 * process and its cgroup ("nginx (docker 3f2a1b4c5d6e, pid:812)"),
 * escaped for a terminal. malloc'ed; NULL on OOM. */
char *output_netns_label(const struct audit_ns *ns);

/* Print the table. *ret_detail gets the indexes (into rep->ns) of one
 * namespace per group whose values differ from the host's, for the
 * caller to show in full, with *ret_titles[k] its group's labels
 * ("a, b and 3 more"). Returns 0 or -ENOMEM; both arrays are the
 * caller's (free each title, then both). */
int output_audit_netns_table(const struct output *out, const struct audit_report *rep, size_t **ret_detail,
                             char ***ret_titles, size_t *ret_n);

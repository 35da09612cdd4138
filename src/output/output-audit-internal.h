/* SPDX-License-Identifier: MIT */
/* What output-audit.c's emitters share: the text screen
 * (output-audit-text.c) and the JSON document (output-audit-json.c).
 * Used by those three files only. */
#pragma once

#include "output-audit.h"
#include "tunables.h"

/* Whether t was added after 4.19, the oldest kernel the model covers:
 * the catalog's `since` says which, and the audit says whether this
 * kernel has each. */
bool output_audit_tunable_is_newer(const struct tunable *t);

/* The audit as text, and as the JSON document (tcptune(8), OUTPUT).
 * Return 0 or a negative errno. */
int output_audit_text(const struct output *out, const struct audit_report *rep);
int output_audit_json(const struct output *out, const struct audit_report *rep);

/* SPDX-License-Identifier: MIT */
/* The catalog of finding ids: stable names (tcptune(8), FINDINGS), their
 * severity and meaning. The rules that raise them are report/findings.c. */
#pragma once

#include "util.h"

enum severity {
        SEVERITY_INFO,
        SEVERITY_WARNING,
        SEVERITY_CRITICAL,
        _SEVERITY_MAX,
};
const char *severity_to_string(enum severity s);

/* The finding ids, NULL-terminated, with their severity (for the man page
 * and the policy file's silence list). */
struct finding_kind {
        const char *id;
        enum severity severity;
        const char *meaning;
};
extern const struct finding_kind finding_kinds[];
/* The entry for id, or NULL. */
const struct finding_kind *finding_kind_find(const char *id);
bool finding_id_known(const char *id);

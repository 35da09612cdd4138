/* SPDX-License-Identifier: MIT */
/* The audit policy, /etc/tcptune/tcptune.conf (under --root): detection
 * limits per scenario and finding ids to silence. An INI file read with
 * inih; a missing file is the default policy.
 *
 *   [limits]
 *   established = 5m        ; a duration, or "off"
 *   connect = 30s
 *   [findings]
 *   silence = dropin-conflict netns-differs
 *
 * Debian 12 ships inih r55, which splits lines longer than its 200-byte
 * buffer and takes an indented line as the continuation of the previous
 * value: both are reported as errors here, never guessed at. */
#pragma once

#include "error.h"
#include "root.h"
#include "scenario.h"
#include "util.h"

#define POLICY_FILE "/etc/tcptune/tcptune.conf"

struct policy {
        char *file;                        /* host path read, or NULL (no file: defaults) */
        uint64_t limit_us[_SCENARIO_MAX];  /* latest acceptable detection; 0: no limit */
        char *limit_text[_SCENARIO_MAX];   /* as written ("5m"), for fix lines; NULL: no limit */
        char **silence;                    /* NULL-terminated finding ids; never NULL after load */
};

/* Defaults: established 5 min, nothing silenced. Returns 0 or -ENOMEM. */
int policy_init(struct policy *ret);

/* Load root's POLICY_FILE (links followed inside root). Returns 0 (also
 * when it is missing or /dev/null), -ENOMEM, -EINVAL for a malformed file,
 * or another negative errno when it exists but cannot be read; but for
 * -ENOMEM, err says where (POLICY_FILE and the line, 0 for the whole
 * file) and what. *ret is filled on success only. */
int policy_load(const struct root *root, struct policy *ret, struct error *err);

/* Parse policy text on top of the defaults; `file` names it in err. Same
 * returns. */
int policy_parse(const char *file, const char *buf, size_t len, struct policy *ret, struct error *err);

bool policy_silenced(const struct policy *p, const char *finding_id);
void policy_done(struct policy *p);

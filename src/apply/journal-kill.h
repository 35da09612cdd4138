/* SPDX-License-Identifier: MIT */
/* The journal record of `tcptune sockets --kill`: one entry per socket
 * ended, so that "who reset my connection" has an answer in journalctl.
 * libsystemd comes through sd-dlopen.h: no other command loads it. */
#pragma once

#include "util.h"

/* Journal MESSAGE_ID of every socket killed (systemd-id128 new). */
#define KILL_MESSAGE_ID "481657607ffe49b4a3aad12562c6b2f1"

/* Log one socket ended with SOCK_DESTROY: MESSAGE, MESSAGE_ID, NETNS,
 * LOCAL, REMOTE, STATE, REASON (why it was selected). Only where a journal
 * runs (/run/systemd/journal/socket exists). Returns 0, -EOPNOTSUPP when
 * there is no journal or libsystemd (nothing logged), or the journal's
 * -errno. */
int journal_log_kill(const char *netns, const char *local, const char *remote, const char *state,
                     const char *reason);

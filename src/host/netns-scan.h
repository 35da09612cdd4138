/* SPDX-License-Identifier: MIT */
/* --all-netns: every network namespace on the host, each once. The one we
 * run in ("host") first, then the names in /run/netns (sorted), then the
 * unnamed namespaces of running processes ("pid:PID", lowest PID), deduped
 * by the namespace's st_dev/st_ino. Enumeration only stats; entering is
 * netns_scan_enter(), so a namespace that vanishes in between is reported
 * by the caller, not fatal. */
#pragma once

#include <sys/types.h>

#include "util.h"

struct netns_entry {
        char *label;     /* "host", the /run/netns name, "pid:PID" */
        char *path;      /* NULL for the namespace we run in */
        char *process;   /* "pid:PID" entries: /proc/PID/comm, as read (not escaped); else NULL */
        char *cgroup;    /* "pid:PID" entries: netns_cgroup_label() of its cgroup, or NULL */
        dev_t dev;
        ino_t ino;       /* 0 when it could not be stat'ed (entering will say why) */
};

/* What a container admin calls the cgroup in /proc/PID/cgroup's text
 * (the unified "0::" line, else the first): "docker <id12>" for
 * docker-<id>.scope or /docker/<id>, "podman <id12>" for libpod-<id>,
 * "containerd <id12>" for cri-containerd-<id>, "k8s pod <uid12>" under
 * kubepods, else the last systemd unit (.service, .scope) or the path.
 * Returns a malloc'ed string, NULL for the root cgroup, no cgroup or
 * out of memory. Pure: tests give it text. */
char *netns_cgroup_label(const char *text);

/* Returns the number of entries (>= 1) or -ENOMEM; -errno when even our own
 * namespace cannot be stat'ed. *ret is owned by the caller. */
int netns_scan(struct netns_entry **ret);
void netns_entries_free(struct netns_entry *e, size_t n);

/* Enter e's namespace (a no-op for the host entry), checking that the file
 * still is the namespace enumerated. Returns 0, -ENOENT when it vanished,
 * -ESTALE when the path now names another namespace, or setns()'s errno
 * (-EPERM, -EINVAL). */
int netns_scan_enter(const struct netns_entry *e);

/* Every namespace of the host in turn: scan, then for each entry call
 * visit(entry, enter_error, userdata) from inside it (enter_error < 0:
 * it could not be entered or vanished, and visit runs from our own
 * namespace to record that), and come back to our own namespace before
 * anything else. visit may take ownership of the entry's strings (set
 * them NULL). Stops at the first negative return of visit. Returns 0,
 * visit's negative return, or -errno when scanning failed or we could
 * not return home (then the caller's state is unusable). */
int netns_scan_each(int (*visit)(struct netns_entry *e, int enter_error, void *userdata), void *userdata);

/* SPDX-License-Identifier: MIT */
/* The apply engine: a profile's settings become one sysctl.d drop-in and the
 * live values, atomically, recorded so that revert undoes both; a lock
 * serializes runs; each apply and revert goes to the journal.
 *
 * The engine never prints. Failures return a negative errno and leave
 * what went wrong in the result's struct error (base/error.h: the file,
 * /etc/sysctl.d/x.conf, or none when the message names a key), the first
 * failure winning; the command layer decides what the user hears.
 * Paths in results and messages are as the host sees them (no --root
 * prefix), like sysctld's. */
#pragma once

#include "error.h"
#include "root.h"
#include "util.h"

#define APPLY_DROPIN_DEFAULT "90-tcptune.conf"
/* Longest --dropin name, in bytes (NAME_MAX is 255; room for ".tmp" suffixes). */
#define APPLY_DROPIN_NAME_MAX 200
#define APPLY_SYSCTLD_DIR "/etc/sysctl.d"
#define APPLY_STATE_DIR "/var/lib/tcptune"
#define APPLY_LOCK_DIR "/run/tcptune"
#define APPLY_LOCK_FILE APPLY_LOCK_DIR "/lock"
/* How long a second run waits for the lock before failing. */
#define APPLY_LOCK_TIMEOUT_USEC (5 * USEC_PER_SEC)
/* Journal MESSAGE_ID of every apply and revert (systemd-id128 new). */
#define APPLY_MESSAGE_ID "ee416a0d0bc5464384b71238cddb974b"

struct apply_setting {
        const char *key;   /* canonical dotted, e.g. net.ipv4.tcp_retries2 */
        const char *value;
};

struct apply_request {
        const struct root *root;   /* open (root_open()); the host's "/" or a --root tree */
        bool netns;                /* the process is in another namespace: live values only */
        const char *dropin;        /* file name in /etc/sysctl.d; NULL: APPLY_DROPIN_DEFAULT */
        const char *profile_name;  /* apply only */
        const char *profile_file;  /* apply only; may be NULL */
        const struct apply_setting *settings;
        size_t n_settings;
        bool dry_run;              /* compute and report, write nothing, take no lock (apply and revert) */
        bool reload;               /* restart systemd-sysctl.service instead of writing /proc/sys */
};

enum apply_dropin_action {
        APPLY_DROPIN_NONE,      /* --netns: no drop-in */
        APPLY_DROPIN_KEPT,      /* already what it should be */
        APPLY_DROPIN_WRITTEN,   /* written (or would be, with dry_run) */
        APPLY_DROPIN_RESTORED,  /* revert: the previous one is back */
        APPLY_DROPIN_REMOVED,   /* revert: there was none before */
};
const char *apply_dropin_action_to_string(enum apply_dropin_action a);

struct apply_change {
        char *key;
        char *old;   /* live value before */
        char *new;   /* live value after (what was written) */
};

struct apply_result {
        char *dropin_path;                  /* host path; NULL with netns */
        enum apply_dropin_action dropin;
        struct apply_change *changes;       /* live values changed, in write order */
        size_t n_changes;
        bool nothing_to_revert;             /* revert: no state recorded */
        struct error error;                 /* on failure: the first, which names the cause */
};
void apply_result_done(struct apply_result *r);

/* Is NAME a drop-in file name we accept: no '/', not hidden, ends ".conf"? */
bool apply_dropin_name_valid(const char *name);

/* The drop-in's content for these settings: a header naming tcptune, the
 * profile and a hash of the settings, then "key = value" lines in order.
 * Nothing else: no version, no profile path, no timestamp, so the bytes
 * change only when the profile's name or settings do. Malloc'ed; NULL on
 * OOM. */
char *apply_dropin_content(const char *profile_name, const struct apply_setting *settings, size_t n);

/* Whether a live value equals what the kernel would hold after writing
 * `want`: integers compare by value ("010" is 8, vectors by element),
 * anything else by text with blanks collapsed. */
bool apply_value_same(const char *live, const char *want);

/* Apply. Returns 0 when everything was already in place (nothing written),
 * 1 when something changed (with dry_run: is pending), or a negative errno
 * with ret->error set (also for -ENOMEM); on failure nothing is left changed: live values
 * written are restored in reverse order, the drop-in and state are as
 * before. ret is filled in every case; free it with apply_result_done(). */
int apply_run(const struct apply_request *req, struct apply_result *ret);

/* Revert what apply recorded: the previous live values, the previous
 * drop-in (or its absence, byte for byte, mode too), then remove the state.
 * Uses req->root, netns, dropin (NULL: the recorded one; otherwise it must
 * match), reload, dry_run. Returns 0 when there was nothing to revert or
 * nothing differed, 1 when something changed (with dry_run: would; the
 * result lists it, nothing is written), or a negative errno (nothing left
 * half-restored: the state is kept so revert can be retried). */
int apply_revert(const struct apply_request *req, struct apply_result *ret);

/* What `profile active` says: the profile the state record names, and
 * whether it still holds. */
enum apply_active_dropin {
        APPLY_ACTIVE_DROPIN_NONE,      /* --netns: no drop-in */
        APPLY_ACTIVE_DROPIN_AS_WRITTEN,  /* the bytes apply writes for these settings */
        APPLY_ACTIVE_DROPIN_CHANGED,   /* edited or replaced since */
        APPLY_ACTIVE_DROPIN_MISSING,   /* removed since */
};
const char *apply_active_dropin_to_string(enum apply_active_dropin d);

struct apply_active_key {
        char *key;
        char *want;    /* as the last apply set it */
        char *live;    /* NULL: unreadable (live_error) */
        int live_error;
        bool holds;    /* live is what the kernel holds after writing want */
};

struct apply_active {
        bool none;                     /* nothing recorded */
        char *profile;
        char *profile_file;            /* as recorded; may be NULL */
        char *dropin_path;             /* host path; NULL with netns */
        enum apply_active_dropin dropin;
        uint64_t applied_usec;         /* CLOCK_REALTIME of the last apply that wrote something (the record's mtime) */
        struct apply_active_key *keys;
        size_t n_keys;
        size_t n_differences;          /* keys not holding, plus the drop-in not as written */
        struct error error;            /* on failure */
};
void apply_active_done(struct apply_active *a);

/* Read what apply recorded (req->root, netns) and compare it with the
 * live values and the drop-in now; reads only, takes no lock. Returns 0
 * when everything holds, 1 when something drifted, -ENOENT with
 * ret->none when nothing is recorded, or another negative errno with
 * ret->error (the record cannot be read or is malformed, or predates the
 * "set" lines). ret is filled in every case; free with apply_active_done(). */
int apply_active_read(const struct apply_request *req, struct apply_active *ret);

/* Is PID 1 systemd (sd_booted()), so that --reload can work? */
bool apply_reload_available(void);

/* SPDX-License-Identifier: MIT */
/* What apply.c and apply-revert.c share with their helpers. Not part of the
 * engine's interface: apply.h never includes it, nor does anything outside
 * src/apply (but the unit test).
 *
 * The sections go bottom-up, as the files call each other: each uses only
 * the sections above it, so there is no cycle between the files either.
 *   apply-result.c   results, messages, value comparison (apply.h's helpers)
 *   apply-fs.c       file operations that never follow a symbolic link
 *   apply-state.c    the state record
 *   apply-journal.c  the journal and systemd-sysctl
 *   apply-run.c      a run: lock, directories, live writes with rollback
 *   apply.c, apply-revert.c use all of them. */
#pragma once

#include <signal.h>
#include <sys/types.h>

#include "apply.h"

/* The largest previous drop-in apply records (and so revert restores):
 * far beyond any real sysctl.d file, whose lines systemd-sysctl cuts at
 * 1 MiB. The state record holds it in hex, plus one line per key. */
#define APPLY_DROPIN_MAX_MIB 4
#define APPLY_DROPIN_MAX ((size_t) APPLY_DROPIN_MAX_MIB << 20)
#define APPLY_STATE_MAX_MIB (2 * APPLY_DROPIN_MAX_MIB + 1)
#define APPLY_STATE_MAX ((size_t) APPLY_STATE_MAX_MIB << 20)
/* Mode bits a recorded drop-in may have: what tcptune writes back, never
 * setuid, setgid, sticky or world-writable. */
#define APPLY_STATE_MODE_MASK 0775

/* --- apply-result.c. Failures go to res->error with error_set(): the
 * first wins, as it names the cause; later ones are consequences. */

/* "is a symbolic link; refusing to follow it", ..., or strerror. */
const char *apply_fs_problem(int r);
const char *apply_live_problem(int r);
/* Append a change (copies of the strings). Returns 0 or -ENOMEM. */
int apply_add_change(struct apply_result *res, const char *key, const char *old, const char *new);

/* --- apply-fs.c: every path below root, opened one component at a time
 * with O_NOFOLLOW, so a planted link cannot lead outside. */

/* Open directory `dir` (host path, "/etc/sysctl.d") under root. With create,
 * missing components are made with mode 0755 (*ret_created says whether the
 * last one was). Returns an fd, or -ELOOP (a component is a symbolic link),
 * -ENOTDIR, -ENOENT (without create) or another negative errno. */
int applyfs_open_dir(const struct root *root, const char *dir, bool create, bool *ret_created);

/* Read a regular file in dfd whole (base/fileio.h's read_full_fd()).
 * Returns 0, -ENOENT (absent), -ELOOP (a symbolic link), -EISDIR, -ENXIO
 * (not a regular file), -EFBIG (over max bytes) or an errno.
 * *ret_data is malloc'ed and NUL-terminated. */
int applyfs_read(int dfd, const char *name, size_t max, char **ret_data, size_t *ret_len, mode_t *ret_mode);

/* Replace `name` in dfd atomically with base/atomic-write.h's
 * atomic_write_at() (temp ".NAME.XXXXXX", fsync, rename, fsync the
 * directory; the temp is unlinked on any failure before the rename).
 * Refuses -ELOOP/-EISDIR/-ENXIO when name exists and is not a regular file. Returns 0 or a negative errno; *ret_renamed says
 * whether the new file is in place (a failing directory fsync comes after). */
int applyfs_write_atomic(int dfd, const char *name, const char *data, size_t len, mode_t mode,
                         bool *ret_renamed);

/* Unlink name (absent is fine) and fsync the directory. */
int applyfs_unlink(int dfd, const char *name);

/* Remove temp files ".NAME.*" a killed run left behind (we hold the lock,
 * so no other run is writing them). */
void applyfs_clean_temps(int dfd, const char *name);

/* flock(LOCK_EX) on root's /run/tcptune/lock, polling until timeout_usec.
 * Returns the fd holding it, -EWOULDBLOCK on timeout, or an errno. */
int applyfs_lock(const struct root *root, uint64_t timeout_usec);

/* --- apply-state.c: what revert restores. One text file per target, the
 * host's "state" or a namespace's "netns-BOOTID-COOKIE.state", in /var/lib/tcptune. */

struct apply_state {
        char *profile;
        char *profile_file;
        char *dropin;          /* host path of the drop-in; NULL with netns */
        bool had_dropin;       /* a drop-in existed before the first apply */
        mode_t dropin_mode;
        char *dropin_data;     /* its bytes (NUL-terminated copy) */
        size_t dropin_len;
        bool created_dir;      /* /etc/sysctl.d did not exist before */
        size_t n;
        char **keys;           /* live values before the first apply */
        char **values;
        size_t n_set;
        char **set_keys;       /* what the last apply set ("set" lines; none in */
        char **set_values;     /*   records of tcptune before `profile active`) */
};
void apply_state_done(struct apply_state *s);
/* Remember key's value before the first apply, unless already recorded. */
int apply_state_add(struct apply_state *s, const char *key, const char *value);
const char *apply_state_get(const struct apply_state *s, const char *key);
/* Record the settings an apply sets, replacing those recorded. */
int apply_state_set_settings(struct apply_state *s, const struct apply_setting *settings, size_t n);
/* Serialize; *ret malloc'ed. Returns 0 or -ENOMEM. */
int apply_state_format(const struct apply_state *s, char **ret);
/* Parse what apply_state_format() wrote, trusting nothing: every key is
 * one tcptune writes (canonical, net.*, in the catalog), the drop-in is a
 * file directly in /etc/sysctl.d, its mode within APPLY_STATE_MODE_MASK,
 * values are not empty, and there is at least one live value. Linear in
 * the size. `file` names the record in err. Returns 0, -ENOMEM, or
 * -EBADMSG with err saying what is wrong at which line (1-based; one past
 * the end for a record cut short). */
int apply_state_parse(const char *data, const char *file, struct apply_state *ret, struct error *err);
/* "state", or "netns-BOOTID-COOKIE.state" for the current namespace (netns;
 * "netns-INODE.state" on kernels without SO_NETNS_COOKIE). */
int apply_state_file_name(bool netns, char **ret);

/* --- apply-journal.c */

/* Log an apply or revert ("apply"/"revert") to the journal when its socket
 * exists and root is the host; quietly nothing otherwise. */
void apply_journal(const struct apply_request *req, const char *action, const struct apply_result *res);

/* Restart systemd-sysctl.service over D-Bus and wait for its job. Returns 0,
 * -EOPNOTSUPP when PID 1 is not systemd, or a negative errno with err
 * saying what failed (but for -ENOMEM and PID 1 not systemd). */
int apply_reload_sysctl(struct error *err);

/* --- apply-run.c: what apply.c and apply-revert.c share. */

/* What a run works on: the directories, what is there now, and what was. */
struct run {
        const struct apply_request *req;
        struct apply_result *res;
        const char *dropin_name;
        int lock_fd, etc_fd, sysctld_fd, state_fd;
        sigset_t saved_mask;   /* restored by run_done() */
        bool masked;
        bool created_sysctld, created_state_dir;
        char *state_name;
        char *state_path;      /* APPLY_STATE_DIR/state_name, for messages */
        /* the state file as found */
        char *old_state_data;
        struct apply_state state;
        bool had_state;
        /* the drop-in as found */
        bool had_dropin;
        char *dropin_data;
        size_t dropin_len;
        mode_t dropin_mode;
};

/* applyfs_open_dir() with the message set on failure (not for -ENOENT
 * without create). */
int apply_open_dir(const struct root *root, const char *dir, bool create, bool *ret_created, struct apply_result *res);
/* Write each change's new value (old with use_old) in order; on failure
 * put back the failing key and those already written, last first.
 * Returns 0 or the first error, with the message set. */
int apply_live_write(const struct root *root, const struct apply_change *c, size_t n, bool use_old,
                     struct apply_result *res);

/* Reset res, take the lock (unless !lock: a dry run) and read the state
 * record into run->state. Returns 0 or a negative errno, message set. */
int run_start(struct run *run, const struct apply_request *req, struct apply_result *res, bool lock);
void run_done(struct run *run);
/* Read the drop-in as it is (and remove stale temps). */
int run_read_dropin(struct run *run);
/* Create the state directory (and /etc/sysctl.d with sysctld), 0755. */
int run_ensure_dirs(struct run *run, bool sysctld);
int run_write_state(struct run *run, const char *data);
/* Make the drop-in hold data/mode (NULL: be absent). Returns 1 or a
 * negative errno with the message set. */
int run_put_dropin(struct run *run, const char *data, size_t len, mode_t mode);
/* Back to the state record and drop-in as they were found. */
void run_restore_state(struct run *run);
void run_restore_dropin(struct run *run);

/* SPDX-License-Identifier: MIT */
/* What apply and revert share: the run (its lock, directories, what was
 * found), the first failure in the result, the live writes with rollback, and
 * putting the drop-in and state record back as they were. The invariants
 * are listed in apply.c. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "apply-internal.h"
#include "sysctl.h"

#define STATE_MODE 0644

/* The directory component that failed, for the message: walk down until
 * the prefix cannot be opened. */
static const char *failing_dir(const struct root *root, const char *dir, char **buf) {
        _cleanup_free_ char *copy = strdup(dir);
        if (!copy)
                return dir;
        for (char *slash = strchr(copy + 1, '/');; slash = strchr(slash + 1, '/')) {
                if (slash)
                        *slash = '\0';
                int fd = applyfs_open_dir(root, copy, /* create= */ false, NULL);
                if (fd < 0 || !slash) {
                        if (fd >= 0)
                                close(fd);
                        *buf = strdup(copy);
                        return *buf ? *buf : dir;
                }
                close(fd);
                *slash = '/';
        }
}

int apply_open_dir(const struct root *root, const char *dir, bool create, bool *ret_created, struct apply_result *res) {
        int fd = applyfs_open_dir(root, dir, create, ret_created);
        if (fd < 0 && !(fd == -ENOENT && !create)) {
                _cleanup_free_ char *buf = NULL;
                return error_set(&res->error, fd, failing_dir(root, dir, &buf), 0, "%s", apply_fs_problem(fd));
        }
        return fd;
}

/* Write changes[i].new for i in order; on failure put back the old values
 * of the failing key and those already written, last first. Returns 0 or
 * the first error. */
int apply_live_write(const struct root *root, const struct apply_change *c, size_t n, bool use_old,
                     struct apply_result *res) {
        for (size_t i = 0; i < n; i++) {
                const char *want = use_old ? c[i].old : c[i].new;
                int r = sysctl_write(root, c[i].key, want);
                if (r >= 0)
                        continue;
                /* Put back the failing key too (a vector write can fail
                 * after its first elements are stored: proc_dointvec stores
                 * as it parses; a --root fixture file is truncated), then
                 * the ones written, last first. A failure to restore only
                 * counts where the value really moved. */
                const char *stuck = NULL, *stuck_value = NULL;
                int stuck_r = 0;
                for (size_t j = i + 1; j-- > 0;) {
                        const char *back = use_old ? c[j].new : c[j].old;
                        int k = sysctl_write(root, c[j].key, back);
                        if (k >= 0)
                                continue;
                        _cleanup_free_ char *now = NULL;
                        if (j == i && sysctl_read(root, c[j].key, &now) >= 0 && apply_value_same(now, back))
                                continue;
                        stuck = c[j].key;
                        stuck_value = back;
                        stuck_r = k;
                }
                if (stuck)
                        return error_set(&res->error, r, NULL, 0, "%s = %s: %s; %s could not be restored to %s: %s",
                                         c[i].key, want, strerror(-r), stuck, stuck_value, strerror(-stuck_r));
                return error_set(&res->error, r, NULL, 0, "%s = %s: %s; live values restored", c[i].key, want,
                                 strerror(-r));
        }
        return 0;
}


void run_done(struct run *r) {
        if (r->lock_fd >= 0)
                close(r->lock_fd);
        if (r->masked)
                (void) sigprocmask(SIG_SETMASK, &r->saved_mask, NULL);
        if (r->etc_fd >= 0)
                close(r->etc_fd);
        if (r->sysctld_fd >= 0)
                close(r->sysctld_fd);
        if (r->state_fd >= 0)
                close(r->state_fd);
        free(r->state_name);
        free(r->state_path);
        free(r->old_state_data);
        apply_state_done(&r->state);
        free(r->dropin_data);
}

static int run_init(struct run *run, const struct apply_request *req, struct apply_result *res) {
        *run = (struct run) { .req = req, .res = res, .lock_fd = -1, .etc_fd = -1, .sysctld_fd = -1, .state_fd = -1 };
        run->dropin_name = req->dropin ? req->dropin : APPLY_DROPIN_DEFAULT;
        if (!req->netns && asprintf(&res->dropin_path, APPLY_SYSCTLD_DIR "/%s", run->dropin_name) < 0)
                return -ENOMEM;
        res->dropin = req->netns ? APPLY_DROPIN_NONE : APPLY_DROPIN_KEPT;
        int r = apply_state_file_name(req->netns, &run->state_name);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return error_set(&res->error, r, "/proc/self/ns/net", 0, "%s", strerror(-r));
        if (asprintf(&run->state_path, APPLY_STATE_DIR "/%s", run->state_name) < 0) {
                run->state_path = NULL;
                return -ENOMEM;
        }
        return 0;
}

static int read_state(struct run *run) {
        struct apply_result *res = run->res;
        run->state_fd = apply_open_dir(run->req->root, APPLY_STATE_DIR, false, NULL, res);
        if (run->state_fd == -ENOENT)
                return 0;
        if (run->state_fd < 0)
                return run->state_fd;
        int r = applyfs_read(run->state_fd, run->state_name, APPLY_STATE_MAX, &run->old_state_data, NULL, NULL);
        if (r == -ENOENT)
                return 0;
        if (r == -EFBIG)
                return error_set(&res->error, r, run->state_path, 0, "larger than %d MiB, so not a record tcptune "
                                 "wrote; refusing it (see FILES in tcptune(8))", APPLY_STATE_MAX_MIB);
        if (r < 0)
                return error_set(&res->error, r, run->state_path, 0, "%s", apply_fs_problem(r));
        _cleanup_(error_done) struct error bad = {};
        r = apply_state_parse(run->old_state_data, run->state_path, &run->state, &bad);
        if (r == -EBADMSG)
                return error_set(&res->error, r, bad.file, bad.line, "%s; refusing it: put back the drop-in and live "
                                 "values by hand, then remove the record (see FILES in tcptune(8))",
                                 error_is_set(&bad) ? bad.message : "malformed");
        if (r < 0)
                return error_set(&res->error, r, run->state_path, 0, "%s", strerror(-r));
        run->had_state = true;
        return 0;
}

static int take_lock(const struct root *root, struct apply_result *res) {
        int fd = applyfs_lock(root, APPLY_LOCK_TIMEOUT_USEC);
        if (fd == -EWOULDBLOCK)
                return error_set(&res->error, fd, APPLY_LOCK_FILE, 0,
                                 "another tcptune run holds the lock; try again when it is done");
        if (fd == -ELOOP || fd == -ENOTDIR) {
                /* Name the component that is a link (/run/tcptune, /run),
                 * not the lock file below it. */
                _cleanup_close_ int dfd = apply_open_dir(root, APPLY_LOCK_DIR, false, NULL, res);
                if (dfd < 0 && error_is_set(&res->error))
                        return fd;
        }
        if (fd < 0)
                return error_set(&res->error, fd, APPLY_LOCK_FILE, 0, "%s", apply_fs_problem(fd));
        return fd;
}

/* Reset the result, take the lock (unless a dry run) and read the state. */
int run_start(struct run *run, const struct apply_request *req, struct apply_result *res, bool lock) {
        *res = (struct apply_result) {};
        int r = run_init(run, req, res);
        if (r < 0)
                return r;
        if (lock) {
                run->lock_fd = take_lock(req->root, res);
                if (run->lock_fd < 0)
                        return run->lock_fd;
                /* Ctrl-C, a hangup or a plain kill while we write would
                 * stop us between a write and its rollback. Hold them until
                 * run_done(): they then act, on a consistent host. SIGKILL
                 * cannot be held: see the temp-file note in apply-fs.c. */
                sigset_t hold;
                sigemptyset(&hold);
                sigaddset(&hold, SIGINT);
                sigaddset(&hold, SIGTERM);
                sigaddset(&hold, SIGHUP);
                sigaddset(&hold, SIGQUIT);
                run->masked = sigprocmask(SIG_BLOCK, &hold, &run->saved_mask) == 0;
        }
        return read_state(run);
}

int run_read_dropin(struct run *run) {
        struct apply_result *res = run->res;
        run->etc_fd = apply_open_dir(run->req->root, "/etc", false, NULL, res);
        if (run->etc_fd == -ENOENT)
                return 0;
        if (run->etc_fd < 0)
                return run->etc_fd;
        run->sysctld_fd = apply_open_dir(run->req->root, APPLY_SYSCTLD_DIR, false, NULL, res);
        if (run->sysctld_fd == -ENOENT)
                return 0;
        if (run->sysctld_fd < 0)
                return run->sysctld_fd;
        applyfs_clean_temps(run->sysctld_fd, run->dropin_name);
        int r = applyfs_read(run->sysctld_fd, run->dropin_name, APPLY_DROPIN_MAX, &run->dropin_data, &run->dropin_len,
                             &run->dropin_mode);
        if (r == -ENOENT)
                return 0;
        if (r == -EFBIG)
                return error_set(&res->error, r, res->dropin_path, 0, "larger than %d MiB, more than tcptune "
                                 "records to restore; move it away first", APPLY_DROPIN_MAX_MIB);
        if (r < 0)
                return error_set(&res->error, r, res->dropin_path, 0, "%s", apply_fs_problem(r));
        run->had_dropin = true;
        return 0;
}

/* Make sure the directories exist (mode 0755), for writing. */
int run_ensure_dirs(struct run *run, bool sysctld) {
        const struct root *root = run->req->root;
        if (run->state_fd < 0) {
                run->state_fd = apply_open_dir(root, APPLY_STATE_DIR, true, &run->created_state_dir, run->res);
                if (run->state_fd < 0)
                        return run->state_fd;
        }
        if (run->state_fd >= 0)
                applyfs_clean_temps(run->state_fd, run->state_name);
        if (sysctld && run->sysctld_fd < 0) {
                run->sysctld_fd = apply_open_dir(root, APPLY_SYSCTLD_DIR, true, &run->created_sysctld, run->res);
                if (run->sysctld_fd < 0)
                        return run->sysctld_fd;
                if (run->etc_fd < 0)
                        run->etc_fd = apply_open_dir(root, "/etc", false, NULL, run->res);
                if (run->etc_fd < 0)
                        return run->etc_fd;
        }
        return 0;
}

int run_write_state(struct run *run, const char *data) {
        bool renamed;
        int r = applyfs_write_atomic(run->state_fd, run->state_name, data, strlen(data), STATE_MODE, &renamed);
        if (r < 0)
                return error_set(&run->res->error, r, run->state_path, 0, "cannot record the state: %s",
                                 apply_fs_problem(r));
        return 0;
}

/* Put the state record back as it was found (or its absence). */
void run_restore_state(struct run *run) {
        if (run->state_fd < 0)
                return; /* the directory could not be made: nothing was written */
        if (run->had_state)
                (void) applyfs_write_atomic(run->state_fd, run->state_name, run->old_state_data,
                                            strlen(run->old_state_data), STATE_MODE, NULL);
        else
                (void) applyfs_unlink(run->state_fd, run->state_name);
        if (!run->had_state && run->created_state_dir) {
                _cleanup_close_ int lib = apply_open_dir(run->req->root, "/var/lib", false, NULL, run->res);
                if (lib >= 0)
                        (void) unlinkat(lib, "tcptune", AT_REMOVEDIR);
        }
}

/* Make the drop-in hold data/mode (NULL: be absent). Returns 0, 1 when the
 * file changed, or a negative errno with the message set. */
int run_put_dropin(struct run *run, const char *data, size_t len, mode_t mode) {
        int r;
        if (!data)
                r = applyfs_unlink(run->sysctld_fd, run->dropin_name);
        else
                r = applyfs_write_atomic(run->sysctld_fd, run->dropin_name, data, len, mode, NULL);
        if (r < 0)
                return error_set(&run->res->error, r, run->res->dropin_path, 0, "%s", apply_fs_problem(r));
        return 1;
}

/* Back to the drop-in as found. */
void run_restore_dropin(struct run *run) {
        if (run->req->netns || run->sysctld_fd < 0)
                return;
        (void) run_put_dropin(run, run->had_dropin ? run->dropin_data : NULL, run->dropin_len, run->dropin_mode);
        if (run->created_sysctld && run->etc_fd >= 0)
                (void) unlinkat(run->etc_fd, "sysctl.d", AT_REMOVEDIR);
}


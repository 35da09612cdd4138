/* SPDX-License-Identifier: MIT */
/* The apply engine. Invariants, in the order a run relies on them:
 *  1. One run at a time: everything below happens under the flock on
 *     /run/tcptune/lock (a dry run only reads and takes no lock).
 *  2. The state record is written (atomically) before the drop-in and
 *     before the first live write, so a crash at any later point leaves
 *     enough behind for `revert`.
 *  3. The state keeps what was there before tcptune's *first* apply: a
 *     second apply adds the keys it newly touches and keeps the recorded
 *     drop-in and values, so revert always returns to the host as it was
 *     before tcptune. Keys an earlier profile set and this one does not are
 *     put back to that recorded value.
 *  4. Failure unwinds in reverse: live values written are restored last
 *     first, then the previous drop-in (or its absence), then the previous
 *     state. Nothing is left half-written.
 *  5. No symbolic link is followed below --root (apply-fs.c). */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "apply-internal.h"
#include "parse.h"
#include "sysctl.h"

#define DROPIN_MODE 0644
#define STATE_MODE 0644
#define VECTOR_MAX 16

const char *apply_dropin_action_to_string(enum apply_dropin_action a) {
        static const char *const names[] = {
                [APPLY_DROPIN_NONE] = "none",
                [APPLY_DROPIN_KEPT] = "kept",
                [APPLY_DROPIN_WRITTEN] = "written",
                [APPLY_DROPIN_RESTORED] = "restored",
                [APPLY_DROPIN_REMOVED] = "removed",
        };
        return (unsigned) a < ELEMENTSOF(names) ? names[a] : "?";
}

void apply_result_done(struct apply_result *r) {
        free(r->dropin_path);
        for (size_t i = 0; i < r->n_changes; i++) {
                free(r->changes[i].key);
                free(r->changes[i].old);
                free(r->changes[i].new);
        }
        free(r->changes);
        free(r->error);
        *r = (struct apply_result) {};
}

bool apply_dropin_name_valid(const char *name) {
        return name && *name && name[0] != '.' && !strchr(name, '/') && endswith(name, ".conf") &&
               strlen(name) > strlen(".conf") && strlen(name) <= 200 && !strpbrk(name, "\n\r\t ");
}

/* Free text (profile names, paths) on one comment line. */
static char *one_line_copy(const char *s) {
        char *c = strdup(strempty(s));
        if (c)
                for (char *p = c; *p; p++)
                        if ((unsigned char) *p < ' ' || *p == 0x7f)
                                *p = '?';
        return c;
}

char *apply_dropin_content(const char *profile_name, const char *profile_file,
                           const struct apply_setting *settings, size_t n) {
        _cleanup_free_ char *name = one_line_copy(profile_name), *file = one_line_copy(profile_file);
        char *buf = NULL;
        size_t size = 0;
        if (!name || !file)
                return NULL;
        FILE *f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        fprintf(f, "# Written by tcptune %s from profile %s", TCPTUNE_VERSION, name);
        if (profile_file)
                fprintf(f, " (%s)", file);
        fputs(".\n# `tcptune profile revert` undoes it; edits here are lost on the next apply.\n", f);
        for (size_t i = 0; i < n; i++)
                fprintf(f, "%s = %s\n", settings[i].key, settings[i].value);
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

bool apply_value_same(const char *live, const char *want) {
        long a[VECTOR_MAX], b[VECTOR_MAX];
        int na = parse_kernel_vector(live, a, VECTOR_MAX), nb = parse_kernel_vector(want, b, VECTOR_MAX);
        if (na > 0 && nb > 0)
                return na == nb && memcmp(a, b, (size_t) na * sizeof(long)) == 0;
        _cleanup_free_ char *x = strdup(live), *y = strdup(want);
        if (!x || !y)
                return false;
        return streq(normalize_whitespace(x), normalize_whitespace(y));
}

/* Keep the first error message: it names the cause; later ones are
 * consequences. Returns r. */
static int fail(struct apply_result *res, int r, const char *fmt, ...) _printf_(3, 4);
static int fail(struct apply_result *res, int r, const char *fmt, ...) {
        if (!res->error) {
                va_list ap;
                va_start(ap, fmt);
                if (vasprintf(&res->error, fmt, ap) < 0)
                        res->error = NULL;
                va_end(ap);
        }
        return r;
}

static const char *fs_problem(int r) {
        switch (r) {
        case -ELOOP:
                return "is a symbolic link; refusing to follow it";
        case -EISDIR:
                return "is a directory, not a file";
        case -ENXIO:
                return "is not a regular file";
        case -ENOTDIR:
                return "is not a directory";
        default:
                return strerror(-r);
        }
}

/* The directory component that failed, for the message: walk down until
 * the prefix cannot be opened. */
static const char *failing_dir(const char *root, const char *dir, char **buf) {
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

static int open_dir(const char *root, const char *dir, bool create, bool *ret_created, struct apply_result *res) {
        int fd = applyfs_open_dir(root, dir, create, ret_created);
        if (fd < 0 && !(fd == -ENOENT && !create)) {
                _cleanup_free_ char *buf = NULL;
                return fail(res, fd, "%s: %s", failing_dir(root, dir, &buf), fs_problem(fd));
        }
        return fd;
}

static int add_change(struct apply_result *res, const char *key, const char *old, const char *new) {
        struct apply_change *c = realloc(res->changes, (res->n_changes + 1) * sizeof(*c));
        if (!c)
                return -ENOMEM;
        res->changes = c;
        c = &res->changes[res->n_changes];
        *c = (struct apply_change) { strdup(key), strdup(old), strdup(new) };
        if (!c->key || !c->old || !c->new) {
                free(c->key);
                free(c->old);
                free(c->new);
                return -ENOMEM;
        }
        res->n_changes++;
        return 0;
}

static const char *live_problem(int r) {
        return r == -ENOENT ? "no such key on this kernel" : strerror(-r);
}

/* Write changes[i].new for i in order; on failure put back old values of
 * those already written, last first. Returns 0 or the first error. */
static int live_write(const char *root, const struct apply_change *c, size_t n, bool use_old,
                      struct apply_result *res) {
        for (size_t i = 0; i < n; i++) {
                int r = sysctl_write(root, c[i].key, use_old ? c[i].old : c[i].new);
                if (r >= 0)
                        continue;
                fail(res, r, "%s = %s: %s; live values restored", c[i].key, use_old ? c[i].old : c[i].new,
                     strerror(-r));
                /* The failing key too: a vector write can fail after its
                 * first elements are stored (proc_dointvec stores as it
                 * parses), and a --root fixture file is truncated. Only a
                 * value that really moved makes its failure matter. */
                if (sysctl_write(root, c[i].key, use_old ? c[i].new : c[i].old) < 0) {
                        _cleanup_free_ char *now = NULL;
                        if (sysctl_read(root, c[i].key, &now) < 0 ||
                            !apply_value_same(now, use_old ? c[i].new : c[i].old)) {
                                free(res->error);
                                res->error = NULL;
                                fail(res, r, "%s: cannot restore %s after a failed write: %s", c[i].key,
                                     use_old ? c[i].new : c[i].old, strerror(-r));
                        }
                }
                while (i-- > 0) {
                        int k = sysctl_write(root, c[i].key, use_old ? c[i].new : c[i].old);
                        if (k < 0) {
                                /* Say so: the message above claims a full restore. */
                                free(res->error);
                                res->error = NULL;
                                fail(res, r, "%s: cannot restore %s after a failed write: %s", c[i].key,
                                     use_old ? c[i].new : c[i].old, strerror(-k));
                        }
                }
                return r;
        }
        return 0;
}

/* What a run works on: the directories, what is there now, and what was. */
struct run {
        const struct apply_request *req;
        struct apply_result *res;
        const char *dropin_name;
        int etc_fd, sysctld_fd, state_fd;
        bool created_sysctld, created_state_dir;
        char *state_name;
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

static void run_done(struct run *r) {
        if (r->etc_fd >= 0)
                close(r->etc_fd);
        if (r->sysctld_fd >= 0)
                close(r->sysctld_fd);
        if (r->state_fd >= 0)
                close(r->state_fd);
        free(r->state_name);
        free(r->old_state_data);
        apply_state_done(&r->state);
        free(r->dropin_data);
}

static int run_init(struct run *run, const struct apply_request *req, struct apply_result *res) {
        *run = (struct run) { .req = req, .res = res, .etc_fd = -1, .sysctld_fd = -1, .state_fd = -1 };
        run->dropin_name = req->dropin ? req->dropin : APPLY_DROPIN_DEFAULT;
        if (!req->netns && asprintf(&res->dropin_path, APPLY_SYSCTLD_DIR "/%s", run->dropin_name) < 0)
                return -ENOMEM;
        res->dropin = req->netns ? APPLY_DROPIN_NONE : APPLY_DROPIN_KEPT;
        int r = apply_state_file_name(req->netns, &run->state_name);
        if (r < 0)
                return fail(res, r, "/proc/self/ns/net: %s", strerror(-r));
        return 0;
}

static int read_state(struct run *run) {
        struct apply_result *res = run->res;
        run->state_fd = open_dir(run->req->root, APPLY_STATE_DIR, false, NULL, res);
        if (run->state_fd == -ENOENT)
                return 0;
        if (run->state_fd < 0)
                return run->state_fd;
        int r = applyfs_read(run->state_fd, run->state_name, &run->old_state_data, NULL, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return fail(res, r, APPLY_STATE_DIR "/%s: %s", run->state_name, fs_problem(r));
        r = apply_state_parse(run->old_state_data, &run->state);
        if (r < 0)
                return fail(res, r, APPLY_STATE_DIR "/%s: %s", run->state_name,
                            r == -EBADMSG ? "not a tcptune state record (move it away to start afresh)"
                                          : strerror(-r));
        run->had_state = true;
        return 0;
}

static int read_dropin(struct run *run) {
        struct apply_result *res = run->res;
        run->etc_fd = open_dir(run->req->root, "/etc", false, NULL, res);
        if (run->etc_fd == -ENOENT)
                return 0;
        if (run->etc_fd < 0)
                return run->etc_fd;
        run->sysctld_fd = open_dir(run->req->root, APPLY_SYSCTLD_DIR, false, NULL, res);
        if (run->sysctld_fd == -ENOENT)
                return 0;
        if (run->sysctld_fd < 0)
                return run->sysctld_fd;
        applyfs_clean_temps(run->sysctld_fd, run->dropin_name);
        int r = applyfs_read(run->sysctld_fd, run->dropin_name, &run->dropin_data, &run->dropin_len,
                             &run->dropin_mode);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return fail(res, r, "%s: %s", res->dropin_path, fs_problem(r));
        run->had_dropin = true;
        return 0;
}

/* Make sure the directories exist (mode 0755), for writing. */
static int ensure_dirs(struct run *run, bool sysctld) {
        const char *root = run->req->root;
        if (run->state_fd < 0) {
                run->state_fd = open_dir(root, APPLY_STATE_DIR, true, &run->created_state_dir, run->res);
                if (run->state_fd < 0)
                        return run->state_fd;
        }
        if (run->state_fd >= 0)
                applyfs_clean_temps(run->state_fd, run->state_name);
        if (sysctld && run->sysctld_fd < 0) {
                run->sysctld_fd = open_dir(root, APPLY_SYSCTLD_DIR, true, &run->created_sysctld, run->res);
                if (run->sysctld_fd < 0)
                        return run->sysctld_fd;
                if (run->etc_fd < 0)
                        run->etc_fd = open_dir(root, "/etc", false, NULL, run->res);
                if (run->etc_fd < 0)
                        return run->etc_fd;
        }
        return 0;
}

static int write_state(struct run *run, const char *data) {
        bool renamed;
        int r = applyfs_write_atomic(run->state_fd, run->state_name, data, strlen(data), STATE_MODE, &renamed);
        if (r < 0)
                return fail(run->res, r, APPLY_STATE_DIR "/%s: cannot record the state: %s", run->state_name,
                            fs_problem(r));
        return 0;
}

/* Put the state record back as it was found (or its absence). */
static void restore_state(struct run *run) {
        if (run->had_state)
                (void) applyfs_write_atomic(run->state_fd, run->state_name, run->old_state_data,
                                            strlen(run->old_state_data), STATE_MODE, NULL);
        else
                (void) applyfs_unlink(run->state_fd, run->state_name);
        if (!run->had_state && run->created_state_dir) {
                _cleanup_close_ int lib = open_dir(run->req->root, "/var/lib", false, NULL, run->res);
                if (lib >= 0)
                        (void) unlinkat(lib, "tcptune", AT_REMOVEDIR);
        }
}

/* Make the drop-in hold data/mode (NULL: be absent). Returns 0, 1 when the
 * file changed, or a negative errno with the message set. */
static int put_dropin(struct run *run, const char *data, size_t len, mode_t mode) {
        int r;
        if (!data)
                r = applyfs_unlink(run->sysctld_fd, run->dropin_name);
        else
                r = applyfs_write_atomic(run->sysctld_fd, run->dropin_name, data, len, mode, NULL);
        if (r < 0)
                return fail(run->res, r, "%s: %s", run->res->dropin_path, fs_problem(r));
        return 1;
}

/* Back to the drop-in as found. */
static void restore_dropin(struct run *run) {
        if (run->req->netns || run->sysctld_fd < 0)
                return;
        (void) put_dropin(run, run->had_dropin ? run->dropin_data : NULL, run->dropin_len, run->dropin_mode);
        if (run->created_sysctld && run->etc_fd >= 0)
                (void) unlinkat(run->etc_fd, "sysctl.d", AT_REMOVEDIR);
}

/* With --reload: after systemd-sysctl ran, the live values must be what we
 * asked for; record what changed. */
static int reload_and_check(struct run *run, const struct apply_change *want, size_t n,
                            const struct apply_state *before, struct apply_result *res) {
        _cleanup_free_ char *err = NULL;
        int r = apply_reload_sysctl(&err);
        if (r < 0)
                return fail(res, r, "%s", err ? err : strerror(-r));
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *now = NULL;
                r = sysctl_read(run->req->root, want[i].key, &now);
                if (r < 0)
                        return fail(res, r, "%s: %s", want[i].key, live_problem(r));
                if (!apply_value_same(now, want[i].new))
                        return fail(res, -EIO,
                                    "%s: systemd-sysctl left %s, expected %s (another sysctl.d file may "
                                    "override it: see tcptune config)",
                                    want[i].key, now, want[i].new);
        }
        (void) before;
        return 0;
}

/* After a failed --reload, write back every recorded value that moved. */
static void reload_rollback(struct run *run, const struct apply_change *c, size_t n) {
        for (size_t i = n; i-- > 0;) {
                _cleanup_free_ char *now = NULL;
                if (sysctl_read(run->req->root, c[i].key, &now) >= 0 && !apply_value_same(now, c[i].old))
                        (void) sysctl_write(run->req->root, c[i].key, c[i].old);
        }
}

static int plan_apply(struct run *run, struct apply_state *next) {
        const struct apply_request *req = run->req;
        struct apply_result *res = run->res;
        int r;

        for (size_t i = 0; i < req->n_settings; i++) {
                const struct apply_setting *s = &req->settings[i];
                _cleanup_free_ char *live = NULL;
                r = sysctl_read(req->root, s->key, &live);
                if (r < 0)
                        return fail(res, r, "%s: %s", s->key, live_problem(r));
                if (apply_state_add(next, s->key, live) < 0)
                        return -ENOMEM;
                if (!apply_value_same(live, s->value) && add_change(res, s->key, live, s->value) < 0)
                        return -ENOMEM;
        }
        /* Keys an earlier apply set that this profile leaves alone go back
         * to their value before tcptune (invariant 3). */
        for (size_t i = 0; i < next->n; i++) {
                bool in_profile = false;
                for (size_t j = 0; j < req->n_settings && !in_profile; j++)
                        in_profile = streq(req->settings[j].key, next->keys[i]);
                if (in_profile)
                        continue;
                _cleanup_free_ char *live = NULL;
                r = sysctl_read(req->root, next->keys[i], &live);
                if (r == -ENOENT)
                        continue;
                if (r < 0)
                        return fail(res, r, "%s: %s", next->keys[i], live_problem(r));
                if (!apply_value_same(live, next->values[i]) &&
                    add_change(res, next->keys[i], live, next->values[i]) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int apply_run(const struct apply_request *req, struct apply_result *ret) {
        struct apply_result *res = ret;
        _cleanup_free_ char *content = NULL, *state_data = NULL;
        _cleanup_close_ int lock = -1;
        struct apply_state next = {};
        struct run run;
        int r;

        *res = (struct apply_result) {};
        r = run_init(&run, req, res);
        if (r < 0)
                goto out;
        if (!req->dry_run) {
                lock = applyfs_lock(req->root, APPLY_LOCK_TIMEOUT_USEC);
                if (lock < 0) {
                        r = fail(res, lock, lock == -EWOULDBLOCK
                                                    ? APPLY_LOCK_FILE ": another tcptune run holds the lock; "
                                                                      "try again when it is done"
                                                    : APPLY_LOCK_FILE ": %s",
                                 fs_problem(lock));
                        goto out;
                }
        }
        r = read_state(&run);
        if (r < 0)
                goto out;
        if (!req->netns) {
                r = read_dropin(&run);
                if (r < 0)
                        goto out;
        }
        if (run.had_state && !req->netns && !streq_ptr(run.state.dropin, res->dropin_path)) {
                r = fail(res, -EEXIST, "%s: tcptune already manages %s; run `tcptune profile revert` first",
                         res->dropin_path, strempty(run.state.dropin));
                goto out;
        }

        /* What the next state records: the one found, or the host now. */
        if (run.had_state) {
                next = run.state;
                run.state = (struct apply_state) {};
        } else if (!req->netns) {
                next.dropin = strdup(res->dropin_path);
                next.had_dropin = run.had_dropin;
                next.dropin_mode = run.dropin_mode;
                next.dropin_data = run.dropin_data ? strdup(run.dropin_data) : NULL;
                next.dropin_len = run.dropin_len;
                next.created_dir = run.sysctld_fd < 0;
                if (!next.dropin || (run.dropin_data && !next.dropin_data)) {
                        r = -ENOMEM;
                        goto out;
                }
        }
        free(next.profile);
        free(next.profile_file);
        next.profile = strdup(strempty(req->profile_name));
        next.profile_file = req->profile_file ? strdup(req->profile_file) : NULL;

        r = plan_apply(&run, &next);
        if (r < 0)
                goto out;

        bool write_dropin = false;
        if (!req->netns) {
                content = apply_dropin_content(req->profile_name, req->profile_file, req->settings,
                                               req->n_settings);
                if (!content) {
                        r = -ENOMEM;
                        goto out;
                }
                write_dropin = !run.had_dropin || run.dropin_len != strlen(content) ||
                               memcmp(run.dropin_data, content, run.dropin_len) != 0 ||
                               run.dropin_mode != DROPIN_MODE;
                if (write_dropin)
                        res->dropin = APPLY_DROPIN_WRITTEN;
        }
        if (!write_dropin && res->n_changes == 0) {
                r = 0; /* already in place: nothing written, not even the state */
                goto out;
        }
        if (req->dry_run) {
                r = 1;
                goto out;
        }

        r = apply_state_format(&next, &state_data);
        if (r < 0) {
                r = fail(res, r, APPLY_STATE_DIR "/%s: cannot record the state: %s", run.state_name,
                         r == -EINVAL ? "a value spans lines" : strerror(-r));
                goto out;
        }
        r = ensure_dirs(&run, write_dropin);
        if (r < 0)
                goto undo_state;
        r = write_state(&run, state_data);
        if (r < 0)
                goto undo_state;
        if (write_dropin) {
                r = put_dropin(&run, content, strlen(content), DROPIN_MODE);
                if (r < 0)
                        goto undo_dropin;
        }
        if (req->reload) {
                r = reload_and_check(&run, res->changes, res->n_changes, &next, res);
                if (r < 0) {
                        reload_rollback(&run, res->changes, res->n_changes);
                        goto undo_dropin;
                }
        } else {
                r = live_write(req->root, res->changes, res->n_changes, /* use_old= */ false, res);
                if (r < 0)
                        goto undo_dropin;
        }
        apply_journal(req, "apply", res);
        r = 1;
        goto out;

undo_dropin:
        if (write_dropin)
                restore_dropin(&run);
undo_state:
        restore_state(&run);
out:
        apply_state_done(&next);
        run_done(&run);
        if (r < 0 && !res->error)
                fail(res, r, "%s", strerror(-r));
        return r;
}

int apply_revert(const struct apply_request *req, struct apply_result *ret) {
        struct apply_result *res = ret;
        _cleanup_close_ int lock = -1;
        struct run run;
        int r;

        *res = (struct apply_result) {};
        r = run_init(&run, req, res);
        if (r < 0)
                goto out;
        lock = applyfs_lock(req->root, APPLY_LOCK_TIMEOUT_USEC);
        if (lock < 0) {
                r = fail(res, lock, lock == -EWOULDBLOCK ? APPLY_LOCK_FILE ": another tcptune run holds the lock; "
                                                                           "try again when it is done"
                                                         : APPLY_LOCK_FILE ": %s",
                         fs_problem(lock));
                goto out;
        }
        r = read_state(&run);
        if (r < 0)
                goto out;
        if (!run.had_state) {
                res->nothing_to_revert = true;
                res->dropin = APPLY_DROPIN_NONE;
                r = 0;
                goto out;
        }
        const struct apply_state *st = &run.state;
        if (!req->netns) {
                if (!st->dropin) {
                        r = fail(res, -EBADMSG, APPLY_STATE_DIR "/%s: records no drop-in", run.state_name);
                        goto out;
                }
                if (req->dropin && !streq(st->dropin, res->dropin_path)) {
                        r = fail(res, -EEXIST, "%s: tcptune applied %s, not this one; revert without --dropin",
                                 res->dropin_path, st->dropin);
                        goto out;
                }
                /* Work on the recorded drop-in. */
                const char *base = strrchr(st->dropin, '/');
                free(res->dropin_path);
                res->dropin_path = strdup(st->dropin);
                run.dropin_name = base ? base + 1 : st->dropin;
                if (!res->dropin_path || !apply_dropin_name_valid(run.dropin_name)) {
                        r = fail(res, -EBADMSG, APPLY_STATE_DIR "/%s: bad drop-in name", run.state_name);
                        goto out;
                }
                r = read_dropin(&run);
                if (r < 0)
                        goto out;
        }

        /* The live values to put back. */
        for (size_t i = 0; i < st->n; i++) {
                _cleanup_free_ char *live = NULL;
                r = sysctl_read(req->root, st->keys[i], &live);
                if (r < 0) {
                        r = fail(res, r, "%s: %s", st->keys[i], live_problem(r));
                        goto out;
                }
                if (!apply_value_same(live, st->values[i]) && add_change(res, st->keys[i], live, st->values[i]) < 0) {
                        r = -ENOMEM;
                        goto out;
                }
        }

        /* The drop-in first, so that --reload reads the restored files. */
        bool dropin_changed = false;
        if (!req->netns) {
                bool same = st->had_dropin ? run.had_dropin && run.dropin_len == st->dropin_len &&
                                                     memcmp(run.dropin_data, st->dropin_data, st->dropin_len) == 0 &&
                                                     run.dropin_mode == st->dropin_mode
                                           : !run.had_dropin;
                if (!same) {
                        if (run.sysctld_fd < 0) {
                                r = ensure_dirs(&run, true);
                                if (r < 0)
                                        goto out;
                        }
                        r = put_dropin(&run, st->had_dropin ? st->dropin_data : NULL, st->dropin_len,
                                       st->dropin_mode);
                        if (r < 0)
                                goto undo_dropin;
                        dropin_changed = true;
                        res->dropin = st->had_dropin ? APPLY_DROPIN_RESTORED : APPLY_DROPIN_REMOVED;
                }
        }
        if (req->reload) {
                _cleanup_free_ char *err = NULL;
                r = apply_reload_sysctl(&err);
                if (r < 0) {
                        r = fail(res, r, "%s", err ? err : strerror(-r));
                        goto undo_dropin;
                }
                /* systemd-sysctl does not reset keys no file sets: write
                 * those still differing. */
                for (size_t i = 0; i < res->n_changes; i++) {
                        _cleanup_free_ char *now = NULL;
                        if (sysctl_read(req->root, res->changes[i].key, &now) >= 0 &&
                            apply_value_same(now, res->changes[i].new)) {
                                free(res->changes[i].old);
                                res->changes[i].old = TAKE_PTR(now);
                        }
                }
        }
        r = live_write(req->root, res->changes, res->n_changes, /* use_old= */ false, res);
        if (r < 0)
                goto undo_dropin;

        /* Nothing of tcptune remains: the state, and the directories it made. */
        r = applyfs_unlink(run.state_fd, run.state_name);
        if (r < 0) {
                r = fail(res, r, APPLY_STATE_DIR "/%s: values restored but the state record stays: %s",
                         run.state_name, strerror(-r));
                goto out;
        }
        if (!req->netns && st->created_dir && run.etc_fd >= 0)
                (void) unlinkat(run.etc_fd, "sysctl.d", AT_REMOVEDIR);
        {
                _cleanup_close_ int lib = open_dir(req->root, "/var/lib", false, NULL, res);
                if (lib >= 0)
                        (void) unlinkat(lib, "tcptune", AT_REMOVEDIR); /* fails while another state is there */
        }
        apply_journal(req, "revert", res);
        r = dropin_changed || res->n_changes > 0 ? 1 : 0;
        goto out;

undo_dropin:
        if (dropin_changed)
                (void) put_dropin(&run, run.had_dropin ? run.dropin_data : NULL, run.dropin_len, run.dropin_mode);
out:
        run_done(&run);
        if (r < 0 && !res->error)
                fail(res, r, "%s", strerror(-r));
        return r;
}

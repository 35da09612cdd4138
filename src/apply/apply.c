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
#include <stdio.h>
#include <sys/stat.h>

#include "apply-internal.h"
#include "sysctl.h"

#define DROPIN_MODE 0644

/* With --reload: after systemd-sysctl ran, the live values must be what we
 * asked for. */
static int reload_and_check(struct run *run, const struct apply_change *want, size_t n,
                            struct apply_result *res) {
        int r = apply_reload_sysctl(&res->error);
        if (r < 0)
                return error_set(&res->error, r, NULL, 0, "%s", strerror(-r));
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *now = NULL;
                r = sysctl_read(run->req->root, want[i].key, &now);
                if (r < 0)
                        return error_set(&res->error, r, NULL, 0, "%s: %s", want[i].key, apply_live_problem(r));
                if (!apply_value_same(now, want[i].new))
                        return error_set(&res->error, -EIO, NULL, 0,
                                         "%s: systemd-sysctl left %s, expected %s (another sysctl.d file may "
                                         "override it: see tcptune config)",
                                         want[i].key, now, want[i].new);
        }
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
                        return error_set(&res->error, r, NULL, 0, "%s: %s", s->key, apply_live_problem(r));
                if (apply_state_add(next, s->key, live) < 0)
                        return -ENOMEM;
                if (!apply_value_same(live, s->value) && apply_add_change(res, s->key, live, s->value) < 0)
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
                        return error_set(&res->error, r, NULL, 0, "%s: %s", next->keys[i], apply_live_problem(r));
                if (!apply_value_same(live, next->values[i]) &&
                    apply_add_change(res, next->keys[i], live, next->values[i]) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* What the next state records: the one found (invariant 3), or the host
 * as it is now. */
static int init_next_state(struct run *run, struct apply_state *next) {
        const struct apply_request *req = run->req;
        if (run->had_state) {
                *next = run->state;
                run->state = (struct apply_state) {};
        } else if (!req->netns) {
                next->dropin = strdup(run->res->dropin_path);
                next->had_dropin = run->had_dropin;
                /* Never restore a setuid or world-writable file. */
                next->dropin_mode = run->dropin_mode & APPLY_STATE_MODE_MASK;
                next->dropin_data = run->dropin_data ? strdup(run->dropin_data) : NULL;
                next->dropin_len = run->dropin_len;
                next->created_dir = run->sysctld_fd < 0;
                if (!next->dropin || (run->dropin_data && !next->dropin_data))
                        return -ENOMEM;
        }
        free(next->profile);
        free(next->profile_file);
        next->profile = strdup(strempty(req->profile_name));
        next->profile_file = req->profile_file ? strdup(req->profile_file) : NULL;
        if (!next->profile || (req->profile_file && !next->profile_file))
                return -ENOMEM;
        /* What this apply sets, for `profile active`. */
        return apply_state_set_settings(next, req->settings, req->n_settings);
}

/* The drop-in's new content, and whether it differs from what is there. */
static int plan_dropin(struct run *run, char **ret_content, bool *ret_write) {
        const struct apply_request *req = run->req;
        *ret_write = false;
        if (req->netns)
                return 0;
        *ret_content = apply_dropin_content(req->profile_name, req->settings, req->n_settings);
        if (!*ret_content)
                return -ENOMEM;
        *ret_write = !run->had_dropin || run->dropin_len != strlen(*ret_content) ||
                     memcmp(run->dropin_data, *ret_content, run->dropin_len) != 0 || run->dropin_mode != DROPIN_MODE;
        if (*ret_write)
                run->res->dropin = APPLY_DROPIN_WRITTEN;
        return 0;
}

/* State first, then the drop-in, then the live values (invariant 2);
 * undone in reverse on failure (invariant 4). */
static int commit_apply(struct run *run, const struct apply_state *next, const char *content, bool write_dropin) {
        const struct apply_request *req = run->req;
        struct apply_result *res = run->res;
        _cleanup_free_ char *state_data = NULL;

        int r = apply_state_format(next, &state_data);
        if (r < 0)
                return error_set(&res->error, r, run->state_path, 0, "cannot record the state: %s",
                                 r == -EINVAL ? "a value spans lines" : strerror(-r));
        r = run_ensure_dirs(run, write_dropin);
        if (r < 0)
                goto undo_state;
        r = run_write_state(run, state_data);
        if (r < 0)
                goto undo_state;
        if (write_dropin) {
                r = run_put_dropin(run, content, strlen(content), DROPIN_MODE);
                if (r < 0)
                        goto undo_dropin;
        }
        if (req->reload) {
                r = reload_and_check(run, res->changes, res->n_changes, res);
                if (r < 0) {
                        reload_rollback(run, res->changes, res->n_changes);
                        goto undo_dropin;
                }
        } else {
                r = apply_live_write(req->root, res->changes, res->n_changes, /* use_old= */ false, res);
                if (r < 0)
                        goto undo_dropin;
        }
        return 0;

undo_dropin:
        if (write_dropin)
                run_restore_dropin(run);
undo_state:
        run_restore_state(run);
        return r;
}

int apply_run(const struct apply_request *req, struct apply_result *ret) {
        struct apply_result *res = ret;
        _cleanup_free_ char *content = NULL;
        struct apply_state next = {};
        bool write_dropin = false;
        struct run run;

        int r = run_start(&run, req, res, /* lock= */ !req->dry_run);
        if (r >= 0 && !req->netns)
                r = run_read_dropin(&run);
        if (r < 0)
                goto out;
        if (run.had_state && !req->netns && !streq_ptr(run.state.dropin, res->dropin_path)) {
                r = error_set(&res->error, -EEXIST, res->dropin_path, 0,
                              "tcptune already manages %s; run `tcptune profile revert` first",
                              strempty(run.state.dropin));
                goto out;
        }
        r = init_next_state(&run, &next);
        if (r >= 0)
                r = plan_apply(&run, &next);
        if (r >= 0)
                r = plan_dropin(&run, &content, &write_dropin);
        if (r < 0)
                goto out;
        if (!write_dropin && res->n_changes == 0)
                r = 0; /* already in place: nothing written, not even the state */
        else if (req->dry_run)
                r = 1;
        else {
                r = commit_apply(&run, &next, content, write_dropin);
                if (r >= 0) {
                        apply_journal(req, "apply", res);
                        r = 1;
                }
        }
out:
        apply_state_done(&next);
        run_done(&run);
        /* Every failure says something, -ENOMEM too. */
        if (r < 0)
                (void) error_set(&res->error, r, NULL, 0, "%s", strerror(-r));
        return r;
}

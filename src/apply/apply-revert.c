/* SPDX-License-Identifier: MIT */
/* tcptune profile revert: put back what apply recorded (apply.c lists the
 * invariants), then remove every trace of tcptune. */
#include <fcntl.h>
#include <stdio.h>

#include "apply-internal.h"
#include "sysctl.h"

/* The recorded drop-in is the one to work on: it must match --dropin, if
 * given; read it as it is now. */
static int revert_target(struct run *run) {
        const struct apply_request *req = run->req;
        const struct apply_state *st = &run->state;
        struct apply_result *res = run->res;

        if (!st->dropin)
                return error_set(&res->error, -EBADMSG, run->state_path, 0, "records no drop-in");
        if (req->dropin && !streq(st->dropin, res->dropin_path))
                return error_set(&res->error, -EEXIST, res->dropin_path, 0,
                                 "tcptune applied %s, not this one; revert without --dropin", st->dropin);
        const char *base = strrchr(st->dropin, '/');
        free(res->dropin_path);
        res->dropin_path = strdup(st->dropin);
        run->dropin_name = base ? base + 1 : st->dropin;
        if (!res->dropin_path || !apply_dropin_name_valid(run->dropin_name))
                return error_set(&res->error, -EBADMSG, run->state_path, 0, "bad drop-in name");
        return run_read_dropin(run);
}

/* The live values to put back: those that differ from the record. */
static int plan_revert(struct run *run) {
        const struct apply_state *st = &run->state;
        for (size_t i = 0; i < st->n; i++) {
                _cleanup_free_ char *live = NULL;
                int r = sysctl_read(run->req->root, st->keys[i], &live);
                if (r < 0)
                        return error_set(&run->res->error, r, NULL, 0, "%s: %s", st->keys[i], apply_live_problem(r));
                if (!apply_value_same(live, st->values[i]) &&
                    apply_add_change(run->res, st->keys[i], live, st->values[i]) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* Is the drop-in as the record says it was before tcptune (bytes and
 * mode, or absent)? */
static bool dropin_as_recorded(const struct run *run) {
        const struct apply_state *st = &run->state;
        return st->had_dropin ? run->had_dropin && run->dropin_len == st->dropin_len &&
                                        memcmp(run->dropin_data, st->dropin_data, st->dropin_len) == 0 &&
                                        run->dropin_mode == st->dropin_mode
                              : !run->had_dropin;
}

/* The recorded drop-in (or its absence) back, unless it already is.
 * *ret_changed says whether it was written. */
static int restore_dropin(struct run *run, bool *ret_changed) {
        const struct apply_state *st = &run->state;
        *ret_changed = false;
        if (dropin_as_recorded(run))
                return 0;
        if (run->sysctld_fd < 0) {
                int r = run_ensure_dirs(run, true);
                if (r < 0)
                        return r;
        }
        int r = run_put_dropin(run, st->had_dropin ? st->dropin_data : NULL, st->dropin_len, st->dropin_mode);
        if (r < 0)
                return r;
        *ret_changed = true;
        run->res->dropin = st->had_dropin ? APPLY_DROPIN_RESTORED : APPLY_DROPIN_REMOVED;
        return 0;
}

/* --reload: systemd-sysctl reads the restored files. It does not reset
 * keys no file sets, so the changes still differing stay to be written. */
static int reload_for_revert(struct run *run) {
        struct apply_result *res = run->res;
        int r = apply_reload_sysctl(&res->error);
        if (r < 0)
                return error_set(&res->error, r, NULL, 0, "%s", strerror(-r));
        for (size_t i = 0; i < res->n_changes; i++) {
                _cleanup_free_ char *now = NULL;
                if (sysctl_read(run->req->root, res->changes[i].key, &now) >= 0 &&
                    apply_value_same(now, res->changes[i].new)) {
                        free(res->changes[i].old);
                        res->changes[i].old = TAKE_PTR(now);
                }
        }
        return 0;
}

/* Nothing of tcptune remains: the state, and the directories it made. */
static int remove_traces(struct run *run) {
        const struct apply_request *req = run->req;
        int r = applyfs_unlink(run->state_fd, run->state_name);
        if (r < 0)
                return error_set(&run->res->error, r, run->state_path, 0,
                                 "values restored but the state record stays: %s", strerror(-r));
        if (!req->netns && run->state.created_dir && run->etc_fd >= 0)
                (void) unlinkat(run->etc_fd, "sysctl.d", AT_REMOVEDIR);
        _cleanup_close_ int lib = apply_open_dir(req->root, "/var/lib", false, NULL, run->res);
        if (lib >= 0)
                (void) unlinkat(lib, "tcptune", AT_REMOVEDIR); /* fails while another state is there */
        return 0;
}

int apply_revert(const struct apply_request *req, struct apply_result *ret) {
        struct apply_result *res = ret;
        bool dropin_changed = false;
        struct run run;

        int r = run_start(&run, req, res, /* lock= */ !req->dry_run);
        if (r < 0)
                goto out;
        if (!run.had_state) {
                res->nothing_to_revert = true;
                res->dropin = APPLY_DROPIN_NONE;
                goto out;
        }
        r = req->netns ? 0 : revert_target(&run);
        if (r >= 0)
                r = plan_revert(&run);
        if (r < 0)
                goto out;
        if (req->dry_run) {
                /* What revert would do; nothing written, no lock taken. */
                if (!req->netns && !dropin_as_recorded(&run))
                        res->dropin = run.state.had_dropin ? APPLY_DROPIN_RESTORED : APPLY_DROPIN_REMOVED;
                r = !req->netns && !dropin_as_recorded(&run) ? 1 : res->n_changes > 0;
                goto out;
        }
        /* The drop-in first, so that --reload reads the restored files. */
        if (!req->netns)
                r = restore_dropin(&run, &dropin_changed);
        if (r >= 0 && req->reload)
                r = reload_for_revert(&run);
        if (r >= 0)
                r = apply_live_write(req->root, res->changes, res->n_changes, /* use_old= */ false, res);
        if (r < 0) {
                if (dropin_changed)
                        (void) run_put_dropin(&run, run.had_dropin ? run.dropin_data : NULL, run.dropin_len,
                                              run.dropin_mode);
                goto out;
        }
        r = remove_traces(&run);
        if (r < 0)
                goto out;
        apply_journal(req, "revert", res);
        r = dropin_changed || res->n_changes > 0 ? 1 : 0;
out:
        run_done(&run);
        /* Every failure says something, -ENOMEM too. */
        if (r < 0)
                (void) error_set(&res->error, r, NULL, 0, "%s", strerror(-r));
        return r;
}

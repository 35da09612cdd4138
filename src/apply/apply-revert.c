/* SPDX-License-Identifier: MIT */
/* tcptune profile revert: put back what apply recorded (apply.c lists the
 * invariants), then remove every trace of tcptune. */
#include <fcntl.h>
#include <stdio.h>

#include "apply-internal.h"
#include "sysctl.h"

int apply_revert(const struct apply_request *req, struct apply_result *ret) {
        struct apply_result *res = ret;
        struct run run;
        int r;

        r = run_start(&run, req, res, /* lock= */ true);
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
                        r = apply_fail(res, -EBADMSG, APPLY_STATE_DIR "/%s: records no drop-in", run.state_name);
                        goto out;
                }
                if (req->dropin && !streq(st->dropin, res->dropin_path)) {
                        r = apply_fail(res, -EEXIST, "%s: tcptune applied %s, not this one; revert without --dropin",
                                       res->dropin_path, st->dropin);
                        goto out;
                }
                /* Work on the recorded drop-in. */
                const char *base = strrchr(st->dropin, '/');
                free(res->dropin_path);
                res->dropin_path = strdup(st->dropin);
                run.dropin_name = base ? base + 1 : st->dropin;
                if (!res->dropin_path || !apply_dropin_name_valid(run.dropin_name)) {
                        r = apply_fail(res, -EBADMSG, APPLY_STATE_DIR "/%s: bad drop-in name", run.state_name);
                        goto out;
                }
                r = run_read_dropin(&run);
                if (r < 0)
                        goto out;
        }

        /* The live values to put back. */
        for (size_t i = 0; i < st->n; i++) {
                _cleanup_free_ char *live = NULL;
                r = sysctl_read(req->root, st->keys[i], &live);
                if (r < 0) {
                        r = apply_fail(res, r, "%s: %s", st->keys[i], apply_live_problem(r));
                        goto out;
                }
                if (!apply_value_same(live, st->values[i]) && apply_add_change(res, st->keys[i], live, st->values[i]) < 0) {
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
                                r = run_ensure_dirs(&run, true);
                                if (r < 0)
                                        goto out;
                        }
                        r = run_put_dropin(&run, st->had_dropin ? st->dropin_data : NULL, st->dropin_len,
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
                        r = apply_fail(res, r, "%s", err ? err : strerror(-r));
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
        r = apply_live_write(req->root, res->changes, res->n_changes, /* use_old= */ false, res);
        if (r < 0)
                goto undo_dropin;

        /* Nothing of tcptune remains: the state, and the directories it made. */
        r = applyfs_unlink(run.state_fd, run.state_name);
        if (r < 0) {
                r = apply_fail(res, r, APPLY_STATE_DIR "/%s: values restored but the state record stays: %s",
                               run.state_name, strerror(-r));
                goto out;
        }
        if (!req->netns && st->created_dir && run.etc_fd >= 0)
                (void) unlinkat(run.etc_fd, "sysctl.d", AT_REMOVEDIR);
        {
                _cleanup_close_ int lib = apply_open_dir(req->root, "/var/lib", false, NULL, res);
                if (lib >= 0)
                        (void) unlinkat(lib, "tcptune", AT_REMOVEDIR); /* fails while another state is there */
        }
        apply_journal(req, "revert", res);
        r = dropin_changed || res->n_changes > 0 ? 1 : 0;
        goto out;

undo_dropin:
        if (dropin_changed)
                (void) run_put_dropin(&run, run.had_dropin ? run.dropin_data : NULL, run.dropin_len, run.dropin_mode);
out:
        run_done(&run);
        if (r < 0 && !res->error)
                apply_fail(res, r, "%s", strerror(-r));
        return r;
}

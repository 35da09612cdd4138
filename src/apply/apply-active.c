/* SPDX-License-Identifier: MIT */
/* tcptune profile active: which profile the state record names, when it
 * was applied, and whether it still holds: each key it set against the
 * live value, the drop-in against the bytes apply writes for those
 * settings (the header depends on nothing else, apply-result.c). Reads
 * only: no lock, no temp-file cleanup. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "apply-internal.h"
#include "sysctl.h"

const char *apply_active_dropin_to_string(enum apply_active_dropin d) {
        static const char *const names[] = {
                [APPLY_ACTIVE_DROPIN_NONE] = "none",
                [APPLY_ACTIVE_DROPIN_AS_WRITTEN] = "as-written",
                [APPLY_ACTIVE_DROPIN_CHANGED] = "changed",
                [APPLY_ACTIVE_DROPIN_MISSING] = "missing",
        };
        return (unsigned) d < ELEMENTSOF(names) ? names[d] : "?";
}

void apply_active_done(struct apply_active *a) {
        free(a->profile);
        free(a->profile_file);
        free(a->dropin_path);
        for (size_t i = 0; i < a->n_keys; i++) {
                free(a->keys[i].key);
                free(a->keys[i].want);
                free(a->keys[i].live);
        }
        free(a->keys);
        error_done(&a->error);
        *a = (struct apply_active) {};
}

/* The drop-in now against what apply writes for the recorded settings. */
static int check_dropin(const struct apply_request *req, const struct apply_state *st, struct apply_active *a) {
        _cleanup_free_ struct apply_setting *set = calloc(st->n_set ? st->n_set : 1, sizeof(*set));
        _cleanup_free_ char *want = NULL, *data = NULL;
        _cleanup_close_ int dfd = -1;
        size_t len = 0;

        if (!set)
                return -ENOMEM;
        for (size_t i = 0; i < st->n_set; i++)
                set[i] = (struct apply_setting) { st->set_keys[i], st->set_values[i] };
        want = apply_dropin_content(st->profile, set, st->n_set);
        if (!want || !(a->dropin_path = strdup(st->dropin)))
                return -ENOMEM;
        dfd = applyfs_open_dir(req->root, APPLY_SYSCTLD_DIR, /* create= */ false, NULL);
        int r = dfd < 0 ? dfd : applyfs_read(dfd, strrchr(st->dropin, '/') + 1, APPLY_DROPIN_MAX, &data, &len, NULL);
        if (r == -ENOENT)
                a->dropin = APPLY_ACTIVE_DROPIN_MISSING;
        else if (r < 0)
                return error_set(&a->error, r, st->dropin, 0, "%s", apply_fs_problem(r));
        else
                a->dropin = len == strlen(want) && memcmp(data, want, len) == 0 ? APPLY_ACTIVE_DROPIN_AS_WRITTEN
                                                                                : APPLY_ACTIVE_DROPIN_CHANGED;
        a->n_differences += a->dropin != APPLY_ACTIVE_DROPIN_AS_WRITTEN;
        return 0;
}

static int check_keys(const struct apply_request *req, const struct apply_state *st, struct apply_active *a) {
        a->keys = calloc(st->n_set ? st->n_set : 1, sizeof(*a->keys));
        if (!a->keys)
                return -ENOMEM;
        for (size_t i = 0; i < st->n_set; i++) {
                struct apply_active_key *k = &a->keys[a->n_keys++];
                k->key = strdup(st->set_keys[i]);
                k->want = strdup(st->set_values[i]);
                if (!k->key || !k->want)
                        return -ENOMEM;
                int r = sysctl_read(req->root, k->key, &k->live);
                if (r == -ENOMEM)
                        return r;
                k->live_error = r < 0 ? r : 0;
                k->holds = r >= 0 && apply_value_same(k->live, k->want);
                a->n_differences += !k->holds;
        }
        return 0;
}

int apply_active_read(const struct apply_request *req, struct apply_active *ret) {
        struct apply_active *a = ret;
        struct apply_result res = {};
        struct run run;
        struct stat stt;

        *a = (struct apply_active) {};
        int r = run_start(&run, req, &res, /* lock= */ false);
        if (r < 0)
                goto out;
        if (!run.had_state) {
                a->none = true;
                r = -ENOENT;
                goto out;
        }
        const struct apply_state *st = &run.state;
        if (st->n_set == 0) {
                r = error_set(&a->error, -EBADMSG, run.state_path, 0, "records no applied settings (written before "
                              "tcptune had `profile active`); apply the profile again");
                goto out;
        }
        if (fstatat(run.state_fd, run.state_name, &stt, AT_SYMLINK_NOFOLLOW) < 0) {
                r = -errno;
                goto out;
        }
        a->applied_usec = (uint64_t) stt.st_mtim.tv_sec * USEC_PER_SEC + (uint64_t) stt.st_mtim.tv_nsec / 1000;
        a->profile = strdup(strempty(st->profile));
        a->profile_file = st->profile_file ? strdup(st->profile_file) : NULL;
        if (!a->profile || (st->profile_file && !a->profile_file)) {
                r = -ENOMEM;
                goto out;
        }
        r = check_keys(req, st, a);
        if (r >= 0 && !req->netns && st->dropin)
                r = check_dropin(req, st, a);
        if (r >= 0)
                r = a->n_differences > 0;
out:
        /* What the run found wrong (the record), else what r means. */
        if (r < 0 && r != -ENOENT) {
                (void) error_move(&a->error, &res.error);
                (void) error_set(&a->error, r, NULL, 0, "%s", strerror(-r));
        }
        apply_result_done(&res);
        run_done(&run);
        return r;
}

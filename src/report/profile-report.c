/* SPDX-License-Identifier: MIT */
#include "live.h"
#include "profile-report.h"

void profile_report_done(struct profile_report *rep) {
        for (size_t i = 0; i < rep->n_rows; i++) {
                free(rep->rows[i].want);
                free(rep->rows[i].live);
                free(rep->rows[i].boot_held);
        }
        free(rep->rows);
        free(rep->expects);
        free(rep->before_r);
        free(rep->after_r);
        sysctld_free(rep->boot_config);
        *rep = (struct profile_report) {};
}

/* The profile as this kernel can hold it: an optional key it lacks is
 * left out (a shallow copy borrowing p's strings; *ret_held owns the
 * settings array). */
static int applicable(const struct profile *p, const struct live *live, struct profile *ret,
                      struct profile_setting **ret_held) {
        size_t n;
        const struct tunable *t = tunable_all(&n);
        struct profile_setting *held = calloc(p->n_settings ? p->n_settings : 1, sizeof(*held));
        if (!held)
                return -ENOMEM;
        *ret = *p;
        ret->settings = held;
        ret->n_settings = 0;
        for (size_t i = 0; i < p->n_settings; i++) {
                bool absent = false;
                for (size_t j = 0; j < n; j++)
                        absent = absent || (streq(t[j].key, p->settings[i].key) && live->error[j] == -ENOENT);
                if (!(p->settings[i].optional && absent))
                        held[ret->n_settings++] = p->settings[i];
        }
        *ret_held = held;
        return 0;
}

/* The model before and after, and the [expect] checks on this host. */
static int model(struct profile_report *rep, const struct profile *applicable, const struct live *live) {
        if (profile_apply_input(applicable, &rep->before, &rep->after) < 0)
                return -EINVAL;
        rep->before.srtt_us = rep->after.srtt_us;
        rep->before_r = calloc(_SCENARIO_MAX, sizeof(struct model_result));
        rep->after_r = calloc(_SCENARIO_MAX, sizeof(struct model_result));
        if (!rep->before_r || !rep->after_r)
                return -ENOMEM;
        for (unsigned sc = 0; sc < _SCENARIO_MAX; sc++) {
                if (model_run(&rep->before, sc, &rep->before_r[sc]) < 0 ||
                    model_run(&rep->after, sc, &rep->after_r[sc]) < 0) {
                        rep->failed_scenario = sc;
                        return -EDOM;
                }
                /* Optional keys this kernel lacks were left out above. */
                live_drop_absent(live, &rep->before_r[sc]);
                live_drop_absent(live, &rep->after_r[sc]);
        }
        if (profile_check_expect(applicable, &rep->before, &rep->expects, &rep->n_expects) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < rep->n_expects; i++)
                rep->n_differences += !rep->expects[i].holds;
        return 0;
}

/* One row: the key live and at boot against what the profile wants. */
static int row_collect(const struct root *root, struct profile_report *rep, const struct profile_setting *set,
                       const struct live *live, struct profile_row *row) {
        size_t n;
        const struct tunable *t = tunable_all(&n);
        unsigned hz = rep->before.hz;
        row->setting = set;
        for (size_t j = 0; j < n; j++)
                if (streq(t[j].key, set->key)) {
                        row->live_error = live->error[j];
                        if (live->value[j] && !(row->live = strdup(live->value[j])))
                                return -ENOMEM;
                }
        if (!(row->want = sysctld_held(set->key, set->value, row->live, hz)))
                return -ENOMEM;
        row->not_applicable = set->optional && row->live_error == -ENOENT;
        row->live_ok = row->not_applicable || (row->live && streq(row->live, row->want));
        row->boot_ok = true;
        if (!rep->boot_checked)
                return 0;
        row->boot = sysctld_find(rep->boot_config, set->key);
        if (row->boot) {
                struct sysctld_check c = {};
                if (sysctld_check_entry(root, row->boot, hz, NULL, &c) < 0)
                        return -ENOMEM;
                if (c.valid)
                        row->boot_held = TAKE_PTR(c.held);
                sysctld_check_done(&c);
        }
        row->boot_ok = row->not_applicable || (row->boot_held && streq(row->boot_held, row->want));
        return 0;
}

int profile_report_collect(const struct root *root, const struct kernel_info *k, const struct profile *p, bool boot_checked,
                           struct profile_report *ret) {
        _cleanup_(live_done) struct live live = {};
        _cleanup_free_ struct profile_setting *held = NULL;
        struct profile held_profile;
        int r;

        *ret = (struct profile_report) { .profile = p, .kernel = k, .boot_checked = boot_checked };
        if (live_read(root, &live) < 0)
                return -ENOMEM;
        /* rows borrow its entries */
        if (boot_checked && sysctld_load(root, &ret->boot_config) < 0)
                return -ENOMEM;
        live_model_input(&live, k, &ret->before, &ret->hz_assumed);
        if ((r = applicable(p, &live, &held_profile, &held)) < 0 || (r = model(ret, &held_profile, &live)) < 0)
                return r;
        ret->rows = calloc(p->n_settings ? p->n_settings : 1, sizeof(struct profile_row));
        if (!ret->rows)
                return -ENOMEM;
        for (size_t i = 0; i < p->n_settings; i++) {
                struct profile_row *row = &ret->rows[ret->n_rows++];
                if ((r = row_collect(root, ret, &p->settings[i], &live, row)) < 0)
                        return r;
                ret->n_differences += !row->live_ok || !row->boot_ok;
        }
        return 0;
}

/* SPDX-License-Identifier: MIT */
/* What `tcptune profile show|diff|verify` says about a profile on this
 * host: each key against the live value and what sysctl.d sets at boot,
 * the model before and after, the [expect] checks. Collected before
 * anything is printed; no printing here. */
#pragma once

#include "kernel.h"
#include "model.h"
#include "profile.h"
#include "sysctld.h"

/* One profile key against this host. */
struct profile_row {
        const struct profile_setting *setting;
        char *want;                      /* the profile value as the kernel holds it */
        char *live;                      /* NULL: absent or unreadable */
        int live_error;                  /* 0, -ENOENT, other -errno */
        const struct sysctld_entry *boot;  /* what sysctl.d sets at boot, or NULL */
        char *boot_held;                 /* the boot value as the kernel holds it; NULL if refused */
        bool live_ok, boot_ok;
        bool not_applicable;             /* optional key the kernel lacks */
};

struct profile_report {
        const struct profile *profile;   /* borrowed */
        const struct kernel_info *kernel;  /* borrowed */
        bool hz_assumed;
        bool boot_checked;               /* false with --netns */
        struct model_input before, after;  /* live; live with the profile on top */
        struct model_result *before_r, *after_r;  /* _SCENARIO_MAX each */
        struct profile_expect_result *expects;    /* on `after` */
        size_t n_expects;
        struct profile_row *rows;
        size_t n_rows;
        size_t n_differences;            /* rows with a difference + failed expects */
        struct sysctld *boot_config;     /* owned; rows[].boot point into it; its diags say what could not be read */
        unsigned failed_scenario;        /* -EDOM: the scenario the model could not compute */
};

/* Everything show, diff and verify say: live values under root, the
 * boot-time values (with boot_checked: sysctl.d configures the host's
 * namespace only), the model before and after. Keys that cannot be read
 * are in rows[].live_error, unreadable drop-ins in boot_config's diags:
 * the report is still complete. Returns 0, -ENOMEM, -EINVAL (a value the
 * live HZ, before.hz, cannot hold) or -EDOM (the model could not compute
 * failed_scenario). Free with profile_report_done() either way. */
int profile_report_collect(const struct root *root, const struct kernel_info *k, const struct profile *p, bool boot_checked,
                           struct profile_report *ret);
void profile_report_done(struct profile_report *rep);

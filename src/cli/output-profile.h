/* SPDX-License-Identifier: MIT */
/* Emitters for `profile list|show|diff|verify`: text and JSON. The command
 * fills the report; these only render. Return 0 or a negative errno. */
#pragma once

#include "cmd.h"
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
        const struct profile *profile;
        const struct kernel_info *kernel;
        bool hz_assumed;
        bool boot_checked;               /* false with --netns */
        struct model_input before, after;  /* live; live with the profile on top */
        struct model_result *before_r, *after_r;  /* _SCENARIO_MAX each */
        struct profile_expect_result *expects;    /* on `after` */
        size_t n_expects;
        struct profile_row *rows;
        size_t n_rows;
        size_t n_differences;            /* rows with a difference + failed expects */
        struct sysctld *boot_config;     /* owned; rows[].boot point into it */
};

int output_profile_list(struct context *ctx, const struct profile_entry *e, size_t n);
int output_profile_show(struct context *ctx, const struct profile_report *rep);
int output_profile_diff(struct context *ctx, const struct profile_report *rep);
int output_profile_verify(struct context *ctx, const struct profile_report *rep);

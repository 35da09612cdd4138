/* SPDX-License-Identifier: MIT */
/* What every command gets: the global choices, never globals. */
#pragma once

#include <stdio.h>

#include "kernel.h"
#include "output.h"

/* Exit codes: the contract with scripts (man page, EXIT STATUS). */
enum exit_status {
        EXIT_OK = 0,         /* success, nothing to report */
        EXIT_FINDINGS = 1,   /* findings, drift, or changes pending with --dry-run */
        EXIT_USAGE = 2,      /* bad command line, unknown key, malformed input */
        EXIT_OPERATION = 3,  /* cannot read, write, enter the namespace, permission */
};

struct context {
        struct root root;          /* --root's tree or the host's "/", opened once by main.c before any
                                    * setns(); commands pass &ctx->root. Starts as { .fd = -1 } */
        const char *netns;         /* as typed, or NULL */
        struct output output;      /* stdout, --format, colour, width: what renderers get */

        struct kernel_info kernel; /* read on first use: context_kernel() */
        bool kernel_loaded;
};

/* The kernel facts, read once. Never fails: unknown fields stay 0/NULL. */
const struct kernel_info *context_kernel(struct context *ctx);
/* ctx->root the host's "/" unless --root opened a tree. Returns EXIT_OK,
 * or EXIT_OPERATION having logged. */
int context_open_root(struct context *ctx);
/* Close the root and free the kernel facts; for _cleanup_(). */
void context_done(struct context *ctx);

/* Commands return an exit status; they print what the user hears. */
int cmd_audit(struct context *ctx, int argc, char **argv);
int cmd_config(struct context *ctx, int argc, char **argv);
int cmd_explain(struct context *ctx, int argc, char **argv);
int cmd_model(struct context *ctx, int argc, char **argv);
int cmd_advise(struct context *ctx, int argc, char **argv);
int cmd_profile(struct context *ctx, int argc, char **argv);
int cmd_sockets(struct context *ctx, int argc, char **argv);

/* Hidden `tcptune __complete WHAT`: word lists for the shell completions
 * (complete.c); names are main.c's command table. */
int cmd_complete(struct context *ctx, const char *const *names, size_t n_names, int argc, char **argv);

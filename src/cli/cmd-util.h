/* SPDX-License-Identifier: MIT */
/* Option parsing that several commands share. These are command-layer
 * helpers: on bad input they log one line and return EXIT_USAGE, else
 * EXIT_OK. */
#pragma once

#include <getopt.h>

#include "error.h"
#include "live.h"
#include "model.h"

/* The exit status for a failure, from its negative errno: EXIT_USAGE when
 * what the user gave (an option, a name, a file they wrote) is wrong or
 * missing (-EINVAL, -ENOENT, -ELOOP, -EISDIR, -ENOTDIR, -ENXIO, -EFBIG,
 * -ERANGE, -ENAMETOOLONG), EXIT_OPERATION when tcptune could not do it
 * (-ENOMEM, -EACCES, -EPERM, -EIO and everything else). EXIT_OK for
 * r >= 0. The one place this decision is made. */
int cmd_exit_from_errno(int r);

/* Log one line and return status: `return cmd_fail(EXIT_USAGE, "...")`. */
int cmd_fail(int status, const char *fmt, ...) _printf_(2, 3);

/* Log "MESSAGE: strerror(-err)" and return cmd_exit_from_errno(err). */
int cmd_fail_errno(int err, const char *fmt, ...) _printf_(2, 3);

/* A module's failure: log what e holds as one line, "FILE:LINE: message"
 * (error_format(), escaped by log.c), or, when e holds nothing, "out of memory" for
 * -ENOMEM and strerror(-r) otherwise. Returns cmd_exit_from_errno(r): r,
 * what the module returned, decides the status; e only says why.
 * `return cmd_fail_error(&err, r);` */
int cmd_fail_error(const struct error *e, int r);

/* The logging half of cmd_fail_error(), for a command whose status does
 * not follow the errno (apply: every failure is operational, 3). */
void cmd_log_error(const struct error *e, int r);

/* One line at FILE:LINE ("FILE: ..." for line 0, the message alone
 * without a file), escaped as cmd_fail_error() does: for what a module
 * reports as data rather than as its failure (sysctl.d diagnostics). */
void cmd_log_at(const char *file, unsigned line, const char *message);

/* getopt_long() takes any unique prefix (--dry for --dry-run); tcptune
 * takes names in full, as the command table does. Checks each "--name" in
 * argv[1..] up to "--" (with stop_at_operand, up to the first operand:
 * the command) against options. An unknown one is logged with the
 * nearest name, the global options included: "CMD: option '--dryrun' is
 * unknown (did you mean '--dry-run'?)". cmd: "model", "profile show", or
 * NULL for the global options. Returns EXIT_OK or EXIT_USAGE. */
int cmd_check_options(const char *cmd, const struct option *options, int argc, char **argv, bool stop_at_operand);

/* After getopt_long() returned '?': log what was wrong with argv[optind
 * - 1] (a value missing, an unknown short option). Returns EXIT_USAGE. */
int cmd_bad_option(const char *cmd, const struct option *options, char **argv);

/* --scenario NAME: add it to *mask. */
int cmd_parse_scenario(const char *arg, unsigned *mask);

/* The short name of the tunable nearest to what was typed (any of the
 * three spellings), among keys (NULL-terminated canonical keys) or, with
 * keys NULL, the whole catalog; NULL when nothing is close. */
const char *cmd_nearest_key(const char *typed, const char *const *keys);

/* "--opt 'arg': not a duration" (or "too large" for -ERANGE). */
int cmd_bad_duration(const char *opt, const char *arg, int r);

/* --rtt, --rto, --segments (each may be NULL: not given) into the model
 * input's assumptions. */
int cmd_parse_assumptions(struct model_input *in, const char *rtt, const char *rto, const char *segments);

/* --netns SPEC: resolve and enter it (setns). Returns EXIT_OK, EXIT_USAGE
 * (malformed, missing, not a network namespace) or EXIT_OPERATION, having
 * logged one line. */
int cmd_enter_netns(const char *spec);

/* Log one line per catalog key that exists but cannot be read
 * ("tcptune: PATH: Permission denied"); absent keys are normal on older
 * kernels. only, when not NULL, limits it to that catalog entry. Returns
 * how many were logged. */
size_t cmd_report_live_errors(const struct root *root, const struct live *l, const struct tunable *only);
/* The same for one key and the error reading it; returns true when logged. */
bool cmd_report_live_error(const struct root *root, const char *key, int error);

/* Before modelling live values: log each catalog key that exists but
 * cannot be read, and each integer value the kernel could not hold (the
 * model then uses the default in its place). Returns true when there was
 * either: the figures rest on a guess, and the command exits 3. */
bool cmd_report_live(const struct root *root, const struct live *live, unsigned hz);

struct sysctld;
/* A sysctl.d tree over a bound (sysctld_refused()): log its one line,
 * FILE:LINE: why, and return EXIT_USAGE; EXIT_OK when it was not refused. */
int cmd_sysctld_refused(const struct sysctld *s);

/* Log each sysctl.d diagnostic that is a failure (a file or directory
 * that exists but cannot be read) at its FILE:LINE. Returns EXIT_OPERATION
 * when there was one, else EXIT_OK. */
int cmd_sysctld_unreadable(const struct sysctld *s);

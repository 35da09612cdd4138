/* SPDX-License-Identifier: MIT */
/* Parsing and formatting shared by every command: durations, the kernel's
 * integer syntax, whitespace normalisation. Pure functions, no I/O. */
#pragma once

#include "util.h"

/* Durations: "40us", "200ms", "1.5s", "2m", "1h", "1m30s"; a plain number is
 * seconds. No sign, no whitespace, no exponent. Returns 0 and the value in
 * microseconds, -EINVAL for garbage, -ERANGE on overflow. */
int parse_duration(const char *s, uint64_t *ret_usec);

/* The same, with a plain number in bare_unit microseconds: options take
 * the unit of the source people copy from (ss -ti prints rto:204 in ms,
 * setsockopt(TCP_USER_TIMEOUT) takes ms), so "--rto 204" is 204 ms. */
int parse_duration_unit(const char *s, uint64_t bare_unit, uint64_t *ret_usec);

/* Human form for people: "40us", "204ms", "13.40s", "15m 38.7s", "2h 11m 15s".
 * Returns a malloc'ed string (NULL on OOM). */
char *format_duration(uint64_t usec);

/* Seconds with up to six decimals and no trailing zeros ("938.7", "0.204"),
 * in the C locale whatever LC_NUMERIC says. Writes into buf (>= 32 bytes). */
const char *format_seconds(uint64_t usec, char *buf, size_t size);

/* One integer the way the kernel's proc_dointvec family reads it: leading
 * whitespace skipped, optional '-', base 0 (0x hex, leading 0 octal, so
 * "010" is 8), trailing whitespace allowed, nothing else. Returns 0,
 * -EINVAL (not a number) or -ERANGE (does not fit a long). */
int parse_kernel_long(const char *s, long *ret);

/* The digit scan under both: optional '-', then base 0 as the kernel's
 * simple_strtoul() reads it ("0x" hex, a leading 0 octal), stopping at the
 * first character that is not a digit of the base. Returns 0 with *p
 * after the digits, -EINVAL when there is no digit, -ERANGE when the
 * magnitude does not fit an unsigned long (*p is then unchanged). */
int parse_kernel_digits(const char **p, bool *ret_neg, unsigned long *ret_value);
/* Several integers separated by whitespace (tcp_rmem "4096 131072 6291456").
 * Returns the count (>= 1) stored in ret[], -EINVAL, -ERANGE, or -E2BIG when
 * more than max values are present. */
int parse_kernel_vector(const char *s, long *ret, size_t max);

/* An unsigned decimal for options like --segments: digits only.
 * Returns 0, -EINVAL or -ERANGE (above max). */
int parse_uint(const char *s, uint64_t max, uint64_t *ret);

/* Trim and collapse runs of blanks into one space, in place; returns s.
 * /proc/sys prints vectors tab-separated; sysctl.d files use spaces. */
char *normalize_whitespace(char *s);

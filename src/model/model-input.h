/* SPDX-License-Identifier: MIT */
/* What the user said (--set, --rtt, a profile's keys) applied to a
 * model_input. Pure; live values come in through live_model_input()
 * (host/live.h). */
#pragma once

#include <stdint.h>

#include "model.h"

/* The largest assumption a user may give, from the kernel's own types:
 * what the kernel cannot hold is refused at the input (exit 2), so that
 * nothing the model computes in uint64_t microseconds and jiffies wraps
 * (--rto 73786976295s is 2^64 us at HZ 250: it showed RTO 164ms). */
#define MODEL_RTT_MAX_US          ((uint64_t) UINT32_MAX / 8)              /* tcp_sock.srtt_us: u32 holding srtt << 3 */
#define MODEL_RTO_MAX_US          (120 * USEC_PER_SEC)                     /* TCP_RTO_MAX: icsk_rto never exceeds it */
#define MODEL_USER_TIMEOUT_MAX_US ((uint64_t) INT32_MAX * USEC_PER_MSEC)   /* TCP_USER_TIMEOUT: an int of ms */
/* Past any timeline the kernel runs (keepalive: 32767 s + 127 x 32767 s,
 * 49 days), so a later local failure changes nothing. */
#define MODEL_AT_MAX_US           (366 * 24 * 3600 * USEC_PER_SEC)

/* Apply one tunable (any key spelling) as --set or a profile would.
 * Returns 0, -ENOENT (not a tunable the model reads), -EINVAL (not a
 * number / name), -ERANGE (outside the kernel's range). */
int model_input_set(struct model_input *in, const char *key, const char *value);

/* The current value of a model-relevant tunable as the kernel would print
 * it, into buf; NULL when the key is not one the model reads. */
const char *model_input_get(const struct model_input *in, const char *key, char *buf, size_t size);

/* Keys model_input_set() accepts, NULL-terminated, in catalog order. */
extern const char *const model_input_keys[];

/* Parse "--keepalive IDLE,INTVL,CNT" (durations, durations, count) into
 * the socket-option fields. Returns 0 or -EINVAL / -ERANGE. */
int model_input_parse_keepalive(struct model_input *in, const char *spec);

/* Parse "--local-failure KIND[@DUR]": qdisc-drop, unreachable, prohibit,
 * no-route, blackhole, neighbour, address-gone (this host's address
 * disappears: IPv4 fails like no-route, IPv6 keeps sending); without @DUR
 * from before the send. Returns 0, -EINVAL, or -ERANGE for a DUR over
 * MODEL_AT_MAX_US. */
int model_input_parse_local_failure(struct model_input *in, const char *spec);

/* Parse "--family inet|inet6" into in->inet6. Returns 0 or -EINVAL. */
int model_input_parse_family(struct model_input *in, const char *family);

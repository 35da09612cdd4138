/* SPDX-License-Identifier: MIT */
/* What an outage does to a connection: the path, or this host's address,
 * is gone from the first unacknowledged send until duration_us later, then
 * back. Pure: model.c hands over each timer phase of a chain; this folds
 * them into survives / resume range / tolerance.
 *
 * Invariants (measured: tests/kernel/cases.txt outage4_*):
 * 1. Nothing arrives while the path is gone, and nothing happens when it
 *    returns: data flows again at the first transmission at or after the
 *    return (a retransmission, a persist or keepalive probe), not at the
 *    return itself.
 * 2. The kernel's give-up test runs at a timer expiry before it transmits,
 *    so a return after the last transmission is too late even though the
 *    connection is still alive then: the next expiry aborts (outage4_late,
 *    back at 10 s, aborted at 13.4 s). An outage is survived when some
 *    transmission lies at or after its end.
 * 3. Times are from the first unacknowledged send; each phase's instants
 *    are those of one timer-wheel phase, as model.c simulates them. */
#pragma once

#include "util.h"

/* One timer phase of a chain: the instants, ascending, at which a segment
 * leaves (the first send at 0 included), and whether and when the kernel
 * gives up. */
struct model_phase {
        const uint64_t *tx_us;
        size_t n_tx;
        bool gives_up;
        uint64_t give_up_us;
};

struct model_outage {
        uint64_t duration_us;
        size_t n_phases;         /* phases folded in */
        bool survives;           /* every phase transmits at or after the return, before giving up */
        uint64_t resume_min_us;  /* that first transmission, from the first send; 0 unless survives */
        uint64_t resume_max_us;
        uint64_t tolerance_us;   /* the longest outage every phase survives (UINT64_MAX: never gives up) */
        uint64_t wait_max_us;    /* the longest gap between transmissions up to there: how long
                                  * data may wait after a survived outage ends */
};

/* Start a fold for an outage of duration_us. */
void model_outage_init(struct model_outage *o, uint64_t duration_us);

/* Fold in one phase. A phase with no transmission at all (n_tx 0) never
 * resumes. */
void model_outage_add(struct model_outage *o, const struct model_phase *p);

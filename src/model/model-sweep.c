/* SPDX-License-Identifier: MIT */
/* The phase sweep (docs/MODEL.md §4). Invariants:
 *
 * 1. Timers are simulated in integer jiffies with the timer wheel's
 *    rounding (§3, fire() in model-internal.h): a timer armed at J for d
 *    jiffies fires at ((E >> 3n) + 1) << 3n, E = J + d, n the wheel level
 *    of E - clk, where clk = J outside a timer callback and J + 1 inside
 *    one. Never early.
 * 2. Only the phase of the first arming is unknown. The chain is periodic
 *    in it with period 8^L (L the highest level used), so sweeping every
 *    phase is exact: min, typical and max are extremes and mean of that
 *    sweep, not samples of noise. Phases are grouped by the first timer's
 *    expiry, so a two-hour keepalive timer costs one chain, not 8^6.
 * 3. The triggering event happened at start_j + f, f in [0, 1): max is the
 *    largest abort_j - start_j, min the smallest minus one jiffy, typical
 *    the mean minus half a jiffy.
 * 4. Give-up tests run at a timer expiry, before the retransmission, as
 *    tcp_write_timeout() does; nothing aborts between expiries (§5.5).
 * 5. An outage (§15) is folded over the same classes and offsets, each
 *    phase walked in full with its transmissions logged: the shortcuts of
 *    invariant 2 keep the abort, not the instants before it. */
#include "model-internal.h"

/* A start far from 0, aligned to every wheel granularity, so that
 * start_j = first_j - offset never underflows and first_j keeps its phase
 * modulo 8^L. */
#define J_BASE (UINT64_C(1) << 40)

/* One class of phases: first_j fixed, start_j = first_j - offset over the
 * offsets off_lo, off_lo + stride, ... below off_hi, then off_hi. */
struct sweep_class {
        const struct params *p;
        chain_fn chain;
        struct sim *s;
        uint64_t first_j, off_lo, off_hi, stride, n_offs;
        /* Extremes, sum and count of abort_j - start_j over the sweep. */
        uint64_t elapsed_min_j, elapsed_max_j, sum, count;
        bool overflow;               /* sum left uint64_t: redo in exact_order */
        bool exact_order;            /* every offset in order, summed as long double */
        long double ld_sum;
};

static uint64_t class_off(const struct sweep_class *c, uint64_t i) {
        return i + 1 < c->n_offs ? c->off_lo + i * c->stride : c->off_hi;
}

static uint64_t class_end(struct sweep_class *c, uint64_t i) {
        uint64_t start_j = c->first_j - class_off(c, i);
        return c->chain(c->p, c->s, start_j, c->first_j);
}

static void class_add(struct sweep_class *c, uint64_t i, uint64_t abort_j) {
        uint64_t elapsed_j = abort_j - (c->first_j - class_off(c, i));
        c->elapsed_min_j = min_u64(c->elapsed_min_j, elapsed_j);
        c->elapsed_max_j = max_u64(c->elapsed_max_j, elapsed_j);
        if (c->exact_order)
                c->ld_sum += (long double) elapsed_j;
        else if (__builtin_add_overflow(c->sum, elapsed_j, &c->sum))
                c->overflow = true;
        c->count++;
}

/* Add offsets [a, b), the abort known at both ends. For a START_MONOTONE
 * chain the abort does not grow with the offset (the expiries are the
 * same, only the stop moves, and never later for an earlier start), so
 * equal ends mean every offset between ends there too, with the same
 * timers fired. */
static void class_fill(struct sweep_class *c, uint64_t a, uint64_t abort_a_j, uint64_t b, uint64_t abort_b_j) {
        if (abort_a_j == abort_b_j) {
                for (uint64_t i = a; i < b; i++)
                        class_add(c, i, abort_a_j);
                return;
        }
        if (b - a == 1) {
                class_add(c, a, abort_a_j);
                return;
        }
        uint64_t mid = a + (b - a) / 2, abort_mid_j = class_end(c, mid);
        class_fill(c, a, abort_a_j, mid, abort_mid_j);
        class_fill(c, mid, abort_mid_j, b, abort_b_j);
}

static void class_sweep(struct sweep_class *c) {
        uint64_t last = c->n_offs - 1, abort_first_j = class_end(c, 0);

        if (c->exact_order || c->p->start_dep == START_ANY) {
                class_add(c, 0, abort_first_j);
                for (uint64_t i = 1; i <= last; i++)
                        class_add(c, i, class_end(c, i));
        } else if (c->p->start_dep == START_NONE) {
                for (uint64_t i = 0; i <= last; i++)
                        class_add(c, i, abort_first_j);
        } else {
                uint64_t abort_last_j = last ? class_end(c, last) : abort_first_j;
                class_fill(c, 0, abort_first_j, last, abort_last_j);
                class_add(c, last, abort_last_j);
        }
}

/* The offsets start_j lies before the first expiry: from a timer of
 * first_delay_j jiffies armed at start_j (first_j - start_j in
 * [d + 1, d + g], g its granularity), or from a timer already pending
 * (first_j - start_j in [0, pending_j + g]: it was armed up to pending_j
 * before the peer went silent and fires up to a granule after that;
 * measured zw_b4_r2_4 in tests/kernel/cases.txt aborted at 17.72-17.96 s,
 * past the 17.73 s the bound gave when it stopped at pending_j).
 * *ret_granularity is g, the spacing of first expiries. */
static void first_offsets(const struct params *p, uint64_t *ret_lo, uint64_t *ret_hi, uint64_t *ret_granularity) {
        if (p->pending_j) {
                *ret_granularity = UINT64_C(1) << (3 * wheel_level(p->pending_j));
                *ret_lo = 0;
                *ret_hi = p->pending_j + *ret_granularity;
        } else {
                *ret_granularity = UINT64_C(1) << (3 * wheel_level(p->first_delay_j));
                *ret_lo = p->first_delay_j + 1;
                *ret_hi = p->first_delay_j + *ret_granularity;
        }
}

/* The timeline: one typical phase, first class, mean offset. */
static void record_timeline(const struct params *p, chain_fn chain, uint64_t off_lo, uint64_t off_hi,
                            struct model_result *r) {
        struct sim rs = { .rec = r };
        uint64_t off = (off_lo + off_hi) / 2;
        rs.rec_start_j = J_BASE - off;
        r->n_events = 0;
        r->events[r->n_events++] = (struct model_event) { 0, EVENT_SEND, 1 };
        (void) chain(p, &rs, rs.rec_start_j, J_BASE);
}

/* Phases the outage fold walks at most: beyond, classes are taken at
 * an even stride (only a chain of 4096 timers per phase needs that). */
#define OUTAGE_MAX_PHASES 8192

/* §15, invariant 5: every phase of the sweep walked once more with its
 * transmissions logged, folded by model-outage.c. Times count from the
 * start of the triggering event's jiffy, as detect_max does; resume_min
 * takes one jiffy off, as detect_min does. */
static void outage_sweep(const struct params *p, chain_fn chain, uint64_t off_lo, uint64_t off_hi, uint64_t stride,
                         uint64_t n_offs, uint64_t classes, uint64_t first_granularity, struct model_result *r) {
        struct tx_log tx;
        uint64_t tx_us[ELEMENTSOF(tx.j) + 1];
        uint64_t class_stride = 1;
        if (classes * n_offs > OUTAGE_MAX_PHASES)
                class_stride = (classes * n_offs + OUTAGE_MAX_PHASES - 1) / OUTAGE_MAX_PHASES;

        model_outage_init(&r->outage, p->in->outage_us);
        for (uint64_t k = 0; k < classes; k += class_stride)
                for (uint64_t i = 0; i < n_offs; i++) {
                        uint64_t first_j = J_BASE + k * first_granularity;
                        uint64_t start_j = first_j - (i + 1 < n_offs ? off_lo + i * stride : off_hi);
                        struct sim s = { .tx = &tx };
                        size_t n = 0;
                        tx.n = 0;
                        uint64_t abort_j = chain(p, &s, start_j, first_j);
                        if (p->trigger_sends)
                                tx_us[n++] = 0;
                        for (size_t t = 0; t < tx.n; t++)
                                tx_us[n++] = j_to_us(tx.j[t] - start_j, p->hz);
                        const struct model_phase ph = { tx_us, n, true, j_to_us(abort_j - start_j, p->hz) };
                        model_outage_add(&r->outage, &ph);
                }
        if (r->outage.survives) {
                uint64_t jiffy_us = j_to_us(1, p->hz);
                r->outage.resume_min_us = r->outage.resume_min_us > jiffy_us ? r->outage.resume_min_us - jiffy_us : 0;
        }
        r->has_outage = true;
}

/* Sweep the phases (invariant 2). The mean is the exact sum over count:
 * as uint64_t, or when that overflows as the long double sum in sweep
 * order, which is exact up to 2^64 and so the same below. */
void model_sweep(const struct params *p, chain_fn chain, struct model_result *r) {
        struct sim probe = {};
        uint64_t off_lo, off_hi, first_granularity;

        first_offsets(p, &off_lo, &off_hi, &first_granularity);
        /* Offsets within a class: every one while cheap, else 65 evenly
         * spaced (only a 16 s+ first timer needs that). */
        uint64_t stride = max_u64(1, (off_hi - off_lo) / 64);
        uint64_t n_offs = 1 + (off_hi - off_lo + stride - 1) / stride;

        (void) chain(p, &probe, J_BASE - off_lo, J_BASE);
        unsigned level = probe.max_level;
        if (3 * wheel_level(max_u64(p->first_delay_j, p->pending_j)) > 3 * level)
                level = wheel_level(max_u64(p->first_delay_j, p->pending_j));

        struct chain_memo memo;
        for (bool exact_order = false;;) {
                memo.n = 0;
                uint64_t period = UINT64_C(1) << (3 * level);
                uint64_t classes = period > first_granularity ? period / first_granularity : 1;
                struct sim s = { .memo = p->use_memo ? &memo : NULL };
                struct sweep_class c = {
                        .p = p, .chain = chain, .s = &s,
                        .off_lo = off_lo, .off_hi = off_hi, .stride = stride, .n_offs = n_offs,
                        .elapsed_min_j = UINT64_MAX, .exact_order = exact_order,
                };

                for (uint64_t k = 0; k < classes; k++) {
                        c.first_j = J_BASE + k * first_granularity;
                        class_sweep(&c);
                }
                if (s.max_level > level) {
                        level = s.max_level; /* a longer chain reached a higher level: redo */
                        continue;
                }
                if (c.overflow && !exact_order) {
                        exact_order = true;
                        continue;
                }
                long double mean = (exact_order ? c.ld_sum : (long double) c.sum) / (long double) c.count;
                r->detect_max_us = j_to_us(c.elapsed_max_j, p->hz);
                /* An abort in the very jiffy of the event (a zero-window
                 * probe timer pending with the probes already out, firing
                 * at offset 0) is 0 away, not 2^64 - 1 jiffies. */
                r->detect_min_us = j_to_us(c.elapsed_min_j ? c.elapsed_min_j - 1 : 0, p->hz);
                r->detect_us = mean <= 0.5L ? 0
                               : (uint64_t) ((mean - 0.5L) * (long double) USEC_PER_SEC / (long double) p->hz + 0.5L);
                /* FIN-WAIT-2 sends nothing an outage could hold up. */
                if (p->in->outage && chain != model_chain_fin_wait_2)
                        outage_sweep(p, chain, off_lo, off_hi, stride, n_offs, classes, first_granularity, r);
                break;
        }
        record_timeline(p, chain, off_lo, off_hi, r);
}

/* SPDX-License-Identifier: MIT */
/* apply_state_parse() over arbitrary bytes (up to the first NUL, as the
 * record is read as a string): the state record in /var/lib/tcptune that
 * `profile revert` trusts to put values back as root. Success: every key
 * is a canonical net.* catalog key (once), every value non-empty and one
 * line, the drop-in a file directly in /etc/sysctl.d, its mode within
 * APPLY_STATE_MODE_MASK, and the record formats and re-parses to itself.
 * Failure: -EBADMSG with a line of the record (one past the end for a
 * record cut short) and a reason that makes "FILE:LINE: why" one line.
 * Linear: no input takes more than a few ms of CPU. */
#include <inttypes.h>
#include <time.h>

#include "apply-internal.h"
#include "escape.h"
#include "fuzz.h"
#include "sysctl-key.h"
#include "tunables.h"

/* CPU time allowed for one parse of up to 64 KiB (a linear parse takes
 * well under 1 ms even with ASan; the sscanf-per-byte one took seconds). */
#define PARSE_CPU_MAX_US 20000
#define TIMED_SIZE_MAX (64 * 1024)

static uint64_t cpu_us(void) {
        struct timespec ts;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return (uint64_t) ts.tv_sec * USEC_PER_SEC + (uint64_t) ts.tv_nsec / 1000;
}

static void check_state(const struct apply_state *s) {
        fuzz_assert(s->n >= 1);
        for (size_t i = 0; i < s->n; i++) {
                _cleanup_free_ char *canon = NULL;
                const char *k = s->keys[i], *v = s->values[i];
                fuzz_assert(k && v);
                fuzz_oom(sysctl_key_normalize(k, &canon));
                fuzz_assert(canon && streq(canon, k));
                fuzz_assert(startswith(k, "net."));
                const struct tunable *t = tunable_find(k);
                fuzz_assert(t && streq(t->key, k));
                fuzz_assert(*v && !strpbrk(v, "\n\r"));
                for (size_t j = 0; j < i; j++)
                        fuzz_assert(!streq(s->keys[j], k));
        }
        for (size_t i = 0; i < s->n_set; i++) {
                const struct tunable *t = tunable_find(s->set_keys[i]);
                fuzz_assert(t && streq(t->key, s->set_keys[i]));
                fuzz_assert(*s->set_values[i] && !strpbrk(s->set_values[i], "\n\r"));
        }
        fuzz_assert((s->dropin_mode & ~(mode_t) APPLY_STATE_MODE_MASK) == 0);
        fuzz_assert(!s->had_dropin || s->dropin_data);
        if (s->dropin) {
                const char *name = startswith(s->dropin, APPLY_SYSCTLD_DIR "/");
                fuzz_assert(name && *name && !strchr(name, '/'));
                fuzz_assert(!streq(name, ".") && !streq(name, ".."));
                fuzz_assert(apply_dropin_name_valid(name));
        }
        fuzz_assert(!s->profile || (*s->profile && !strchr(s->profile, '\n')));
        fuzz_assert(!s->profile_file || (*s->profile_file && !strchr(s->profile_file, '\n')));
}

static bool same_state(const struct apply_state *a, const struct apply_state *b) {
        if (!streq_ptr(a->profile, b->profile) || !streq_ptr(a->profile_file, b->profile_file) ||
            !streq_ptr(a->dropin, b->dropin) || a->n != b->n)
                return false;
        /* The drop-in's previous content is recorded only with a drop-in. */
        if (a->dropin && (a->created_dir != b->created_dir || a->had_dropin != b->had_dropin))
                return false;
        if (a->dropin && a->had_dropin &&
            (a->dropin_mode != b->dropin_mode || a->dropin_len != b->dropin_len ||
             memcmp(a->dropin_data, b->dropin_data, a->dropin_len) != 0))
                return false;
        for (size_t i = 0; i < a->n; i++)
                if (!streq(a->keys[i], b->keys[i]) || !streq(a->values[i], b->values[i]))
                        return false;
        if (a->n_set != b->n_set)
                return false;
        for (size_t i = 0; i < a->n_set; i++)
                if (!streq(a->set_keys[i], b->set_keys[i]) || !streq(a->set_values[i], b->set_values[i]))
                        return false;
        return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = strndup((const char *) data, size);
        struct apply_state s = {};
        struct error err = {};

        fuzz_assert(text);
        unsigned lines = fuzz_count_lines((const uint8_t *) text, strlen(text));
        uint64_t t0 = cpu_us();
        int r = apply_state_parse(text, APPLY_STATE_DIR "/state", &s, &err);
        uint64_t took = cpu_us() - t0;
        fuzz_oom(r);
        /* A slow parse is timed twice more and the fastest counts: page
         * faults and ASan's allocator can charge one run 20 ms of CPU on a
         * loaded machine (seen once in 2.4 M runs, for 525 bytes that then
         * parsed in 0 ms), while a superlinear parse is slow every time. */
        for (int retry = 0; retry < 2 && size <= TIMED_SIZE_MAX && took > PARSE_CPU_MAX_US; retry++) {
                struct apply_state again = {};
                struct error again_err = {};
                uint64_t t1 = cpu_us();
                (void) apply_state_parse(text, APPLY_STATE_DIR "/state", &again, &again_err);
                uint64_t t2 = cpu_us() - t1;
                took = t2 < took ? t2 : took;
                apply_state_done(&again);
                error_done(&again_err);
        }
        if (size <= TIMED_SIZE_MAX && took > PARSE_CPU_MAX_US) {
                fprintf(stderr, "apply_state_parse() took %" PRIu64 " us for %zu bytes\n", took, size);
                fuzz_assert(took <= PARSE_CPU_MAX_US);
        }
        if (r < 0) {
                fuzz_assert(r == -EBADMSG && err.code == r);
                fuzz_assert(err.file && streq(err.file, APPLY_STATE_DIR "/state"));
                fuzz_assert(err.line >= 1 && err.line <= lines + 1);
                fuzz_assert(err.message && *err.message);
                /* The record's bytes are escaped in the message itself: it
                 * also goes to the journal and the JSON document as is. */
                _cleanup_free_ char *msg = error_format(&err);
                fuzz_oom(msg ? 0 : -ENOMEM);
                fuzz_assert(startswith(msg, APPLY_STATE_DIR "/state:"));
                fuzz_assert(fuzz_no_control(msg));
                fuzz_assert(utf8_valid(msg, strlen(msg)));
                error_done(&err);
                return 0;
        }
        fuzz_assert(!error_is_set(&err));
        check_state(&s);

        /* What was accepted is what apply could have written. */
        _cleanup_free_ char *again = NULL;
        r = apply_state_format(&s, &again);
        fuzz_oom(r);
        fuzz_assert(r == 0);
        struct apply_state t = {};
        fuzz_oom(apply_state_parse(again, APPLY_STATE_DIR "/state", &t, NULL));
        fuzz_assert(same_state(&s, &t));
        apply_state_done(&t);
        apply_state_done(&s);
        return 0;
}

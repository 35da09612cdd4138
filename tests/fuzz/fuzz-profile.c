/* SPDX-License-Identifier: MIT */
/* profile_parse_buffer() over arbitrary bytes. A parse that succeeds gives
 * settings whose keys are catalog keys in canonical form and whose values
 * the kernel would take; a failure gives one line naming the file. */
#include <inttypes.h>

#include "fuzz.h"
#include "parse.h"
#include "profile.h"
#include "sysctl.h"
#include "tunables.h"

#define FILE_NAME "/etc/tcptune/profiles.d/fuzz.ini"

static const unsigned hzs[] = { 0, 100, 250, 300, 1000 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        /* The HZ follows from the input so that a crash replays. */
        unsigned hz = hzs[size % ELEMENTSOF(hzs)];
        unsigned lines = fuzz_count_lines(data, size);
        struct profile_file f = {};
        struct error err = {};

        int r = profile_parse_buffer(FILE_NAME, (const char *) data, size, hz, &f, &err);
        fuzz_oom(r);
        if (r < 0) {
                fuzz_assert(r == -EINVAL && err.code == r);
                fuzz_assert(err.file && streq(err.file, FILE_NAME));
                fuzz_assert(err.message && fuzz_one_line(err.message));
                /* A line of the file, or 0: the whole file. */
                fuzz_assert(err.line <= lines);
                char *error = error_format(&err);
                fuzz_oom(error ? 0 : -ENOMEM);
                fuzz_assert(startswith(error, FILE_NAME ":"));
                fuzz_assert(fuzz_one_line(error));
                free(error);
                error_done(&err);
                return 0;
        }
        fuzz_assert(!error_is_set(&err));
        fuzz_assert(f.description);
        fuzz_assert(!f.include || (*f.include && f.include_line >= 1 && f.include_line <= lines));
        for (size_t i = 0; i < f.n_settings; i++) {
                const struct profile_setting *s = &f.settings[i];
                _cleanup_free_ char *canon = NULL;
                fuzz_assert(s->key && s->value && s->file);
                fuzz_assert(streq(s->file, FILE_NAME));
                fuzz_assert(s->line >= 1 && s->line <= lines);
                fuzz_oom(sysctl_key_normalize(s->key, &canon));
                fuzz_assert(canon && streq(canon, s->key));
                const struct tunable *t = tunable_find(s->key);
                fuzz_assert(t && streq(t->key, s->key));
                fuzz_assert(tunable_check_value(t, s->value, hz, NULL) == 0);
                for (size_t j = 0; j < i; j++)
                        fuzz_assert(!streq(f.settings[j].key, s->key));
        }
        for (size_t i = 0; i < f.n_expects; i++) {
                const struct profile_expect *e = &f.expects[i];
                fuzz_assert(e->file && streq(e->file, FILE_NAME));
                fuzz_assert(e->line >= 1 && e->line <= lines);
                fuzz_assert((unsigned) e->scenario < _SCENARIO_MAX);
                fuzz_assert(e->bound == PROFILE_BOUND_MAX || e->bound == PROFILE_BOUND_MIN);
                for (size_t j = 0; j < i; j++)
                        fuzz_assert(f.expects[j].scenario != e->scenario || f.expects[j].bound != e->bound);
        }
        profile_file_done(&f);
        return 0;
}

/* SPDX-License-Identifier: MIT */
/* policy_parse() over arbitrary bytes. Success: every limit has the text
 * it was parsed from, silenced ids are known; failure: one line that names
 * a line of the file. */
#include "escape.h"
#include "findings.h"
#include "fuzz.h"
#include "parse.h"
#include "policy.h"

#define FILE_NAME "/etc/tcptune/tcptune.conf"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        unsigned lines = fuzz_count_lines(data, size);
        struct error err = {};
        struct policy p;

        int r = policy_parse(FILE_NAME, (const char *) data, size, &p, &err);
        fuzz_oom(r);
        if (r < 0) {
                fuzz_assert(r == -EINVAL && err.code == r);
                fuzz_assert(err.message && *err.message && fuzz_one_line(err.message));
                fuzz_assert(err.file && streq(err.file, FILE_NAME));
                fuzz_assert(err.line >= 1 && err.line <= lines);
                /* The line as log.c puts it on a terminal: no control byte. */
                _cleanup_free_ char *f = error_format(&err), *l = f ? escape_text(f, SIZE_MAX) : NULL;
                fuzz_oom(l ? 0 : -ENOMEM);
                fuzz_assert(fuzz_no_control(l));
                error_done(&err);
                return 0;
        }
        fuzz_assert(!error_is_set(&err));
        fuzz_assert(p.file && streq(p.file, FILE_NAME));
        for (unsigned s = 0; s < _SCENARIO_MAX; s++) {
                fuzz_assert(!p.limit_us[s] == !p.limit_text[s]);
                if (p.limit_text[s]) {
                        uint64_t us;
                        fuzz_assert(parse_duration(p.limit_text[s], &us) == 0 && us == p.limit_us[s]);
                }
        }
        fuzz_assert(p.silence);
        for (char **id = p.silence; *id; id++) {
                fuzz_assert(finding_id_known(*id));
                fuzz_assert(policy_silenced(&p, *id));
        }
        policy_done(&p);
        return 0;
}

/* SPDX-License-Identifier: MIT */
/* sysctld_new / sysctld_parse_buffer / sysctld_finish over arbitrary
 * bytes, split into up to four drop-ins at each "\n===\n" (overrides across
 * files), globs expanded against a fixture tree (FUZZ_ROOT, never the
 * host's /proc/sys). Entries and overrides must point at real files and
 * lines; escaped values and diagnostics must be single terminal lines. */
#include "escape.h"
#include "fuzz.h"
#include "sysctld.h"

#ifndef FUZZ_ROOT
#error "FUZZ_ROOT: a fixture tree with proc/sys"
#endif

#define SEPARATOR "\n===\n"
#define FILES_MAX 4

static const char *const file_names[FILES_MAX] = {
        "/usr/lib/sysctl.d/50-fuzz.conf",
        "/etc/sysctl.d/60-fuzz.conf",
        "/run/sysctl.d/70-fuzz.conf",
        "/etc/sysctl.d/90-fuzz.conf",
};

static bool known_file(const struct sysctld *s, const char *file) {
        for (size_t i = 0; i < s->n_files; i++)
                if (streq(s->files[i], file))
                        return true;
        return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(sysctld_freep) struct sysctld *s = sysctld_new();
        const char *p = (const char *) data, *end = p + size;
        size_t n = 0;

        fuzz_assert(s);
        while (n < FILES_MAX) {
                const char *sep = n + 1 < FILES_MAX ? memmem(p, (size_t) (end - p), SEPARATOR, strlen(SEPARATOR)) : NULL;
                size_t len = sep ? (size_t) (sep - p) : (size_t) (end - p);
                fuzz_oom(sysctld_parse_buffer(s, file_names[n++], p, len));
                if (!sep)
                        break;
                p = sep + strlen(SEPARATOR);
        }
        fuzz_oom(sysctld_finish(s, fuzz_root()));
        fuzz_oom(sysctld_settle(s, fuzz_root()));

        fuzz_assert(s->n_files == n || s->refused);
        /* A refused tree (a bound) holds its reason and nothing else. */
        fuzz_assert(!s->refused || (s->n_entries == 0 && s->n_overrides == 0 && sysctld_refused(s)->error == -E2BIG));
        for (size_t i = 0; i < s->n_entries; i++) {
                const struct sysctld_entry *e = &s->entries[i];
                fuzz_assert(e->key && e->value && e->file);
                fuzz_assert(known_file(s, e->file));
                fuzz_assert(e->line >= 1 && e->line <= size + 1);
                fuzz_assert(!e->pattern || strpbrk(e->pattern, "*?["));
                fuzz_assert(!strpbrk(e->key, "*?[") || !e->pattern);
                /* One entry per concrete key. */
                fuzz_assert(sysctld_find(s, e->key) == e);

                struct sysctld_check c = {};
                bool needs_hz = false;
                fuzz_oom(sysctld_check_entry(fuzz_root(), e, 250, &needs_hz, &c));
                fuzz_assert(c.valid == !c.problem);
                fuzz_assert(!c.problem || *c.problem);
                fuzz_assert(!c.exists || c.live_error != -ENOENT);
                sysctld_check_done(&c);

                _cleanup_free_ char *esc = escape_text(e->value, 60);
                fuzz_assert(esc && fuzz_no_control(esc));
                _cleanup_free_ char *again = escape_text(esc, SIZE_MAX);
                fuzz_assert(again && streq(again, esc));
        }
        for (size_t i = 0; i < s->n_overrides; i++) {
                const struct sysctld_override *o = &s->overrides[i];
                fuzz_assert(o->key && o->file && known_file(s, o->file));
                fuzz_assert(o->line >= 1);
                fuzz_assert(o->winner < s->n_entries);
                fuzz_assert(!o->written || o->before <= s->n_entries);
        }
        for (size_t i = 0; i < s->n_diags; i++) {
                const struct sysctld_diag *d = &s->diags[i];
                /* Messages quote the file's bytes as they are (JSON
                 * wants them so); text output escapes them, which must
                 * give one line. */
                fuzz_assert(d->message && *d->message);
                _cleanup_free_ char *esc = escape_text(d->message, SIZE_MAX);
                fuzz_assert(esc && fuzz_no_control(esc));
                fuzz_assert(!d->file || known_file(s, d->file));
        }
        return 0;
}

/* SPDX-License-Identifier: MIT */
/* Network namespace names and labels over arbitrary bytes: the input,
 * split at '\n', is a list of names as /run/netns or --netns could give
 * them (any byte but NUL; the input ends at its first NUL).
 *  - netns_resolve(): pid:N names /proc/N/ns/net, a spec with '/' is a
 *    path as given, any other name a file directly in /run/netns;
 *  - audit_add_ns(): "host" first, then each name; labels are unique and
 *    each is its name or the name with "#N";
 *  - escape_text(): no control code point (escape_is_control()), valid
 *    UTF-8, idempotent, at most max bytes of input shown;
 *  - prometheus_escape_label(): valid UTF-8, no raw newline, every quote
 *    escaped, and unescaping gives the label back. */
#include <inttypes.h>

#include "audit.h"
#include "escape.h"
#include "fuzz.h"
#include "netns.h"
#include "output-prometheus.h"
#include "parse.h"

#define NAMES_MAX 64

static void check_resolve(const char *spec) {
        _cleanup_free_ char *path = NULL;
        int r = netns_resolve(spec, &path);
        fuzz_oom(r);
        fuzz_assert(r == 0 || r == -EINVAL);
        if (r < 0)
                return;
        fuzz_assert(path && *spec);
        const char *pid = startswith(spec, "pid:");
        if (pid) {
                uint64_t v;
                fuzz_assert(parse_uint(pid, 4194304, &v) == 0 && v > 0);
                char want[64];
                snprintf(want, sizeof(want), "/proc/%" PRIu64 "/ns/net", v);
                fuzz_assert(streq(path, want));
        } else if (strchr(spec, '/'))
                fuzz_assert(streq(path, spec));
        else {
                const char *name = startswith(path, "/run/netns/");
                fuzz_assert(name && streq(name, spec));
                fuzz_assert(!streq(name, ".") && !streq(name, "..") && strlen(name) <= 255);
        }
}

static bool no_control_cp(const char *s) {
        const unsigned char *p = (const unsigned char *) s;
        size_t n = strlen(s);
        for (size_t i = 0, k; i < n; i += k) {
                uint32_t cp;
                if (!(k = utf8_decode(p + i, n - i, &cp)) || escape_is_control(cp))
                        return false;
        }
        return true;
}

static void check_escape(const char *s, size_t max) {
        _cleanup_free_ char *e = escape_text(s, max);
        fuzz_assert(e);
        fuzz_assert(no_control_cp(e));
        fuzz_assert(utf8_valid(e, strlen(e)));
        _cleanup_free_ char *again = escape_text(e, SIZE_MAX);
        fuzz_assert(again && streq(again, e));
        /* What is shown of a clean string is the string. */
        if (strlen(s) <= max && no_control_cp(s))
                fuzz_assert(streq(e, s));
}

static void check_prometheus(const char *s) {
        _cleanup_free_ char *e = prometheus_escape_label(s);
        fuzz_assert(e);
        fuzz_assert(utf8_valid(e, strlen(e)));
        fuzz_assert(!strchr(e, '\n'));
        _cleanup_free_ char *back = malloc(strlen(e) + 1);
        fuzz_assert(back);
        char *w = back;
        for (const char *p = e; *p; p++) {
                fuzz_assert(*p != '"'); /* a quote only after a backslash */
                if (*p != '\\') {
                        *w++ = *p;
                        continue;
                }
                p++;
                fuzz_assert(*p == '\\' || *p == '"' || *p == 'n');
                *w++ = *p == 'n' ? '\n' : *p;
        }
        *w = '\0';
        if (utf8_valid(s, strlen(s)))
                fuzz_assert(streq(back, s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = strndup((const char *) data, size);
        char *names[NAMES_MAX];
        size_t n = 0;
        struct audit_report rep = {};

        fuzz_assert(text);
        for (char *p = text; p && n < NAMES_MAX;) {
                names[n++] = p;
                p = strchr(p, '\n');
                if (p)
                        *p++ = '\0';
        }
        fuzz_oom(audit_add_ns(&rep, "host", NULL));
        for (size_t i = 0; i < n; i++) {
                check_resolve(names[i]);
                _cleanup_free_ char *path = NULL;
                if (asprintf(&path, "/run/netns/%s", names[i]) < 0)
                        abort();
                fuzz_oom(audit_add_ns(&rep, names[i], path));
        }
        fuzz_assert(rep.n_ns == n + 1);
        for (size_t i = 0; i < rep.n_ns; i++) {
                const char *label = rep.ns[i].label, *name = i ? names[i - 1] : "host";
                fuzz_assert(label && startswith(label, name));
                const char *tail = label + strlen(name);
                if (*tail) {
                        uint64_t k;
                        fuzz_assert(tail[0] == '#' && parse_uint(tail + 1, UINT32_MAX, &k) == 0 && k >= 2);
                }
                for (size_t j = 0; j < i; j++)
                        fuzz_assert(!streq(rep.ns[j].label, label));
                fuzz_assert(i == 0 || (rep.ns[i].path && startswith(rep.ns[i].path, "/run/netns/")));
                check_escape(label, SIZE_MAX);
                check_escape(label, 200);
                check_escape(label, size % 17);
                check_prometheus(label);
        }
        audit_report_done(&rep);
        return 0;
}

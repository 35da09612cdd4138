/* SPDX-License-Identifier: MIT */
/* One profile file: inih's ini_parse_stream() fed by our own line reader.
 *
 * inih r55 (Debian 12's libinih 55, built with its defaults; we link the
 * shared library and may not change them with -DINI_*) does things a
 * profile must never have done to it silently, so the reader checks every
 * line first and hands inih only lines it reads the one obvious way:
 *
 *  1. Lines are cut at INI_MAX_LINE (200 bytes with "\r\n\0") and the rest
 *     is parsed as a line of its own: a line longer than PROFILE_LINE_MAX
 *     is an error.
 *  2. INI_ALLOW_MULTILINE: an indented line continues the previous value;
 *     an indented KEY = VALUE or [section] is an error (indented comments
 *     and blank lines are fine).
 *  3. Inline comments: inih cuts a value at " ;" but keeps "a;b" and
 *     "a # b". Our rule is one a user can predict: ';' and '#' start a
 *     comment only as the first non-blank character of a line, and
 *     anywhere else they are an error.
 *  4. ':' also separates a name from its value; section names are cut at
 *     49 bytes. Keys here are [A-Za-z0-9_./-] followed by '=', and section
 *     names are checked before inih sees them.
 *  5. NUL bytes end fgets() lines early; control characters are refused.
 *     A UTF-8 BOM at the start and CRLF line ends are accepted (stripped
 *     here, so inih's own BOM rule never matters).
 *
 * The handler is called for the line the reader returned last, so the
 * reader's count is the line number. Comments reach inih as blank lines. */
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>

#include "parse.h"
#include "profile.h"
#include "sysctl.h"
#include "tunables.h"

/* Room for the line, "\n" and the NUL in inih's buffer, with one to spare. */
#define PROFILE_LINE_MAX (INI_MAX_LINE - 3)

enum section { SECTION_NONE, SECTION_PROFILE, SECTION_SYSCTL, SECTION_EXPECT, _SECTION_MAX };
static const char *const section_names[_SECTION_MAX] = {
        [SECTION_PROFILE] = "profile", [SECTION_SYSCTL] = "sysctl", [SECTION_EXPECT] = "expect",
};

struct parser {
        const char *file;
        const char *buf;
        size_t len, pos;
        unsigned hz;
        unsigned lineno;
        enum section section;
        unsigned section_line[_SECTION_MAX];
        unsigned description_line, rtt_line;
        char *error;
        int err;
        struct profile_file *out;
};

_printf_(3, 4) static int fail(struct parser *p, int err, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        if (p->err)
                return 0;
        va_start(ap, fmt);
        int r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        p->err = err;
        if (r < 0 || asprintf(&p->error, "%s:%u: %s", p->file, p->lineno, msg) < 0) {
                p->error = NULL;
                p->err = -ENOMEM;
        }
        return 0;
}

static bool key_char(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("_./-", c);
}

/* Check one line (without its terminator) and say what inih should see:
 * 0 the line as it is, 1 a blank line, or an error recorded in p. */
static int check_line(struct parser *p, const char *line, size_t n) {
        if (n > PROFILE_LINE_MAX)
                return fail(p, -EINVAL, "line of %zu bytes: at most %d (inih would split it)", n, PROFILE_LINE_MAX), -1;
        if (memchr(line, '\0', n))
                return fail(p, -EINVAL, "NUL byte: binary data, not a profile"), -1;
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) line[i];
                if ((c < ' ' && c != '\t') || c == 0x7f)
                        return fail(p, -EINVAL, "control character 0x%02x: not a text line", c), -1;
        }
        size_t lead = strspn(line, " \t");
        const char *s = line + lead;
        size_t rest = n - lead;
        while (rest > 0 && (s[rest - 1] == ' ' || s[rest - 1] == '\t'))
                rest--;
        if (rest == 0 || *s == ';' || *s == '#')
                return 1;
        if (lead > 0)
                return fail(p, -EINVAL, "indented line: inih would read it as a continuation of the previous "
                                        "value (remove the leading blanks)"), -1;
        const char *c = memchr(s, ';', rest) ? memchr(s, ';', rest) : memchr(s, '#', rest);
        if (c)
                return fail(p, -EINVAL, "'%c' inside a line: comments go on a line of their own", *c), -1;
        if (*s == '[') {
                if (s[rest - 1] != ']')
                        return fail(p, -EINVAL, "section header without ']'"), -1;
                size_t len = rest - 2;
                for (unsigned i = 1; i < _SECTION_MAX; i++)
                        if (strlen(section_names[i]) == len && memcmp(s + 1, section_names[i], len) == 0) {
                                if (p->section_line[i])
                                        return fail(p, -EINVAL, "duplicate section [%s] (first at line %u)",
                                                    section_names[i], p->section_line[i]), -1;
                                p->section_line[i] = p->lineno;
                                p->section = (enum section) i;
                                return 0;
                        }
                return fail(p, -EINVAL, "unknown section [%.*s] (profile, sysctl or expect)",
                            (int) (len > 40 ? 40 : len), s + 1), -1;
        }
        size_t k = 0;
        while (k < rest && key_char(s[k]))
                k++;
        size_t eq = k + strspn(s + k, " \t");
        if (k == 0 || eq >= rest || s[eq] != '=')
                return fail(p, -EINVAL, "expected KEY = VALUE"), -1;
        if (p->section == SECTION_NONE)
                return fail(p, -EINVAL, "%.*s = ... before any [section]", (int) k, s), -1;
        return 0;
}

/* inih's fgets-style reader: one checked line per call. */
static char *reader(char *str, int num, void *stream) {
        struct parser *p = stream;
        if (p->err || p->pos >= p->len)
                return NULL;
        const char *line = p->buf + p->pos;
        const char *nl = memchr(line, '\n', p->len - p->pos);
        size_t n = nl ? (size_t) (nl - line) : p->len - p->pos;
        p->pos += n + (nl ? 1 : 0);
        p->lineno++;
        if (n > 0 && line[n - 1] == '\r')
                n--;
        if (p->lineno == 1 && n >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
                line += 3, n -= 3;
        int r = check_line(p, line, n);
        if (r < 0)
                return NULL;
        if (r == 1)
                n = 0;
        if (n + 2 > (size_t) num) {
                fail(p, -EINVAL, "line of %zu bytes: at most %d (inih would split it)", n, num - 2);
                return NULL;
        }
        memcpy(str, line, n);
        str[n] = '\n';
        str[n + 1] = '\0';
        return str;
}

static int dup_string(struct parser *p, char **dst, const char *s) {
        if (!(*dst = strdup(s)))
                p->err = -ENOMEM;
        return *dst ? 0 : -ENOMEM;
}

static void on_profile(struct parser *p, const char *name, const char *value) {
        struct profile_file *f = p->out;
        if (streq(name, "description")) {
                if (p->description_line)
                        return (void) fail(p, -EINVAL, "duplicate key description (first at line %u)",
                                           p->description_line);
                p->description_line = p->lineno;
                (void) dup_string(p, &f->description, value);
        } else if (streq(name, "include")) {
                if (f->include_line)
                        return (void) fail(p, -EINVAL, "duplicate key include (first at line %u): one parent only",
                                           f->include_line);
                if (!*value)
                        return (void) fail(p, -EINVAL, "include = needs a profile name or a path");
                f->include_line = p->lineno;
                (void) dup_string(p, &f->include, value);
        } else
                fail(p, -EINVAL, "unknown key '%s' in [profile] (description, include)", name);
}

static void on_sysctl(struct parser *p, const char *name, const char *value) {
        struct profile_file *f = p->out;
        bool optional = name[0] == '-';
        const char *key = name + optional;
        _cleanup_free_ char *canon = NULL;
        long lo, hi;

        int r = sysctl_key_normalize(key, &canon);
        if (r == -ENOMEM)
                return (void) (p->err = -ENOMEM);
        if (r < 0)
                return (void) fail(p, -EINVAL, "'%s' is not a sysctl key", key);
        if (!startswith(canon, "net."))
                return (void) fail(p, -EINVAL, "%s: tcptune only manages net.* keys", key);
        const struct tunable *t = tunable_find(canon);
        if (!t)
                return (void) fail(p, -EINVAL, "%s is not a tunable tcptune knows (tcptune explain lists them)", key);
        for (size_t i = 0; i < f->n_settings; i++)
                if (streq(f->settings[i].key, t->key))
                        return (void) fail(p, -EINVAL, "duplicate key %s (first at line %u)", t->key,
                                           f->settings[i].line);
        r = tunable_check_value(t, value, p->hz, NULL);
        tunable_range(t, p->hz, &lo, &hi);
        if (r == -ERANGE && t->jiffies)
                return (void) fail(p, -EINVAL, "%s = %s is out of range (%ld-%ld at HZ %u)", key, value, lo, hi,
                                   p->hz ? p->hz : 250);
        if (r == -ERANGE)
                return (void) fail(p, -EINVAL, "%s = %s is out of range (%ld-%ld)", key, value, lo, hi);
        if (r < 0 && t->type == TUNABLE_STRING)
                return (void) fail(p, -EINVAL, "%s = %s: not a congestion control name", key, value);
        if (r < 0)
                return (void) fail(p, -EINVAL, "%s = %s: not a number", key, value);

        struct profile_setting *ns = reallocarray(f->settings, f->n_settings + 1, sizeof(*ns));
        if (!ns)
                return (void) (p->err = -ENOMEM);
        f->settings = ns;
        struct profile_setting *s = &ns[f->n_settings];
        *s = (struct profile_setting) { .line = p->lineno, .optional = optional };
        if (!(s->key = strdup(t->key)) || !(s->value = strdup(value)) || !(s->file = strdup(p->file))) {
                free(s->key), free(s->value), free(s->file);
                return (void) (p->err = -ENOMEM);
        }
        f->n_settings++;
}

/* "established_max", "fin_wait_2_min", "zero-window_max" */
static int expect_key(const char *name, enum scenario *ret_s, enum profile_bound *ret_b) {
        const char *u = strrchr(name, '_');
        if (!u || u == name || (!streq(u, "_max") && !streq(u, "_min")))
                return -EINVAL;
        _cleanup_free_ char *sc = strndup(name, (size_t) (u - name));
        if (!sc)
                return -ENOMEM;
        for (char *c = sc; *c; c++)
                if (*c == '_')
                        *c = '-';
        int s = scenario_from_string(sc);
        if (s < 0)
                return -EINVAL;
        *ret_s = (enum scenario) s;
        *ret_b = streq(u, "_max") ? PROFILE_BOUND_MAX : PROFILE_BOUND_MIN;
        return 0;
}

static void on_expect(struct parser *p, const char *name, const char *value) {
        struct profile_file *f = p->out;
        enum scenario sc;
        enum profile_bound b;
        uint64_t us;

        bool rtt = streq(name, "rtt");
        int r = rtt ? 0 : expect_key(name, &sc, &b);
        if (r == -ENOMEM)
                return (void) (p->err = -ENOMEM);
        if (r < 0)
                return (void) fail(p, -EINVAL, "unknown key '%s' in [expect] (rtt, SCENARIO_max, SCENARIO_min with "
                                               "a scenario of tcptune model)", name);
        r = parse_duration(value, &us);
        if (r == -ERANGE)
                return (void) fail(p, -EINVAL, "%s = %s: duration too large", name, value);
        if (r < 0)
                return (void) fail(p, -EINVAL, "%s = %s: not a duration (try 30s, 500ms, 2m)", name, value);
        if (rtt) {
                if (p->rtt_line)
                        return (void) fail(p, -EINVAL, "duplicate key rtt (first at line %u)", p->rtt_line);
                if (us == 0)
                        return (void) fail(p, -EINVAL, "rtt = %s: an RTT is more than 0", value);
                p->rtt_line = p->lineno;
                f->rtt_us = us;
                return;
        }
        for (size_t i = 0; i < f->n_expects; i++)
                if (f->expects[i].scenario == sc && f->expects[i].bound == b)
                        return (void) fail(p, -EINVAL, "duplicate key %s (first at line %u)", name,
                                           f->expects[i].line);
        struct profile_expect *ne = reallocarray(f->expects, f->n_expects + 1, sizeof(*ne));
        if (!ne)
                return (void) (p->err = -ENOMEM);
        f->expects = ne;
        ne[f->n_expects] = (struct profile_expect) {
                .scenario = sc, .bound = b, .limit_us = us, .line = p->lineno, .file = strdup(p->file),
        };
        if (!ne[f->n_expects].file)
                return (void) (p->err = -ENOMEM);
        f->n_expects++;
}

static int handler(void *user, const char *section, const char *name, const char *value) {
        struct parser *p = user;
        if (p->err || !name)
                return 1;
        switch (p->section) {
        case SECTION_PROFILE: on_profile(p, name, value); break;
        case SECTION_SYSCTL: on_sysctl(p, name, value); break;
        case SECTION_EXPECT: on_expect(p, name, value); break;
        default: fail(p, -EINVAL, "%s = ... before any [section]", name); break;
        }
        return 1;
}

int profile_parse_buffer(const char *file, const char *buf, size_t len, unsigned hz, struct profile_file *ret,
                         char **ret_error) {
        struct profile_file f = {};
        struct parser p = { .file = file, .buf = buf, .len = len, .hz = hz, .out = &f };

        int r = ini_parse_stream(reader, &p, handler, &p);
        if (!p.err && r == -2)
                p.err = -ENOMEM;
        if (!p.err && r != 0) {
                /* Not reached with the checks above; kept so inih's verdict is never ignored. */
                p.lineno = r > 0 ? (unsigned) r : p.lineno;
                fail(&p, -EINVAL, "inih cannot parse this line");
        }
        if (!p.err && !f.description) {
                if (asprintf(&p.error, "%s: no description in [profile] (say what the profile trades)", file) < 0)
                        p.error = NULL;
                p.err = -EINVAL;
        }
        if (p.err) {
                profile_file_done(&f);
                *ret_error = p.error;
                return p.err;
        }
        *ret = f;
        return 0;
}

void profile_file_done(struct profile_file *f) {
        free(f->description);
        free(f->include);
        profile_settings_free(f->settings, f->n_settings);
        profile_expects_free(f->expects, f->n_expects);
        *f = (struct profile_file) {};
}

void profile_settings_free(struct profile_setting *s, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(s[i].key);
                free(s[i].value);
                free(s[i].file);
        }
        free(s);
}

void profile_expects_free(struct profile_expect *e, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(e[i].file);
        free(e);
}

/* SPDX-License-Identifier: MIT */
/* One profile file, in tcptune's INI dialect (ini-reader.h: what inih r55
 * would do silently and which lines are therefore errors). Here: the
 * sections [profile], [sysctl], [expect] and what each key means. */
#include <stdarg.h>
#include <stdio.h>

#include "ini-reader.h"
#include "parse.h"
#include "profile.h"
#include "sysctl-key.h"
#include "tunables.h"

enum section { SECTION_NONE, SECTION_PROFILE, SECTION_SYSCTL, SECTION_EXPECT, _SECTION_MAX };
static const char *const section_names[_SECTION_MAX] = {
        [SECTION_PROFILE] = "profile", [SECTION_SYSCTL] = "sysctl", [SECTION_EXPECT] = "expect",
};

struct parser {
        struct ini_reader ini;    /* first: the reader's userdata is the parser */
        const char *file;
        unsigned hz;
        enum section section;
        unsigned section_line[_SECTION_MAX];
        unsigned description_line, rtt_line;
        struct profile_file *out;
};

_printf_(3, 4) static int fail(struct parser *p, int err, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        (void) ini_reader_failv(&p->ini, err, fmt, ap);
        va_end(ap);
        return 0;
}

/* Only [profile], [sysctl] and [expect], each once. */
static int on_section(struct ini_reader *r, const char *name, size_t len, void *userdata) {
        struct parser *p = userdata;
        for (unsigned i = 1; i < _SECTION_MAX; i++)
                if (strlen(section_names[i]) == len && memcmp(name, section_names[i], len) == 0) {
                        if (p->section_line[i])
                                return ini_reader_fail(r, -EINVAL, "duplicate section [%s] (first at line %u)",
                                                       section_names[i], p->section_line[i]);
                        p->section_line[i] = r->lineno;
                        p->section = (enum section) i;
                        return 0;
                }
        return ini_reader_fail(r, -EINVAL, "unknown section [%.*s] (profile, sysctl or expect)",
                               (int) (len > 40 ? 40 : len), name);
}

static int dup_string(struct parser *p, char **dst, const char *s) {
        if (!(*dst = strdup(s)))
                p->ini.err = -ENOMEM;
        return *dst ? 0 : -ENOMEM;
}

static void on_profile(struct parser *p, const char *name, const char *value) {
        struct profile_file *f = p->out;
        if (streq(name, "description")) {
                if (p->description_line)
                        return (void) fail(p, -EINVAL, "duplicate key description (first at line %u)",
                                           p->description_line);
                p->description_line = p->ini.lineno;
                (void) dup_string(p, &f->description, value);
        } else if (streq(name, "include")) {
                if (f->include_line)
                        return (void) fail(p, -EINVAL, "duplicate key include (first at line %u): one parent only",
                                           f->include_line);
                if (!*value)
                        return (void) fail(p, -EINVAL, "include = needs a profile name or a path");
                f->include_line = p->ini.lineno;
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
                return (void) (p->ini.err = -ENOMEM);
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
                                   hz_or_assumed(p->hz));
        if (r == -ERANGE)
                return (void) fail(p, -EINVAL, "%s = %s is out of range (%ld-%ld)", key, value, lo, hi);
        if (r < 0 && t->type == TUNABLE_STRING)
                return (void) fail(p, -EINVAL, "%s = %s: not a congestion control name", key, value);
        if (r < 0)
                return (void) fail(p, -EINVAL, "%s = %s: not a number", key, value);

        struct profile_setting *ns = reallocarray(f->settings, f->n_settings + 1, sizeof(*ns));
        if (!ns)
                return (void) (p->ini.err = -ENOMEM);
        f->settings = ns;
        struct profile_setting *s = &ns[f->n_settings];
        *s = (struct profile_setting) { .line = p->ini.lineno, .optional = optional };
        if (!(s->key = strdup(t->key)) || !(s->value = strdup(value)) || !(s->file = strdup(p->file))) {
                free(s->key), free(s->value), free(s->file);
                return (void) (p->ini.err = -ENOMEM);
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
                return (void) (p->ini.err = -ENOMEM);
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
                p->rtt_line = p->ini.lineno;
                f->rtt_us = us;
                return;
        }
        for (size_t i = 0; i < f->n_expects; i++)
                if (f->expects[i].scenario == sc && f->expects[i].bound == b)
                        return (void) fail(p, -EINVAL, "duplicate key %s (first at line %u)", name,
                                           f->expects[i].line);
        struct profile_expect *ne = reallocarray(f->expects, f->n_expects + 1, sizeof(*ne));
        if (!ne)
                return (void) (p->ini.err = -ENOMEM);
        f->expects = ne;
        ne[f->n_expects] = (struct profile_expect) {
                .scenario = sc, .bound = b, .limit_us = us, .line = p->ini.lineno, .file = strdup(p->file),
        };
        if (!ne[f->n_expects].file)
                return (void) (p->ini.err = -ENOMEM);
        f->n_expects++;
}

static int handler(void *user, const char *section, const char *name, const char *value) {
        struct parser *p = user;
        if (p->ini.err || !name)
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
                         struct error *err) {
        struct profile_file f = {};
        struct parser p = { .file = file, .hz = hz, .out = &f };
        /* The reader stops at the first failure, and the handlers record
         * -ENOMEM only before one: err holds at most the one that counts. */
        p.ini = (struct ini_reader) { .buf = buf, .len = len, .file = file, .error = err, .on_section = on_section,
                                      .userdata = &p };

        int r = ini_reader_parse(&p.ini, handler, &p);
        if (r == 0 && !f.description)
                r = error_set(err, -EINVAL, file, 0, "no description in [profile] (say what the profile trades)");
        if (r < 0) {
                profile_file_done(&f);
                return r;
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

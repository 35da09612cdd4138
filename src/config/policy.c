/* SPDX-License-Identifier: MIT */
/* The policy file, in tcptune's INI dialect (ini-reader.h, shared with
 * profiles): every message has its line, and what inih r55 would do
 * silently (split long lines, continue indented ones, cut inline
 * comments) is an error. */
#include <stdarg.h>
#include <stdio.h>

#include "fileio.h"
#include "finding.h"
#include "ini-reader.h"
#include "parse.h"
#include "policy.h"
#include "sysctld.h"

#define POLICY_SIZE_MAX (1024 * 1024)

/* The default limit: a dead peer noticed within 5 minutes (issue 7). */
static const struct {
        enum scenario scenario;
        const char *text;
} default_limits[] = {
        { SCENARIO_ESTABLISHED, "5m" },
};

struct parse_state {
        struct ini_reader ini;
        bool oom;
        struct policy *p;
        char **silence;
        size_t n_silence;
};

static void fail(struct parse_state *st, const char *fmt, ...) _printf_(2, 3);
static void fail(struct parse_state *st, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        (void) ini_reader_failv(&st->ini, -EINVAL, fmt, ap);
        va_end(ap);
}

/* Only [limits] and [findings]; an unknown one is reported at its header. */
static int on_section(struct ini_reader *r, const char *name, size_t len, void *userdata) {
        if ((len == 6 && memcmp(name, "limits", 6) == 0) || (len == 8 && memcmp(name, "findings", 8) == 0))
                return 0;
        return ini_reader_fail(r, -EINVAL, "[%.*s]: unknown section (only [limits] and [findings])",
                               (int) (len > 40 ? 40 : len), name);
}

static int add_silence(struct parse_state *st, const char *list) {
        _cleanup_free_ char *copy = strdup(list);
        if (!copy)
                return st->oom = true, 0;
        for (char *save = NULL, *w = strtok_r(copy, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
                if (!finding_id_known(w)) {
                        fail(st, "silence: '%s' is not a finding id (tcptune(8) lists them)", w);
                        return 0;
                }
                char **n = realloc(st->silence, (st->n_silence + 2) * sizeof(char *));
                if (!n)
                        return st->oom = true, 0;
                st->silence = n;
                if (!(st->silence[st->n_silence] = strdup(w)))
                        return st->oom = true, 0;
                st->silence[++st->n_silence] = NULL;
        }
        return 1;
}

static int set_limit(struct parse_state *st, const char *name, const char *value) {
        int s = scenario_from_string(name);
        uint64_t us = 0;
        if (s < 0) {
                fail(st, "[limits] %s: not a scenario (established, idle, connect, accept, orphan, fin-wait-2, zero-window)",
                     name);
                return 0;
        }
        if (!streq(value, "off")) {
                int r = parse_duration(value, &us);
                if (r < 0 || us == 0) {
                        fail(st, "%s = %s: not a duration (try 5m, 30s or off)", name, value);
                        return 0;
                }
        }
        char *text = us ? strdup(value) : NULL;
        if (us && !text)
                return st->oom = true, 0;
        free(st->p->limit_text[s]);
        st->p->limit_text[s] = text;
        st->p->limit_us[s] = us;
        return 1;
}

static int handler(void *user, const char *section, const char *name, const char *value) {
        struct parse_state *st = user;
        if (streq(section, "limits"))
                return set_limit(st, name, value);
        if (streq(name, "silence"))
                return add_silence(st, value);
        fail(st, "[findings] %s: unknown key (only silence)", name);
        return 0;
}

int policy_init(struct policy *ret) {
        struct policy p = {};
        p.silence = calloc(1, sizeof(char *));
        if (!p.silence)
                return -ENOMEM;
        for (size_t i = 0; i < ELEMENTSOF(default_limits); i++) {
                enum scenario s = default_limits[i].scenario;
                if (parse_duration(default_limits[i].text, &p.limit_us[s]) < 0 ||
                    !(p.limit_text[s] = strdup(default_limits[i].text))) {
                        policy_done(&p);
                        return -ENOMEM;
                }
        }
        *ret = p;
        return 0;
}

int policy_parse(const char *file, const char *buf, size_t len, struct policy *ret, struct error *err) {
        struct policy p;
        struct error e = {};
        int r = policy_init(&p);
        if (r < 0)
                return r;
        /* Our own carrier until the end: an out-of-memory after a
         * malformed line is what the caller hears, with nothing set. */
        struct parse_state st = { .p = &p };
        st.ini = (struct ini_reader) { .buf = buf, .len = len, .file = file, .error = &e, .on_section = on_section };
        r = ini_reader_parse(&st.ini, handler, &st);
        if (st.oom || r == -ENOMEM || !(p.file = strdup(file))) {
                strv_free(st.silence);
                error_done(&e);
                policy_done(&p);
                return -ENOMEM;
        }
        if (r < 0) {
                strv_free(st.silence);
                policy_done(&p);
                return error_move(err, &e);
        }
        if (st.silence) {
                strv_free(p.silence);
                p.silence = st.silence;
        }
        *ret = p;
        return 0;
}

/* Why the file cannot be read, for the whole file (line 0). */
static int file_error(int r, struct error *err) {
        if (r == -ENOMEM)
                return r;
        /* What the file is, not what we could not do: a usage error. */
        if (r == -EISDIR || r == -ELOOP || r == -ENXIO || r == -EFBIG)
                return error_set(err, -EINVAL, POLICY_FILE, 0, "%s",
                                 r == -EISDIR  ? "a directory, not a policy file"
                                 : r == -ELOOP ? "symbolic link loop"
                                 : r == -ENXIO ? "not a regular file"
                                               : "larger than 1 MiB: not a policy file");
        return error_set(err, r, POLICY_FILE, 0, "%s", strerror(-r));
}

int policy_load(const struct root *root, struct policy *ret, struct error *err) {
        int fd = sysctld_open(root, POLICY_FILE);
        if (fd == -ENOENT || fd == -ENODEV)
                return policy_init(ret);
        if (fd < 0)
                return file_error(fd, err);
        _cleanup_close_ int f = fd;
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        int r = read_full_fd(f, POLICY_SIZE_MAX, 0, &buf, &len);
        if (r < 0)
                return file_error(r, err);
        return policy_parse(POLICY_FILE, buf, len, ret, err);
}

bool policy_silenced(const struct policy *p, const char *finding_id) {
        for (char **s = p->silence; s && *s; s++)
                if (streq(*s, finding_id))
                        return true;
        return false;
}

void policy_done(struct policy *p) {
        free(p->file);
        for (size_t i = 0; i < _SCENARIO_MAX; i++)
                free(p->limit_text[i]);
        strv_free(p->silence);
        *p = (struct policy) {};
}

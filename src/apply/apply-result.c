/* SPDX-License-Identifier: MIT */
/* The engine's vocabulary, below everything else in src/apply: results,
 * the drop-in's name and content, and when a
 * live value counts as the same. Calls nothing else of the engine. */
#include <inttypes.h>
#include <stdio.h>

#include "apply-internal.h"
#include "escape.h"
#include "parse.h"

#define VECTOR_MAX 16

const char *apply_dropin_action_to_string(enum apply_dropin_action a) {
        static const char *const names[] = {
                [APPLY_DROPIN_NONE] = "none",
                [APPLY_DROPIN_KEPT] = "kept",
                [APPLY_DROPIN_WRITTEN] = "written",
                [APPLY_DROPIN_RESTORED] = "restored",
                [APPLY_DROPIN_REMOVED] = "removed",
        };
        return (unsigned) a < ELEMENTSOF(names) ? names[a] : "?";
}

void apply_result_done(struct apply_result *r) {
        free(r->dropin_path);
        for (size_t i = 0; i < r->n_changes; i++) {
                free(r->changes[i].key);
                free(r->changes[i].old);
                free(r->changes[i].new);
        }
        free(r->changes);
        error_done(&r->error);
        *r = (struct apply_result) {};
}

/* A name goes into messages, the state file and the journal as it is, so
 * it must be printable text: valid UTF-8, no blank and nothing that
 * escape_is_control() names (an ESC, U+009B or U+202E in a file name would
 * rewrite the terminal of whoever lists /etc/sysctl.d). */
bool apply_dropin_name_valid(const char *name) {
        if (!name || !*name || name[0] == '.' || strchr(name, '/') || !endswith(name, ".conf"))
                return false;
        size_t len = strlen(name);
        if (len <= strlen(".conf") || len > APPLY_DROPIN_NAME_MAX)
                return false;
        for (size_t i = 0; i < len;) {
                uint32_t cp;
                size_t n = utf8_decode((const unsigned char *) name + i, len - i, &cp);
                if (n == 0 || cp == ' ' || escape_is_control(cp))
                        return false;
                i += n;
        }
        return true;
}

/* Free text (profile names, paths) on one comment line. */
static char *one_line_copy(const char *s) {
        char *c = strdup(strempty(s));
        if (c)
                for (char *p = c; *p; p++)
                        if ((unsigned char) *p < ' ' || *p == 0x7f)
                                *p = '?';
        return c;
}

/* FNV-1a, 64 bits, over the "key = value\n" lines: it names the settings
 * in the header, so two drop-ins with the same header hold the same
 * settings. Not a defence against anyone: the file is root's. */
static uint64_t settings_hash(const struct apply_setting *settings, size_t n) {
        uint64_t h = UINT64_C(0xcbf29ce484222325);
        for (size_t i = 0; i < n; i++)
                for (const char *parts[] = { settings[i].key, " = ", settings[i].value, "\n" }, **p = parts;
                     p < parts + ELEMENTSOF(parts); p++)
                        for (const unsigned char *c = (const unsigned char *) *p; *c; c++)
                                h = (h ^ *c) * UINT64_C(0x100000001b3);
        return h;
}

char *apply_dropin_content(const char *profile_name, const struct apply_setting *settings, size_t n) {
        _cleanup_free_ char *name = one_line_copy(profile_name);
        char *buf = NULL;
        size_t size = 0;
        if (!name)
                return NULL;
        FILE *f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        /* Only what the settings are: no version, no profile path, so an
         * upgrade or a copied profile directory leaves the bytes alone. */
        fprintf(f, "# Written by tcptune from profile %s, settings fnv1a64:%016" PRIx64 ".\n", name,
                settings_hash(settings, n));
        fputs("# `tcptune profile revert` undoes it; edits here are lost on the next apply.\n", f);
        for (size_t i = 0; i < n; i++)
                fprintf(f, "%s = %s\n", settings[i].key, settings[i].value);
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

bool apply_value_same(const char *live, const char *want) {
        long a[VECTOR_MAX], b[VECTOR_MAX];
        int na = parse_kernel_vector(live, a, VECTOR_MAX), nb = parse_kernel_vector(want, b, VECTOR_MAX);
        if (na > 0 && nb > 0)
                return na == nb && memcmp(a, b, (size_t) na * sizeof(long)) == 0;
        _cleanup_free_ char *x = strdup(live), *y = strdup(want);
        if (!x || !y)
                return false;
        return streq(normalize_whitespace(x), normalize_whitespace(y));
}

const char *apply_fs_problem(int r) {
        switch (r) {
        case -ELOOP:
                return "is a symbolic link; refusing to follow it";
        case -EISDIR:
                return "is a directory, not a file";
        case -ENXIO:
                return "is not a regular file";
        case -ENOTDIR:
                return "is not a directory";
        default:
                return strerror(-r);
        }
}

int apply_add_change(struct apply_result *res, const char *key, const char *old, const char *new) {
        struct apply_change *c = realloc(res->changes, (res->n_changes + 1) * sizeof(*c));
        if (!c)
                return -ENOMEM;
        res->changes = c;
        c = &res->changes[res->n_changes];
        *c = (struct apply_change) { strdup(key), strdup(old), strdup(new) };
        if (!c->key || !c->old || !c->new) {
                free(c->key);
                free(c->old);
                free(c->new);
                return -ENOMEM;
        }
        res->n_changes++;
        return 0;
}

const char *apply_live_problem(int r) {
        switch (r) {
        case -ENOENT:
                return "no such key on this kernel";
        case -ELOOP:
                return "a symbolic link on its path below /proc/sys; refusing to follow it";
        case -EXDEV:
                return "its path leaves /proc/sys; refusing it";
        default:
                return strerror(-r);
        }
}

/* SPDX-License-Identifier: MIT */
/* Profiles: named INI files ([profile], [sysctl], [expect]) read with
 * inih's ini_parse_stream() through our own line reader, which counts lines
 * for FILE:LINE and refuses what inih r55 would silently mangle (see
 * profile.c). The format is tcptune.profile(5).
 *
 * Search path, a later directory winning a name: the shipped directory
 * (TCPTUNE_PROFILES_DIR from the environment, not relocated, else the
 * compile-time datadir under root), then /etc/tcptune/profiles.d under
 * root. A NAME containing '/' is a file path (relative to the cwd, not
 * relocated). Paths in messages and structs are as the host sees them. */
#pragma once

#include "error.h"
#include "model.h"
#include "root.h"
#include "util.h"

/* A profile file larger than this is refused (not read on without bound). */
#define PROFILE_SIZE_MAX (1024 * 1024)
/* Nested includes allowed before "too deep". */
#define PROFILE_INCLUDE_MAX 16

struct profile_setting {
        char *key;      /* canonical dotted key (sysctl_key_normalize), always in the tunables catalog */
        char *value;    /* as written, trimmed; validated with tunable_check_value() */
        char *file;     /* host path (no --root prefix) of the file that set it (a child overrides a parent) */
        unsigned line;
        bool optional;  /* written "-KEY": only where the kernel has the key (as sysctl.d's '-') */
};

enum profile_bound { PROFILE_BOUND_MAX, PROFILE_BOUND_MIN };

struct profile_expect {
        enum scenario scenario;
        enum profile_bound bound;  /* MAX: the latest detection (detect_max) is at most limit;
                                      MIN: the earliest detection (detect_min) is at least limit, i.e. an outage this long is survived */
        uint64_t limit_us;
        char *file;
        unsigned line;
};

struct profile {
        char *name;            /* as looked up (file name without .ini) */
        char *description;
        char *file;            /* host path of the profile's own file */
        char **includes;       /* NULL-terminated: files read through include =, parents first */
        struct profile_setting *settings;  /* parents first; an override replaces in place */
        size_t n_settings;
        struct profile_expect *expects;    /* the profile's own [expect]: not inherited */
        size_t n_expects;
        uint64_t expect_rtt_us;            /* [expect] rtt = DUR (assumption for the checks); 0: model default */
};

/* Find NAME (or a path containing '/') and load it with its includes.
 * Returns 0, or -EINVAL for a malformed profile or one that is not a
 * regular file or too large, -ELOOP (include cycle, symlink loop), -ENOENT
 * (not found), -EACCES/-EIO (cannot read) or -ENOMEM. But for -ENOMEM,
 * err says where: the file and line at fault (line 0: the whole file; for
 * an include, the include = line), or no file for a NAME that is not
 * there. hz: for the ranges of jiffies keys (0: HZ_ASSUMED). *ret is
 * owned by the caller. */
int profile_load(const struct root *root, const char *name, unsigned hz, struct profile **ret, struct error *err);

void profile_free(struct profile *p);  /* NULL and half-built objects ok */
static inline void profile_freep(struct profile **p) {
        profile_free(*p);
}

/* The setting for a canonical key, or NULL. */
const struct profile_setting *profile_find(const struct profile *p, const char *canonical_key);

/* Whether a name is a profile name: [A-Za-z0-9_.-]+, no leading dot. */
bool profile_name_valid(const char *name);

/* The search path, earlier first (later wins), as host paths: for
 * messages naming where profiles were looked for. Returns a
 * NULL-terminated array (strv_free) or NULL on OOM. */
char **profile_dirs(void);

struct profile_entry {
        char *name;
        char *description;     /* NULL when the profile did not load */
        char *file;            /* host path of the winning file */
        struct error error;    /* why it did not load (error.code its errno); empty when it did */
};

/* Every profile on the search path (later directory wins a name), sorted
 * by name; each is loaded to check it and get its description (a broken
 * one is listed with its error; jiffies ranges at HZ_ASSUMED). A missing
 * directory is empty, but when no directory of the search path can be
 * opened it returns -ENOENT (or opendir's other error, like -EACCES, for
 * one that exists) and sets nothing. Otherwise returns 0 or -ENOMEM; free
 * with profile_entries_free(). */
int profile_list(const struct root *root, struct profile_entry **ret, size_t *ret_n);
void profile_entries_free(struct profile_entry *e, size_t n);

struct profile_expect_result {
        const struct profile_expect *expect;
        bool holds;
        bool never;             /* no timer ever fires in that scenario */
        uint64_t detect_us, detect_min_us, detect_max_us;
};

/* Pure: apply the profile's settings onto a copy of base (model_input_set;
 * keys the model does not read are skipped), take [expect] rtt, and set
 * *ret_input (may be NULL) to the result. Returns 0 or -EINVAL (a value
 * the base's HZ cannot hold). */
int profile_apply_input(const struct profile *p, const struct model_input *base, struct model_input *ret_input);

/* Pure: profile_apply_input(), run the model, and check each [expect].
 * *ret (malloc'ed, n_expects entries) in the profile's order. Returns 0,
 * -EINVAL as above or -ENOMEM. */
int profile_check_expect(const struct profile *p, const struct model_input *base, struct profile_expect_result **ret,
                         size_t *ret_n);

/* "established_max" for an expectation (static buffer owned by e's caller: buf). */
const char *profile_expect_key(const struct profile_expect *e, char *buf, size_t size);

/* One file as written, before includes (profile-parse.c). */
struct profile_file {
        char *description;
        char *include;          /* the include = value, or NULL */
        unsigned include_line;
        struct profile_setting *settings;
        size_t n_settings;
        struct profile_expect *expects;
        size_t n_expects;
        uint64_t rtt_us;
};

/* Parse the bytes of one profile file named `file` (host path, for
 * messages). Returns 0, -EINVAL with err set (file, and the line at fault
 * or 0), or -ENOMEM. Free *ret with profile_file_done(). */
int profile_parse_buffer(const char *file, const char *buf, size_t len, unsigned hz, struct profile_file *ret,
                         struct error *err);
void profile_file_done(struct profile_file *f);
/* Free arrays of settings and expectations with their strings. */
void profile_settings_free(struct profile_setting *s, size_t n);
void profile_expects_free(struct profile_expect *e, size_t n);

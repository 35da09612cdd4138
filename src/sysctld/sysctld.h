/* SPDX-License-Identifier: MIT */
/* sysctl.d as systemd-sysctl (systemd 252) applies it at boot: which files,
 * in which order, what each line means, and the value each key ends up
 * with, with the FILE:LINE that set it. Every rule here was checked against
 * systemd-sysctl itself (tests/sysctld/, man page "SYSCTL.D PRECEDENCE").
 *
 * The module reads files under a root and never prints: problems are
 * collected as diagnostics. Keys are canonical dotted keys ("net.ipv4.
 * conf.eth0/100.rp_filter", see sysctl.h); paths are as the host under the
 * root sees them (no root prefix). */
#pragma once

#include "root.h"
#include "util.h"

/* systemd's LONG_LINE_MAX: a line of this many bytes or more ends the file. */
#define SYSCTLD_LINE_MAX (1024 * 1024)

/* Bounds on the tree sysctld loads (tcptune(8), BOUNDS). Real trees hold a
 * few dozen files of a few KiB; these sit orders of magnitude above, and
 * keep a hostile tree (tcptune runs as root, often on a container's files)
 * to about a second and a few hundred MB. Over one, the whole tree is
 * refused: a diagnostic with error -E2BIG naming the file and line where it
 * went over, sysctld.refused set, no entries and no overrides. */
#define SYSCTLD_FILES_MAX       1024               /* drop-ins, over all directories */
#define SYSCTLD_BYTES_MAX       (16 * 1024 * 1024) /* bytes read, over all drop-ins */
#define SYSCTLD_ASSIGNMENTS_MAX 100000             /* "KEY = V" and "-KEY" lines */
#define SYSCTLD_WRITES_MAX      200000             /* writes and overrides after glob expansion */
#define SYSCTLD_PATTERNS_MAX    1024               /* patterns handed to glob(), braces expanded */
/* glob(3) expands {a,b} by globbing each alternative: n groups of two cost
 * 2^n globs (twenty took 11 s). A line over either bound is refused alone:
 * a diagnostic at its FILE:LINE, and it writes nothing. */
#define SYSCTLD_BRACE_GROUPS_MAX     16            /* '{' in one pattern */
#define SYSCTLD_BRACE_EXPANSIONS_MAX 256           /* patterns one line expands to */

struct sysctld_entry {
        char *key;            /* canonical dotted key; a glob is expanded to concrete keys */
        char *value;          /* as systemd writes it (trimmed, inline text kept) */
        char *file;           /* host path of the drop-in */
        unsigned line;
        char *pattern;        /* the glob (dotted) that produced this entry, or NULL */
        bool ignore_failure;  /* '-' prefix */
};

/* An assignment that a later one replaced (or an explicit key took from a
 * glob). An earlier assignment of the same value is listed too. */
struct sysctld_override {
        char *key, *value, *file;
        unsigned line;
        char *pattern;        /* the glob it came from, or NULL */
        bool written;         /* systemd-sysctl wrote it before the winner (overlapping globs) */
        size_t before;        /* written: index of the first entry written after it */
        size_t winner;        /* index into entries[] */
};

struct sysctld_diag {
        char *file;           /* NULL: no particular file */
        unsigned line;        /* 0: the whole file */
        char *message;
        int error;            /* negative errno when a file or directory that exists could not be read */
};

/* A drop-in that lost to one of the same name in an earlier directory. */
struct sysctld_shadow {
        char *file;
        size_t by;            /* index into files[] */
};

struct sysctld {
        char **files;                   /* in the order applied (masks included) */
        size_t n_files;
        struct sysctld_entry *entries;  /* in the order systemd-sysctl writes them */
        size_t n_entries;
        struct sysctld_override *overrides;
        size_t n_overrides;
        struct sysctld_diag *diags;
        size_t n_diags;
        struct sysctld_shadow *shadowed;
        size_t n_shadowed;
        bool refused;                   /* over a bound: the last diagnostic says where; nothing else holds */

        struct sysctld_state *state;    /* private: the parse in progress */
};

/* Read every drop-in under root (open: root_open()) and resolve
 * globs against root's /proc/sys. Unreadable files are diagnostics, not
 * failures, and so is a tree over a bound (see SYSCTLD_*_MAX and
 * sysctld_refused()). Returns 0 or -ENOMEM; *ret is owned by the caller. */
int sysctld_load(const struct root *root, struct sysctld **ret);
/* The same, expanding only globs that can match a key starting with
 * glob_prefix (canonical, "net.ipv4.tcp_"; NULL: all): the others leave no
 * entry behind. For callers that look at those keys only (audit: a glob
 * over net.ipv4.conf.* costs ~60 us of /proc/sys walking). */
int sysctld_load_prefix(const struct root *root, const char *glob_prefix, struct sysctld **ret);
/* Before sysctld_finish(): the glob_prefix of sysctld_load_prefix().
 * Returns 0 or -ENOMEM. */
int sysctld_set_glob_prefix(struct sysctld *s, const char *canonical_prefix);

/* The same in steps, for tests and fuzzing: new, one parse_buffer per file
 * (the bytes of the file named `file`, appended to files[]), then finish,
 * which expands globs under root's /proc/sys and builds entries[].
 * Each returns 0, -ENOMEM, or -E2BIG once the tree is refused (a bound). */
struct sysctld *sysctld_new(void);
int sysctld_parse_buffer(struct sysctld *s, const char *file, const char *buf, size_t len);
int sysctld_finish(struct sysctld *s, const struct root *root);

/* Parse a drop-in from fd, appended to files[] as `file`; fd < 0 adds the
 * file with no content (a mask, or one that could not be opened). Read
 * errors and too-long lines become diagnostics. Returns 0 or -ENOMEM. */
int sysctld_parse_fd(struct sysctld *s, const char *file, int fd);
/* Record a diagnostic (file NULL: none) or a shadowed file. 0 or -ENOMEM. */
int sysctld_add_diag(struct sysctld *s, const char *file, unsigned line, int error, const char *fmt, ...)
        _printf_(5, 6);
int sysctld_add_shadow(struct sysctld *s, const char *file, size_t by);
/* Refuse the tree at FILE:LINE (a bound): a diagnostic with error -E2BIG,
 * entries and overrides dropped, refused set. Returns -E2BIG or -ENOMEM. */
int sysctld_refuse(struct sysctld *s, const char *file, unsigned line, const char *fmt, ...) _printf_(4, 5);

/* Split the bytes of fd, a regular file (a short read is its end), into
 * lines the way systemd's read_line() does (\n, \r, \r\n, \n\r and NUL end
 * a line; the last line needs no newline) and hand each to cb with its
 * number. Returns 0, cb's negative return, -ENOBUFS at
 * a line of SYSCTLD_LINE_MAX bytes (lines before it were handed on),
 * -EFBIG past SYSCTLD_BYTES_MAX bytes, or a read error; *ret_lines (may be
 * NULL) is the count handed on. */
int sysctld_read_lines(int fd, int (*cb)(char *line, unsigned lineno, void *userdata), void *userdata,
                       unsigned *ret_lines);

void sysctld_free(struct sysctld *s);
static inline void sysctld_freep(struct sysctld **s) {
        sysctld_free(*s);
}

/* The diagnostic that refused the tree (a bound), or NULL. */
const struct sysctld_diag *sysctld_refused(const struct sysctld *s);

/* The entry for a canonical key, or NULL. */
const struct sysctld_entry *sysctld_find(const struct sysctld *s, const char *canonical_key);

/* Open a listed drop-in (host path) under root for reading, following
 * links inside root. Returns an fd, -ENODEV for /dev/null (a mask: no
 * content), or a negative errno (-EISDIR, -ELOOP, -ENOENT, -EACCES...). */
int sysctld_open(const struct root *root, const char *file);

/* What the kernel makes of a boot value, against the key's live value. */
struct sysctld_check {
        bool exists;          /* the key exists under root's /proc/sys */
        bool valid;           /* the kernel accepts the write (as far as checked) */
        bool checked;         /* valid was decided on the key's rules: false for a key outside the
                               * catalog and the known limits whose value merely parses */
        bool drift;           /* live readable, and the kernel would hold something else after the write */
        char *live;           /* whitespace-normalised, NULL when absent or unreadable */
        int live_error;       /* 0, -ENOENT, or the errno reading it (write-only keys: 0) */
        char *problem;        /* why not valid, NULL when valid */
        char *note;           /* valid, but worth saying (text the kernel ignores) */
        char *held;           /* what the kernel holds after the write, normalised; NULL if unknown */
        bool partial;         /* not valid, yet the leading values of a vector are set */
};

/* Check one entry the way the kernel parses a write (sysctld-check.c, sysctld-value.c):
 * integers in base 0 ("010" is 8, "0x10" 16), as many leading numbers as the
 * key holds (text after them is ignored), catalog ranges; strings exactly.
 * hz decides the range of jiffies keys; with hz 0 a value that is fine at
 * any HZ passes, and a larger one sets *ret_needs_hz (check again with the
 * real HZ; ret_needs_hz may be NULL). Returns 0 or -ENOMEM; free with
 * sysctld_check_done(). */
int sysctld_check_entry(const struct root *root, const struct sysctld_entry *e, unsigned hz, bool *ret_needs_hz,
                        struct sysctld_check *ret);
void sysctld_check_done(struct sysctld_check *c);

/* After sysctld_finish() (sysctld_load() does it): where overlapping globs
 * wrote a key several times and the kernel refuses the last write, the
 * entry becomes the last write it takes (the refused one an override).
 * Returns 0 or -ENOMEM. */
int sysctld_settle(struct sysctld *s, const struct root *root);

/* Pure: what the kernel holds after systemd-sysctl writes value to key
 * when it held live: integers in decimal, the leading values the write
 * sets followed by the rest of live, rounded to jiffies where the key keeps
 * jiffies (hz 0: HZ_ASSUMED; sysctld-value.c); other values as written. Whitespace-normalised,
 * malloc'ed; NULL on OOM. Range checks need the catalog: see above. */
char *sysctld_held(const char *key, const char *value, const char *live, unsigned hz);


/* Pure: systemd's key normalisation (first separator '.' swaps '.' and '/',
 * redundant '/' and "." components dropped, leading '/' dropped), in the
 * slash form systemd writes under /proc/sys. Returns a malloc'ed string. */
char *sysctld_normalize_key(const char *key);

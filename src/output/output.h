/* SPDX-License-Identifier: MIT */
/* What every emitter shares: aligned text tables and wrapping
 * (output-text.c), colour that appears only on a terminal and never with
 * NO_COLOR, JSON printing with numbers in seconds (output.c). Output
 * contracts live in the output-*.c emitters. */
#pragma once

#include <json-c/json.h>
#include <stdio.h>

#include "error.h"
#include "util.h"

enum output_format {
        FORMAT_TEXT,
        FORMAT_JSON,
        FORMAT_PROMETHEUS,
};

/* Returns the format or -EINVAL. */
int output_format_from_string(const char *s);

/* Text is laid out for at least 80 columns: wrapped paragraphs, tables,
 * the audit's GOVERNED BY cell. The one place that says 80. */
#define OUTPUT_WIDTH 80

/* Columns for text on f: COLUMNS when set to a number, else the
 * terminal's width (TIOCGWINSZ) when f is one, never under OUTPUT_WIDTH:
 * a pipe or a narrow terminal gets 80. */
size_t output_width_wanted(FILE *f);

/* Where and how a renderer writes: all it knows of the command line.
 * Renderers write to stream and nothing else: no files, no /proc, no
 * kernel facts of their own (those come in the report). */
struct output {
        FILE *stream;
        enum output_format format;
        bool color;                /* escape sequences: text on a terminal without NO_COLOR */
        bool terminal;             /* stream is a terminal: --cat escapes what would drive it */
        size_t width;              /* columns text fits in: output_width_wanted(), >= OUTPUT_WIDTH */
};

enum color {
        COLOR_OFF,
        COLOR_BOLD,
        COLOR_DIM,
        COLOR_RED,
        COLOR_YELLOW,
        COLOR_GREEN,
};
/* Escape sequence for c, or "" when colour is disabled. */
const char *color(bool enabled, enum color c);
/* Colour on stdout? Yes only on a terminal without NO_COLOR set. */
bool color_wanted(FILE *f);

/* A text table: columns sized to their widest cell, two spaces apart, the
 * last column not padded, the whole no wider than out->width: the last
 * column wraps in the room left; when that is too little, columns marked
 * with table_shrink() are abbreviated ("...", keeping the end); when even
 * that is not enough the last column goes under each row. Cells are
 * copied. */
struct table;
struct table *table_new(size_t n_columns, const char *const *headers);
/* Add one row of n_columns cells (NULL prints as "-"). Returns 0 or -ENOMEM. */
int table_add_row(struct table *t, const char *const *cells);
/* Right-align column i (numbers). */
void table_align_right(struct table *t, size_t column);
/* Column i may be abbreviated to fit (paths, keys: their end is kept). */
void table_shrink(struct table *t, size_t column);
void table_print(const struct table *t, const struct output *out, const char *indent);
void table_free(struct table *t);
static inline void table_freep(struct table **t) {
        table_free(*t);
}

/* Print text word-wrapped to `columns` columns: `first` before the first
 * line, `indent` before the others (both count towards the width); a word
 * longer than a line gets a line of its own. Ends with a newline. */
void output_wrap(FILE *f, const char *first, const char *indent, const char *text, size_t columns);

/* A JSON number holding seconds with microsecond precision, printed
 * without binary noise ("938.7", not "938.70000000000005"). */
json_object *json_seconds(uint64_t usec);
/* A module's failure as its one line, "FILE:LINE: message" as written
 * (error_format(); the document escapes it), or NULL (JSON null) when e
 * holds none. */
json_object *json_error(const struct error *e);
/* A JSON string of text from outside (a file, a process's comm or cgroup
 * path): as it is when UTF-8, else escape_text()'d, control characters
 * and other bytes as \xNN ("?" on OOM). NULL for s NULL (JSON null). */
json_object *json_string_safe(const char *s);
/* Print a document followed by a newline, through json_write_text().
 * Returns 0 or -EIO. */
int json_print(json_object *o, FILE *f);
/* Write n bytes of serialised JSON, each byte that is not UTF-8 as the
 * text \\xNN: json-c copies a string's bytes as they are, and file names,
 * values and /run/netns names need not be UTF-8, but a JSON document must
 * be (RFC 8259 §8.1; jq and Python refuse it otherwise). Such bytes only
 * occur inside strings, where "\\xff" reads back as the four characters
 * \xff, as escape_text() shows them. Returns 0 or -EIO. */
int json_write_text(FILE *f, const char *s, size_t n);

/* --output FILE: written atomically, since readers (node_exporter's
 * textfile collector) scan the directory while we write. A temp file in
 * FILE's directory (".NAME.XXXXXX": never ending in .prom), then fsync,
 * rename over FILE (a symlink there is replaced, never followed), fsync
 * the directory: base/atomic-write.h, which the apply engine uses too. */
struct output_file {
        char *path;
        int dir_fd;   /* FILE's directory; open while tmp is set */
        char *tmp;    /* the temp's name in dir_fd */
        FILE *f;
};
/* Returns 0 or a negative errno (-ENOENT: no such directory, -EACCES). */
int output_file_open(const char *path, struct output_file *ret);
/* Flush, fsync, rename. Returns 0 or a negative errno; the temp file is
 * removed on failure. Frees *of either way. */
int output_file_commit(struct output_file *of);
/* Remove the temp file and free (safe on a zeroed struct). */
void output_file_abort(struct output_file *of);

/* SPDX-License-Identifier: MIT */
/* Text layout for every emitter (output.h): display width, tables that
 * fit the line, word wrapping. */
#include <stdio.h>

#include "output.h"

struct table {
        size_t n_columns, n_rows, cap_rows;
        char **cells; /* row-major, row 0 is the header */
        bool *right;
        bool *shrink;
};

struct table *table_new(size_t n_columns, const char *const *headers) {
        struct table *t = calloc(1, sizeof(*t));
        if (!t)
                return NULL;
        t->n_columns = n_columns;
        t->right = calloc(n_columns, sizeof(bool));
        t->shrink = calloc(n_columns, sizeof(bool));
        if (!t->right || !t->shrink || table_add_row(t, headers) < 0) {
                table_free(t);
                return NULL;
        }
        return t;
}

int table_add_row(struct table *t, const char *const *cells) {
        /* Grow geometrically: a row at a time is quadratic wherever realloc
         * moves the block (ASan's always does: config --all on a tree of
         * 80,000 entries spent minutes copying). */
        if (t->n_rows >= t->cap_rows) {
                size_t cap = t->cap_rows ? t->cap_rows * 2 : 16;
                char **nc = reallocarray(t->cells, cap * t->n_columns, sizeof(char *));
                if (!nc)
                        return -ENOMEM;
                t->cells = nc;
                t->cap_rows = cap;
        }
        char **row = t->cells + t->n_rows * t->n_columns;
        for (size_t i = 0; i < t->n_columns; i++) {
                row[i] = strdup(cells[i] ? cells[i] : "-");
                if (!row[i]) {
                        while (i > 0)
                                free(row[--i]);
                        return -ENOMEM;
                }
        }
        t->n_rows++;
        return 0;
}

void table_align_right(struct table *t, size_t column) {
        if (column < t->n_columns)
                t->right[column] = true;
}

/* Display width: count UTF-8 lead bytes, so "µs" is two columns; colour
 * sequences ("\033[1;31m") take none. */
static size_t width(const char *s) {
        size_t w = 0;
        for (; *s; s++) {
                if (*s == '\033' && s[1] == '[') {
                        while (s[1] && s[1] != 'm')
                                s++;
                        if (s[1])
                                s++;
                        continue;
                }
                if (((unsigned char) *s & 0xC0) != 0x80)
                        w++;
        }
        return w;
}

void table_shrink(struct table *t, size_t column) {
        if (column < t->n_columns)
                t->shrink[column] = true;
}

/* The longest prefix of s that takes at most max columns, in bytes. */
static size_t prefix_bytes(const char *s, size_t max) {
        size_t w = 0, i = 0;
        while (s[i]) {
                size_t n = 1;
                while (s[i + n] && ((unsigned char) s[i + n] & 0xC0) == 0x80)
                        n++;
                if (w + 1 > max)
                        break;
                w++;
                i += n;
        }
        return i;
}

/* s in at most max columns: "..." and its end, cut after a '/' or '.'
 * where one is near, since the end of a path or key says most. */
static char *abbreviate(const char *s, size_t max) {
        size_t w = width(s);
        if (w <= max)
                return strdup(s);
        if (max <= 3)
                return strndup("...", max);
        const char *tail = s;
        /* Skip the first w - (max - 3) characters. */
        for (size_t skip = w - (max - 3); skip > 0 && *tail; skip--) {
                tail++;
                while (((unsigned char) *tail & 0xC0) == 0x80)
                        tail++;
        }
        for (const char *p = tail; *p && p - tail < 8; p++)
                if (p > tail && (p[-1] == '/' || p[-1] == '.')) {
                        tail = p;
                        break;
                }
        char *r = NULL;
        return asprintf(&r, "...%s", tail) < 0 ? NULL : r;
}

/* Print text in lines of at most max columns, breaking at spaces (a word
 * longer than a line is cut); lines after the first start with lead. */
static void print_wrapped(FILE *f, const char *text, size_t max, const char *lead, size_t lead_cols) {
        bool first = true;
        const char *p = text;
        if (max == 0)
                max = 1;
        do {
                size_t take = prefix_bytes(p, max);
                if (p[take]) {
                        /* Break at the last space that fits, if any. */
                        size_t sp = take;
                        while (sp > 0 && p[sp] != ' ')
                                sp--;
                        if (sp > 0)
                                take = sp;
                }
                if (!first)
                        fprintf(f, "\n%s%*s", lead, (int) lead_cols, "");
                fprintf(f, "%.*s", (int) take, p);
                first = false;
                p += take;
                while (*p == ' ')
                        p++;
        } while (*p);
}

/* Fit the table into `columns`: first wrap the last column in the room the
 * others leave; when that is under LAST_MIN, shorten the columns marked
 * with table_shrink(), widest first; when that is not enough either, the
 * last column goes under its row, as "header: value". */
#define LAST_MIN 20
#define SHRINK_MIN 12

/* How table_print() lays a table out. */
struct table_layout {
        size_t *w;          /* each column's width, after shrinking */
        size_t max;         /* the line's width */
        size_t indent_cols; /* the indent's width */
        bool below;         /* the last column goes under its row */
        /* The column that wraps, where it starts and the room it has. */
        size_t wrap_col, wrap_start, wrap_room;
};

/* Each column's widest cell, header included. malloc'ed; NULL on OOM. */
static size_t *column_widths(const struct table *t) {
        size_t n = t->n_columns, *w = calloc(n, sizeof(size_t));
        if (!w)
                return NULL;
        for (size_t r = 0; r < t->n_rows; r++)
                for (size_t c = 0; c < n; c++) {
                        size_t x = width(t->cells[r * n + c]);
                        if (x > w[c])
                                w[c] = x;
                }
        return w;
}

/* Shorten the columns marked with table_shrink(), widest first and none
 * under SHRINK_MIN, until *start (where the last column starts) is at
 * most limit or nothing is left to shorten. */
static void shrink_columns(const struct table *t, size_t *w, size_t *start, size_t limit) {
        size_t n = t->n_columns;
        while (*start > limit) {
                size_t widest = n;
                for (size_t c = 0; c + 1 < n; c++)
                        if (t->shrink[c] && w[c] > SHRINK_MIN && (widest == n || w[c] > w[widest]))
                                widest = c;
                if (widest == n)
                        break;
                size_t cut = *start - limit, room = w[widest] - SHRINK_MIN;
                cut = cut < room ? cut : room;
                w[widest] -= cut;
                *start -= cut;
        }
}

/* Whether a word of the last column, past the header, would not fit on a
 * line from start (or memory ran out): words cut in the middle read
 * worse than a line of their own. */
static bool last_column_word_overflows(const struct table *t, size_t start, size_t max) {
        size_t n = t->n_columns;
        for (size_t r = 1; r < t->n_rows; r++)
                for (const char *p = t->cells[r * n + n - 1]; *p;) {
                        size_t len = strcspn(p, " ");
                        _cleanup_free_ char *word = strndup(p, len);
                        if (!word || start + width(word) > max)
                                return true;
                        p += len;
                        p += strspn(p, " ");
                }
        return false;
}

/* Shrink columns so that the last one fits beside the others, or make
 * room for the others alone when it cannot. *start: where the last column
 * starts. Returns whether the last column goes under its row. */
static bool fit_columns(const struct table *t, size_t *w, size_t max, size_t *start) {
        size_t n = t->n_columns;
        if (n <= 1 || *start + w[n - 1] <= max)
                return false;
        size_t want = w[n - 1] < LAST_MIN ? w[n - 1] : LAST_MIN;
        /* Shortening aims to leave the last column half the line. */
        size_t aim = w[n - 1] < max / 2 ? w[n - 1] : max / 2;
        shrink_columns(t, w, start, max - aim);
        if (*start + want > max) {
                /* Under its row the last column leaves the others the line. */
                shrink_columns(t, w, start, max + 2);
                return true;
        }
        return last_column_word_overflows(t, *start, max);
}

/* The last column under its row: "    header: value", the header in
 * lower case, the value wrapped in the room after it. */
static void print_under_row(FILE *f, const char *indent, const char *header, const char *s, size_t max) {
        _cleanup_free_ char *lead = NULL;
        if (asprintf(&lead, "%s    %s: ", strempty(indent), header) < 0)
                return;
        for (char *p = lead; *p; p++)
                *p = (char) (*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        fputc('\n', f);
        fputs(lead, f);
        size_t lw = width(lead);
        print_wrapped(f, s, max > lw ? max - lw : 1, "", lw);
}

/* Row r as l lays it out. */
static void print_row(const struct table *t, size_t r, const struct table_layout *l, FILE *f, const char *indent) {
        size_t n = t->n_columns;
        /* Padding is written only when something follows it: no line ends
         * in spaces. */
        size_t pending = 0;
        fputs(strempty(indent), f);
        for (size_t c = 0; c < n; c++) {
                const char *s = t->cells[r * n + c];
                bool last = c + 1 == n, before_below = l->below && c + 2 == n;
                if (last && l->below) {
                        if (r > 0 && !streq(s, "-") && *s)
                                print_under_row(f, indent, t->cells[c], s, l->max);
                        break;
                }
                _cleanup_free_ char *cut = width(s) > l->w[c] ? abbreviate(s, l->w[c]) : NULL;
                if (cut)
                        s = cut;
                size_t pad = l->w[c] - width(s);
                if (*s) {
                        fprintf(f, "%*s", (int) pending, "");
                        pending = 0;
                }
                if (c == l->wrap_col && !t->right[c] && width(s) > l->wrap_room && l->wrap_room > 0) {
                        print_wrapped(f, s, l->wrap_room, strempty(indent), l->wrap_start - l->indent_cols);
                        if (last)
                                break;
                        continue;
                }
                if (t->right[c])
                        fprintf(f, "%*s%s", (int) pad, "", s);
                else {
                        fputs(s, f);
                        pending += pad;
                }
                if (!last && !before_below)
                        pending += 2;
        }
        fputc('\n', f);
}

void table_print(const struct table *t, const struct output *out, const char *indent) {
        size_t n = t->n_columns;
        _cleanup_free_ size_t *w = column_widths(t);
        if (!w)
                return;
        struct table_layout l = {
                .w = w,
                .max = out->width ? out->width : OUTPUT_WIDTH,
                .indent_cols = width(strempty(indent)),
        };
        /* Columns before the last, with their gaps. */
        size_t start = l.indent_cols;
        for (size_t c = 0; c + 1 < n; c++)
                start += w[c] + 2;
        l.below = fit_columns(t, w, l.max, &start);
        /* The column that wraps: the last, or the one before it when the
         * last goes under the row. */
        l.wrap_col = l.below ? n - 2 : n - 1;
        l.wrap_start = l.below ? start - 2 - w[n - 2] : start;
        l.wrap_room = l.wrap_start >= l.max ? 0 : l.max - l.wrap_start;
        for (size_t r = 0; r < t->n_rows; r++)
                print_row(t, r, &l, out->stream, indent);
}

void table_free(struct table *t) {
        if (!t)
                return;
        for (size_t i = 0; i < t->n_rows * t->n_columns; i++)
                free(t->cells[i]);
        free(t->cells);
        free(t->right);
        free(t->shrink);
        free(t);
}

void output_wrap(FILE *f, const char *first, const char *indent, const char *text, size_t columns) {
        size_t col = width(first), start = col, max = columns > col ? columns : col + 1;
        fputs(first, f);
        for (const char *p = text; *p;) {
                size_t w = strcspn(p, " ");
                if (col > start && col + 1 + w > max) {
                        fputc('\n', f);
                        fputs(indent, f);
                        col = start = width(indent);
                }
                if (col > start) {
                        fputc(' ', f);
                        col++;
                }
                fprintf(f, "%.*s", (int) w, p);
                col += w;
                p += w;
                while (*p == ' ')
                        p++;
        }
        fputc('\n', f);
}

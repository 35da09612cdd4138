/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <sys/stat.h>

#include "atomic-write.h"
#include "escape.h"
#include "output.h"
#include "parse.h"

int output_format_from_string(const char *s) {
        if (streq(s, "text"))
                return FORMAT_TEXT;
        if (streq(s, "json"))
                return FORMAT_JSON;
        if (streq(s, "prometheus"))
                return FORMAT_PROMETHEUS;
        return -EINVAL;
}

const char *color(bool enabled, enum color c) {
        static const char *const seq[] = {
                [COLOR_OFF] = "\033[0m",
                [COLOR_BOLD] = "\033[1m",
                [COLOR_DIM] = "\033[2m",
                [COLOR_RED] = "\033[1;31m",
                [COLOR_YELLOW] = "\033[33m",
                [COLOR_GREEN] = "\033[32m",
        };
        return enabled ? seq[c] : "";
}

bool color_wanted(FILE *f) {
        const char *nc = getenv("NO_COLOR");
        if (nc && *nc)
                return false;
        const char *term = getenv("TERM");
        if (term && streq(term, "dumb"))
                return false;
        return isatty(fileno(f));
}

struct table {
        size_t n_columns, n_rows, cap_rows;
        char **cells; /* row-major, row 0 is the header */
        bool *right;
};

struct table *table_new(size_t n_columns, const char *const *headers) {
        struct table *t = calloc(1, sizeof(*t));
        if (!t)
                return NULL;
        t->n_columns = n_columns;
        t->right = calloc(n_columns, sizeof(bool));
        if (!t->right || table_add_row(t, headers) < 0) {
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

void table_print(const struct table *t, FILE *f, const char *indent) {
        _cleanup_free_ size_t *w = calloc(t->n_columns, sizeof(size_t));
        if (!w)
                return;
        for (size_t r = 0; r < t->n_rows; r++)
                for (size_t c = 0; c < t->n_columns; c++) {
                        size_t x = width(t->cells[r * t->n_columns + c]);
                        if (x > w[c])
                                w[c] = x;
                }
        for (size_t r = 0; r < t->n_rows; r++) {
                fputs(indent ? indent : "", f);
                for (size_t c = 0; c < t->n_columns; c++) {
                        const char *s = t->cells[r * t->n_columns + c];
                        size_t pad = w[c] - width(s);
                        bool last = c + 1 == t->n_columns;
                        if (t->right[c])
                                fprintf(f, "%*s%s", (int) pad, "", s);
                        else
                                fprintf(f, "%s%*s", s, last ? 0 : (int) pad, "");
                        if (!last)
                                fputs("  ", f);
                }
                fputc('\n', f);
        }
}

void table_free(struct table *t) {
        if (!t)
                return;
        for (size_t i = 0; i < t->n_rows * t->n_columns; i++)
                free(t->cells[i]);
        free(t->cells);
        free(t->right);
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

json_object *json_seconds(uint64_t usec) {
        char buf[32];
        return json_object_new_double_s((double) usec / (double) USEC_PER_SEC,
                                        format_seconds(usec, buf, sizeof(buf)));
}

int json_write_text(FILE *f, const char *s, size_t n) {
        const unsigned char *p = (const unsigned char *) s;
        uint32_t cp;
        for (size_t i = 0, k; i < n; i += k) {
                /* A run of UTF-8 as it is, then one byte that is not. */
                size_t start = i;
                while (i < n && (k = utf8_decode(p + i, n - i, &cp)))
                        i += k;
                if (i > start && fwrite(p + start, 1, i - start, f) != i - start)
                        return -EIO;
                if (i == n)
                        break;
                if (fprintf(f, "\\\\x%02x", p[i]) < 0)
                        return -EIO;
                k = 1;
        }
        return ferror(f) ? -EIO : 0;
}

int json_print(json_object *o, FILE *f) {
        const char *s = json_object_to_json_string_ext(
                o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!s || json_write_text(f, s, strlen(s)) < 0 || fputc('\n', f) < 0)
                return -EIO;
        return 0;
}

int output_file_open(const char *path, struct output_file *ret) {
        const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
        _cleanup_free_ char *dir = NULL;
        struct output_file of = {};
        if (!*base)
                return -EISDIR;
        dir = slash ? strndup(path, slash == path ? 1 : (size_t) (slash - path)) : strdup(".");
        of.path = strdup(path);
        if (!dir || !of.path) {
                free(of.path);
                return -ENOMEM;
        }
        of.dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        /* The file node_exporter reads must be readable like any other. */
        int fd = of.dir_fd < 0 ? -errno : atomic_temp_open(of.dir_fd, base, 0644, &of.tmp);
        if (fd < 0) {
                if (of.dir_fd >= 0)
                        close(of.dir_fd);
                free(of.path);
                return fd;
        }
        of.f = fdopen(fd, "w");
        if (!of.f) {
                int e = -errno;
                close(fd);
                output_file_abort(&of);
                return e;
        }
        *ret = of;
        return 0;
}

void output_file_abort(struct output_file *of) {
        if (of->f)
                fclose(of->f);
        if (of->tmp) {
                (void) unlinkat(of->dir_fd, of->tmp, 0);
                close(of->dir_fd);
        }
        free(of->path);
        free(of->tmp);
        *of = (struct output_file) {};
}

int output_file_commit(struct output_file *of) {
        const char *slash = strrchr(of->path, '/'), *base = slash ? slash + 1 : of->path;
        bool renamed = false;
        int r = 0;
        if (fflush(of->f) != 0 || ferror(of->f))
                r = -(errno ? errno : EIO);
        if (r == 0)
                r = atomic_temp_commit(of->dir_fd, fileno(of->f), of->tmp, base, &renamed);
        /* Once renamed, readers have the file; the directory's fsync is
         * best effort, as before. */
        if (r < 0 && !renamed) {
                output_file_abort(of);
                return r;
        }
        /* Renamed and durable: a failing close cannot lose the bytes. */
        (void) fclose(of->f);
        close(of->dir_fd);
        free(of->path);
        free(of->tmp);
        *of = (struct output_file) {};
        return 0;
}

/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <sys/ioctl.h>
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

size_t output_width_wanted(FILE *f) {
        const char *e = getenv("COLUMNS");
        struct winsize ws;
        uint64_t v = 0;
        if (!e || parse_uint(e, 10000, &v) < 0 || v == 0) {
                v = 0;
                if (isatty(fileno(f)) && ioctl(fileno(f), TIOCGWINSZ, &ws) == 0)
                        v = ws.ws_col;
        }
        return v > OUTPUT_WIDTH ? (size_t) v : OUTPUT_WIDTH;
}

json_object *json_seconds(uint64_t usec) {
        char buf[32];
        return json_object_new_double_s((double) usec / (double) USEC_PER_SEC,
                                        format_seconds(usec, buf, sizeof(buf)));
}

json_object *json_error(const struct error *e) {
        _cleanup_free_ char *s = error_format(e);
        return s ? json_object_new_string(s) : NULL;
}

json_object *json_string_safe(const char *s) {
        if (!s)
                return NULL;
        if (utf8_valid(s, strlen(s)))
                return json_object_new_string(s);
        _cleanup_free_ char *e = escape_text(s, SIZE_MAX);
        return json_object_new_string(e ? e : "?");
}

/* Serialised JSON: only bytes that are not UTF-8 are rewritten. */
static const struct escape_policy json_policy = {
        .byte_prefix = "\\\\x",
        .max_per_byte = 5,
};

static int put_file(void *userdata, const char *bytes, size_t len) {
        return fwrite(bytes, 1, len, userdata) == len ? 0 : -EIO;
}

int json_write_text(FILE *f, const char *s, size_t n) {
        if (escape_walk(s, n, &json_policy, put_file, f) < 0)
                return -EIO;
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

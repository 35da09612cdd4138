/* SPDX-License-Identifier: MIT */
#include <stdarg.h>

#include "ini-reader.h"

int ini_reader_failv(struct ini_reader *r, int err, const char *fmt, va_list ap) {
        if (!r->err)
                r->err = error_setv(r->error, err, r->file, r->lineno, fmt, ap);
        return -1;
}

int ini_reader_fail(struct ini_reader *r, int err, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int k = ini_reader_failv(r, err, fmt, ap);
        va_end(ap);
        return k;
}

static bool key_char(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("_./-", c);
}

static size_t blanks(const char *s, size_t n) {
        size_t i = 0;
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
                i++;
        return i;
}

/* Check one line (without its terminator) and say what inih should see:
 * 0 the line as it is, 1 a blank line, -1 an error (recorded). */
static int check_line(struct ini_reader *r, const char *line, size_t n) {
        if (n > INI_READER_LINE_MAX)
                return ini_reader_fail(r, -EINVAL, "line of %zu bytes: at most %d (inih would split it)", n,
                                       INI_READER_LINE_MAX);
        if (memchr(line, '\0', n))
                return ini_reader_fail(r, -EINVAL, "NUL byte: binary data, not a text file");
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) line[i];
                if ((c < ' ' && c != '\t') || c == 0x7f)
                        return ini_reader_fail(r, -EINVAL, "control character 0x%02x: not a text line", c);
        }
        /* The line is not NUL-terminated (the last line of the buffer is
         * followed by whatever comes after it): scan only its n bytes. */
        size_t lead = blanks(line, n);
        const char *s = line + lead;
        size_t rest = n - lead;
        while (rest > 0 && (s[rest - 1] == ' ' || s[rest - 1] == '\t'))
                rest--;
        if (rest == 0 || *s == ';' || *s == '#')
                return 1;
        if (lead > 0)
                return ini_reader_fail(r, -EINVAL, "indented line: inih would read it as a continuation of the "
                                                   "previous value (remove the leading blanks)");
        const char *c = memchr(s, ';', rest) ? memchr(s, ';', rest) : memchr(s, '#', rest);
        if (c)
                return ini_reader_fail(r, -EINVAL, "'%c' inside a line: comments go on a line of their own", *c);
        if (*s == '[') {
                if (s[rest - 1] != ']')
                        return ini_reader_fail(r, -EINVAL, "section header without ']'");
                if (r->on_section && r->on_section(r, s + 1, rest - 2, r->userdata) < 0)
                        return -1;
                r->in_section = true;
                return 0;
        }
        size_t k = 0;
        while (k < rest && key_char(s[k]))
                k++;
        size_t eq = k + blanks(s + k, rest - k);
        if (k == 0 || eq >= rest || s[eq] != '=')
                return ini_reader_fail(r, -EINVAL, "expected KEY = VALUE");
        if (!r->in_section)
                return ini_reader_fail(r, -EINVAL, "%.*s = ... before any [section]", (int) k, s);
        return 0;
}

/* inih's fgets-style reader: one checked line per call. */
static char *reader(char *str, int num, void *stream) {
        struct ini_reader *r = stream;
        if (r->err || r->pos >= r->len)
                return NULL;
        const char *line = r->buf + r->pos;
        const char *nl = memchr(line, '\n', r->len - r->pos);
        size_t n = nl ? (size_t) (nl - line) : r->len - r->pos;
        r->pos += n + (nl ? 1 : 0);
        r->lineno++;
        if (n > 0 && line[n - 1] == '\r')
                n--;
        if (r->lineno == 1 && n >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
                line += 3, n -= 3;
        int c = check_line(r, line, n);
        if (c < 0)
                return NULL;
        if (c == 1)
                n = 0;
        if (n + 2 > (size_t) num) {
                ini_reader_fail(r, -EINVAL, "line of %zu bytes: at most %d (inih would split it)", n, num - 2);
                return NULL;
        }
        memcpy(str, line, n);
        str[n] = '\n';
        str[n + 1] = '\0';
        return str;
}

int ini_reader_parse(struct ini_reader *r, ini_handler handler, void *user) {
        int k = ini_parse_stream(reader, r, handler, user);
        if (!r->err && k == -2)
                r->err = -ENOMEM;
        if (!r->err && k != 0) {
                /* Not reached with the checks above; kept so that inih's
                 * verdict is never ignored. */
                r->lineno = k > 0 ? (unsigned) k : r->lineno;
                ini_reader_fail(r, -EINVAL, "inih cannot parse this line");
        }
        return r->err;
}

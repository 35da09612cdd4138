/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "escape.h"

size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *ret_cp) {
        if (n == 0)
                return 0;
        if (s[0] < 0x80) {
                *ret_cp = s[0];
                return 1;
        }
        size_t len = s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
                   : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
        if (len == 0 || len > n)
                return 0;
        uint32_t cp = s[0] & (0x7f >> len);
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = cp << 6 | (s[i] & 0x3f);
        }
        /* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        *ret_cp = cp;
        return len;
}

bool utf8_valid(const char *s, size_t n) {
        const unsigned char *p = (const unsigned char *) s;
        uint32_t cp;
        for (size_t i = 0, k; i < n; i += k)
                if (!(k = utf8_decode(p + i, n - i, &cp)))
                        return false;
        return true;
}

bool escape_is_control(uint32_t cp) {
        return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||          /* C0, DEL, C1 (U+009B is CSI) */
               cp == 0x061c || cp == 0x200e || cp == 0x200f ||     /* bidi marks */
               (cp >= 0x202a && cp <= 0x202e) ||                   /* bidi embeddings, overrides */
               (cp >= 0x2066 && cp <= 0x2069) ||                   /* bidi isolates */
               cp == 0x2028 || cp == 0x2029 || cp == 0xfeff;       /* line breaks, BOM */
}

int escape_walk(const char *s, size_t n, const struct escape_policy *p,
                int (*put)(void *userdata, const char *bytes, size_t len), void *userdata) {
        const unsigned char *b = (const unsigned char *) s;
        size_t run = 0; /* where the run of bytes kept as they are starts */
        int r;
        for (size_t i = 0; i < n;) {
                uint32_t cp;
                size_t u = utf8_decode(b + i, n - i, &cp);
                const char *with = u && p->replace ? p->replace(cp) : NULL;
                bool hex = !u || (p->as_bytes && p->as_bytes(cp));
                if (!hex && !with) {
                        i += u;
                        continue;
                }
                if (i > run && (r = put(userdata, s + run, i - run)) < 0)
                        return r;
                if (hex) /* each byte of a refused code point, or the one byte that is not UTF-8 */
                        for (size_t k = 0; k < (u ? u : 1); k++) {
                                static const char hex_digits[] = "0123456789abcdef";
                                const char x[] = { hex_digits[b[i + k] >> 4], hex_digits[b[i + k] & 0xf] };
                                if ((r = put(userdata, p->byte_prefix, strlen(p->byte_prefix))) < 0 ||
                                    (r = put(userdata, x, sizeof(x))) < 0)
                                        return r;
                        }
                else if ((r = put(userdata, with, strlen(with))) < 0)
                        return r;
                i += u ? u : 1;
                run = i;
        }
        return n > run ? put(userdata, s + run, n - run) : 0;
}

static int put_memory(void *userdata, const char *bytes, size_t len) {
        char **w = userdata;
        memcpy(*w, bytes, len);
        *w += len;
        return 0;
}

char *escape_alloc(const char *s, size_t n, const struct escape_policy *p, const char *suffix) {
        char *q = malloc(p->max_per_byte * n + strlen(strempty(suffix)) + 1), *w = q;
        if (!q)
                return NULL;
        (void) escape_walk(s, n, p, put_memory, &w);
        strcpy(w, strempty(suffix));
        return q;
}

/* A terminal: controls (escape_is_control()) as the bytes they are. */
static const struct escape_policy terminal = {
        .byte_prefix = "\\x",
        .as_bytes = escape_is_control,
        .max_per_byte = 4,
};

char *escape_text(const char *s, size_t max) {
        size_t n = strlen(s);
        return escape_alloc(s, n < max ? n : max, &terminal, n > max ? "..." : "");
}

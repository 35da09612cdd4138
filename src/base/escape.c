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

char *escape_text(const char *s, size_t max) {
        size_t n = strlen(s), end = n < max ? n : max;
        char *q = malloc(4 * end + 4), *w = q;
        if (!q)
                return NULL;
        for (size_t i = 0; i < end;) {
                const unsigned char *c = (const unsigned char *) s + i;
                uint32_t cp;
                size_t u = utf8_decode(c, end - i, &cp);
                if (u && !escape_is_control(cp)) {
                        memcpy(w, c, u);
                        w += u;
                        i += u;
                } else {
                        /* each byte of a control or a broken sequence */
                        for (size_t k = 0; k < (u ? u : 1); k++)
                                w += sprintf(w, "\\x%02x", c[k]);
                        i += u ? u : 1;
                }
        }
        strcpy(w, n > max ? "..." : "");
        return q;
}

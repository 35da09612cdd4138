/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "escape.h"

/* Length of the valid UTF-8 sequence at s that is not a control
 * character (C1 controls could drive a terminal), or 0. */
static size_t utf8_printable(const unsigned char *s) {
        size_t n = s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
        for (size_t i = 1; i < n; i++)
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
        if (n == 2 && s[0] == 0xc2 && s[1] < 0xa0)
                return 0;
        return n;
}

char *escape_text(const char *s, size_t max) {
        size_t n = strlen(s);
        char *q = malloc(4 * (n < max ? n : max) + 4), *w = q;
        if (!q)
                return NULL;
        for (size_t i = 0; i < n && i < max;) {
                const unsigned char *c = (const unsigned char *) s + i;
                size_t u = *c >= 0x80 ? utf8_printable(c) : 0;
                if (u) {
                        memcpy(w, c, u);
                        w += u;
                        i += u;
                } else if (*c < ' ' || *c >= 0x7f) {
                        w += sprintf(w, "\\x%02x", *c);
                        i++;
                } else {
                        *w++ = (char) *c;
                        i++;
                }
        }
        strcpy(w, n > max ? "..." : "");
        return q;
}

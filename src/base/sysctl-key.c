/* SPDX-License-Identifier: MIT */
#include <limits.h>
#include <stdio.h>

#include "sysctl-key.h"

/* A component is what lies between separators: non-empty, not "." or ".."
 * as a path name, printable, no glob characters (those are sysctl.d's
 * business). `dot` is what becomes '.' in the path: '.' in the slash form,
 * '/' in the dotted form ("net.//.x" would be net/../x). */
static bool component_valid(const char *s, size_t n, char dot) {
        if (n == 0 || n > NAME_MAX)
                return false;
        if ((n == 1 && s[0] == dot) || (n == 2 && s[0] == dot && s[1] == dot))
                return false;
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) s[i];
                if (c <= ' ' || c >= 0x7f || strchr("*?[]\\=", c))
                        return false;
        }
        return true;
}

int sysctl_key_normalize(const char *key, char **ret) {
        _cleanup_free_ char *k = NULL;
        size_t len = strlen(key);

        if (len == 0)
                return -EINVAL;
        if (len > SYSCTL_KEY_MAX)
                return -ENAMETOOLONG;

        const char *sep = strpbrk(key, "./");
        if (!sep) {
                /* Short form: the tool is about net.ipv4. */
                if (!component_valid(key, len, '.'))
                        return -EINVAL;
                if (asprintf(&k, "net.ipv4.%s", key) < 0)
                        return -ENOMEM;
                *ret = TAKE_PTR(k);
                return 0;
        }

        /* Slash form if the first separator is '/': dots are then part of
         * names and get written as '/' in the dotted form. */
        char s = *sep;
        k = strdup(key);
        if (!k)
                return -ENOMEM;
        for (char *c = k, *start = k;; c++) {
                if (*c == s || *c == '\0') {
                        if (!component_valid(start, (size_t) (c - start), s == '/' ? '.' : '/'))
                                return -EINVAL;
                        if (*c == '\0')
                                break;
                        start = c + 1;
                }
        }
        if (s == '/')
                for (char *c = k; *c; c++)
                        *c = *c == '/' ? '.' : *c == '.' ? '/' : *c;
        *ret = TAKE_PTR(k);
        return 0;
}

char *sysctl_key_to_subpath(const char *canonical) {
        char *p = strdup(canonical);
        if (!p)
                return NULL;
        for (char *c = p; *c; c++)
                *c = *c == '.' ? '/' : *c == '/' ? '.' : *c;
        return p;
}

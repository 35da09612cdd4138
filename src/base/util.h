/* SPDX-License-Identifier: MIT */
/* Small helpers shared by every module: cleanup attributes, units, sizes. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

#define USEC_PER_MSEC UINT64_C(1000)
#define USEC_PER_SEC  UINT64_C(1000000)
#define USEC_PER_MIN  (UINT64_C(60) * USEC_PER_SEC)
#define USEC_PER_HOUR (UINT64_C(60) * USEC_PER_MIN)

static inline void freep(void *p) {
        free(*(void **) p);
}

static inline void closep(int *fd) {
        if (*fd >= 0) {
                int saved = errno;
                close(*fd);
                errno = saved;
        }
}

/* Free a NULL-terminated array of strings and the array itself. */
static inline void strv_free(char **l) {
        if (!l)
                return;
        for (char **i = l; *i; i++)
                free(*i);
        free(l);
}
static inline void strv_freep(char ***l) {
        strv_free(*l);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_strv_free_ _cleanup_(strv_freep)
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))

/* Hand ownership out of a cleanup-scoped variable. */
#define TAKE_PTR(p)                              \
        ({                                       \
                __typeof__(p) _tp = (p);         \
                (p) = NULL;                      \
                _tp;                             \
        })
#define TAKE_FD(fd)                              \
        ({                                       \
                int _tf = (fd);                  \
                (fd) = -1;                       \
                _tf;                             \
        })

static inline bool streq(const char *a, const char *b) {
        return strcmp(a, b) == 0;
}
static inline bool streq_ptr(const char *a, const char *b) {
        if (!a || !b)
                return a == b;
        return streq(a, b);
}
static inline const char *startswith(const char *s, const char *prefix) {
        size_t l = strlen(prefix);
        return strncmp(s, prefix, l) == 0 ? s + l : NULL;
}
static inline bool endswith(const char *s, const char *suffix) {
        size_t a = strlen(s), b = strlen(suffix);
        return a >= b && memcmp(s + a - b, suffix, b) == 0;
}
static inline const char *strempty(const char *s) {
        return s ? s : "";
}

/* Make room for one more element at arr[n], doubling cap (16 first).
 * Evaluates to 0, or -ENOMEM with arr untouched: the one growth rule for
 * arrays. Needs <stdlib.h>'s reallocarray(). */
#define GROW(arr, n, cap)                                                        \
        ({                                                                       \
                int _r = 0;                                                      \
                if ((n) >= (cap)) {                                              \
                        size_t _c = (cap) ? (cap) * 2 : 16;                      \
                        void *_p = reallocarray((arr), _c, sizeof(*(arr)));      \
                        if (_p) {                                                \
                                (arr) = _p;                                      \
                                (cap) = _c;                                      \
                        } else                                                   \
                                _r = -ENOMEM;                                    \
                }                                                                \
                _r;                                                              \
        })

/* SPDX-License-Identifier: MIT */
#include <dlfcn.h>
#include <errno.h>

#include "sd-dlopen.h"

#define SD_DLOPEN_DEFINE(name) __typeof__(name) *sym_##name;
SD_DLOPEN_SYMBOLS(SD_DLOPEN_DEFINE)
#undef SD_DLOPEN_DEFINE

int sd_dlopen(void) {
        static int loaded; /* 0: not tried, 1: ok, -1: unavailable */
        void *dl;

        if (loaded)
                return loaded > 0 ? 0 : -EOPNOTSUPP;
        loaded = -1;
        /* Kept open for the life of the process: the symbols point into it. */
        dl = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
        if (!dl)
                return -EOPNOTSUPP;
#define SD_DLOPEN_RESOLVE(name)                                           \
        if (!(sym_##name = (__typeof__(name) *) dlsym(dl, #name))) { \
                dlclose(dl);                                              \
                return -EOPNOTSUPP;                                       \
        }
        SD_DLOPEN_SYMBOLS(SD_DLOPEN_RESOLVE)
#undef SD_DLOPEN_RESOLVE
        loaded = 1;
        return 0;
}

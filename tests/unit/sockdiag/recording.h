/* SPDX-License-Identifier: MIT */
/* The recorded replies of tests/data/sockdiag (record.sh), read by the
 * tests of sockdiag-parse.c and of report/sockets.c. */
#pragma once

#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>

#include "sockdiag.h"

#define RECORDING_MAX (1 << 20)

/* The whole file tests/data/sockdiag/NAME (up to RECORDING_MAX bytes),
 * which the caller frees; NULL when it cannot be read. */
static inline char *recording_load(const char *name, size_t *ret_len) {
        char path[512];
        snprintf(path, sizeof(path), "%s/sockdiag/%s", TESTS_DATA_DIR, name);
        FILE *f = fopen(path, "re");
        if (!f)
                return NULL;
        char *buf = malloc(RECORDING_MAX);
        if (buf)
                *ret_len = fread(buf, 1, RECORDING_MAX, f);
        fclose(f);
        return buf;
}

/* A recording of sock_diag dumps (the IPv4 one, then the IPv6 one), each
 * to its DONE, parsed into *t dump by dump. Returns how many dumps,
 * -ENOENT, -EBADMSG for a message that runs past the file or a dump that
 * does not end at its DONE, or sockdiag_parse()'s error. */
static inline int recording_parse(const char *name, struct sockdiag_table *t) {
        size_t len, off = 0;
        int dumps = 0;
        _cleanup_free_ char *buf = recording_load(name, &len);
        if (!buf)
                return -ENOENT;
        while (off < len) {
                size_t end = off;
                for (;;) { /* up to and with the DONE */
                        const struct nlmsghdr *h = (const struct nlmsghdr *) (buf + end);
                        if (end + sizeof(*h) > len || h->nlmsg_len < sizeof(*h))
                                return -EBADMSG;
                        end += NLMSG_ALIGN(h->nlmsg_len);
                        if (h->nlmsg_type == NLMSG_DONE)
                                break;
                }
                int r = sockdiag_parse(buf + off, end - off, t);
                if (r != 1)
                        return r < 0 ? r : -EBADMSG;
                off = end;
                dumps++;
        }
        return dumps;
}

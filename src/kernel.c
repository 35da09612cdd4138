/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <zlib.h>

#include "kernel.h"
#include "sysctl.h"

int kernel_config_parse(const char *text, size_t len, unsigned *ret_hz, char **ret_cc) {
        unsigned hz = 0;
        _cleanup_free_ char *cc = NULL;

        for (const char *p = text, *end = text + len; p < end;) {
                const char *nl = memchr(p, '\n', (size_t) (end - p));
                size_t n = nl ? (size_t) (nl - p) : (size_t) (end - p);
                const char *v;

                if (n > 10 && (v = startswith(p, "CONFIG_HZ=")) && (size_t) (v - p) < n) {
                        unsigned x = 0;
                        const char *q = v;
                        for (; q < p + n && *q >= '0' && *q <= '9' && x < 100000; q++)
                                x = x * 10 + (unsigned) (*q - '0');
                        if (q == p + n && x > 0)
                                hz = x;
                } else if ((v = startswith(p, "CONFIG_DEFAULT_TCP_CONG=\"")) && (size_t) (v - p) < n) {
                        const char *q = memchr(v, '"', (size_t) (p + n - v));
                        if (q && q > v) {
                                free(cc);
                                cc = strndup(v, (size_t) (q - v));
                        }
                }
                p += n + 1;
        }
        if (hz == 0)
                return -ENOENT;
        *ret_hz = hz;
        if (ret_cc)
                *ret_cc = TAKE_PTR(cc);
        return 0;
}

/* zlib reads gzip and plain files alike, so one reader serves both
 * /proc/config.gz and /boot/config-*. */
static int read_config(const char *path, const char *shown, bool want_cc, struct kernel_info *k) {
        gzFile f = gzopen(path, "rb");
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, cap = 0, scanned = 0;
        size_t hz = SIZE_MAX, cc = SIZE_MAX; /* offsets of the "\nCONFIG_..." lines */

        if (!f)
                return -ENOENT;
        for (;;) {
                if (len + 16384 > cap) {
                        /* A kernel .config is ~300 KiB; refuse absurd inputs. */
                        if (cap > 16 * 1024 * 1024)
                                break;
                        char *nb = realloc(buf, cap = cap ? cap * 2 : 65536);
                        if (!nb) {
                                gzclose(f);
                                return -ENOMEM;
                        }
                        buf = nb;
                }
                /* Small steps: inflate no more than the lines we want need. */
                size_t step = cap - len < 8192 ? cap - len : 8192;
                int n = gzread(f, buf + len, (unsigned) step);
                if (n <= 0)
                        break;
                len += (size_t) n;
                /* Both lines sit in the first part of a .config: stop
                 * decompressing once they are in (saves ~0.5 ms), and
                 * look only at what is new (a line may straddle steps). */
                size_t from = scanned > 32 ? scanned - 32 : 0;
                const char *q;
                if (hz == SIZE_MAX && (q = memmem(buf + from, len - from, "\nCONFIG_HZ=", 11)))
                        hz = (size_t) (q - buf);
                if (cc == SIZE_MAX && (q = memmem(buf + from, len - from, "\nCONFIG_DEFAULT_TCP_CONG=", 25)))
                        cc = (size_t) (q - buf);
                scanned = len;
                bool hz_done = hz != SIZE_MAX && memchr(buf + hz + 1, '\n', len - hz - 1);
                bool cc_done = cc != SIZE_MAX && memchr(buf + cc + 1, '\n', len - cc - 1);
                if (hz_done && (cc_done || !want_cc))
                        break;
        }
        gzclose(f);
        if (kernel_config_parse(buf ? buf : "", len, &k->hz, &k->default_cc) < 0)
                return -ENOENT;
        /* Paths are reported as the host sees them, without --root. */
        k->hz_source = strdup(shown);
        return k->hz_source ? 0 : -ENOMEM;
}

int kernel_info_read(const char *root, struct kernel_info *ret) {
        return kernel_info_read_full(root, /* want_cc= */ true, ret);
}

int kernel_info_read_full(const char *root, bool want_cc, struct kernel_info *ret) {
        struct kernel_info k = {};
        const char *r = root && *root && !streq(root, "/") ? root : "";
        _cleanup_free_ char *gz = NULL, *boot = NULL;

        (void) sysctl_read(root, "kernel.osrelease", &k.release);

        if (asprintf(&gz, "%s/proc/config.gz", r) < 0)
                return -ENOMEM;
        if (read_config(gz, gz + strlen(r), want_cc, &k) == -ENOMEM)
                goto oom;
        if (k.hz == 0 && k.release) {
                if (asprintf(&boot, "%s/boot/config-%s", r, k.release) < 0)
                        goto oom;
                if (read_config(boot, boot + strlen(r), want_cc, &k) == -ENOMEM)
                        goto oom;
        }
        *ret = k;
        return 0;
oom:
        kernel_info_done(&k);
        return -ENOMEM;
}

void kernel_info_done(struct kernel_info *k) {
        free(k->release);
        free(k->hz_source);
        free(k->default_cc);
        *k = (struct kernel_info) {};
}

bool kernel_version_at_least(const char *release, const char *version) {
        if (!release)
                return true;
        const char *a = release, *b = version;
        while (*b) {
                char *ea, *eb;
                unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);
                if (ea == a)
                        return false;
                if (x != y)
                        return x > y;
                a = *ea == '.' ? ea + 1 : ea;
                b = *eb == '.' ? eb + 1 : eb;
                if (*ea != '.' && *b)
                        return false; /* "6" vs "6.5": shorter release is older */
        }
        return true;
}

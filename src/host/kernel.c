/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <zlib.h>

#include "fileio.h"
#include "kernel.h"
#include "root.h"
#include "sysctl.h"

/* The text after prefix when the n-byte line p starts with it, else NULL;
 * never looks past the line (text need not be NUL-terminated: an inflated
 * /proc/config.gz is not). */
static const char *line_value(const char *p, size_t n, const char *prefix) {
        size_t k = strlen(prefix);
        return n >= k && memcmp(p, prefix, k) == 0 ? p + k : NULL;
}

/* A congestion control's name as the kernel registers one: at most
 * TCP_CA_NAME_MAX - 1 bytes of letters, digits, '_' and '-' (a NUL in
 * the quotes made it "" once). */
static bool cc_name(const char *v, size_t n) {
        if (n == 0 || n > 15)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= '0' && v[i] <= '9') ||
                      v[i] == '_' || v[i] == '-'))
                        return false;
        return true;
}

int kernel_config_parse(const char *text, size_t len, unsigned *ret_hz, char **ret_cc) {
        unsigned hz = 0;
        _cleanup_free_ char *cc = NULL;

        for (const char *p = text, *end = text + len; p < end;) {
                const char *nl = memchr(p, '\n', (size_t) (end - p));
                size_t n = nl ? (size_t) (nl - p) : (size_t) (end - p);
                const char *v;

                if ((v = line_value(p, n, "CONFIG_HZ="))) {
                        unsigned x = 0;
                        const char *q = v;
                        for (; q < p + n && *q >= '0' && *q <= '9' && x < 100000; q++)
                                x = x * 10 + (unsigned) (*q - '0');
                        if (q == p + n && q > v && x > 0)
                                hz = x;
                } else if ((v = line_value(p, n, "CONFIG_DEFAULT_TCP_CONG=\""))) {
                        const char *q = memchr(v, '"', (size_t) (p + n - v));
                        if (q && cc_name(v, (size_t) (q - v))) {
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

/* The start of the deflate data in a gzip file (RFC 1952 §2.3): after
 * the 10-byte header and the optional extra field, name, comment and
 * header CRC. Returns the offset, or 0 when buf is not gzip, is cut
 * short or fails its header CRC. */
static size_t gzip_data_offset(const unsigned char *buf, size_t len) {
        enum { FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16, FRESERVED = 0xe0 };
        size_t at = 10;

        if (len < at || buf[0] != 0x1f || buf[1] != 0x8b || buf[2] != 8 || (buf[3] & FRESERVED))
                return 0;
        if (buf[3] & FEXTRA) {
                if (len < at + 2)
                        return 0;
                at += 2 + (size_t) (buf[at] | buf[at + 1] << 8);
        }
        for (unsigned flag = FNAME; flag <= FCOMMENT; flag <<= 1)
                if (buf[3] & flag) {
                        const unsigned char *z = at < len ? memchr(buf + at, 0, len - at) : NULL;
                        if (!z)
                                return 0;
                        at = (size_t) (z - buf) + 1;
                }
        if (buf[3] & FHCRC) {
                /* The low 16 bits of the CRC32 of the header before it; zlib checks it too. */
                if (len < at + 2 || (crc32(0, buf, (uInt) at) & 0xffff) != (unsigned) (buf[at] | buf[at + 1] << 8))
                        return 0;
                at += 2;
        }
        return at < len ? at : 0;
}

/* The whole file, up to 16 MiB (a kernel .config is ~300 KiB, its gzip
 * ~25 KiB): 64 KiB first, so config.gz takes one read() (its st_size under
 * /proc is not to be trusted). */
static int read_file(const struct root *root, const char *abs, unsigned char **ret, size_t *ret_len) {
        /* Resolved inside the tree: a --root image's own links are its
         * business, but none may lead out of it (the release in the path
         * comes from the tree too). O_NONBLOCK and a regular file only: a
         * FIFO neither blocks nor gets read. */
        _cleanup_close_ int fd = root_open_at(root, abs, O_RDONLY | O_NONBLOCK, 0, ROOT_IN_ROOT);
        struct stat st;
        if (fd < 0)
                return fd;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return S_ISDIR(st.st_mode) ? -EISDIR : -ENXIO;
        return read_full_fd(fd, 16 * 1024 * 1024, 65536, (char **) ret, ret_len);
}

/* Where the wanted lines are in text[0, len), looking only at what came
 * since the last call (a line may straddle two calls). Returns true once
 * every wanted line is complete. */
struct config_scan {
        size_t scanned;
        size_t hz, cc;   /* offsets of the "\nCONFIG_..." lines, or SIZE_MAX */
        bool want_cc;
};

static bool config_scan_done(struct config_scan *c, const char *text, size_t len) {
        size_t from = c->scanned > 32 ? c->scanned - 32 : 0;
        const char *q;
        if (c->hz == SIZE_MAX && (q = memmem(text + from, len - from, "\nCONFIG_HZ=", 11)))
                c->hz = (size_t) (q - text);
        if (c->cc == SIZE_MAX && (q = memmem(text + from, len - from, "\nCONFIG_DEFAULT_TCP_CONG=", 25)))
                c->cc = (size_t) (q - text);
        c->scanned = len;
        bool hz_done = c->hz != SIZE_MAX && memchr(text + c->hz + 1, '\n', len - c->hz - 1);
        bool cc_done = c->cc != SIZE_MAX && memchr(text + c->cc + 1, '\n', len - c->cc - 1);
        return hz_done && (cc_done || !c->want_cc);
}

/* Both lines sit in the first part of a .config, so text is looked at
 * in steps and decompression stops once they are in. A gzip file
 * (/proc/config.gz) is inflated raw, past a header parsed here: zlib's
 * gzip layer would also CRC every byte, for a check that cannot pass
 * before the end we never reach. Anything else is read as plain text
 * (/boot/config-RELEASE). */
int kernel_config_read_buffer(const unsigned char *file, size_t file_len, bool want_cc, unsigned *ret_hz,
                              char **ret_cc) {
        enum { STEP = 4096 };
        _cleanup_free_ char *out = NULL;
        struct config_scan scan = { .hz = SIZE_MAX, .cc = SIZE_MAX, .want_cc = want_cc };
        size_t len = 0, at;
        const char *text;

        if ((at = gzip_data_offset(file, file_len)) > 0) {
                z_stream z = { .next_in = (unsigned char *) file + at, .avail_in = (uInt) (file_len - at) };
                size_t cap = 0;
                if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
                        return -ENOMEM;
                for (;;) {
                        if (len + STEP > cap) {
                                if (cap > 16 * 1024 * 1024)
                                        break;
                                char *nb = realloc(out, cap = cap ? cap * 2 : 65536);
                                if (!nb) {
                                        inflateEnd(&z);
                                        return -ENOMEM;
                                }
                                out = nb;
                        }
                        z.next_out = (unsigned char *) out + len;
                        z.avail_out = STEP;
                        int zr = inflate(&z, Z_NO_FLUSH);
                        len += STEP - z.avail_out;
                        if (zr != Z_OK || config_scan_done(&scan, out, len))
                                break; /* the end, an error (keep what came), or done */
                }
                inflateEnd(&z);
                text = out;
        } else {
                for (size_t step; len < file_len; len += step) {
                        step = file_len - len < STEP ? file_len - len : STEP;
                        if (config_scan_done(&scan, (const char *) file, len + step)) {
                                len += step;
                                break;
                        }
                }
                text = (const char *) file;
        }
        /* Only a line start can set a value, and none before the first
         * wanted line's "\n" did, but for the first line, which has none. */
        size_t from = scan.hz < scan.cc ? scan.hz : scan.cc;
        if (from == SIZE_MAX || (len >= 7 && memcmp(text, "CONFIG_", 7) == 0))
                from = 0;
        return kernel_config_parse(text ? text + from : "", len - from, ret_hz, ret_cc);
}

static int read_config(const struct root *root, const char *shown, bool want_cc, struct kernel_info *k) {
        _cleanup_free_ unsigned char *file = NULL;
        size_t file_len = 0;
        int r;

        r = read_file(root, shown, &file, &file_len);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return -ENOENT;
        r = kernel_config_read_buffer(file, file_len, want_cc, &k->hz, &k->default_cc);
        if (r < 0)
                return r == -ENOMEM ? r : -ENOENT;
        /* Paths are reported as the host sees them, without --root. */
        k->hz_source = strdup(shown);
        return k->hz_source ? 0 : -ENOMEM;
}

int kernel_info_read(const struct root *root, struct kernel_info *ret) {
        return kernel_info_read_full(root, /* want_cc= */ true, ret);
}

int kernel_info_read_full(const struct root *root, bool want_cc, struct kernel_info *ret) {
        struct kernel_info k = {};
        _cleanup_free_ char *boot = NULL;

        (void) sysctl_read(root, "kernel.osrelease", &k.release);

        if (read_config(root, "/proc/config.gz", want_cc, &k) == -ENOMEM)
                goto oom;
        if (k.hz == 0 && k.release) {
                if (asprintf(&boot, "/boot/config-%s", k.release) < 0)
                        goto oom;
                if (read_config(root, boot, want_cc, &k) == -ENOMEM)
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

/* SPDX-License-Identifier: MIT */
/* The kernel config reader over arbitrary bytes, three ways:
 *  1. kernel_config_parse() on exactly the input (no NUL after it: the
 *     inflated /proc/config.gz has none, and ASan sees a read past it);
 *  2. kernel_config_read_buffer() on the input as a file's bytes (a
 *     malformed gzip file when it starts 1f 8b, else plain text);
 *  3. the input gzip-compressed, through the same inflate code as
 *     /proc/config.gz, which must find what the plain text gives.
 * HZ found is a positive number from a CONFIG_HZ= line; the congestion
 * control a name (1-15 letters, digits, '_', '-') from its line. */
#include <zlib.h>

#include "fuzz.h"
#include "kernel.h"

#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"

static void check_found(int r, unsigned hz, const char *cc, const uint8_t *data, size_t size) {
        fuzz_oom(r);
        fuzz_assert(r == 0 || r == -ENOENT);
        if (r < 0)
                return;
        fuzz_assert(hz > 0);
        fuzz_assert(memmem(data, size, "CONFIG_HZ=", 10));
        if (cc) {
                fuzz_assert(*cc && strlen(cc) <= 15 && strspn(cc, NAME_CHARS) == strlen(cc));
                fuzz_assert(memmem(data, size, cc, strlen(cc)));
        }
}

/* data as a gzip file (header, deflate, CRC32 and size trailer). */
static unsigned char *gzip(const uint8_t *data, size_t size, size_t *ret_len) {
        z_stream z = {};
        if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
                return NULL;
        size_t cap = deflateBound(&z, (uLong) size) + 32;
        unsigned char *out = malloc(cap);
        if (!out) {
                deflateEnd(&z);
                return NULL;
        }
        z.next_in = (unsigned char *) data;
        z.avail_in = (uInt) size;
        z.next_out = out;
        z.avail_out = (uInt) cap;
        int r = deflate(&z, Z_FINISH);
        *ret_len = cap - z.avail_out;
        deflateEnd(&z);
        if (r != Z_STREAM_END) {
                free(out);
                return NULL;
        }
        return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        unsigned hz = 0, hz_plain = 0, hz_gz = 0;
        _cleanup_free_ char *cc = NULL, *cc_plain = NULL, *cc_gz = NULL, *cc_raw = NULL;
        bool want_cc = size % 2 == 0;
        unsigned hz_raw = 0;
        int r;

        r = kernel_config_parse((const char *) data, size, &hz, &cc);
        check_found(r, hz, cc, data, size);

        r = kernel_config_read_buffer(data, size, want_cc, &hz_raw, &cc_raw);
        fuzz_oom(r);
        fuzz_assert(r == 0 || r == -ENOENT);
        fuzz_assert(r < 0 || hz_raw > 0);
        fuzz_assert(!cc_raw || (*cc_raw && strlen(cc_raw) <= 15 && strspn(cc_raw, NAME_CHARS) == strlen(cc_raw)));

        /* Plain text (not itself gzip): read as such, and the same text
         * compressed reads the same. */
        if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
                return 0;
        int rp = kernel_config_read_buffer(data, size, want_cc, &hz_plain, &cc_plain);
        check_found(rp, hz_plain, cc_plain, data, size);
        size_t gz_len = 0;
        _cleanup_free_ unsigned char *gz = gzip(data, size, &gz_len);
        fuzz_assert(gz);
        int rg = kernel_config_read_buffer(gz, gz_len, want_cc, &hz_gz, &cc_gz);
        fuzz_oom(rg);
        fuzz_assert(rg == rp);
        fuzz_assert(hz_gz == hz_plain);
        if (want_cc)
                fuzz_assert(streq_ptr(cc_gz, cc_plain));
        return 0;
}

/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "kernel.h"
#include "test.h"

static void test_config_parse(void) {
        const char cfg[] = "#\n# comment\nCONFIG_HZ_250=y\nCONFIG_HZ=250\n"
                           "CONFIG_DEFAULT_TCP_CONG=\"bbr\"\nCONFIG_HZ_PERIODIC=y\n";
        unsigned hz = 0;
        char *cc = NULL;
        test_assert_int(kernel_config_parse(cfg, sizeof(cfg) - 1, &hz, &cc), 0);
        test_assert_int(hz, 250);
        test_assert_str(cc, "bbr");
        free(cc);

        const char nohz[] = "CONFIG_HZ_1000=y\n# CONFIG_HZ is not set\nCONFIG_HZX=3\n";
        test_assert_int(kernel_config_parse(nohz, sizeof(nohz) - 1, &hz, NULL), -ENOENT);

        const char last[] = "CONFIG_HZ=1000"; /* no final newline */
        test_assert_int(kernel_config_parse(last, sizeof(last) - 1, &hz, NULL), 0);
        test_assert_int(hz, 1000);

        const char bad[] = "CONFIG_HZ=25x\n";
        test_assert_int(kernel_config_parse(bad, sizeof(bad) - 1, &hz, NULL), -ENOENT);

        /* fuzz-kernel: a NUL in the quotes made the name "". Only a
         * name the kernel could register counts; an earlier one stays. */
        const char odd[] = "CONFIG_HZ=100\nCONFIG_DEFAULT_TCP_CONG=\"reno\"\nCONFIG_DEFAULT_TCP_CONG=\"\0bbr\"\n"
                           "CONFIG_DEFAULT_TCP_CONG=\"\033[2J\"\nCONFIG_DEFAULT_TCP_CONG=\"sixteen_letters_\"\n";
        test_assert_int(kernel_config_parse(odd, sizeof(odd) - 1, &hz, &cc), 0);
        test_assert_str(cc, "reno");
        free(cc);
}

/* len bytes of text ending right before an unmapped page: a read past
 * the end faults in every build, not only under ASan. */
struct guarded {
        char *map, *text;
        size_t size;
};

static struct guarded guarded_copy(const char *text, size_t len) {
        size_t page = (size_t) sysconf(_SC_PAGESIZE), data = (len + page - 1) / page * page;
        struct guarded g = { .size = data + page };
        g.map = mmap(NULL, g.size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        test_assert(g.map != MAP_FAILED);
        test_assert(mprotect(g.map + data, page, PROT_NONE) == 0);
        g.text = g.map + data - len;
        memcpy(g.text, text, len);
        return g;
}

/* Text that is not NUL-terminated (an inflated /proc/config.gz) ending in
 * a partial line of each kind, at any length, 64 KiB among them: the parser
 * must stay within len. */
static void test_config_parse_bounds(void) {
        static const char *const tails[] = {
                "C", "CONFIG_", "CONFIG_H", "CONFIG_HZ", "CONFIG_HZ=", "CONFIG_HZ=2", "CONFIG_D",
                "CONFIG_DEFAULT_TCP_CON", "CONFIG_DEFAULT_TCP_CONG=", "CONFIG_DEFAULT_TCP_CONG=\"",
                "CONFIG_DEFAULT_TCP_CONG=\"bb",
        };
        static const size_t sizes[] = { 0, 1, 40, 4095, 4096, 65535, 65536, 65537, 200000 };
        char *buf = malloc(200000);
        test_assert(buf);
        for (size_t s = 0; s < ELEMENTSOF(sizes); s++)
                for (size_t t = 0; t < ELEMENTSOF(tails); t++) {
                        size_t len = sizes[s], tl = strlen(tails[t]);
                        if (len < tl)
                                continue;
                        /* "CONFIG_HZ=100\n" first where it fits, then filler lines. */
                        memset(buf, '#', len);
                        for (size_t i = 63; i < len; i += 64)
                                buf[i] = '\n';
                        if (len >= 14 + tl)
                                memcpy(buf, "CONFIG_HZ=100\n", 14);
                        if (len > tl)
                                buf[len - tl - 1] = '\n';
                        memcpy(buf + len - tl, tails[t], tl);
                        struct guarded g = guarded_copy(buf, len);
                        unsigned hz = 0;
                        char *cc = NULL;
                        int r = kernel_config_parse(g.text, len, &hz, &cc);
                        bool tail_sets = streq(tails[t], "CONFIG_HZ=2"); /* a last line needs no newline */
                        if (len >= 14 + tl || tail_sets) {
                                test_assert_int(r, 0);
                                test_assert_int(hz, tail_sets ? 2 : 100);
                        } else
                                test_assert_int(r, -ENOENT);
                        test_assert(!cc);
                        free(cc);
                        munmap(g.map, g.size);
                }
        free(buf);
}

static void test_version(void) {
        test_assert(kernel_version_at_least("6.18.44", "6.15"));
        test_assert(kernel_version_at_least("6.15.0", "6.15"));
        test_assert(kernel_version_at_least("6.15", "6.15"));
        test_assert(!kernel_version_at_least("6.14.9", "6.15"));
        test_assert(!kernel_version_at_least("5.19", "6.5"));
        test_assert(kernel_version_at_least("6.18.44-fc-v657", "6.11"));
        test_assert(kernel_version_at_least("10.1", "6.15"));
        test_assert(kernel_version_at_least(NULL, "6.15"));
        test_assert(!kernel_version_at_least("6", "6.5"));
}

/* A .config whose CONFIG_HZ sits past the first 64 KiB output buffer and
 * whose CONFIG_DEFAULT_TCP_CONG comes ~100 KiB later, as in real ones. */
static char *big_config(size_t *ret_len) {
        size_t cap = 1 << 20, len = 0;
        char *t = malloc(cap);
        test_assert(t);
        for (unsigned i = 0; len < 70000; i++)
                len += (size_t) snprintf(t + len, cap - len, "CONFIG_FILLER_%u=y\n", i);
        len += (size_t) snprintf(t + len, cap - len, "CONFIG_HZ_300=y\nCONFIG_HZ=300\n");
        for (unsigned i = 0; len < 170000; i++)
                len += (size_t) snprintf(t + len, cap - len, "# CONFIG_OTHER_%u is not set\n", i);
        len += (size_t) snprintf(t + len, cap - len, "CONFIG_DEFAULT_TCP_CONG=\"cubic\"\nCONFIG_LAST=y\n");
        *ret_len = len;
        return t;
}

static void write_file(const char *dir, const char *name, const void *data, size_t len) {
        char *path;
        test_assert(asprintf(&path, "%s/%s", dir, name) > 0);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        test_assert(fd >= 0);
        test_assert(write(fd, data, len) == (ssize_t) len);
        close(fd);
        free(path);
}

/* gzip with every optional header field (RFC 1952): FEXTRA, FNAME,
 * FCOMMENT, FHCRC (wrong if asked); then raw deflate and the CRC32/ISIZE
 * trailer. */
static unsigned char *gzip_all_fields(const char *text, size_t len, bool bad_hcrc, size_t *ret_len) {
        static const unsigned char head[] = {
                0x1f, 0x8b, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, 3,
                4, 0, 'a', 'b', 'c', 'd',            /* extra: 4 bytes */
                'c', 'o', 'n', 'f', 'i', 'g', 0,     /* name */
                'h', 'i', 0,                          /* comment */
        };
        size_t hlen = sizeof(head) + 2, cap = hlen + compressBound((uLong) len) + 8;
        unsigned char *out = malloc(cap);
        z_stream z = {};
        test_assert(out);
        memcpy(out, head, sizeof(head));
        uLong hcrc = crc32(0, head, sizeof(head)) ^ (bad_hcrc ? 1 : 0);
        out[sizeof(head)] = (unsigned char) hcrc;
        out[sizeof(head) + 1] = (unsigned char) (hcrc >> 8);
        test_assert_int(deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
        z.next_in = (unsigned char *) text;
        z.avail_in = (uInt) len;
        z.next_out = out + hlen;
        z.avail_out = (uInt) (cap - hlen - 8);
        test_assert_int(deflate(&z, Z_FINISH), Z_STREAM_END);
        size_t n = hlen + z.total_out;
        deflateEnd(&z);
        uLong crc = crc32(0, (const unsigned char *) text, (uInt) len);
        for (int i = 0; i < 4; i++)
                out[n++] = (unsigned char) (crc >> (8 * i));
        for (int i = 0; i < 4; i++)
                out[n++] = (unsigned char) (len >> (8 * i));
        *ret_len = n;
        return out;
}

static void test_config_files(void) {
        char root[] = "/tmp/tcptune-test-kernel-XXXXXX";
        test_assert(mkdtemp(root));
        char *proc, *sysk, *boot, *gz, *bootcfg, *rel;
        test_assert(asprintf(&proc, "%s/proc", root) > 0);
        test_assert(asprintf(&sysk, "%s/proc/sys/kernel", root) > 0);
        test_assert(asprintf(&boot, "%s/boot", root) > 0);
        test_assert(asprintf(&gz, "%s/proc/config.gz", root) > 0);
        test_assert(asprintf(&bootcfg, "%s/boot/config-6.1.0-test", root) > 0);
        test_assert(asprintf(&rel, "%s/proc/sys", root) > 0);
        test_assert(mkdir(proc, 0755) == 0 && mkdir(rel, 0755) == 0 && mkdir(sysk, 0755) == 0 && mkdir(boot, 0755) == 0);
        struct root rt;
        test_assert_int(root_open(root, &rt), 0);
        write_file(sysk, "osrelease", "6.1.0-test\n", 11);

        size_t len;
        char *text = big_config(&len);
        struct kernel_info k;

        /* Nothing to read: no HZ, not an error. */
        test_assert_int(kernel_info_read(&rt, &k), 0);
        test_assert_str(k.release, "6.1.0-test");
        test_assert_int(k.hz, 0);
        test_assert(!k.hz_source && !k.default_cc);
        kernel_info_done(&k);

        /* /boot/config-RELEASE as plain text. */
        write_file(boot, "config-6.1.0-test", "CONFIG_HZ=100\nCONFIG_DEFAULT_TCP_CONG=\"reno\"\n", 45);
        test_assert_int(kernel_info_read(&rt, &k), 0);
        test_assert_int(k.hz, 100);
        test_assert_str(k.hz_source, "/boot/config-6.1.0-test");
        test_assert_str(k.default_cc, "reno");
        kernel_info_done(&k);

        /* /proc/config.gz as zlib's gzip writer makes it wins over /boot. */
        gzFile f = gzopen(gz, "wb9");
        test_assert(f);
        test_assert_int(gzwrite(f, text, (unsigned) len), (int) len);
        test_assert_int(gzclose(f), Z_OK);
        test_assert_int(kernel_info_read(&rt, &k), 0);
        test_assert_int(k.hz, 300);
        test_assert_str(k.hz_source, "/proc/config.gz");
        test_assert_str(k.default_cc, "cubic");
        kernel_info_done(&k);
        /* Without want_cc decompression stops after CONFIG_HZ. */
        test_assert_int(kernel_info_read_full(&rt, /* want_cc= */ false, &k), 0);
        test_assert_int(k.hz, 300);
        test_assert(!k.default_cc);
        kernel_info_done(&k);

        /* Every optional gzip header field; a wrong header CRC rejects the
         * file, as zlib's gzip reader does. */
        size_t zlen;
        unsigned char *z = gzip_all_fields(text, len, /* bad_hcrc= */ true, &zlen);
        test_assert(unlink(gz) == 0);
        write_file(proc, "config.gz", z, zlen);
        test_assert_int(kernel_info_read(&rt, &k), 0);
        test_assert_int(k.hz, 100);
        test_assert_str(k.hz_source, "/boot/config-6.1.0-test");
        kernel_info_done(&k);
        free(z);
        z = gzip_all_fields(text, len, /* bad_hcrc= */ false, &zlen);
        test_assert(unlink(gz) == 0);
        write_file(proc, "config.gz", z, zlen);
        test_assert_int(kernel_info_read(&rt, &k), 0);
        test_assert_int(k.hz, 300);
        test_assert_str(k.hz_source, "/proc/config.gz");
        test_assert_str(k.default_cc, "cubic");
        kernel_info_done(&k);

        /* Cut before CONFIG_HZ: the kernel's own file is unusable, /boot serves. */
        test_assert(unlink(gz) == 0);
        write_file(proc, "config.gz", z, 600);
        test_assert_int(kernel_info_read(&rt, &k), 0);
        test_assert_int(k.hz, 100);
        test_assert_str(k.hz_source, "/boot/config-6.1.0-test");
        kernel_info_done(&k);

        /* A header cut inside its name field is not gzip, and not a config. */
        test_assert(unlink(gz) == 0);
        write_file(proc, "config.gz", z, 20);
        test_assert(unlink(bootcfg) == 0);
        test_assert_int(kernel_info_read(&rt, &k), 0);
        test_assert_int(k.hz, 0);
        kernel_info_done(&k);

        /* A plain-text /boot config larger than one read step. */
        write_file(boot, "config-6.1.0-test", text, len);
        test_assert_int(kernel_info_read(&rt, &k), 0);
        test_assert_int(k.hz, 300);
        test_assert_str(k.default_cc, "cubic");
        kernel_info_done(&k);

        /* /proc/config.gz inflating to exactly 64 KiB (the first output
         * buffer) and ending in a partial line: read within what came. */
        char *edge = malloc(65536);
        test_assert(edge);
        memset(edge, '#', 65536);
        for (size_t i = 63; i < 65536; i += 64)
                edge[i] = '\n';
        memcpy(edge, "CONFIG_HZ=100\n", 14);
        memcpy(edge + 65536 - 23, "\nCONFIG_DEFAULT_TCP_CON", 23);
        test_assert(unlink(gz) == 0);
        f = gzopen(gz, "wb9");
        test_assert(f);
        test_assert_int(gzwrite(f, edge, 65536), 65536);
        test_assert_int(gzclose(f), Z_OK);
        test_assert_int(kernel_info_read(&rt, &k), 0);
        test_assert_int(k.hz, 100);
        test_assert_str(k.hz_source, "/proc/config.gz");
        test_assert(!k.default_cc);
        kernel_info_done(&k);
        free(edge);

        test_assert(unlink(gz) == 0 && unlink(bootcfg) == 0);
        char *osr;
        test_assert(asprintf(&osr, "%s/osrelease", sysk) > 0);
        test_assert(unlink(osr) == 0);
        root_done(&rt);
        test_assert(rmdir(sysk) == 0 && rmdir(rel) == 0 && rmdir(proc) == 0 && rmdir(boot) == 0 && rmdir(root) == 0);
        free(osr);
        free(z);
        free(text);
        free(proc);
        free(sysk);
        free(boot);
        free(gz);
        free(bootcfg);
        free(rel);
}

int main(void) {
        TEST(test_config_parse);
        TEST(test_config_parse_bounds);
        TEST(test_config_files);
        TEST(test_version);
        return test_done();
}

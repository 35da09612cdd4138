/* SPDX-License-Identifier: MIT */
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

int main(void) {
        TEST(test_config_parse);
        TEST(test_version);
        return test_done();
}

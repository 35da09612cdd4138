/* SPDX-License-Identifier: MIT */
/* record-sockdiag OUT-SOCKETS.bin OUT-ADDRS.bin: the sock_diag and
 * RTM_GETADDR replies of the namespace it runs in, byte for byte, for
 * test-sockdiag (tests/data/sockdiag/record.sh runs it). */
#include <stdio.h>

#include "sockdiag.h"

int main(int argc, char **argv) {
        struct sockdiag_table t = {};
        struct sockdiag_addrs a = {};
        if (argc != 3) {
                fprintf(stderr, "usage: record-sockdiag SOCKETS.bin ADDRS.bin\n");
                return 2;
        }
        FILE *fs = fopen(argv[1], "we"), *fa = fopen(argv[2], "we");
        if (!fs || !fa) {
                perror("fopen");
                return 1;
        }
        int r = sockdiag_dump(&t, fs);
        int q = sockdiag_dump_addrs(&a, fa);
        if (fclose(fs) != 0 || fclose(fa) != 0 || r < 0 || q < 0) {
                fprintf(stderr, "record-sockdiag: %s\n", strerror(r < 0 ? -r : q < 0 ? -q : EIO));
                return 1;
        }
        printf("%zu sockets, %zu addresses\n", t.n, a.n);
        sockdiag_table_done(&t);
        sockdiag_addrs_done(&a);
        return 0;
}

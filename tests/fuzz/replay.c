/* SPDX-License-Identifier: MIT */
/* Without libFuzzer: run LLVMFuzzerTestOneInput() over every file of the
 * corpus directories (or files) given as arguments, in name order, so that
 * the corpus is a regression test in every build. Each input is copied to
 * a buffer of exactly its size, as libFuzzer does, so that ASan sees a read
 * past its end. Prints TAP. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path, unsigned *n) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0) {
                printf("not ok %u - %s: %s\n", ++*n, path, strerror(errno));
                return -1;
        }
        size_t size = (size_t) st.st_size;
        _cleanup_free_ uint8_t *buf = malloc(size ? size : 1);
        if (!buf)
                return -ENOMEM;
        for (size_t got = 0; got < size;) {
                ssize_t k = read(fd, buf + got, size - got);
                if (k <= 0) {
                        printf("not ok %u - %s: short read\n", ++*n, path);
                        return -1;
                }
                got += (size_t) k;
        }
        /* A failed invariant aborts: the test fails with the input named
         * on stderr by the line below. */
        fprintf(stderr, "# %s\n", path);
        LLVMFuzzerTestOneInput(buf, size);
        printf("ok %u - %s\n", ++*n, path);
        return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b) {
        return strcmp((*a)->d_name, (*b)->d_name);
}

static int only_files(const struct dirent *d) {
        return d->d_name[0] != '.';
}

int main(int argc, char **argv) {
        unsigned n = 0;
        int failed = 0;

        if (argc < 2) {
                fprintf(stderr, "usage: %s CORPUS-DIR|FILE...\n", argv[0]);
                return 2;
        }
        for (int i = 1; i < argc; i++) {
                struct stat st;
                if (stat(argv[i], &st) < 0) {
                        printf("not ok %u - %s: %s\n", ++n, argv[i], strerror(errno));
                        failed = 1;
                        continue;
                }
                if (!S_ISDIR(st.st_mode)) {
                        failed |= run_file(argv[i], &n) < 0;
                        continue;
                }
                struct dirent **list;
                int k = scandir(argv[i], &list, only_files, by_name);
                if (k < 0) {
                        printf("not ok %u - %s: %s\n", ++n, argv[i], strerror(errno));
                        failed = 1;
                        continue;
                }
                for (int j = 0; j < k; j++) {
                        _cleanup_free_ char *path = NULL;
                        if (asprintf(&path, "%s/%s", argv[i], list[j]->d_name) < 0 || run_file(path, &n) < 0)
                                failed = 1;
                        free(list[j]);
                }
                free(list);
        }
        printf("1..%u\n", n);
        if (n == 0) {
                fprintf(stderr, "no inputs: an empty corpus tests nothing\n");
                return 1;
        }
        return failed;
}

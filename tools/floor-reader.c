/* SPDX-License-Identifier: MIT */
/* The speed floor for tcptune's benchmarks: read every
 * /proc/sys/net/ipv4/tcp_* file once (open, one read, close) and print
 * "name=value". Nothing a real tool could skip. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
        DIR *d = opendir("/proc/sys/net/ipv4");
        struct dirent *de;
        char buf[4096];
        if (!d)
                return 1;
        while ((de = readdir(d))) {
                if (strncmp(de->d_name, "tcp_", 4) != 0)
                        continue;
                int fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        continue;
                ssize_t n = read(fd, buf, sizeof(buf) - 1);
                close(fd);
                if (n < 0)
                        continue;
                buf[n] = '\0';
                printf("%s=%s", de->d_name, buf);
        }
        closedir(d);
        return 0;
}

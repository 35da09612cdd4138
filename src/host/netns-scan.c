/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>

#include "netns-scan.h"
#include "netns.h"

struct list {
        struct netns_entry *e;
        size_t n, cap;
};

static bool seen(const struct list *l, dev_t dev, ino_t ino) {
        for (size_t i = 0; ino && i < l->n; i++)
                if (l->e[i].dev == dev && l->e[i].ino == ino)
                        return true;
        return false;
}

/* Takes label and path (NULL label: out of memory). */
static int add(struct list *l, char *label, char *path, dev_t dev, ino_t ino) {
        if (label && l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 16;
                struct netns_entry *n = realloc(l->e, cap * sizeof(*n));
                if (n) {
                        l->e = n;
                        l->cap = cap;
                }
        }
        if (!label || l->n == l->cap) {
                free(label);
                free(path);
                return -ENOMEM;
        }
        l->e[l->n++] = (struct netns_entry) { .label = label, .path = path, .dev = dev, .ino = ino };
        return 0;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static int scan_named(struct list *l) {
        DIR *d = opendir("/run/netns");
        char **names = NULL;
        size_t n = 0;
        int r = 0;
        if (!d)
                return 0; /* no named namespaces */
        for (struct dirent *de; (de = readdir(d));) {
                if (de->d_name[0] == '.')
                        continue;
                char **nn = realloc(names, (n + 1) * sizeof(char *));
                if (!nn || !(nn[n] = strdup(de->d_name))) {
                        names = nn ? nn : names;
                        r = -ENOMEM;
                        break;
                }
                names = nn;
                n++;
        }
        closedir(d);
        if (r == 0 && n > 1)
                qsort(names, n, sizeof(char *), cmp_str);
        for (size_t i = 0; i < n; i++) {
                char *path = NULL, *label = names[i];
                struct stat st = {};
                names[i] = NULL;
                if (r < 0 || asprintf(&path, "/run/netns/%s", label) < 0) {
                        free(label);
                        r = -ENOMEM;
                        continue;
                }
                /* A file that cannot be stat'ed is still listed: entering says why. */
                if (stat(path, &st) < 0)
                        st = (struct stat) {};
                if (seen(l, st.st_dev, st.st_ino)) {
                        free(label);
                        free(path);
                        continue;
                }
                r = add(l, label, path, st.st_dev, st.st_ino);
        }
        free(names);
        return r;
}

static int cmp_pid(const void *a, const void *b) {
        unsigned long x = *(const unsigned long *) a, y = *(const unsigned long *) b;
        return x < y ? -1 : x > y;
}

static int scan_processes(struct list *l) {
        DIR *d = opendir("/proc");
        _cleanup_free_ unsigned long *pids = NULL;
        size_t n = 0, cap = 0;
        if (!d)
                return 0;
        for (struct dirent *de; (de = readdir(d));) {
                char *end;
                unsigned long pid = strtoul(de->d_name, &end, 10);
                if (de->d_name[0] < '1' || de->d_name[0] > '9' || *end)
                        continue;
                if (n == cap) {
                        unsigned long *np = realloc(pids, (cap = cap ? cap * 2 : 256) * sizeof(*np));
                        if (!np) {
                                closedir(d);
                                return -ENOMEM;
                        }
                        pids = np;
                }
                pids[n++] = pid;
        }
        closedir(d);
        qsort(pids, n, sizeof(*pids), cmp_pid);
        for (size_t i = 0; i < n; i++) {
                char buf[64];
                struct stat st;
                snprintf(buf, sizeof(buf), "/proc/%lu/ns/net", pids[i]);
                /* Gone, or not ours to see: nothing to report about it. */
                if (stat(buf, &st) < 0 || seen(l, st.st_dev, st.st_ino))
                        continue;
                char *label = NULL, *path = strdup(buf);
                if (!path || asprintf(&label, "pid:%lu", pids[i]) < 0) {
                        free(path);
                        return -ENOMEM;
                }
                int r = add(l, label, path, st.st_dev, st.st_ino);
                if (r < 0)
                        return r;
        }
        return 0;
}

int netns_scan(struct netns_entry **ret) {
        struct list l = {};
        struct stat st;
        int r;
        if (stat("/proc/self/ns/net", &st) < 0)
                return -errno;
        r = add(&l, strdup("host"), NULL, st.st_dev, st.st_ino);
        if (r >= 0)
                r = scan_named(&l);
        if (r >= 0)
                r = scan_processes(&l);
        if (r < 0) {
                netns_entries_free(l.e, l.n);
                return r;
        }
        *ret = l.e;
        return (int) l.n;
}

void netns_entries_free(struct netns_entry *e, size_t n) {
        for (size_t i = 0; e && i < n; i++) {
                free(e[i].label);
                free(e[i].path);
        }
        free(e);
}

int netns_scan_enter(const struct netns_entry *e) {
        if (!e->path)
                return 0;
        _cleanup_close_ int fd = netns_open(e->path);
        struct stat st;
        if (fd < 0)
                return fd == -ESRCH ? -ENOENT : fd;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (e->ino && (st.st_dev != e->dev || st.st_ino != e->ino))
                return -ESTALE;
        if (setns(fd, CLONE_NEWNET) < 0)
                return -errno;
        return 0;
}

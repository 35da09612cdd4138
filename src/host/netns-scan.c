/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>

#include "fileio.h"
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
        if (!label || GROW(l->e, l->n, l->cap) < 0) {
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
        size_t n = 0, cap = 0;
        int r = 0;
        if (!d)
                return 0; /* no named namespaces */
        for (struct dirent *de; (de = readdir(d));) {
                if (de->d_name[0] == '.')
                        continue;
                if (GROW(names, n, cap) < 0 || !(names[n] = strdup(de->d_name))) {
                        r = -ENOMEM;
                        break;
                }
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

/* "what" and the first 12 characters of id (to a '.' or '/'), '_' read
 * as the '-' it stands for in pod uids. */
static char *id12(const char *what, const char *id) {
        size_t n = strcspn(id, "./");
        char *r = NULL;
        if (n == 0)
                return NULL;
        if (asprintf(&r, "%s %.*s", what, (int) (n < 12 ? n : 12), id) < 0)
                return NULL;
        for (char *p = r; *p; p++)
                if (*p == '_')
                        *p = '-';
        return r;
}

char *netns_cgroup_label(const char *text) {
        _cleanup_free_ char *path = NULL;
        const char *line = text, *v2 = strstr(text, "0::");
        if (v2 && (v2 == text || v2[-1] == '\n'))
                line = v2;
        const char *colon = strchr(line, ':');
        colon = colon ? strchr(colon + 1, ':') : NULL;
        if (!colon)
                return NULL;
        path = strndup(colon + 1, strcspn(colon + 1, "\n"));
        if (!path || !*path || streq(path, "/"))
                return NULL;
        const char *p;
        /* systemd driver: kubepods-burstable-pod<uid>.slice; cgroupfs: /kubepods/burstable/pod<uid>/. */
        if ((p = strstr(path, "kubepods"))) {
                const char *q = strstr(p, "-pod");
                if (!q)
                        q = strstr(p, "/pod");
                if (q)
                        return id12("k8s pod", q + 4);
        }
        if ((p = strstr(path, "/docker-")))
                return id12("docker", p + strlen("/docker-"));
        if ((p = strstr(path, "/docker/")))
                return id12("docker", p + strlen("/docker/"));
        if ((p = strstr(path, "/libpod-")) && !startswith(p, "/libpod-conmon-"))
                return id12("podman", p + strlen("/libpod-"));
        if ((p = strstr(path, "/cri-containerd-")))
                return id12("containerd", p + strlen("/cri-containerd-"));
        if ((p = strstr(path, "/containerd/")))
                return id12("containerd", p + strlen("/containerd/"));
        /* The innermost systemd unit: "nginx.service", "session-3.scope". */
        for (char *c = path + strlen(path); c > path;) {
                char *slash = memrchr(path, '/', (size_t) (c - path));
                const char *comp = slash ? slash + 1 : path;
                size_t len = (size_t) (c - comp);
                if ((len > 8 && strncmp(comp + len - 8, ".service", 8) == 0) ||
                    (len > 6 && strncmp(comp + len - 6, ".scope", 6) == 0))
                        return strndup(comp, len);
                if (!slash)
                        break;
                c = slash;
        }
        return strdup(path);
}

/* comm and cgroup label of pid, each NULL when unreadable (it may have
 * exited). Returns 0 or -ENOMEM. */
static int describe(unsigned long pid, struct netns_entry *e) {
        const char *what[] = { "comm", "cgroup" };
        for (size_t i = 0; i < 2; i++) {
                _cleanup_free_ char *file = NULL, *text = NULL;
                size_t len;
                if (asprintf(&file, "/proc/%lu/%s", pid, what[i]) < 0)
                        return -ENOMEM;
                _cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC);
                if (fd < 0 || read_full_fd(fd, 64 * 1024, 4096, &text, &len) < 0 || len == 0)
                        continue;
                if (i == 0) {
                        text[strcspn(text, "\n")] = '\0';
                        e->process = TAKE_PTR(text);
                } else
                        e->cgroup = netns_cgroup_label(text);
        }
        return 0;
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
                if (GROW(pids, n, cap) < 0) {
                        closedir(d);
                        return -ENOMEM;
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
                if (r >= 0)
                        r = describe(pids[i], &l->e[l->n - 1]);
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
                free(e[i].process);
                free(e[i].cgroup);
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

int netns_scan_each(int (*visit)(struct netns_entry *e, int enter_error, void *userdata), void *userdata) {
        struct netns_entry *e = NULL;
        int n = netns_scan(&e), r = 0;
        if (n < 0)
                return n;
        _cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (self < 0) {
                netns_entries_free(e, (size_t) n);
                return -errno;
        }
        for (int i = 0; i < n && r >= 0; i++) {
                int q = netns_scan_enter(&e[i]);
                r = visit(&e[i], q < 0 ? q : 0, userdata);
                /* Back home before anything else, whatever happened. */
                if (q >= 0 && e[i].path && setns(self, CLONE_NEWNET) < 0) {
                        r = -errno;
                        break;
                }
        }
        netns_entries_free(e, (size_t) n);
        return r;
}

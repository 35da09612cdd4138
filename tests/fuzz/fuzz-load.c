/* SPDX-License-Identifier: MIT */
/* sysctld_load() over a tree the input builds: files, symbolic links
 * (dangling, looping, absolute, climbing out with ".."), directories and
 * FIFOs, with odd bytes in their names, in and around the five sysctl.d
 * directories of a private root under $TMPDIR (never the host's /etc:
 * the tree is built with *at() calls below a directory opened without
 * following links, and removed without following them).
 *
 * The input is a list of operations, each: a byte (kind, directory,
 * whether the name ends in ".conf"), a length and the name, a length and
 * the payload (a file's content or a link's target). Next to the root
 * lies a drop-in with a key no input can know (a per-process nonce): no
 * link may bring it in, since paths resolve inside the root as in a
 * chroot. Then: files[] are absolute, one per name, named *.conf, not
 * hidden, in bytewise order of their names; shadowed files lost to a
 * listed one of the same name; entries, overrides and diagnostics name
 * listed files; diagnostics escape to one line. */
#define _XOPEN_SOURCE_EXTENDED 1
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "escape.h"
#include "fuzz.h"
#include "sysctld.h"

#define OPS_MAX 32
#define NAME_MAX_FUZZ 24
#define PAYLOAD_MAX 200

static const char *const dirs[] = {
        "etc/sysctl.d", "run/sysctl.d", "usr/local/lib/sysctl.d", "usr/lib/sysctl.d", "lib/sysctl.d",
        "etc", "usr/lib", "usr/local/lib", "usr", "run", "", "lib",
};
#define SYSCTLD_DIRS 5

/* Targets the fuzzer would take long to spell. */
static const char *const targets[] = {
        "/dev/null", "../../../outside.conf", "/../../outside.conf", "../../../../../../../../outside.conf",
        "/etc/sysctl.conf", "..", ".", "/etc/sysctl.d", "../usr/lib/sysctl.d", "/usr/lib/sysctl.d/50-x.conf",
        "loop.conf", "/", "", "/lib/sysctl.d/../../etc/sysctl.d",
};

static char base[4096], root[4096 + 8], outside_key[64];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) st, (void) flag, (void) ftw;
        (void) remove(path);
        return 0;
}

static void rm_tree(const char *path) {
        (void) nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static void setup(void) {
        if (*base)
                return;
        const char *tmp = getenv("TMPDIR");
        snprintf(base, sizeof(base), "%s/tcptune-fuzz-load.XXXXXX", tmp && *tmp ? tmp : "/tmp");
        fuzz_assert(mkdtemp(base));
        snprintf(root, sizeof(root), "%s/root", base);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        snprintf(outside_key, sizeof(outside_key), "net.fuzz.outside%lx%lx", (unsigned long) ts.tv_nsec,
                 (unsigned long) getpid());
        _cleanup_free_ char *path = NULL, *text = NULL;
        fuzz_assert(asprintf(&path, "%s/outside.conf", base) > 0 && asprintf(&text, "%s = 1\n", outside_key) > 0);
        FILE *f = fopen(path, "we");
        fuzz_assert(f && fputs(text, f) >= 0 && fclose(f) == 0);
}

static void cleanup(void) {
        if (*base)
                rm_tree(base);
}

/* Open (creating) dir below root_fd one component at a time, never
 * following a link: -1 when a component is not a directory of our own. */
static int open_dir(int root_fd, const char *dir) {
        int fd = dup(root_fd);
        _cleanup_free_ char *copy = strdup(dir);
        fuzz_assert(fd >= 0 && copy);
        for (char *save = NULL, *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                (void) mkdirat(fd, c, 0755);
                int next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                close(fd);
                if (next < 0)
                        return -1;
                fd = next;
        }
        return fd;
}

static const uint8_t *take(const uint8_t **p, const uint8_t *end, size_t n) {
        if ((size_t) (end - *p) < n)
                return NULL;
        const uint8_t *r = *p;
        *p += n;
        return r;
}

static void build(int root_fd, const uint8_t *data, size_t size) {
        const uint8_t *p = data, *end = data + size, *b;
        for (unsigned op = 0; op < OPS_MAX && (b = take(&p, end, 2)); op++) {
                unsigned kind = b[0] % 6, dir = b[0] / 6 % ELEMENTSOF(dirs);
                bool conf = b[0] & 0x80;
                size_t name_len = b[1] % NAME_MAX_FUZZ;
                const uint8_t *name_b = take(&p, end, name_len);
                if (!name_b)
                        break;
                const uint8_t *len_b = take(&p, end, 1);
                size_t payload_len = len_b ? *len_b % PAYLOAD_MAX : 0;
                const uint8_t *payload = take(&p, end, payload_len);
                if (!payload)
                        payload = (const uint8_t *) "", payload_len = 0;

                char name[NAME_MAX_FUZZ + 8];
                size_t n = 0;
                for (size_t i = 0; i < name_len; i++)
                        name[n++] = name_b[i] == '/' || name_b[i] == '\0' ? '_' : (char) name_b[i];
                if (n == 0)
                        name[n++] = 'x';
                name[n] = '\0';
                if (conf)
                        strcat(name, ".conf");
                if (streq(name, ".") || streq(name, ".."))
                        continue;
                /* Globs expand under root/proc/sys, where a FIFO would
                 * block any reader: not part of this tree. */
                if (!*dirs[dir] && streq(name, "proc"))
                        continue;
                _cleanup_free_ char *text = strndup((const char *) payload, payload_len);
                fuzz_assert(text);

                int dfd = open_dir(root_fd, dirs[dir]);
                if (dfd < 0)
                        continue;
                switch (kind) {
                case 0:
                case 1: {
                        int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
                        if (fd >= 0) {
                                ssize_t w = write(fd, payload, payload_len);
                                (void) w;
                                close(fd);
                        }
                        break;
                }
                case 2:
                        (void) symlinkat(text, dfd, name);
                        break;
                case 3:
                        (void) symlinkat(targets[payload_len % ELEMENTSOF(targets)], dfd, name);
                        break;
                case 4:
                        (void) mkdirat(dfd, name, 0755);
                        break;
                case 5:
                        if (dir < SYSCTLD_DIRS)
                                (void) mkfifoat(dfd, name, 0644);
                        break;
                }
                close(dfd);
        }
}

static const char *base_name(const char *path) {
        const char *s = strrchr(path, '/');
        return s ? s + 1 : path;
}

static bool listed(const struct sysctld *s, const char *file) {
        for (size_t i = 0; i < s->n_files; i++)
                if (streq(s->files[i], file))
                        return true;
        return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static bool registered;
        if (!registered) {
                registered = true;
                atexit(cleanup);
        }
        setup();
        rm_tree(root);
        fuzz_assert(mkdir(root, 0755) == 0);
        int root_fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        fuzz_assert(root_fd >= 0);
        build(root_fd, data, size);
        close(root_fd);

        _cleanup_(sysctld_freep) struct sysctld *s = NULL;
        struct root rt;
        fuzz_assert(root_open(root, &rt) == 0);
        int r = sysctld_load(&rt, &s);
        root_done(&rt);
        fuzz_oom(r);
        fuzz_assert(r == 0 && s);

        for (size_t i = 0; i < s->n_files; i++) {
                const char *f = s->files[i], *name = base_name(f);
                fuzz_assert(f[0] == '/');
                fuzz_assert(endswith(name, ".conf") && name[0] != '.');
                if (i > 0)
                        fuzz_assert(strcmp(base_name(s->files[i - 1]), name) < 0);
        }
        for (size_t i = 0; i < s->n_shadowed; i++) {
                const struct sysctld_shadow *sh = &s->shadowed[i];
                fuzz_assert(sh->by < s->n_files);
                fuzz_assert(streq(base_name(sh->file), base_name(s->files[sh->by])));
                fuzz_assert(!listed(s, sh->file));
        }
        for (size_t i = 0; i < s->n_entries; i++) {
                const struct sysctld_entry *e = &s->entries[i];
                fuzz_assert(listed(s, e->file) && e->line >= 1);
                fuzz_assert(!streq(e->key, outside_key));
        }
        for (size_t i = 0; i < s->n_overrides; i++) {
                fuzz_assert(listed(s, s->overrides[i].file));
                fuzz_assert(!streq(s->overrides[i].key, outside_key));
        }
        for (size_t i = 0; i < s->n_diags; i++) {
                const struct sysctld_diag *d = &s->diags[i];
                fuzz_assert(d->message && *d->message);
                fuzz_assert(!d->file || d->file[0] == '/');
                _cleanup_free_ char *esc = escape_text(d->message, SIZE_MAX);
                fuzz_assert(esc && fuzz_no_control(esc));
        }
        return 0;
}

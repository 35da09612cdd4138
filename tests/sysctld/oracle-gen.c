/* SPDX-License-Identifier: MIT */
/* oracle-gen SEED COUNT OUTDIR TEMPLATE: write COUNT random sysctl.d trees
 * OUTDIR/gSEED-NNNN for the systemd-sysctl oracle. The same seed gives the
 * same trees. Each tree has files in every directory systemd reads, with
 * name clashes, masks, links, globs, duplicates, comments, odd whitespace,
 * odd line endings and odd values; its proc/sys hard-links TEMPLATE's.
 *
 * Safety: keys come from TEMPLATE (net.ipv4.* and net.core.somaxconn of a
 * fresh network namespace); a glob is kept only if it matches no key that
 * could load a module (the congestion control keys) when written. Trees
 * hold links that point out of them (/etc/sysctl.conf, /dev/null, ...):
 * files are created with O_EXCL|O_NOFOLLOW after clearing the path, and
 * directory links are made last, so nothing is written through a link. */
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "tunables.h"
#include "util.h"

static uint64_t rng;

/* Formatted strings live until exit (freed there, for leak checkers). */
static char **pool;
static size_t n_pool;
_printf_(1, 2) static char *S(const char *fmt, ...) {
        char *r = NULL;
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(&r, fmt, ap) < 0)
                abort();
        va_end(ap);
        pool = reallocarray(pool, n_pool + 1, sizeof(char *));
        if (!pool)
                abort();
        return pool[n_pool++] = r;
}

static uint64_t next(void) {
        /* splitmix64 */
        uint64_t z = (rng += 0x9e3779b97f4a7c15u);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        return z ^ (z >> 31);
}
static unsigned pick(unsigned n) {
        return n ? (unsigned) (next() % n) : 0;
}
static bool chance(unsigned percent) {
        return pick(100) < percent;
}

struct key {
        char *slash;      /* net/ipv4/tcp_retries2 */
        char *pristine;   /* its value in a fresh namespace */
        bool writable;
        const struct tunable *t;
};
static struct key keys[1024];
static size_t n_keys;

static bool denied(const char *slash) {
        return strstr(slash, "congestion_control") || strstr(slash, "fastopen_key") ||
               strstr(slash, "tcp_available_ulp");
}

static void load_keys(const char *root, const char *rel) {
        const char *path = S("%s/proc/sys/%s", root, rel);
        struct dirent **names;
        int n = scandir(path, &names, NULL, alphasort);
        for (int i = 0; i < n; i++) {
                const char *sub = S("%s%s%s", rel, *rel ? "/" : "", names[i]->d_name);
                const char *file = S("%s/%s", path, names[i]->d_name);
                struct stat st;
                if (names[i]->d_name[0] != '.' && stat(file, &st) == 0) {
                        if (S_ISDIR(st.st_mode))
                                load_keys(root, sub);
                        else if (n_keys < ELEMENTSOF(keys)) {
                                struct key *k = &keys[n_keys++];
                                char buf[512] = "";
                                FILE *f = fopen(file, "re");
                                if (f && !fgets(buf, sizeof(buf), f))
                                        buf[0] = '\0';
                                if (f)
                                        fclose(f);
                                buf[strcspn(buf, "\n")] = '\0';
                                k->slash = S("%s", sub);
                                k->pristine = S("%s", buf);
                                k->writable = st.st_mode & 0200;
                                char *dotted = S("%s", sub);
                                for (char *c = dotted; *c; c++)
                                        *c = *c == '/' ? '.' : *c == '.' ? '/' : *c;
                                k->t = tunable_find(dotted);
                        }
                }
                free(names[i]);
        }
        free(names);
}

static const struct key *find_key(const char *slash) {
        for (size_t i = 0; i < n_keys; i++)
                if (streq(keys[i].slash, slash))
                        return &keys[i];
        return NULL;
}

static const struct key *pick_key(void) {
        /* Often a device setting that others change: conf/all/forwarding
         * sets every device; conf/default/KEY sets devices that were not
         * written themselves. The order of writes shows there. */
        if (chance(12)) {
                static const char *const attrs[] = { "forwarding", "rp_filter", "accept_local", "tag", "arp_ignore" };
                static const char *const devs[] = { "all", "default", "lo" };
                const struct key *k = find_key(S("net/ipv4/conf/%s/%s", devs[pick(3)], attrs[pick(ELEMENTSOF(attrs))]));
                if (k)
                        return k;
        }
        for (;;) {
                const struct key *k = &keys[pick((unsigned) n_keys)];
                bool tcp = strstr(k->slash, "/tcp_");
                if (!k->writable && !chance(3))
                        continue;
                if (denied(k->slash) && !strstr(k->slash, "tcp_congestion_control"))
                        continue;
                /* Mostly the catalog, then other tcp_* keys, then the rest. */
                if (k->t || (tcp && chance(40)) || chance(15))
                        return k;
        }
}

/* A growing string. */
struct buf {
        char *p;
        size_t n, cap;
};
static void put(struct buf *b, const char *s, size_t n) {
        if (b->n + n + 1 > b->cap) {
                b->cap = (b->n + n + 1) * 2;
                b->p = realloc(b->p, b->cap);
        }
        memcpy(b->p + b->n, s, n);
        b->n += n;
        b->p[b->n] = '\0';
}
static void puts_(struct buf *b, const char *s) {
        put(b, s, strlen(s));
}
_printf_(2, 3) static void putf(struct buf *b, const char *fmt, ...) {
        char tmp[256];
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
        va_end(ap);
        put(b, tmp, (size_t) (n < (int) sizeof(tmp) ? n : (int) sizeof(tmp) - 1));
}

static const char *ws(void) {
        static const char *const w[] = { "", "", "", " ", " ", "  ", "\t", " \t " };
        return w[pick(ELEMENTSOF(w))];
}

static long nice_number(const struct key *k) {
        long p = strtol(k->pristine, NULL, 10);
        if (k->t && k->t->type == TUNABLE_INT) {
                long lo = k->t->jiffies ? 0 : k->t->min, hi = k->t->jiffies ? 100000 : k->t->max;
                if (hi - lo > 1000 && chance(70))
                        return p + (long) pick(100) - 50 > lo ? p + (long) pick(100) - 50 : lo;
                return lo + (long) pick((unsigned) (hi - lo + 1 > 100000 ? 100000 : hi - lo + 1));
        }
        switch (pick(4)) {
        case 0:
                return p;
        case 1:
                return pick(3);
        default:
                return p > 0 ? (long) pick((unsigned) (p < 1000000 ? 2 * p + 3 : 2000000)) : (long) pick(5);
        }
}

static void value(struct buf *b, const struct key *k) {
        long v = nice_number(k);
        int words = 0;
        for (const char *c = k->pristine; *c; c++)
                words += (c == k->pristine || c[-1] == '\t' || c[-1] == ' ') && *c != ' ' && *c != '\t';
        if (strstr(k->slash, "tcp_congestion_control")) {
                puts_(b, chance(50) ? "reno" : "cubic");
                return;
        }
        unsigned r = pick(100);
        if (r < 35)
                putf(b, "%ld", v);
        else if (r < 43)
                put(b, k->pristine, strlen(k->pristine));
        else if (r < 50)
                putf(b, chance(50) ? "0x%lx" : "0X%lX", v);
        else if (r < 55)
                putf(b, "0%lo", v);
        else if (r < 61)
                putf(b, "%ld%s%s", v, chance(50) ? " " : "\t", chance(50) ? "# inline comment" : "; x = 1");
        else if (r < 64)
                putf(b, "%ld%s", v, chance(50) ? "#x" : ";");
        else if (r < 67)
                put(b, chance(50) ? "-1" : "-0", 2);
        else if (r < 69)
                putf(b, "+%ld", v);
        else if (r < 73) {
                long hi = k->t && k->t->type == TUNABLE_INT && !k->t->jiffies ? k->t->max : 255;
                putf(b, "%ld", chance(50) ? hi + 1 : chance(50) ? 1000000 : (k->t ? k->t->min - 1 : -5));
        } else if (r < 77) {
                static const char *const junk[] = { "abc", "\"5\"", "1.5", "0x", "08", "1e3", "yes", "0x1g", "- 1" };
                puts_(b, junk[pick(ELEMENTSOF(junk))]);
        } else if (r < 79)
                put(b, "", 0);
        else if (r < 81)
                puts_(b, chance(50) ? "00000000000000000001" : "000000000000000000001");
        else if (words > 1 || r < 84) {
                int n = words > 1 ? 1 + (int) pick((unsigned) words + 1) : 2;
                for (int i = 0; i < n; i++)
                        putf(b, "%s%ld", i == 0 ? "" : chance(70) ? " " : chance(50) ? "\t" : "   ",
                             4096 + (long) pick(1 << 20));
        } else
                putf(b, "%ld", v);
}

static void spell(struct buf *b, const char *slash) {
        char *d = S("%s", slash);
        unsigned r = pick(100);
        if (r < 62) { /* dotted */
                for (char *c = d; *c; c++)
                        *c = *c == '/' ? '.' : *c == '.' ? '/' : *c;
                put(b, d, strlen(d));
                if (chance(3))
                        put(b, ".", 1); /* a trailing dot vanishes */
        } else if (r < 82)
                put(b, d, strlen(d));
        else if (r < 86) {
                put(b, "/", 1);
                put(b, d, strlen(d));
        } else if (r < 90) { /* doubled separators */
                for (char *c = d; *c; c++) {
                        put(b, *c == '/' ? "//" : c, 1 + (*c == '/'));
                }
        } else if (r < 93) { /* "./" components */
                char *s = strchr(d, '/');
                put(b, d, (size_t) (s - d));
                put(b, "/.", 2);
                put(b, s, strlen(s));
        } else if (r < 96) { /* mixed: '.' first makes the '/' a dot */
                char *s = strchr(d, '/');
                *s = '.';
                put(b, d, strlen(d));
        } else
                putf(b, "net.ipv4.tcp_no_such_key_%u", pick(3));
}

/* A glob derived from a key that matches no denied key. */
static bool glob_for(const struct key *k, char *out, size_t size) {
        char *base = S("%s", k->slash);
        char *last = strrchr(base, '/');
        size_t len = strlen(last + 1);
        if (len < 3)
                return false;
        switch (pick(5)) {
        case 0: /* suffix star */
                last[1 + 2 + pick((unsigned) len - 2)] = '\0';
                snprintf(out, size, "%s*", base);
                break;
        case 1: /* one ? */
                last[1 + pick((unsigned) len)] = '?';
                snprintf(out, size, "%s", base);
                break;
        case 2: { /* a class */
                size_t i = 1 + pick((unsigned) len);
                char c = last[i];
                last[i] = '\0';
                snprintf(out, size, "%s[%c%c]%s", base, c, 'a' + pick(26), last + i + 1);
                break;
        }
        case 3: /* star in the middle */
                last[1 + 4 < 1 + len ? 1 + 4 : len] = '\0';
                snprintf(out, size, "%s*%s", base, k->slash + strlen(k->slash) - 2);
                break;
        default: /* a device wildcard */
                if (!startswith(k->slash, "net/ipv4/conf/"))
                        return false;
                snprintf(out, size, "net/ipv4/conf/%s/%s", chance(50) ? "*" : "[ad]*", strrchr(k->slash, '/') + 1);
        }
        bool any = false;
        for (size_t i = 0; i < n_keys; i++)
                if (fnmatch(out, keys[i].slash, FNM_PATHNAME) == 0) {
                        if (denied(keys[i].slash))
                                return false;
                        any = true;
                }
        return any;
}

static const char *recent[32];
static unsigned n_recent;

static void line(struct buf *b) {
        unsigned r = pick(100);
        const struct key *k;
        char pat[1100];

        if (r < 8) {
                static const char *const c[] = { "# a comment", "; semicolon", "  # indented", "\t; tab",
                                                 "#net.ipv4.tcp_retries2 = 1", "// not a comment = 1" };
                const char *s = c[pick(ELEMENTSOF(c))];
                put(b, s, strlen(s));
        } else if (r < 15)
                puts_(b, ws());
        else if (r < 19) { /* "-KEY": exclude from globs, cancel */
                k = n_recent && chance(60) ? NULL : pick_key();
                put(b, "-", 1);
                spell(b, k ? k->slash : recent[pick(n_recent)]);
        } else if (r < 27) { /* a glob */
                k = pick_key();
                if (!glob_for(k, pat, sizeof(pat))) {
                        line(b);
                        return;
                }
                if (chance(20))
                        put(b, "-", 1);
                spell(b, pat);
                putf(b, "%s=%s", ws(), ws());
                value(b, k);
        } else if (r < 29) { /* not an assignment */
                puts_(b, chance(50) ? "net.ipv4.tcp_sack 1" : "garbage");
        } else if (r < 30)
                putf(b, "=%u", pick(3));
        else {
                bool again = n_recent && chance(35);
                const char *slash = again ? recent[pick(n_recent)] : NULL;
                const struct key *kk = NULL;
                if (!slash) {
                        kk = pick_key();
                        slash = kk->slash;
                        recent[n_recent++ % ELEMENTSOF(recent)] = slash;
                        if (n_recent > ELEMENTSOF(recent))
                                n_recent = ELEMENTSOF(recent);
                } else
                        for (size_t i = 0; i < n_keys && !kk; i++)
                                if (keys[i].slash == slash)
                                        kk = &keys[i];
                puts_(b, ws());
                if (chance(15))
                        putf(b, "-%s", chance(30) ? " " : "");
                spell(b, slash);
                putf(b, "%s=%s", ws(), ws());
                value(b, kk);
                if (chance(10))
                        put(b, "  ", 2);
        }
}

static void file_content(struct buf *b) {
        static const char *const eols[] = { "\n", "\r\n", "\r", "\n\r" };
        unsigned style = pick(100), n = pick(14);
        const char *eol = style < 80 ? "\n" : style < 88 ? "\r\n" : style < 92 ? "\r" : style < 95 ? "\n\r" : NULL;
        for (unsigned i = 0; i < n; i++) {
                line(b);
                const char *e = eol ? eol : eols[pick(ELEMENTSOF(eols))];
                if (chance(1))
                        put(b, "\0", 1);
                else if (i + 1 < n || chance(85))
                        put(b, e, strlen(e));
        }
}

static void mkdirs(const char *path) {
        char *p = S("%s", path);
        for (char *s = p + 1; *s; s++)
                if (*s == '/') {
                        *s = '\0';
                        mkdir(p, 0755);
                        *s = '/';
                }
        mkdir(p, 0755);
}

/* Clear whatever is at path (a file, a link, an empty directory): nothing
 * here ever writes through a link, which could point out of the tree. */
static void clear(const char *path) {
        if (unlink(path) < 0 && errno != ENOENT)
                rmdir(path);
}

static void write_file(const char *path, const struct buf *b) {
        clear(path);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
                return;
        if (b->n && write(fd, b->p, b->n) < 0)
                perror(path);
        close(fd);
}

static void link_at(const char *target, const char *path) {
        clear(path);
        if (symlink(target, path) < 0)
                perror(path);
}

/* The template's fake /proc/sys, shared by hard links (tcptune resolves
 * /proc/sys below --root without following any symbolic link, as it must
 * for a tree it does not trust: a link there would be refused). */
static void hardlink_tree(const char *from, const char *to) {
        DIR *d = opendir(from);
        struct dirent *de;
        if (!d || mkdir(to, 0755) < 0) {
                perror(to);
                if (d)
                        closedir(d);
                return;
        }
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.')
                        continue;
                const char *f = S("%s/%s", from, de->d_name), *t = S("%s/%s", to, de->d_name);
                struct stat st;
                if (lstat(f, &st) < 0)
                        continue;
                if (S_ISDIR(st.st_mode))
                        hardlink_tree(f, t);
                else if (link(f, t) < 0)
                        perror(t);
        }
        closedir(d);
}

/* A tree. Only real directories exist while files are written; the links
 * between directories (/lib, /etc/sysctl.d) are made last. */
static void tree(const char *dir, const char *tmpl) {
        static const char *const names[] = { "10-a", "20-b", "50-net", "90-tcptune", "99-sysctl", "a", "B",
                                             "_x", "zz", "00-first", "50-net.d", "60-Net" };
        const char *dirs[5] = { "etc/sysctl.d", "run/sysctl.d", "usr/local/lib/sysctl.d", "usr/lib/sysctl.d",
                                "lib/sysctl.d" };
        unsigned lib = pick(100), n = pick(11);
        bool etc_link = chance(5);
        struct buf b = {};

        n_recent = 0;
        mkdirs(S("%s/proc", dir));
        hardlink_tree(S("%s/proc/sys", tmpl), S("%s/proc/sys", dir));
        if (link(S("%s/proc/config.gz", tmpl), S("%s/proc/config.gz", dir)) < 0)
                perror(dir);
        for (unsigned i = 0; i < 4; i++)
                mkdirs(S("%s/%s", dir, dirs[i]));
        if (lib >= 70 && lib < 90)
                mkdirs(S("%s/lib/sysctl.d", dir));
        if (chance(30)) {
                b.n = 0;
                file_content(&b);
                write_file(S("%s/etc/sysctl.conf", dir), &b);
                if (chance(60))
                        link_at(chance(50) ? "../sysctl.conf" : "/etc/sysctl.conf", S("%s/etc/sysctl.d/99-sysctl.conf", dir));
        }
        const char *made[16];
        unsigned n_made = 0;
        for (unsigned i = 0; i < n; i++) {
                unsigned d = pick(100);
                const char *where = dirs[d < 30 ? 0 : d < 60 ? 3 : d < 75 ? 1 : d < 85 ? 2 : lib >= 70 && lib < 90 ? 4 : 3];
                const char *name;
                unsigned odd = pick(100);
                if (odd < 3)
                        name = S("%s", (const char *[]) { ".hidden.conf", "x.conf~", "x.CONF", "README" }[pick(4)]);
                else
                        name = S("%s.conf", names[pick(ELEMENTSOF(names))]);
                const char *path = S("%s/%s/%s", dir, where, name);
                unsigned kind = pick(100);
                if (kind < 82) {
                        b.n = 0;
                        file_content(&b);
                        write_file(path, &b);
                        if (n_made < 16)
                                made[n_made++] = S("/%s/%s", where, name);
                } else if (kind < 87)
                        link_at("/dev/null", path);
                else if (kind < 90)
                        write_file(path, &(struct buf) {});
                else if (kind < 94 && n_made > 0) {
                        const char *t = made[pick(n_made)];
                        link_at(chance(50) ? t : S("../../..%s", t), path);
                } else if (kind < 97)
                        link_at("/nonexistent/file.conf", path);
                else if (kind < 99) {
                        clear(path);
                        mkdir(path, 0755);
                } else
                        link_at(name, path);
        }
        if (lib < 70)
                link_at("usr/lib", S("%s/lib", dir));
        if (etc_link) { /* /etc/sysctl.d is a link to /srv/sysctl */
                mkdirs(S("%s/srv", dir));
                if (rename(S("%s/etc/sysctl.d", dir), S("%s/srv/sysctl", dir)) == 0)
                        link_at(chance(50) ? "../srv/sysctl" : "/srv/sysctl", S("%s/etc/sysctl.d", dir));
        }
        free(b.p);
}

int main(int argc, char **argv) {
        if (argc != 5) {
                fprintf(stderr, "usage: oracle-gen SEED COUNT OUTDIR TEMPLATE\n");
                return 2;
        }
        unsigned long seed = strtoul(argv[1], NULL, 0), count = strtoul(argv[2], NULL, 0);
        load_keys(argv[4], "");
        if (n_keys == 0) {
                fprintf(stderr, "oracle-gen: no keys under %s/proc/sys\n", argv[4]);
                return 1;
        }
        for (unsigned long i = 0; i < count; i++) {
                rng = seed * 1000003u + i;
                const char *dir = S("%s/g%lu-%04lu", argv[3], seed, i);
                tree(dir, argv[4]);
        }
        for (size_t i = 0; i < n_pool; i++)
                free(pool[i]);
        free(pool);
        return 0;
}

/* SPDX-License-Identifier: MIT */
/* Helpers for the systemd-sysctl oracle (oracle.sh):
 *
 *   snapshot DEST        copy this network namespace's net.ipv4.* (top
 *                        level and conf/DEV/KEY) and net.core.somaxconn
 *                        into DEST/proc/sys: the fake /proc/sys of a tree
 *   dump TEMPLATE        print KEY=VALUE for every key of TEMPLATE, read
 *                        from the live /proc/sys (escaped, one per line)
 *   replay JSON          write every entry of `tcptune config --json --all`
 *                        (and the overridden writes of overlapping globs)
 *                        into the live /proc/sys, the way systemd-sysctl
 *                        writes; print a line for every validity claim the
 *                        kernel contradicts
 *   direct JSON STATE TEMPLATE
 *                        check tcptune's entries key by key against a dump
 *                        of systemd-sysctl's result
 *
 * dump and replay run inside a throwaway network namespace only; replay
 * refuses any key outside net.ipv4.* and net.core.somaxconn. */
#include <dirent.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <sys/stat.h>

#include "kernel.h"
#include "parse.h"
#include "sysctl.h"
#include "sysctld.h"
#include "tunables.h"
#include "util.h"

static int copy_key(const char *dest, const char *rel) {
        _cleanup_free_ char *src = NULL, *dst = NULL;
        struct stat st;
        char buf[4096];
        ssize_t n = 0;

        if (asprintf(&src, "/proc/sys/%s", rel) < 0 || asprintf(&dst, "%s/proc/sys/%s", dest, rel) < 0)
                return -ENOMEM;
        if (stat(src, &st) < 0 || !S_ISREG(st.st_mode))
                return 0;
        if (st.st_mode & 0444) {
                _cleanup_close_ int fd = open(src, O_RDONLY | O_CLOEXEC);
                n = fd >= 0 ? read(fd, buf, sizeof(buf)) : 0;
                if (n < 0)
                        n = 0;
        }
        for (char *s = strchr(dst + strlen(dest) + 1, '/'); s; s = strchr(s + 1, '/')) {
                *s = '\0';
                mkdir(dst, 0755);
                *s = '/';
        }
        _cleanup_close_ int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (out < 0 || write(out, buf, (size_t) n) != n || fchmod(out, st.st_mode & 07777) < 0)
                return -errno;
        return 0;
}

static int copy_dir(const char *dest, const char *rel, bool recurse_conf) {
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "/proc/sys/%s", rel) < 0)
                return -ENOMEM;
        DIR *d = opendir(path);
        if (!d)
                return -errno;
        int r = 0;
        for (struct dirent *de; r >= 0 && (de = readdir(d));) {
                _cleanup_free_ char *sub = NULL;
                if (de->d_name[0] == '.' || asprintf(&sub, "%s/%s", rel, de->d_name) < 0)
                        continue;
                if (de->d_type == DT_DIR) {
                        if (recurse_conf && streq(de->d_name, "conf"))
                                r = copy_dir(dest, sub, true);
                        else if (recurse_conf && endswith(rel, "/conf"))
                                r = copy_dir(dest, sub, false);
                        continue;
                }
                r = copy_key(dest, sub);
        }
        closedir(d);
        return r;
}

static int snapshot(const char *dest) {
        if (mkdir(dest, 0755) < 0 && errno != EEXIST)
                return -errno;
        int r = copy_dir(dest, "net/ipv4", true);
        if (r >= 0)
                r = copy_key(dest, "net/core/somaxconn");
        /* The kernel's HZ, for the values it keeps in jiffies. */
        _cleanup_free_ char *link = NULL;
        if (r >= 0 && access("/proc/config.gz", R_OK) == 0 && asprintf(&link, "%s/proc/config.gz", dest) >= 0 &&
            symlink("/proc/config.gz", link) < 0)
                r = -errno;
        return r;
}

static void put_escaped(const char *s, FILE *f) {
        for (; *s; s++)
                if ((unsigned char) *s < ' ' || *s == '\\')
                        fprintf(f, "\\x%02x", (unsigned char) *s);
                else
                        fputc(*s, f);
}

static int dump_dir(const char *tmpl, const char *rel) {
        _cleanup_free_ char *path = NULL;
        struct dirent **names = NULL;
        if (asprintf(&path, "%s/proc/sys/%s", tmpl, rel) < 0)
                return -ENOMEM;
        int n = scandir(path, &names, NULL, alphasort);
        if (n < 0)
                return -errno;
        for (int i = 0; i < n; i++) {
                _cleanup_free_ char *sub = NULL;
                if (names[i]->d_name[0] != '.' && asprintf(&sub, "%s%s%s", rel, *rel ? "/" : "", names[i]->d_name) >= 0) {
                        if (names[i]->d_type == DT_DIR)
                                dump_dir(tmpl, sub);
                        else {
                                char buf[4096];
                                _cleanup_free_ char *p = NULL;
                                if (asprintf(&p, "/proc/sys/%s", sub) >= 0) {
                                        _cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
                                        ssize_t k = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
                                        buf[k > 0 ? k : 0] = '\0';
                                        fputs(sub, stdout);
                                        fputc('=', stdout);
                                        if (k < 0)
                                                printf("<%s>", strerror(errno));
                                        put_escaped(buf, stdout);
                                        fputc('\n', stdout);
                                }
                        }
                }
                free(names[i]);
        }
        free(names);
        return 0;
}

static void strip_newlines(char *s) {
        size_t n = strlen(s);
        while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
                s[--n] = '\0';
}

/* systemd (write_string_file with SUPPRESS_REDUNDANT_VIRTUAL) first reads
 * the file and skips the write when it holds the value already (trailing
 * newlines aside): that matters, since a write to conf/DEV/KEY marks it as
 * set and stops conf/default/KEY from overriding it. Then value + '\n' with
 * unbuffered stdio: glibc goes on after a partial write. Returns 0 or
 * -errno. */
static int write_like_systemd(const char *path, const char *value) {
        _cleanup_free_ char *line = NULL, *cur = NULL, *want = strdup(value);
        if (!want || asprintf(&line, "%s\n", value) < 0 || !(cur = calloc(1, strlen(line) + 2)))
                return -ENOMEM;
        _cleanup_close_ int fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        ssize_t got = read(fd, cur, strlen(line) + 1);
        if (got > 0 && (size_t) got <= strlen(line)) {
                strip_newlines(cur);
                strip_newlines(want);
                if (streq(cur, want))
                        return 0;
        }
        if (lseek(fd, 0, SEEK_SET) < 0)
                return -errno;
        for (size_t off = 0, len = strlen(line); off < len;) {
                ssize_t k = write(fd, line + off, len - off);
                if (k < 0)
                        return -errno;
                if (k == 0)
                        return -EIO;
                off += (size_t) k;
        }
        return 0;
}

static bool safe_key(const char *key) {
        _cleanup_free_ char *sub = sysctl_key_to_subpath(key);
        if (!sub || strstr(sub, ".."))
                return false;
        return startswith(key, "net.ipv4.") || streq(key, "net.core.somaxconn");
}

static const char *str(json_object *o, const char *k) {
        json_object *v;
        return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

/* The host's "/", opened once in main(), as tcptune's main.c does. */
static struct root host = { .fd = -1 };

static int replay_one(const char *key, const char *value, json_object *valid) {
        if (!safe_key(key)) {
                /* Never written; tcptune must not call it valid. */
                if (valid && json_object_get_boolean(valid)) {
                        printf("UNSAFE %s: not replayed but called valid\n", key);
                        return 1;
                }
                return 0;
        }
        _cleanup_free_ char *path = sysctl_path(&host, key);
        int r = path ? write_like_systemd(path, value) : -ENOMEM;
        if (!valid)
                return 0;
        bool claimed = json_object_get_boolean(valid);
        /* "valid": true only where tcptune knows the key's rules (null
         * elsewhere, skipped above), so the kernel must take it. */
        if (claimed ? r < 0 : r >= 0) {
                printf("VALIDITY %s = '%s': tcptune says %s, the kernel %s (%s)\n", key, value,
                       claimed ? "valid" : "invalid", r < 0 ? "refuses it" : "takes it", r < 0 ? strerror(-r) : "ok");
                return 1;
        }
        return 0;
}

/* Every write systemd-sysctl makes, in its order: the entries, and before
 * each the overridden writes of overlapping globs that precede it. */
static int replay(const char *file) {
        json_object *doc = json_object_from_file(file), *entries, *overrides;
        int bad = 0;

        if (!doc || !json_object_object_get_ex(doc, "entries", &entries) ||
            !json_object_object_get_ex(doc, "overrides", &overrides)) {
                fprintf(stderr, "replay: cannot read %s\n", file);
                return 2;
        }
        for (size_t i = 0; i < json_object_array_length(entries); i++) {
                for (size_t j = 0; j < json_object_array_length(overrides); j++) {
                        json_object *o = json_object_array_get_idx(overrides, j), *before;
                        if (json_object_object_get_ex(o, "written_before", &before) && before &&
                            (size_t) json_object_get_int64(before) == i && str(o, "key") && str(o, "value"))
                                bad |= replay_one(str(o, "key"), str(o, "value"), NULL);
                }
                json_object *e = json_object_array_get_idx(entries, i), *valid;
                json_object_object_get_ex(e, "valid", &valid);
                if (str(e, "key") && str(e, "value"))
                        bad |= replay_one(str(e, "key"), str(e, "value"), valid);
        }
        json_object_put(doc);
        return bad;
}

static char *unescape(const char *s) {
        char *r = malloc(strlen(s) + 1), *w = r;
        for (; r && *s; s++) {
                unsigned c;
                if (s[0] == '\\' && s[1] == 'x' && sscanf(s + 2, "%2x", &c) == 1) {
                        *w++ = (char) c;
                        s += 3;
                } else
                        *w++ = *s;
        }
        if (r)
                *w = '\0';
        return r;
}

/* tcptune's claim, key by key: the value a dump shows is the entry's (as
 * the kernel holds it), or the fresh value when no entry takes. Keys that
 * other keys change (conf/DEV/KEY, ip_forward) are left to the replay. */
static int direct(const char *file, const char *state, const char *tmpl, unsigned hz) {
        json_object *doc = json_object_from_file(file), *entries, *overrides;
        FILE *f = fopen(state, "re");
        char *line = NULL;
        size_t cap = 0;
        int bad = 0;

        if (!doc || !f || !json_object_object_get_ex(doc, "entries", &entries) ||
            !json_object_object_get_ex(doc, "overrides", &overrides)) {
                fprintf(stderr, "direct: cannot read %s or %s\n", file, state);
                return 2;
        }
        while (getline(&line, &cap, f) > 0) {
                line[strcspn(line, "\n")] = '\0';
                char *eq = strchr(line, '=');
                if (!eq || startswith(line, "net/ipv4/conf/") || streq(line, "net/ipv4/ip_forward=") ||
                    startswith(line, "net/ipv4/ip_forward="))
                        continue;
                *eq = '\0';
                _cleanup_free_ char *key = sysctl_key_to_subpath(line), *now = unescape(eq + 1), *fresh = NULL,
                                    *path = NULL;
                if (!key || !now || asprintf(&path, "%s/proc/sys/%s", tmpl, line) < 0)
                        return 2;
                FILE *t = fopen(path, "re");
                size_t fcap = 0;
                if (!t || getdelim(&fresh, &fcap, '\0', t) < 0) {
                        free(fresh);
                        fresh = strdup("");
                }
                if (t)
                        fclose(t);
                now[strcspn(now, "\n")] = '\0';
                fresh[strcspn(fresh, "\n")] = '\0';
                bool catalog = tunable_find(key) != NULL, ok = false;
                const char *value = NULL;
                json_object *valid = NULL;
                for (size_t i = 0; i < json_object_array_length(entries); i++) {
                        json_object *e = json_object_array_get_idx(entries, i);
                        if (str(e, "key") && streq(str(e, "key"), key)) {
                                value = str(e, "value");
                                json_object_object_get_ex(e, "valid", &valid);
                        }
                }
                normalize_whitespace(now);
                /* What the kernel holds after the entry's write; where tcptune
                 * knows the key's range, exactly that. */
                _cleanup_free_ char *held = value ? sysctld_held(key, value, fresh, hz) : NULL, *was = strdup(fresh);
                if (!was || (value && !held))
                        return 2;
                normalize_whitespace(was);
                if (value && json_object_get_boolean(valid))
                        ok = streq(held, now) || (!catalog && streq(now, was));
                else
                        ok = streq(now, was) || (value && streq(held, now)); /* partial vector writes */
                /* Unknown ranges: an earlier glob write may be what stayed. */
                for (size_t i = 0; !ok && !catalog && i < json_object_array_length(overrides); i++) {
                        json_object *o = json_object_array_get_idx(overrides, i), *w;
                        if (str(o, "key") && streq(str(o, "key"), key) && json_object_object_get_ex(o, "written_before", &w) &&
                            w && str(o, "value")) {
                                _cleanup_free_ char *h = sysctld_held(key, str(o, "value"), fresh, hz);
                                ok = h && streq(h, now);
                        }
                }
                if (!ok) {
                        printf("DIRECT %s: tcptune says %s%s%s, the namespace holds '%s' (fresh '%s')\n", key,
                               value ? "'" : "no entry", strempty(value), value ? (json_object_get_boolean(valid) ? "'" : "' (invalid)") : "",
                               now, fresh);
                        bad = 1;
                }
        }
        free(line);
        fclose(f);
        json_object_put(doc);
        return bad;
}

int main(int argc, char **argv) {
        if (root_open(NULL, &host) < 0) {
                perror("/");
                return 2;
        }
        if (argc == 3 && streq(argv[1], "snapshot"))
                return snapshot(argv[2]) < 0;
        if (argc == 3 && streq(argv[1], "dump"))
                return dump_dir(argv[2], "") < 0;
        if (argc == 3 && streq(argv[1], "replay"))
                return replay(argv[2]);
        if (argc == 5 && streq(argv[1], "direct"))
        {
                struct kernel_info k = {};
                (void) kernel_info_read(&host, &k);
                int r = direct(argv[2], argv[3], argv[4], k.hz);
                kernel_info_done(&k);
                return r;
        }
        fprintf(stderr, "usage: oracle-helper snapshot DEST | dump TEMPLATE | replay JSON\n");
        return 2;
}

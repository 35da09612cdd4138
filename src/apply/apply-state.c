/* SPDX-License-Identifier: MIT */
/* The state record: line-based text, one field per line, so a person can
 * read what revert will do. The previous drop-in's bytes are hex, so any
 * content (CRLF, no final newline, binary) comes back exactly. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "apply-internal.h"
#include "escape.h"
#include "sysctl-key.h"
#include "tunables.h"

#define STATE_VERSION "1"

static void free_n(char **a, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(a[i]);
        free(a);
}

void apply_state_done(struct apply_state *s) {
        free(s->profile);
        free(s->profile_file);
        free(s->dropin);
        free(s->dropin_data);
        for (size_t i = 0; i < s->n; i++) {
                free(s->keys[i]);
                free(s->values[i]);
        }
        free(s->keys);
        free(s->values);
        free_n(s->set_keys, s->n_set);
        free_n(s->set_values, s->n_set);
        *s = (struct apply_state) {};
}

const char *apply_state_get(const struct apply_state *s, const char *key) {
        for (size_t i = 0; i < s->n; i++)
                if (streq(s->keys[i], key))
                        return s->values[i];
        return NULL;
}

int apply_state_add(struct apply_state *s, const char *key, const char *value) {
        if (apply_state_get(s, key))
                return 0;
        char **k = realloc(s->keys, (s->n + 1) * sizeof(char *));
        if (!k)
                return -ENOMEM;
        s->keys = k;
        char **v = realloc(s->values, (s->n + 1) * sizeof(char *));
        if (!v)
                return -ENOMEM;
        s->values = v;
        s->keys[s->n] = strdup(key);
        s->values[s->n] = strdup(value);
        if (!s->keys[s->n] || !s->values[s->n]) {
                free(s->keys[s->n]);
                free(s->values[s->n]);
                return -ENOMEM;
        }
        s->n++;
        return 0;
}

static int add_set(struct apply_state *s, const char *key, const char *value) {
        char **k = realloc(s->set_keys, (s->n_set + 1) * sizeof(char *));
        if (!k)
                return -ENOMEM;
        s->set_keys = k;
        char **v = realloc(s->set_values, (s->n_set + 1) * sizeof(char *));
        if (!v)
                return -ENOMEM;
        s->set_values = v;
        s->set_keys[s->n_set] = strdup(key);
        s->set_values[s->n_set] = strdup(value);
        if (!s->set_keys[s->n_set] || !s->set_values[s->n_set]) {
                free(s->set_keys[s->n_set]);
                free(s->set_values[s->n_set]);
                return -ENOMEM;
        }
        s->n_set++;
        return 0;
}

int apply_state_set_settings(struct apply_state *s, const struct apply_setting *settings, size_t n) {
        free_n(s->set_keys, s->n_set);
        free_n(s->set_values, s->n_set);
        s->set_keys = s->set_values = NULL;
        s->n_set = 0;
        for (size_t i = 0; i < n; i++) {
                int r = add_set(s, settings[i].key, settings[i].value);
                if (r < 0)
                        return r;
        }
        return 0;
}

static bool one_line(const char *s) {
        return !s || !strpbrk(s, "\n\r");
}

int apply_state_format(const struct apply_state *s, char **ret) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        bool ok = one_line(s->profile) && one_line(s->profile_file) && one_line(s->dropin);
        fputs("# tcptune state: what `tcptune profile revert` restores. Do not edit.\n", f);
        fputs("version " STATE_VERSION "\n", f);
        fprintf(f, "profile %s\n", strempty(s->profile));
        fprintf(f, "profile-file %s\n", strempty(s->profile_file));
        if (s->dropin) {
                fprintf(f, "dropin %s\n", s->dropin);
                fprintf(f, "created-dir %d\n", s->created_dir);
                if (s->had_dropin) {
                        fprintf(f, "previous-dropin %04o ", (unsigned) s->dropin_mode);
                        for (size_t i = 0; i < s->dropin_len; i++)
                                fprintf(f, "%02x", (unsigned char) s->dropin_data[i]);
                        fputc('\n', f);
                } else
                        fputs("previous-dropin none\n", f);
        }
        for (size_t i = 0; i < s->n; i++) {
                ok = ok && one_line(s->values[i]) && !strpbrk(s->keys[i], " \t");
                fprintf(f, "live %s %s\n", s->keys[i], s->values[i]);
        }
        for (size_t i = 0; i < s->n_set; i++) {
                ok = ok && one_line(s->set_values[i]) && *s->set_values[i] && !strpbrk(s->set_keys[i], " \t");
                fprintf(f, "set %s %s\n", s->set_keys[i], s->set_values[i]);
        }
        if (fclose(f) != 0 || !buf) {
                free(buf);
                return -ENOMEM;
        }
        if (!ok) {
                free(buf);
                return -EINVAL;
        }
        *ret = buf;
        return 0;
}

static int hex_digit(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Linear: one pass, two digits a byte. (It was sscanf("%2x") per byte,
 * and glibc's sscanf takes strlen() of its input each call: quadratic, a
 * 1 MiB record took 4 s, a 20 MiB one half an hour.) */
static int unhex(const char *h, char **ret, size_t *ret_len) {
        size_t n = strlen(h);
        if (n % 2)
                return -EBADMSG;
        _cleanup_free_ char *d = malloc(n / 2 + 1);
        if (!d)
                return -ENOMEM;
        for (size_t i = 0; i < n / 2; i++) {
                int hi = hex_digit(h[2 * i]), lo = hex_digit(h[2 * i + 1]);
                if (hi < 0 || lo < 0)
                        return -EBADMSG;
                d[i] = (char) (hi << 4 | lo);
        }
        d[n / 2] = '\0';
        *ret_len = n / 2;
        *ret = TAKE_PTR(d);
        return 0;
}

/* Where the parser is, for what it refuses: the record and its line. */
struct parse_error {
        const char *file;
        unsigned line;
        struct error *err;
};

/* Returns -EBADMSG (-ENOMEM when the message cannot be made). */
static int refuse(struct parse_error *e, const char *fmt, ...) _printf_(2, 3);
static int refuse(struct parse_error *e, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = error_setv(e->err, -EBADMSG, e->file, e->line, fmt, ap);
        va_end(ap);
        return r;
}

/* Bytes of the record quoted in a message, escaped: the record is
 * whatever is in the file, and the message goes to a terminal and the
 * journal as one line. At most 100 bytes of it; NULL on OOM. */
static char *quote(const char *s) {
        return escape_text(s, 100);
}

/* A key tcptune could have written: canonical already (normalising it
 * again changes nothing, so no other spelling, no "..", no glob), under
 * net., and in the catalog, which every profile key is. */
static bool state_key_valid(const char *key) {
        _cleanup_free_ char *k = NULL;
        return sysctl_key_normalize(key, &k) >= 0 && streq(k, key) && startswith(key, "net.") && tunable_find(key);
}

/* The drop-in: a file directly in /etc/sysctl.d, with a name apply takes. */
static bool state_dropin_valid(const char *path) {
        const char *name = startswith(path, APPLY_SYSCTLD_DIR "/");
        return name && apply_dropin_name_valid(name);
}

static int parse_previous_dropin(struct apply_state *s, const char *v, struct parse_error *e) {
        if (streq(v, "none"))
                return 0;
        size_t digits = strspn(v, "01234567");
        if (digits < 3 || digits > 4 || v[digits] != ' ')
                return refuse(e, "previous-dropin: not a mode and the file's bytes");
        unsigned long mode = strtoul(v, NULL, 8);
        if (mode & ~APPLY_STATE_MODE_MASK)
                return refuse(e, "previous-dropin: mode %04lo is not one tcptune records (setuid, setgid, sticky "
                                 "or world-writable)", mode);
        free(s->dropin_data);
        s->dropin_data = NULL;
        int r = unhex(v + digits + 1, &s->dropin_data, &s->dropin_len);
        if (r == -EBADMSG)
                return refuse(e, "previous-dropin: the file's bytes are not hex");
        if (r < 0)
                return r;
        s->had_dropin = true;
        s->dropin_mode = (mode_t) mode;
        return 0;
}

/* "live KEY VALUE" (before the first apply) or "set KEY VALUE" (what the
 * last apply set). */
static int parse_key_value(struct apply_state *s, const char *field, const char *v, struct parse_error *e) {
        const char *sp = strchr(v, ' ');
        _cleanup_free_ char *key = sp ? strndup(v, (size_t) (sp - v)) : strdup(v);
        if (!key)
                return -ENOMEM;
        if (!state_key_valid(key)) {
                _cleanup_free_ char *q = quote(key);
                return refuse(e, "%s key '%s' is not a key tcptune writes", field, q ? q : "?");
        }
        if (!sp || !sp[1])
                return refuse(e, "%s %s has an empty value", field, key);
        return streq(field, "set") ? add_set(s, key, sp + 1) : apply_state_add(s, key, sp + 1);
}

static int parse_line(struct apply_state *s, char *line, bool *seen_version, struct parse_error *e) {
        char *sp = strchr(line, ' ');
        if (!sp)
                return streq(line, "live") ? refuse(e, "live: no key")
                       : *seen_version ? refuse(e, "not a line of a tcptune state record")
                                       : refuse(e, "not a tcptune state record (no version line first)");
        *sp = '\0';
        const char *field = line, *v = sp + 1;
        char **dst = NULL;

        if (streq(field, "version")) {
                if (!streq(v, STATE_VERSION)) {
                        _cleanup_free_ char *q = quote(v);
                        return refuse(e, "version %s: not one this tcptune reads (%s)", q ? q : "?", STATE_VERSION);
                }
                *seen_version = true;
                return 0;
        }
        if (!*seen_version)
                return refuse(e, "not a tcptune state record (no version line first)");
        if (streq(field, "profile"))
                dst = &s->profile;
        else if (streq(field, "profile-file"))
                dst = &s->profile_file;
        else if (streq(field, "dropin")) {
                if (!state_dropin_valid(v)) {
                        _cleanup_free_ char *q = quote(v);
                        return refuse(e, "drop-in '%s' is not a file in " APPLY_SYSCTLD_DIR, q ? q : "?");
                }
                dst = &s->dropin;
        }
        if (dst) {
                free(*dst);
                *dst = *v ? strdup(v) : NULL;
                return !*v || *dst ? 0 : -ENOMEM;
        }
        if (streq(field, "created-dir")) {
                s->created_dir = streq(v, "1");
                return 0;
        }
        if (streq(field, "previous-dropin"))
                return parse_previous_dropin(s, v, e);
        if (streq(field, "live") || streq(field, "set"))
                return parse_key_value(s, field, v, e);
        _cleanup_free_ char *q = quote(field);
        return refuse(e, "'%s' is not a field of a tcptune state record", q ? q : "?");
}

int apply_state_parse(const char *data, const char *file, struct apply_state *ret, struct error *err) {
        struct apply_state s = {};
        struct parse_error e = { .file = file, .err = err };
        _cleanup_free_ char *copy = strdup(data);
        bool seen_version = false;
        int r = 0;

        if (!copy)
                return -ENOMEM;
        for (char *line = copy, *next; line && r >= 0; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                else if (!*line)
                        break; /* after the final newline */
                e.line++;
                /* apply_state_format() writes no '\r' (it refuses values
                 * with one): a record with one was edited, and a value
                 * ending in it would be written back to /proc/sys. */
                if (line[0] != '#' && strchr(line, '\r'))
                        r = refuse(&e, "a carriage return: not a line tcptune writes");
                else if (line[0] != '#' && line[0] != '\0')
                        r = parse_line(&s, line, &seen_version, &e);
        }
        if (r >= 0 && !seen_version) {
                /* An empty record has no line 0: name the first. */
                e.line = e.line ? e.line : 1;
                r = refuse(&e, "no version line: not a tcptune state record");
        }
        /* Every apply records the live value of each key it sets. Without
         * them, "reverting" would only remove the drop-in and leave the
         * live values as applied. */
        if (r >= 0 && s.n == 0) {
                e.line++;
                r = refuse(&e, "the record ends before its live values (incomplete)");
        }
        if (r < 0) {
                apply_state_done(&s);
                return r;
        }
        *ret = s;
        return 0;
}

/* The namespace's cookie (SO_NETNS_COOKIE, Linux 5.14+): a 64-bit number
 * the kernel never hands to another namespace until it reboots. */
static int netns_cookie(uint64_t *ret) {
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        uint64_t cookie;
        socklen_t len = sizeof(cookie);
        if (fd < 0)
                return -errno;
        if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) < 0)
                return -errno;
        *ret = cookie;
        return 0;
}

/* This boot's id, without the dashes: 32 hex digits. */
static int boot_id(char ret[static 33]) {
        _cleanup_close_ int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
        char buf[64];
        size_t n = 0;
        if (fd < 0)
                return -errno;
        ssize_t k = read(fd, buf, sizeof(buf) - 1);
        if (k < 0)
                return -errno;
        for (ssize_t i = 0; i < k && n < 32; i++)
                if ((buf[i] >= '0' && buf[i] <= '9') || (buf[i] >= 'a' && buf[i] <= 'f'))
                        ret[n++] = buf[i];
        ret[n] = '\0';
        return n == 32 ? 0 : -EIO;
}

int apply_state_file_name(bool netns, char **ret) {
        if (!netns) {
                *ret = strdup("state");
                return *ret ? 0 : -ENOMEM;
        }
        /* Namespaces are kernel objects, so the key is the kernel's name
         * for this one, whatever name or path reached it. An inode number
         * is reused once the namespace is gone (a new container could pick
         * up another's recorded values); the cookie is not, within a boot,
         * and the boot id tells one boot's cookies from the next. The
         * inode remains for kernels without SO_NETNS_COOKIE. */
        uint64_t cookie = 0;
        char boot[33];
        if (netns_cookie(&cookie) == 0 && boot_id(boot) == 0)
                return asprintf(ret, "netns-%s-%" PRIu64 ".state", boot, cookie) < 0 ? -ENOMEM : 0;
        struct stat st;
        if (stat("/proc/self/ns/net", &st) < 0)
                return -errno;
        if (asprintf(ret, "netns-%" PRIu64 ".state", (uint64_t) st.st_ino) < 0)
                return -ENOMEM;
        return 0;
}

/* SPDX-License-Identifier: MIT */
/* The state record: line-based text, one field per line, so a person can
 * read what revert will do. The previous drop-in's bytes are hex, so any
 * content (CRLF, no final newline, binary) comes back exactly. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "apply-internal.h"

#define STATE_VERSION "1"

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

static int unhex(const char *h, char **ret, size_t *ret_len) {
        size_t n = strlen(h);
        if (n % 2)
                return -EBADMSG;
        char *d = malloc(n / 2 + 1);
        if (!d)
                return -ENOMEM;
        for (size_t i = 0; i < n / 2; i++) {
                unsigned v;
                if (sscanf(h + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdef", h[2 * i]) ||
                    !strchr("0123456789abcdef", h[2 * i + 1])) {
                        free(d);
                        return -EBADMSG;
                }
                d[i] = (char) v;
        }
        d[n / 2] = '\0';
        *ret = d;
        *ret_len = n / 2;
        return 0;
}

static int parse_line(struct apply_state *s, char *line, bool *seen_version) {
        char *sp = strchr(line, ' ');
        if (!sp)
                return -EBADMSG;
        *sp = '\0';
        const char *field = line, *v = sp + 1;
        char **dst = NULL;

        if (streq(field, "version")) {
                if (!streq(v, STATE_VERSION))
                        return -EBADMSG;
                *seen_version = true;
                return 0;
        }
        if (streq(field, "profile"))
                dst = &s->profile;
        else if (streq(field, "profile-file"))
                dst = &s->profile_file;
        else if (streq(field, "dropin"))
                dst = &s->dropin;
        if (dst) {
                free(*dst);
                *dst = *v ? strdup(v) : NULL;
                return !*v || *dst ? 0 : -ENOMEM;
        }
        if (streq(field, "created-dir")) {
                s->created_dir = streq(v, "1");
                return 0;
        }
        if (streq(field, "previous-dropin")) {
                if (streq(v, "none"))
                        return 0;
                unsigned mode;
                int n = 0;
                if (sscanf(v, "%o %n", &mode, &n) != 1 || mode > 07777)
                        return -EBADMSG;
                free(s->dropin_data);
                s->dropin_data = NULL;
                int r = unhex(v + n, &s->dropin_data, &s->dropin_len);
                if (r < 0)
                        return r;
                s->had_dropin = true;
                s->dropin_mode = (mode_t) mode;
                return 0;
        }
        if (streq(field, "live")) {
                const char *sp2 = strchr(v, ' ');
                if (!sp2 || sp2 == v)
                        return -EBADMSG;
                _cleanup_free_ char *key = strndup(v, (size_t) (sp2 - v));
                if (!key)
                        return -ENOMEM;
                return apply_state_add(s, key, sp2 + 1);
        }
        return -EBADMSG;
}

int apply_state_parse(const char *data, struct apply_state *ret) {
        struct apply_state s = {};
        _cleanup_free_ char *copy = strdup(data);
        bool seen_version = false;
        int r = 0;

        if (!copy)
                return -ENOMEM;
        char *save = NULL;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                if (line[0] == '#')
                        continue;
                r = parse_line(&s, line, &seen_version);
                if (r < 0)
                        break;
        }
        if (r >= 0 && !seen_version)
                r = -EBADMSG;
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

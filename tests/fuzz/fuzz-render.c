/* SPDX-License-Identifier: MIT */
/* The renderers over fuzzed strings. The input, split at NUL bytes, gives
 * what reaches a report from outside: the kernel release (root's
 * /proc/sys), namespace labels and paths (/run/netns names, --netns as
 * typed), live values, sysctl.d values, file names and problems, the
 * policy file's name, a sysctl.d file and socket bytes. Reports built
 * from them (audit with its findings, config, config --cat, sockets) are
 * rendered into memory in every format, and:
 *  - text has no control code point (escape_is_control()) but newlines
 *    (and the tabs of a file's lines in --cat), and is valid UTF-8;
 *  - JSON is one document json-c parses, valid UTF-8;
 *  - Prometheus is valid UTF-8, each line a comment or one sample
 *    NAME{LABEL="VALUE",...} VALUE with every label value escaped. */
#include <json-c/json.h>
#include <sys/socket.h>

#include "audit.h"
#include "config-report.h"
#include "escape.h"
#include "fuzz.h"
#include "model-input.h"
#include "output-audit.h"
#include "output-config.h"
#include "output-sockets.h"
#include "sockets.h"
#include "tunables.h"

#ifndef FUZZ_ROOT
#error "FUZZ_ROOT: a fixture tree with proc/sys"
#endif

enum {
        S_RELEASE, S_NETNS, S_LABEL, S_PATH, S_LIVE, S_BOOT, S_FILE, S_PROBLEM, S_POLICY, S_DROPIN, S_LINE,
        S_SOCKS, _S_MAX,
};

/* tab: --cat shows a file's lines as they are but for escapes, and keeps
 * the tabs drop-ins indent with. */
static void check_text(const char *s, size_t n, bool tab) {
        const unsigned char *p = (const unsigned char *) s;
        fuzz_assert(strlen(s) == n);
        for (size_t i = 0, k; i < n; i += k) {
                uint32_t cp;
                k = utf8_decode(p + i, n - i, &cp);
                if (!k)
                        fprintf(stderr, "text: not UTF-8 at byte %zu: %.*s\n", i, (int) (n - i < 80 ? n - i : 80), s + i);
                fuzz_assert(k);
                if (tab && cp == '\t')
                        continue;
                if (cp != '\n' && escape_is_control(cp))
                        fprintf(stderr, "text: control U+%04X at byte %zu: %.*s\n", (unsigned) cp, i,
                                (int) (n - i < 80 ? n - i : 80), s + i);
                fuzz_assert(cp == '\n' || !escape_is_control(cp));
        }
}

static void check_json(const char *s, size_t n) {
        fuzz_assert(strlen(s) == n);
        if (!utf8_valid(s, n))
                fprintf(stderr, "JSON not UTF-8: %s\n", s);
        fuzz_assert(utf8_valid(s, n));
        json_tokener *tok = json_tokener_new();
        fuzz_assert(tok);
        json_object *o = json_tokener_parse_ex(tok, s, (int) n);
        enum json_tokener_error e = json_tokener_get_error(tok);
        size_t used = json_tokener_get_parse_end(tok);
        if (!o)
                fprintf(stderr, "JSON: %s at %zu: %s\n", json_tokener_error_desc(e), used, s);
        fuzz_assert(o);
        /* Nothing but the final newline after the document. */
        for (size_t i = used; i < n; i++)
                fuzz_assert(s[i] == '\n' || s[i] == ' ');
        json_object_put(o);
        json_tokener_free(tok);
}

static bool metric_char(char c, bool first) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
}

static void check_prometheus(const char *s, size_t n) {
        fuzz_assert(strlen(s) == n && n > 0 && s[n - 1] == '\n');
        fuzz_assert(utf8_valid(s, n));
        for (const char *line = s; *line;) {
                const char *end = strchr(line, '\n');
                fuzz_assert(end);
                if (line[0] == '#') {
                        fuzz_assert(startswith(line, "# HELP ") || startswith(line, "# TYPE "));
                        line = end + 1;
                        continue;
                }
                const char *p = line;
                fuzz_assert(metric_char(*p, true));
                while (metric_char(*p, false))
                        p++;
                if (*p == '{') {
                        p++;
                        for (;;) {
                                fuzz_assert(metric_char(*p, true));
                                while (metric_char(*p, false))
                                        p++;
                                fuzz_assert(p[0] == '=' && p[1] == '"');
                                for (p += 2; *p != '"'; p++) {
                                        fuzz_assert(*p != '\n' && *p);
                                        if (*p == '\\') {
                                                p++;
                                                fuzz_assert(*p == '\\' || *p == '"' || *p == 'n');
                                        }
                                }
                                p++;
                                if (*p == ',') {
                                        p++;
                                        continue;
                                }
                                fuzz_assert(*p == '}');
                                p++;
                                break;
                        }
                }
                fuzz_assert(*p == ' ');
                p++;
                /* One value, then the end of the line. */
                fuzz_assert(p < end && !memchr(p, ' ', (size_t) (end - p)));
                line = end + 1;
        }
}

typedef int (*render_fn)(const struct output *out, const void *rep);

static int cat_fn(const struct output *out, const void *rep);

static void render(enum output_format fmt, int (*fn)(const struct output *, const void *), const void *rep) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        fuzz_assert(f);
        /* terminal: what --cat escapes there (into a pipe it copies the
         * files' bytes, as systemd-sysctl --cat-config does). */
        struct output out = { .stream = f, .format = fmt, .color = false, .width = OUTPUT_WIDTH, .terminal = true };
        int r = fn(&out, rep);
        fuzz_assert(fclose(f) == 0);
        fuzz_oom(r);
        fuzz_assert(r == 0);
        if (fmt == FORMAT_TEXT)
                check_text(buf, len, fn == cat_fn);
        else if (fmt == FORMAT_JSON)
                check_json(buf, len);
        else
                check_prometheus(buf, len);
        free(buf);
}

static int audit_fn(const struct output *out, const void *rep) {
        return output_audit(out, rep);
}
static int config_fn(const struct output *out, const void *rep) {
        return output_config(out, rep);
}
static int cat_fn(const struct output *out, const void *rep) {
        return output_config_cat(out, rep);
}
static int sockets_fn(const struct output *out, const void *rep) {
        return output_sockets(out, rep, OUTPUT_SOCKETS_DRY_RUN);
}

/* One namespace's live values (the fuzzed one for every other key), model
 * results, drift and findings. */
static void fill_ns(struct audit_ns *ns, const char *const *s, const struct policy *p, struct sysctld *sd,
                    bool boot, const struct live *host) {
        size_t n;
        const struct tunable *t = tunable_all(&n);
        ns->live = (struct live) { .n = n, .value = calloc(n, sizeof(char *)), .error = calloc(n, sizeof(int)) };
        fuzz_assert(ns->live.value && ns->live.error);
        for (size_t i = 0; i < n; i++) {
                ns->live.value[i] = strdup(i % 2 ? s[S_LIVE] : t[i].def_string ? t[i].def_string : "7");
                fuzz_assert(ns->live.value[i]);
                ns->live.error[i] = i % 5 == 4 ? -ENOENT : 0;
        }
        struct kernel_info k = { .hz = 250 };
        bool assumed;
        live_model_input(&ns->live, &k, &ns->in, &assumed);
        /* The model's figures carry no text from outside (fuzz-model
         * covers them): run it once, on the defaults, for speed. */
        static struct model_result *results;
        if (!results) {
                struct model_input in;
                model_input_defaults(&in);
                results = calloc(_SCENARIO_MAX, sizeof(*results));
                fuzz_assert(results);
                for (unsigned sc = 0; sc < _SCENARIO_MAX; sc++)
                        fuzz_assert(model_run(&in, sc, &results[sc]) == 0);
        }
        ns->results = malloc(_SCENARIO_MAX * sizeof(*ns->results));
        fuzz_assert(ns->results);
        memcpy(ns->results, results, _SCENARIO_MAX * sizeof(*ns->results));
        if (boot) {
                ns->boot_config = true;
                ns->drift = calloc(3, sizeof(*ns->drift));
                ns->checks = calloc(3, sizeof(*ns->checks)); /* what audit_report_done() frees */
                fuzz_assert(ns->drift && ns->checks);
                ns->drift[0] = (struct findings_drift) { .key = t[0].key, .live = s[S_LIVE], .boot = s[S_BOOT],
                                                         .file = s[S_FILE], .line = 3, .drift = true };
                ns->drift[1] = (struct findings_drift) { .key = t[1].key, .live = NULL, .boot = s[S_BOOT],
                                                         .file = s[S_FILE], .line = 4, .problem = s[S_PROBLEM] };
                ns->drift[2] = (struct findings_drift) { .key = t[4].key, .live = s[S_BOOT], .boot = s[S_LIVE],
                                                         .file = s[S_PATH], .line = 5 };
                ns->n_drift = 3;
        }
        struct findings_input in = {
                .netns = ns->label, .netns_error = ns->error, .netns_path = ns->path, .live = &ns->live,
                .host = host, .results = ns->results, .hz = 250, .drift = ns->drift, .n_drift = ns->n_drift,
                .sysctld = boot ? sd : NULL, .policy = p,
        };
        fuzz_oom(findings_run(&in, &ns->findings));
}

static unsigned hz_250(void *userdata) {
        (void) userdata;
        return 250;
}

static void audit_case(const char *const *s, struct sysctld *sd, bool all) {
        struct policy p;
        fuzz_oom(policy_init(&p));
        free(p.file);
        p.file = strdup(s[S_POLICY]);
        fuzz_assert(p.file);
        struct kernel_info k = { .release = (char *) s[S_RELEASE], .hz = 250, .hz_source = (char *) s[S_PATH],
                                 .default_cc = (char *) s[S_LIVE] };
        struct audit_report rep = { .kernel = &k, .policy = &p, .netns = all ? NULL : s[S_NETNS], .all_netns = all,
                                    .all_tunables = !all, .timestamp = 1700000000 };
        fuzz_oom(audit_add_ns(&rep, all ? "host" : s[S_NETNS], NULL));
        if (all) {
                fuzz_oom(audit_add_ns(&rep, s[S_LABEL], s[S_PATH]));
                fuzz_oom(audit_add_ns(&rep, s[S_NETNS], s[S_PATH]));
                rep.ns[2].error = -ESTALE;
        }
        rep.sysctld = sd;
        for (size_t i = 0; i < rep.n_ns; i++) {
                struct audit_ns *ns = &rep.ns[i];
                if (ns->error == 0)
                        fill_ns(ns, s, &p, sd, i == 0, i > 0 ? &rep.ns[0].live : NULL);
                else {
                        struct findings_input in = { .netns = ns->label, .netns_error = ns->error,
                                                     .netns_path = ns->path, .policy = &p };
                        fuzz_oom(findings_run(&in, &ns->findings));
                }
                for (unsigned sv = 0; sv < _SEVERITY_MAX; sv++)
                        rep.count[sv] += ns->findings.count[sv];
                rep.n_silenced += ns->findings.n_silenced;
        }
        render(FORMAT_TEXT, audit_fn, &rep);
        render(FORMAT_JSON, audit_fn, &rep);
        render(FORMAT_PROMETHEUS, audit_fn, &rep);
        rep.sysctld = NULL; /* borrowed here */
        audit_report_done(&rep);
        policy_done(&p);
}

static void config_case(const char *const *s, struct sysctld *sd) {
        struct config_report rep;
        fuzz_oom(config_report_collect(fuzz_root(), sd, /* all= */ true, hz_250, NULL, &rep));
        render(FORMAT_TEXT, config_fn, &rep);
        render(FORMAT_JSON, config_fn, &rep);
        rep.all = false;
        render(FORMAT_TEXT, config_fn, &rep);
        config_report_done(&rep);

        /* --cat: the files with fuzzed lines. */
        struct config_cat cat = { .n_files = sd->n_files };
        cat.files = calloc(sd->n_files + 1, sizeof(*cat.files));
        fuzz_assert(cat.files);
        for (size_t i = 0; i < sd->n_files; i++) {
                struct config_cat_file *f = &cat.files[i];
                f->file = sd->files[i];
                f->lines = calloc(3, sizeof(char *));
                fuzz_assert(f->lines);
                f->lines[0] = strdup(s[S_LINE]);
                f->lines[1] = strdup(s[S_BOOT]);
                fuzz_assert(f->lines[0] && f->lines[1]);
                f->n_lines = 2;
                f->open_error = i == 1 ? -EISDIR : 0;
                f->error = i == 1 ? -EISDIR : 0;
        }
        render(FORMAT_TEXT, cat_fn, &cat);
        render(FORMAT_JSON, cat_fn, &cat);
        config_cat_done(&cat);
}

static void sockets_case(const char *const *s, const uint8_t *socks, size_t n_bytes) {
        struct sockets_report rep = { .all_netns = true, .filter = { .port = -1, .all = true } };
        rep.ns = calloc(2, sizeof(*rep.ns));
        fuzz_assert(rep.ns);
        rep.n_ns = 2;
        rep.ns[0].label = strdup(s[S_NETNS]);
        rep.ns[1].label = strdup(s[S_LABEL]);
        rep.ns[1].path = strdup(s[S_PATH]);
        fuzz_assert(rep.ns[0].label && rep.ns[1].label && rep.ns[1].path);
        rep.ns[1].error = -ENOENT;
        struct sockets_ns *ns = &rep.ns[0];
        model_input_defaults(&ns->in);
        size_t n = n_bytes / sizeof(struct sockdiag_sock);
        n = n > 8 ? 8 : n;
        ns->table.socks = calloc(n + 1, sizeof(struct sockdiag_sock));
        fuzz_assert(ns->table.socks);
        memcpy(ns->table.socks, socks, n * sizeof(struct sockdiag_sock));
        for (size_t i = 0; i < n; i++) {
                struct sockdiag_sock *k = &ns->table.socks[i];
                k->family = k->family % 2 ? AF_INET6 : AF_INET;
                k->state %= 13;
                k->timer %= 5;
                k->has_info = k->has_info & 1;
        }
        ns->table.n = ns->table.cap = n;
        fuzz_oom(sockets_predict(&rep.filter, ns));
        render(FORMAT_TEXT, sockets_fn, &rep);
        render(FORMAT_JSON, sockets_fn, &rep);
        rep.all_netns = false;
        render(FORMAT_TEXT, sockets_fn, &rep);
        render(FORMAT_JSON, sockets_fn, &rep);
        sockets_report_done(&rep);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *s[_S_MAX];
        const uint8_t *p = data, *end = data + size;
        char *owned[_S_MAX] = {};
        const uint8_t *socks = NULL;
        size_t socks_len = 0;

        for (size_t i = 0; i < _S_MAX; i++) {
                const uint8_t *nul = p < end ? memchr(p, 0, (size_t) (end - p)) : NULL;
                size_t n = nul ? (size_t) (nul - p) : (size_t) (end - p);
                if (i == S_SOCKS) {
                        socks = p;
                        socks_len = n;
                }
                owned[i] = strndup((const char *) p, n);
                fuzz_assert(owned[i]);
                s[i] = owned[i];
                p = nul ? nul + 1 : end;
        }
        /* Labels and file names are never empty. */
        const char *fallback[_S_MAX] = { [S_NETNS] = "host", [S_LABEL] = "ns", [S_PATH] = "/run/netns/ns",
                                         [S_FILE] = "/etc/sysctl.d/x.conf", [S_POLICY] = "/etc/tcptune/tcptune.conf" };
        for (size_t i = 0; i < _S_MAX; i++)
                if (!*s[i] && fallback[i])
                        s[i] = fallback[i];

        /* A sysctl.d tree of two files, the fuzzed one named by S_FILE. */
        _cleanup_(sysctld_freep) struct sysctld *sd = sysctld_new();
        fuzz_assert(sd);
        static const char vendor[] = "net.ipv4.tcp_retries2 = 8\nnet.ipv4.tcp_syn_retries = 3\n";
        fuzz_oom(sysctld_parse_buffer(sd, "/usr/lib/sysctl.d/50-vendor.conf", vendor, strlen(vendor)));
        fuzz_oom(sysctld_parse_buffer(sd, s[S_FILE], s[S_DROPIN], strlen(s[S_DROPIN])));
        fuzz_oom(sysctld_add_diag(sd, s[S_FILE], 2, 0, "%s", s[S_PROBLEM]));
        fuzz_oom(sysctld_add_shadow(sd, s[S_PATH], 0));
        fuzz_oom(sysctld_finish(sd, fuzz_root()));

        audit_case(s, sd, false);
        audit_case(s, sd, true);
        config_case(s, sd);
        sockets_case(s, socks ? socks : (const uint8_t *) "", socks_len);
        for (size_t i = 0; i < _S_MAX; i++)
                free(owned[i]);
        return 0;
}

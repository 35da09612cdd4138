/* SPDX-License-Identifier: MIT */
/* tcptune __complete WHAT: the word lists behind the shell completions in
 * completions/ (bash, zsh, fish), one word a line. Hidden: not in --help
 * nor in the command table, documented in tcptune(8), COMPLETION.
 *
 *  1. Dynamic lists come from where the commands take them: profile names
 *     from profile_list() (the search path, under --root), keys from the
 *     tunables catalog, scenarios from scenario_to_string(). Fixed
 *     vocabularies (formats, local failures, socket states) are each run
 *     through the parser that will read them, so a word the command would
 *     refuse is never offered.
 *  2. The options of each command are the one table below; the shells
 *     only interpret it. tests/completion/test-completion.sh checks it
 *     against each command's --help, both ways.
 *  3. Quiet: a completion never prints an error into the user's command
 *     line. An unknown WHAT is exit 2, a list that cannot be read exit 3,
 *     both without a word on stderr. */
#include <dirent.h>
#include <stdio.h>

#include "cmd.h"
#include "model-input.h"
#include "profile.h"
#include "scenario.h"
#include "sock-predict.h"
#include "tunables.h"

/* Options, space-separated: "--name" for a flag, "--name=KIND" for one
 * that takes a value. KIND is a list below (profiles, keys, scenarios,
 * formats, states, local-failures, netns), "settings" (KEY=VALUE: a key
 * then '='), "file" or "dir" (the shell's own completion), or a word that
 * names what is typed (duration, count, ...): nothing to offer. */
#define GLOBAL_OPTIONS "--root=dir --netns=netns --json --format=formats --help --version"

static const struct spec {
        const char *command;
        const char *sub;       /* profile's sub-command, or NULL */
        const char *options;
        const char *argument;  /* KIND of the positional argument, or NULL: none */
} specs[] = {
        { "audit",   NULL, "--all --all-netns --output=file --format=formats --json --help", NULL },
        { "config",  NULL, "--all --cat --help", NULL },
        { "explain", NULL, "--help", "keys" },
        { "model",   NULL, "--profile=profiles --set=settings --scenario=scenarios --rtt=duration --rto=duration --segments=count "
                           "--hz=hz --user-timeout=duration --keepalive=keepalive --timeline --backoff=count "
                           "--probes-out=count --local-failure=local-failures --family=families --outage=duration --help",
          NULL },
        { "advise",  NULL, "--detect-within=duration --scenario=scenarios --rtt=duration --rto=duration "
                           "--segments=count --help", NULL },
        { "profile", NULL, "--help", "commands" },
        { "profile", "list",   "--help", NULL },
        { "profile", "show",   "--help", "profiles" },
        { "profile", "diff",   "--help", "profiles" },
        { "profile", "verify", "--help", "profiles" },
        { "profile", "apply",  "--dry-run --dropin=dropin --reload --help", "profiles" },
        { "profile", "revert", "--dry-run --dropin=dropin --reload --help", NULL },
        { "profile", "active", "--help", NULL },
        /* Listed before the command lands everywhere: `__complete commands`
         * offers only what main.c's table has. */
        { "help",    NULL, "--help", "commands" },
        { "version", NULL, "--help", NULL },
        { "sockets", NULL, "--all --all-netns --state=states --src=address --dst=address --port=port --failing "
                           "--kill --dry-run --format=formats --json --help", NULL },
};

static const struct spec *spec_find(const char *command, const char *sub) {
        for (size_t i = 0; i < ELEMENTSOF(specs); i++)
                if (streq(specs[i].command, command) && streq_ptr(specs[i].sub, sub))
                        return &specs[i];
        return NULL;
}

static void print_words(const char *words) {
        for (const char *w = words; *w;) {
                size_t len = strcspn(w, " ");
                printf("%.*s\n", (int) len, w);
                w += len + strspn(w + len, " ");
        }
}

static int list_commands(const char *const *names, size_t n, const char *command) {
        if (!command) {
                for (size_t i = 0; i < n; i++)
                        puts(names[i]);
                return EXIT_OK;
        }
        bool any = false;
        for (size_t i = 0; i < ELEMENTSOF(specs); i++)
                if (streq(specs[i].command, command) && specs[i].sub) {
                        puts(specs[i].sub);
                        any = true;
                }
        return any ? EXIT_OK : EXIT_USAGE;
}

static int list_profiles(struct context *ctx) {
        struct profile_entry *e = NULL;
        size_t n = 0;
        /* Broken profiles too: `profile show` is how one sees why. */
        if (profile_list(&ctx->root, &e, &n) < 0)
                return EXIT_OPERATION;
        for (size_t i = 0; i < n; i++)
                puts(e[i].name);
        profile_entries_free(e, n);
        return EXIT_OK;
}

static int list_keys(void) {
        size_t n;
        const struct tunable *t = tunable_all(&n);
        for (size_t i = 0; i < n; i++)
                puts(tunable_short_key(t[i].key));
        return EXIT_OK;
}

static int list_scenarios(void) {
        for (unsigned s = 0; s < _SCENARIO_MAX; s++)
                puts(scenario_to_string(s));
        return EXIT_OK;
}

static int list_formats(void) {
        static const char *const formats[] = { "text", "json", "prometheus" };
        for (size_t i = 0; i < ELEMENTSOF(formats); i++)
                if (output_format_from_string(formats[i]) >= 0)
                        puts(formats[i]);
        return EXIT_OK;
}

static int list_families(void) {
        puts("inet");
        puts("inet6");
        return EXIT_OK;
}

static int list_local_failures(void) {
        static const char *const kinds[] = { "qdisc-drop", "unreachable", "prohibit", "no-route", "blackhole",
                                             "neighbour", "address-gone" };
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++) {
                struct model_input in;
                model_input_defaults(&in);
                if (model_input_parse_local_failure(&in, kinds[i]) >= 0)
                        puts(kinds[i]);
        }
        return EXIT_OK;
}

static int list_states(void) {
        for (int s = 1; s < _TCP_STATE_MAX; s++) {
                const char *name = tcp_state_to_string(s);
                if (name && tcp_state_from_string(name) == s)
                        puts(name);
        }
        return EXIT_OK;
}

/* Named namespaces as `ip netns` keeps them (not relocated, as --netns). */
static int list_netns(void) {
        DIR *d = opendir("/run/netns");
        if (!d)
                return errno == ENOENT ? EXIT_OK : EXIT_OPERATION;
        for (struct dirent *de; (de = readdir(d));)
                if (de->d_name[0] != '.')
                        puts(de->d_name);
        closedir(d);
        return EXIT_OK;
}

static int run(struct context *ctx, const char *const *names, size_t n_names, int argc, char **argv) {
        if (argc < 1)
                return EXIT_USAGE;
        const char *what = argv[0], *a1 = argc > 1 ? argv[1] : NULL, *a2 = argc > 2 ? argv[2] : NULL;

        if (streq(what, "commands") && argc <= 2)
                return list_commands(names, n_names, a1);
        if (streq(what, "options") || streq(what, "arguments")) {
                if (argc > 3)
                        return EXIT_USAGE;
                if (!a1) {
                        if (streq(what, "options"))
                                print_words(GLOBAL_OPTIONS);
                        return EXIT_OK;
                }
                const struct spec *s = spec_find(a1, a2);
                if (!s)
                        return EXIT_USAGE;
                if (streq(what, "options"))
                        print_words(s->options);
                else if (s->argument)
                        puts(s->argument);
                return EXIT_OK;
        }
        if (argc > 1)
                return EXIT_USAGE;
        static const struct {
                const char *name;
                int (*list)(void);
        } lists[] = {
                { "keys", list_keys },           { "scenarios", list_scenarios },
                { "formats", list_formats },     { "local-failures", list_local_failures },
                { "families", list_families },
                { "states", list_states },       { "netns", list_netns },
        };
        if (streq(what, "profiles"))
                return list_profiles(ctx);
        for (size_t i = 0; i < ELEMENTSOF(lists); i++)
                if (streq(lists[i].name, what))
                        return lists[i].list();
        return EXIT_USAGE;
}

int cmd_complete(struct context *ctx, const char *const *names, size_t n_names, int argc, char **argv) {
        int r = run(ctx, names, n_names, argc, argv);
        /* A completion that lost words must not look like an empty list. */
        if (fflush(stdout) != 0 || ferror(stdout))
                return EXIT_OPERATION;
        return r;
}

/* SPDX-License-Identifier: MIT */
/* Global options, the command table, exit codes. Only this file exits. */
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cmd.h"
#include "cmd-util.h"
#include "escape.h"
#include "log.h"
#include "suggest.h"

#ifndef TCPTUNE_VERSION
#define TCPTUNE_VERSION "unknown"
#endif

static const struct command {
        const char *name;
        int (*run)(struct context *ctx, int argc, char **argv);
} commands[] = {
        { "audit",   cmd_audit   },
        { "config",  cmd_config  },
        { "explain", cmd_explain },
        { "model",   cmd_model   },
        { "advise",  cmd_advise  },
        { "profile", cmd_profile },
        { "sockets", cmd_sockets },
};

enum { ARG_ROOT = 0x100, ARG_NETNS, ARG_JSON, ARG_FORMAT, ARG_VERSION };
static const struct option global_options[] = {
        { "root",    required_argument, NULL, ARG_ROOT    },
        { "netns",   required_argument, NULL, ARG_NETNS   },
        { "json",    no_argument,       NULL, ARG_JSON    },
        { "format",  required_argument, NULL, ARG_FORMAT  },
        { "help",    no_argument,       NULL, 'h'         },
        { "version", no_argument,       NULL, ARG_VERSION },
        {}
};

static void help(FILE *f) {
        fputs("Usage: tcptune [OPTIONS] [COMMAND [ARGS]]\n"
              "\n"
              "How long until this host notices a dead TCP peer, and what to set.\n"
              "\n"
              "Commands:\n"
              "  audit                 detection times, drift and findings (default)\n"
              "  config [OPTIONS]      what sysctl.d sets at boot, from which file:line; drift\n"
              "  explain [KEY]         what a tunable does, its default, range and live value\n"
              "  model [OPTIONS]       when the kernel gives up on a dead peer, per scenario\n"
              "  advise --detect-within DUR\n"
              "                        what to set to notice within DUR, and what it costs\n"
              "  profile list|show|diff|verify|apply|revert|active [NAME]\n"
              "                        named settings and the detection times they promise\n"
              "  sockets [OPTIONS]     TCP connections failing now, when each gives up; --kill\n"
              "  help [COMMAND]        this help, or the command's (as COMMAND --help)\n"
              "  version               the version\n"
              "\n"
              "Options:\n"
              "  --root DIR            read and write every path under DIR\n"
              "  --netns NAME|PATH|pid:PID\n"
              "                        use that network namespace's values\n"
              "      --json            one JSON document on stdout\n"
              "      --format FORMAT   text, json or prometheus\n"
              "  (--root, --netns, --json and --format work after the command too)\n"
              "  -h, --help            show this help\n"
              "      --version         show the version\n"
              "\n"
              "Exit status: 0 ok, 1 findings or drift, 2 usage error, 3 operational failure.\n"
              "See tcptune(8).\n",
              f);
}

/* One global option, before or after the command: --root, --netns,
 * --json, --format. Returns EXIT_OK or EXIT_USAGE, having logged. */
static int set_global(struct context *ctx, int opt, const char *arg) {
        struct root root;
        struct stat st;
        int r;
        switch (opt) {
        case ARG_ROOT:
                /* Opened here, once, before --netns's setns(): every path
                 * below it starts at this fd (root.h). "" names no
                 * directory, though root_open() takes it for the host. */
                r = *arg ? root_open(arg, &root) : -ENOENT;
                if (r == -ENOTDIR && stat(arg, &st) == 0)
                        return cmd_fail(EXIT_USAGE, "--root '%s': not a directory", arg);
                if (r < 0)
                        return cmd_fail(EXIT_USAGE, "--root '%s': %s", arg, strerror(-r));
                root_done(&ctx->root);
                ctx->root = root;
                break;
        case ARG_NETNS:
                ctx->netns = arg;
                break;
        case ARG_JSON:
                ctx->output.format = FORMAT_JSON;
                break;
        case ARG_FORMAT:
                r = output_format_from_string(arg);
                if (r < 0)
                        return cmd_fail(EXIT_USAGE, "--format '%s': unknown format (try text, json or prometheus)",
                                        arg);
                ctx->output.format = (enum output_format) r;
                break;
        }
        return EXIT_OK;
}

/* Returns 1 to go on to the command, 0 after --help/--version, or
 * -EXIT_USAGE. */
static int parse_global(int argc, char **argv, struct context *ctx) {
        int c;

        if (cmd_check_options(NULL, global_options, argc, argv, /* stop_at_operand= */ true) != EXIT_OK)
                return -EXIT_USAGE;
        opterr = 0;
        /* '+': stop at the command name; each command parses its own argv. */
        while ((c = getopt_long(argc, argv, "+h", global_options, NULL)) >= 0)
                switch (c) {
                case ARG_ROOT:
                case ARG_NETNS:
                case ARG_JSON:
                case ARG_FORMAT:
                        if (set_global(ctx, c, optarg) != EXIT_OK)
                                return -EXIT_USAGE;
                        break;
                case 'h':
                        help(stdout);
                        return 0;
                case ARG_VERSION:
                        puts("tcptune " TCPTUNE_VERSION);
                        return 0;
                case '?':
                        if (optopt && optopt < 0x100)
                                return -cmd_fail(EXIT_USAGE, "option '-%c' is unknown (see --help)", optopt);
                        return -cmd_fail(EXIT_USAGE, "option '%s' needs a value (see --help)", argv[optind - 1]);
                }
        return 1;
}

/* The global options also after the command (tcptune model --json), by
 * their exact names: taken out of the command's argv, which keeps the
 * rest in order. Stops at "--". Returns EXIT_OK or EXIT_USAGE. */
static int take_global_options(struct context *ctx, int *argc, char **argv) {
        int out = 1;
        for (int i = 1; i < *argc; i++) {
                const char *a = argv[i], *value = NULL;
                const struct option *hit = NULL;
                if (streq(a, "--")) {
                        while (i < *argc)
                                argv[out++] = argv[i++];
                        break;
                }
                for (const struct option *o = global_options; o->name && !hit; o++) {
                        const char *after = startswith(a, "--") ? startswith(a + 2, o->name) : NULL;
                        if (!after || o->val == 'h' || o->val == ARG_VERSION)
                                continue;
                        if (*after == '\0' && o->has_arg == no_argument)
                                hit = o;
                        else if (*after == '\0' && o->has_arg == required_argument) {
                                if (i + 1 >= *argc)
                                        return cmd_fail(EXIT_USAGE, "option '%s' needs a value (see --help)", a);
                                hit = o;
                                value = argv[++i];
                        } else if (*after == '=' && o->has_arg == required_argument) {
                                hit = o;
                                value = after + 1;
                        }
                }
                if (!hit) {
                        argv[out++] = argv[i];
                        continue;
                }
                if (set_global(ctx, hit->val, value) != EXIT_OK)
                        return EXIT_USAGE;
        }
        *argc = out;
        argv[out] = NULL;
        return EXIT_OK;
}

/* Whether the command line asks for JSON (the last --json or --format
 * wins), read before parsing: a usage error must answer in the format
 * asked for even when parsing stopped before the option. */
static bool json_requested(int argc, char **argv) {
        bool json = false;
        for (int i = 1; i < argc && !streq(argv[i], "--"); i++) {
                if (streq(argv[i], "--json"))
                        json = true;
                else if (streq(argv[i], "--format") && i + 1 < argc)
                        json = streq(argv[++i], "json");
                else if (startswith(argv[i], "--format="))
                        json = streq(argv[i] + strlen("--format="), "json");
        }
        return json;
}

/* What went to stdout through ctx->output, counted: the --json error
 * document is printed only when no document was started. Unbuffered, so
 * the bytes reach stdout in order with anything written to it directly. */
static ssize_t counted_write(void *cookie, const char *buf, size_t size) {
        size_t *count = cookie;
        size_t n = fwrite(buf, 1, size, stdout);
        *count += n;
        return n == 0 && size > 0 ? -1 : (ssize_t) n;
}

/* With --json, a failure is a document too: {"error": {"message": ...,
 * "exit": N}} on stdout beside the line on stderr, so a script's JSON
 * parse sees why. Only when the command failed (exit 2 or 3) and wrote
 * nothing to stdout. */
static int finish(int status, bool json, size_t written) {
        if (json && status >= EXIT_USAGE && written == 0) {
                json_object *doc = json_object_new_object(), *err = json_object_new_object();
                const char *msg = log_last_error();
                if (doc && err) {
                        json_object_object_add(err, "message", json_object_new_string(msg ? msg : "failed"));
                        json_object_object_add(err, "exit", json_object_new_int(status));
                        json_object_object_add(doc, "error", err);
                        err = NULL;
                        (void) json_print(doc, stdout);
                }
                json_object_put(err);
                json_object_put(doc);
        }
        /* --json into a full disk is a failure, not a success with no output. */
        if (fflush(stdout) != 0 || ferror(stdout))
                return cmd_fail(EXIT_OPERATION, "cannot write output: %s", strerror(errno ? errno : EIO));
        return status;
}

static const struct command *find_command(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                if (streq(commands[i].name, name))
                        return &commands[i];
        return NULL;
}

static int unknown_command(const char *name) {
        struct suggest sg;
        suggest_init(&sg, name);
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                suggest_add(&sg, commands[i].name);
        suggest_add(&sg, "help");
        suggest_add(&sg, "version");
        const char *near = suggest_result(&sg);
        _cleanup_free_ char *safe = escape_text(name, 200);
        if (near)
                return cmd_fail(EXIT_USAGE, "'%s' is not a command (did you mean '%s'?)", strempty(safe), near);
        return cmd_fail(EXIT_USAGE, "'%s' is not a command (see --help)", strempty(safe));
}

/* tcptune help [COMMAND], tcptune version: as --help and --version. */
static int run_help(struct context *ctx, int argc, char **argv) {
        if (argc < 2) {
                help(stdout);
                return EXIT_OK;
        }
        if (argc > 2)
                return cmd_fail(EXIT_USAGE, "help: takes at most one COMMAND");
        if (streq(argv[1], "--help") || streq(argv[1], "-h")) {
                fputs("Usage: tcptune help [COMMAND]\n"
                      "The commands and global options, or COMMAND's own (as tcptune COMMAND --help).\n",
                      stdout);
                return EXIT_OK;
        }
        const struct command *cmd = find_command(argv[1]);
        if (!cmd)
                return unknown_command(argv[1]);
        char *help_argv[] = { argv[1], (char *) "--help", NULL };
        optind = 0;
        return cmd->run(ctx, 2, help_argv);
}

/* tcptune version [--help]: as --version. */
static int run_version(struct context *ctx, int argc, char **argv) {
        if (argc == 2 && (streq(argv[1], "--help") || streq(argv[1], "-h"))) {
                fputs("Usage: tcptune version\nThe version, as tcptune --version.\n", stdout);
                return EXIT_OK;
        }
        if (argc > 1)
                return cmd_fail(EXIT_USAGE, "version: takes no arguments");
        fputs("tcptune " TCPTUNE_VERSION "\n", ctx->output.stream);
        return EXIT_OK;
}

/* Hidden `tcptune __complete WHAT`: the word lists behind completions/
 * (complete.c), with the command table's names. */
static int run_complete(struct context *ctx, int argc, char **argv) {
        int r = context_open_root(ctx);
        if (r != EXIT_OK)
                return r;
        const char *names[ELEMENTSOF(commands) + 2];
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                names[i] = commands[i].name;
        names[ELEMENTSOF(commands)] = "help";
        names[ELEMENTSOF(commands) + 1] = "version";
        return cmd_complete(ctx, names, ELEMENTSOF(names), argc, argv);
}

/* What renderers write to: stdout through counted_write() (the count in
 * *written), with colour, width and terminal as stdout is. NULL on OOM. */
static FILE *open_output(struct context *ctx, size_t *written) {
        ctx->output.color = ctx->output.format == FORMAT_TEXT && color_wanted(stdout);
        ctx->output.width = output_width_wanted(stdout);
        ctx->output.terminal = isatty(fileno(stdout));
        FILE *counted = fopencookie(written, "w", (cookie_io_functions_t) { .write = counted_write });
        if (!counted)
                return NULL;
        setvbuf(counted, NULL, _IONBF, 0);
        ctx->output.stream = counted;
        return counted;
}

/* Run the command `name` (in the table, or help or version) on its argv,
 * in the namespace --netns names, and close its output. */
static int run_command(struct context *ctx, const char *name, int argc, char **argv, size_t *written) {
        const struct command *cmd = find_command(name);
        if (!cmd && !streq(name, "help") && !streq(name, "version"))
                return unknown_command(name);
        /* The host's "/" unless --root opened a tree: before setns(). */
        int r = context_open_root(ctx);
        if (r != EXIT_OK)
                return r;
        if (ctx->netns) {
                r = cmd_enter_netns(ctx->netns);
                if (r != EXIT_OK)
                        return r;
        }
        FILE *counted = open_output(ctx, written);
        if (!counted)
                return cmd_fail(EXIT_OPERATION, "out of memory");

        optind = 0;
        r = streq(name, "help")      ? run_help(ctx, argc, argv)
                : streq(name, "version") ? run_version(ctx, argc, argv)
                                         : cmd->run(ctx, argc, argv);
        kernel_info_done(&ctx->kernel);
        if (fclose(counted) != 0 && r == EXIT_OK)
                r = cmd_fail(EXIT_OPERATION, "cannot write output: %s", strerror(errno ? errno : EIO));
        return r;
}

int main(int argc, char **argv) {
        size_t written = 0;
        _cleanup_(context_done) struct context ctx = {
                .root = { .fd = -1 },
                .output = { .stream = stdout, .format = FORMAT_TEXT, .width = OUTPUT_WIDTH },
        };
        bool json = json_requested(argc, argv);

        int r = parse_global(argc, argv, &ctx);
        if (r <= 0)
                return finish(-r, json, 0);

        const char *name = optind < argc ? argv[optind] : "audit";
        if (streq(name, "__complete"))
                return run_complete(&ctx, argc - optind - 1, argv + optind + 1);

        /* The command sees argv[0] = its name, as getopt expects. */
        int cargc = optind < argc ? argc - optind : 1;
        char *default_argv[] = { (char *) "audit", NULL };
        char **cargv = optind < argc ? argv + optind : default_argv;
        if (take_global_options(&ctx, &cargc, cargv) != EXIT_OK)
                return finish(EXIT_USAGE, json, 0);
        json = json || ctx.output.format == FORMAT_JSON;

        r = run_command(&ctx, name, cargc, cargv, &written);
        return finish(r, json, written);
}

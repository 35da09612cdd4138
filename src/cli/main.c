/* SPDX-License-Identifier: MIT */
/* Global options, the command table, exit codes. Only this file exits. */
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cmd.h"
#include "cmd-util.h"
#include "log.h"

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
              "  profile list|show|diff|verify|apply|revert [NAME]\n"
              "                        named settings and the detection times they promise\n"
              "  sockets [OPTIONS]     TCP connections failing now, when each will give up; --kill\n"
              "\n"
              "Options:\n"
              "  --root DIR            read and write every path under DIR\n"
              "  --netns NAME|PATH|pid:PID\n"
              "                        use that network namespace's values\n"
              "      --json            one JSON document on stdout\n"
              "      --format FORMAT   text, json or prometheus\n"
              "  -h, --help            show this help\n"
              "      --version         show the version\n"
              "\n"
              "Exit status: 0 ok, 1 findings or drift, 2 usage error, 3 operational failure.\n"
              "See tcptune(8).\n",
              f);
}

static int parse_global(int argc, char **argv, struct context *ctx) {
        enum { ARG_ROOT = 0x100, ARG_NETNS, ARG_JSON, ARG_FORMAT, ARG_VERSION };
        static const struct option options[] = {
                { "root",    required_argument, NULL, ARG_ROOT    },
                { "netns",   required_argument, NULL, ARG_NETNS   },
                { "json",    no_argument,       NULL, ARG_JSON    },
                { "format",  required_argument, NULL, ARG_FORMAT  },
                { "help",    no_argument,       NULL, 'h'         },
                { "version", no_argument,       NULL, ARG_VERSION },
                {}
        };
        int c, r;

        opterr = 0;
        /* '+': stop at the command name; each command parses its own argv. */
        while ((c = getopt_long(argc, argv, "+h", options, NULL)) >= 0)
                switch (c) {
                case ARG_ROOT: {
                        struct stat st;
                        if (stat(optarg, &st) < 0) {
                                log_error("--root '%s': %s", optarg, strerror(errno));
                                return -EXIT_USAGE;
                        }
                        if (!S_ISDIR(st.st_mode)) {
                                log_error("--root '%s': not a directory", optarg);
                                return -EXIT_USAGE;
                        }
                        ctx->root = optarg;
                        break;
                }
                case ARG_NETNS:
                        ctx->netns = optarg;
                        break;
                case ARG_JSON:
                        ctx->output.format = FORMAT_JSON;
                        break;
                case ARG_FORMAT:
                        r = output_format_from_string(optarg);
                        if (r < 0) {
                                log_error("--format '%s': unknown format (try text, json or prometheus)", optarg);
                                return -EXIT_USAGE;
                        }
                        ctx->output.format = (enum output_format) r;
                        break;
                case 'h':
                        help(stdout);
                        return 0;
                case ARG_VERSION:
                        puts("tcptune " TCPTUNE_VERSION);
                        return 0;
                case '?':
                        if (optopt)
                                log_error("option '-%c' is unknown or lacks its argument (see --help)", optopt);
                        else
                                log_error("option '%s' is unknown or lacks its argument (see --help)",
                                          argv[optind - 1]);
                        return -EXIT_USAGE;
                }
        return 1;
}

int main(int argc, char **argv) {
        struct context ctx = {
                .output = { .stream = stdout, .format = FORMAT_TEXT, .width = OUTPUT_WIDTH },
        };
        int r;

        r = parse_global(argc, argv, &ctx);
        if (r <= 0)
                return -r;

        if (ctx.netns) {
                r = cmd_enter_netns(ctx.netns);
                if (r != EXIT_OK)
                        return r;
        }
        ctx.output.color = ctx.output.format == FORMAT_TEXT && color_wanted(stdout);
        ctx.output.terminal = isatty(fileno(stdout));

        const char *name = optind < argc ? argv[optind] : "audit";
        const struct command *cmd = NULL;
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                if (streq(commands[i].name, name))
                        cmd = &commands[i];
        if (!cmd && streq(name, "__complete")) {
                /* Hidden: the word lists behind completions/ (complete.c). */
                const char *names[ELEMENTSOF(commands)];
                for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                        names[i] = commands[i].name;
                return cmd_complete(&ctx, names, ELEMENTSOF(commands), argc - optind - 1, argv + optind + 1);
        }
        if (!cmd) {
                log_error("'%s' is not a command (see --help)", name);
                return EXIT_USAGE;
        }

        /* The command sees argv[0] = its name, as getopt expects. */
        int cargc = optind < argc ? argc - optind : 1;
        char *default_argv[] = { (char *) "audit", NULL };
        char **cargv = optind < argc ? argv + optind : default_argv;
        optind = 0;
        r = cmd->run(&ctx, cargc, cargv);

        kernel_info_done(&ctx.kernel);
        /* --json into a full disk is a failure, not a success with no output. */
        if (fflush(stdout) != 0 || ferror(stdout)) {
                log_error("cannot write output: %s", strerror(errno ? errno : EIO));
                return EXIT_OPERATION;
        }
        return r;
}

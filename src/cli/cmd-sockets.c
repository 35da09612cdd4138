/* SPDX-License-Identifier: MIT */
/* tcptune sockets [--all] [--all-netns] [--state S]... [--src|--dst ADDR[/P]]
 *                 [--port N] [--failing] [--kill [--dry-run]]
 * The TCP connections that are failing now, when the kernel will give up
 * on each, and a way to end them. report/sockets.c collects and predicts,
 * output-sockets.c renders; this file parses, kills, logs, decides the
 * exit status. */
#include <getopt.h>
#include <stdio.h>
#include <sys/socket.h>

#include "cmd.h"
#include "cmd-util.h"
#include "escape.h"
#include "journal-kill.h"
#include "log.h"
#include "output-sockets.h"
#include "parse.h"
#include "sockets.h"

enum { ARG_ALL = 0x100, ARG_ALL_NETNS, ARG_STATE, ARG_SRC, ARG_DST, ARG_PORT, ARG_FAILING, ARG_KILL,
       ARG_DRY_RUN, ARG_FORMAT, ARG_JSON };
static const struct option options[] = {
        { "all",       no_argument,       NULL, ARG_ALL       },
        { "all-netns", no_argument,       NULL, ARG_ALL_NETNS },
        { "state",     required_argument, NULL, ARG_STATE     },
        { "src",       required_argument, NULL, ARG_SRC       },
        { "dst",       required_argument, NULL, ARG_DST       },
        { "port",      required_argument, NULL, ARG_PORT      },
        { "failing",   no_argument,       NULL, ARG_FAILING   },
        { "kill",      no_argument,       NULL, ARG_KILL      },
        { "dry-run",   no_argument,       NULL, ARG_DRY_RUN   },
        { "format",    required_argument, NULL, ARG_FORMAT    },
        { "json",      no_argument,       NULL, ARG_JSON      },
        { "help",      no_argument,       NULL, 'h'           },
        {}
};

static void help(void) {
        fputs("Usage: tcptune sockets [--all] [--all-netns] [--state S] [--port N]\n"
              "                       [--src|--dst ADDR[/PREFIX]] [--failing]\n"
              "                       [--kill [--dry-run]]\n"
              "TCP connections that are failing now, when the kernel gives up on each, and why.\n"
              "  --all             every socket, not only the failing ones\n"
              "  --all-netns       every network namespace of the host, each once\n"
              "  --state S         only sockets in state S (established, syn-sent, ...;\n"
              "                    repeatable)\n"
              "  --src, --dst ADDR[/PREFIX]  only sockets whose local / remote address is in it\n"
              "  --port N          only sockets with port N at either end\n"
              "  --failing         only failing sockets (the default view; for --kill)\n"
              "  --kill            end the sockets listed now (SOCK_DESTROY, needs\n"
              "                    CAP_NET_ADMIN); needs a filter or --failing\n"
              "  --dry-run         with --kill: list what would be ended, end nothing\n"
              "Exit 0 nothing failing (or all killed), 1 failing sockets listed (or --dry-run\n"
              "with sockets to kill), 2 usage, 3 cannot read or kill.\n",
              stdout);
}

/* "--opt 'value': what is wrong", the value escaped: it came from outside. */
static int bad_value(const char *opt, const char *value, const char *what) {
        _cleanup_free_ char *v = escape_text(value, 200);
        log_error("%s '%s': %s", opt, v ? v : "?", what);
        return EXIT_USAGE;
}

struct args {
        struct sockets_filter filter;
        bool all_netns, failing, kill, dry_run;
};

static int parse_args(struct context *ctx, int argc, char **argv, struct args *a) {
        int c, r;
        uint64_t v;
        r = cmd_check_options("sockets", options, argc, argv, /* stop_at_operand= */ false);
        if (r != EXIT_OK)
                return r;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case ARG_ALL:
                        a->filter.all = true;
                        break;
                case ARG_ALL_NETNS:
                        a->all_netns = true;
                        break;
                case ARG_STATE:
                        r = tcp_state_from_string(optarg);
                        if (r < 0)
                                return bad_value("--state", optarg,
                                                 "not a TCP state (established, syn-sent, syn-recv, fin-wait-1, "
                                                 "fin-wait-2, time-wait, close-wait, last-ack, listen, closing)");
                        a->filter.states |= 1u << r;
                        break;
                case ARG_SRC:
                case ARG_DST:
                        r = sockets_prefix_parse(optarg, c == ARG_SRC ? &a->filter.src : &a->filter.dst);
                        if (r == -ENOMEM)
                                return log_error("out of memory"), EXIT_OPERATION;
                        if (r < 0)
                                return bad_value(c == ARG_SRC ? "--src" : "--dst", optarg,
                                                 "not an address or ADDR/PREFIX (try 10.0.0.0/8, ::1)");
                        *(c == ARG_SRC ? &a->filter.has_src : &a->filter.has_dst) = true;
                        break;
                case ARG_PORT:
                        if (parse_uint(optarg, 65535, &v) < 0)
                                return bad_value("--port", optarg, "not a port (0-65535)");
                        a->filter.port = (int) v;
                        break;
                case ARG_FAILING:
                        a->failing = true;
                        break;
                case ARG_KILL:
                        a->kill = true;
                        break;
                case ARG_DRY_RUN:
                        a->dry_run = true;
                        break;
                case ARG_FORMAT:
                        r = output_format_from_string(optarg);
                        if (r < 0)
                                return bad_value("--format", optarg, "unknown format (try text or json)");
                        ctx->output.format = (enum output_format) r;
                        break;
                case ARG_JSON:
                        ctx->output.format = FORMAT_JSON;
                        break;
                case 'h':
                        help();
                        return -1;
                default:
                        return cmd_bad_option("sockets", options, argv);
                }
        if (optind < argc)
                return bad_value("sockets: unexpected argument", argv[optind], "not an option");
        if (ctx->output.format == FORMAT_PROMETHEUS)
                return log_error("sockets: --format prometheus is not available here (try text or json)"), EXIT_USAGE;
        if (!root_is_host(&ctx->root))
                return log_error("sockets: reads the running kernel's sockets and cannot be used with --root"),
                       EXIT_USAGE;
        if (a->all_netns && ctx->netns)
                return log_error("sockets: --all-netns and --netns exclude each other"), EXIT_USAGE;
        if (a->dry_run && !a->kill)
                return log_error("sockets: --dry-run goes with --kill"), EXIT_USAGE;
        if (a->failing && a->filter.all)
                return log_error("sockets: --failing and --all exclude each other"), EXIT_USAGE;
        if (a->kill && !a->failing && !sockets_filter_narrows(&a->filter))
                return log_error("sockets: --kill needs a filter (--state, --src, --dst, --port) or --failing: "
                                 "it never ends every socket"), EXIT_USAGE;
        if (a->kill && a->all_netns)
                return log_error("sockets: --kill works in one namespace: use --netns, not --all-netns"), EXIT_USAGE;
        return EXIT_OK;
}

/* Why a socket was selected, for the journal. */
static void reason_of(const struct sockets_entry *e, const char *args, char *buf, size_t size) {
        const char *why = e->st.local_address_gone ? "local address gone"
                          : e->pred.failing         ? "failing"
                                                    : "selected";
        const char *err = e->pred.aborts && e->pred.error ? strerrorname_np(e->pred.error) : NULL;
        snprintf(buf, size, "%s%s%s; tcptune sockets%s", why, err ? ", would fail with " : "", strempty(err), args);
}

static int kill_sockets(struct sockets_ns *ns, int argc, char **argv) {
        _cleanup_free_ char *args = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&args, &len);
        for (int i = 1; m && i < argc; i++)
                fprintf(m, " %s", argv[i]);
        if (!m || fclose(m) != 0)
                return log_error("out of memory"), EXIT_OPERATION;
        _cleanup_free_ char *safe = escape_text(args, 300);
        int r = sockets_kill(ns);
        if (r == -EOPNOTSUPP)
                return log_error("sockets: --kill: this kernel cannot end sockets (SOCK_DESTROY: "
                                 "CONFIG_INET_DIAG_DESTROY is not set)"), EXIT_OPERATION;
        if (r == -EPERM)
                return log_error("sockets: --kill: %s (ending a socket needs CAP_NET_ADMIN: run as root)",
                                 strerror(EPERM)), EXIT_OPERATION;
        int status = EXIT_OK;
        for (size_t i = 0; i < ns->n_entries; i++) {
                const struct sockets_entry *e = &ns->entries[i];
                const struct sockdiag_sock *s = &ns->table.socks[e->sock];
                char l[SOCKDIAG_ENDPOINT_MAX], rm[SOCKDIAG_ENDPOINT_MAX], why[512];
                sockdiag_endpoint(s->family, s->src, s->sport, l, sizeof(l));
                sockdiag_endpoint(s->family, s->dst, s->dport, rm, sizeof(rm));
                if (e->kill_error == -ENOENT) {
                        log_notice("sockets: %s -> %s: already gone", l, rm);
                        continue;
                }
                if (e->kill_error < 0) {
                        log_error("sockets: --kill %s -> %s: %s", l, rm, strerror(-e->kill_error));
                        status = EXIT_OPERATION;
                        continue;
                }
                reason_of(e, safe ? safe : "", why, sizeof(why));
                (void) journal_log_kill(ns->label, l, rm, strempty(tcp_state_to_string(e->st.state)), why);
        }
        return status;
}

int cmd_sockets(struct context *ctx, int argc, char **argv) {
        _cleanup_(sockets_report_done) struct sockets_report rep = {};
        struct args a = { .filter.port = -1 };
        int r, status = EXIT_OK;

        r = parse_args(ctx, argc, argv, &a);
        if (r < 0)
                return EXIT_OK; /* --help */
        if (r != EXIT_OK)
                return r;
        if (ctx->output.format != FORMAT_TEXT)
                ctx->output.color = false;

        if (!ctx->kernel_loaded) {
                (void) kernel_info_read_full(&ctx->root, /* want_cc= */ false, &ctx->kernel);
                ctx->kernel_loaded = true;
        }
        r = sockets_run(&ctx->root, context_kernel(ctx), &a.filter, ctx->netns, a.all_netns, &rep);
        if (r == -ENOMEM)
                return log_error("out of memory"), EXIT_OPERATION;
        if (r < 0)
                return log_error("sockets: cannot return to tcptune's own network namespace: %s", strerror(-r)),
                       EXIT_OPERATION;

        for (size_t i = 0; i < rep.n_ns; i++) {
                const struct sockets_ns *ns = &rep.ns[i];
                _cleanup_free_ char *label = escape_text(ns->label, 200);
                if (ns->error == 0)
                        continue;
                if (ns->stage == SOCKETS_STAGE_ENTER) {
                        /* Vanished during the scan, or not ours to enter: reported, not fatal. */
                        if (ns->error == -ENOENT || ns->error == -ESTALE)
                                log_warning("sockets: netns %s: vanished during the scan", strempty(label));
                        else
                                log_warning("sockets: netns %s: cannot enter: %s%s", strempty(label),
                                            strerror(-ns->error),
                                            ns->error == -EPERM ? " (entering a namespace needs root)" : "");
                        continue;
                }
                log_error("sockets: netns %s: %s: %s", strempty(label),
                          ns->stage == SOCKETS_STAGE_SOCKETS ? "sock_diag dump" : "address dump", strerror(-ns->error));
                status = EXIT_OPERATION;
        }
        /* One namespace that could not be read: say so, print nothing. */
        if (!a.all_netns && rep.ns[0].error < 0)
                return EXIT_OPERATION;

        enum output_sockets_kill kill = OUTPUT_SOCKETS_NO_KILL;
        if (a.kill && a.dry_run)
                kill = OUTPUT_SOCKETS_DRY_RUN;
        else if (a.kill) {
                kill = OUTPUT_SOCKETS_KILLED;
                r = kill_sockets(&rep.ns[0], argc, argv);
                if (r != EXIT_OK)
                        status = r;
        }

        size_t failing = 0, listed = 0;
        for (size_t i = 0; i < rep.n_ns; i++) {
                listed += rep.ns[i].n_entries;
                for (size_t k = 0; k < rep.ns[i].n_entries; k++)
                        failing += rep.ns[i].entries[k].pred.failing && !rep.ns[i].entries[k].killed;
        }
        r = output_sockets(&ctx->output, &rep, kill);
        if (r < 0)
                return log_error("cannot write output: %s", strerror(-r)), EXIT_OPERATION;
        if (status != EXIT_OK)
                return status;
        if (kill == OUTPUT_SOCKETS_DRY_RUN)
                return listed ? EXIT_FINDINGS : EXIT_OK;
        if (kill == OUTPUT_SOCKETS_KILLED)
                return EXIT_OK;
        return failing ? EXIT_FINDINGS : EXIT_OK;
}

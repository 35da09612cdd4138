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

/* --json and --format after the command are main.c's: it takes the global
 * options out of argv before the command sees it. */
enum { ARG_ALL = 0x100, ARG_ALL_NETNS, ARG_STATE, ARG_SRC, ARG_DST, ARG_PORT, ARG_FAILING, ARG_KILL,
       ARG_DRY_RUN };
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
        return cmd_fail(EXIT_USAGE, "%s '%s': %s", opt, v ? v : "?", what);
}

struct args {
        struct sockets_filter filter;
        bool all_netns, failing, kill, dry_run;
};

/* Returned by parse_args() after --help: nothing more to do. */
#define HELP_SHOWN (-1)

/* One option getopt returned (c, with its arg) into a. Returns EXIT_OK,
 * EXIT_USAGE or EXIT_OPERATION (out of memory), having logged. */
static int set_option(struct args *a, int c, const char *arg) {
        uint64_t v;
        int r;
        switch (c) {
        case ARG_ALL:
                a->filter.all = true;
                break;
        case ARG_ALL_NETNS:
                a->all_netns = true;
                break;
        case ARG_STATE:
                r = tcp_state_from_string(arg);
                if (r < 0)
                        return bad_value("--state", arg,
                                         "not a TCP state (established, syn-sent, syn-recv, fin-wait-1, "
                                         "fin-wait-2, time-wait, close-wait, last-ack, listen, closing)");
                a->filter.states |= 1u << r;
                break;
        case ARG_SRC:
        case ARG_DST:
                r = sockets_prefix_parse(arg, c == ARG_SRC ? &a->filter.src : &a->filter.dst);
                if (r == -ENOMEM)
                        return cmd_fail(EXIT_OPERATION, "out of memory");
                if (r < 0)
                        return bad_value(c == ARG_SRC ? "--src" : "--dst", arg,
                                         "not an address or ADDR/PREFIX (try 10.0.0.0/8, ::1)");
                *(c == ARG_SRC ? &a->filter.has_src : &a->filter.has_dst) = true;
                break;
        case ARG_PORT:
                if (parse_uint(arg, 65535, &v) < 0)
                        return bad_value("--port", arg, "not a port (0-65535)");
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
        }
        return EXIT_OK;
}

/* The combinations that make no sense, with the global options. */
static int check_args(const struct context *ctx, const struct args *a) {
        if (ctx->output.format == FORMAT_PROMETHEUS)
                return cmd_fail(EXIT_USAGE, "sockets: --format prometheus is not available here (try text or json)");
        if (!root_is_host(&ctx->root))
                return cmd_fail(EXIT_USAGE, "sockets: reads the running kernel's sockets and cannot be used with "
                                "--root");
        if (a->all_netns && ctx->netns)
                return cmd_fail(EXIT_USAGE, "sockets: --all-netns and --netns exclude each other");
        if (a->dry_run && !a->kill)
                return cmd_fail(EXIT_USAGE, "sockets: --dry-run goes with --kill");
        if (a->failing && a->filter.all)
                return cmd_fail(EXIT_USAGE, "sockets: --failing and --all exclude each other");
        if (a->kill && !a->failing && !sockets_filter_narrows(&a->filter))
                return cmd_fail(EXIT_USAGE, "sockets: --kill needs a filter (--state, --src, --dst, --port) or "
                                "--failing: it never ends every socket");
        if (a->kill && a->all_netns)
                return cmd_fail(EXIT_USAGE, "sockets: --kill works in one namespace: use --netns, not --all-netns");
        return EXIT_OK;
}

static int parse_args(const struct context *ctx, int argc, char **argv, struct args *a) {
        int c, r;
        r = cmd_check_options("sockets", options, argc, argv, /* stop_at_operand= */ false);
        if (r != EXIT_OK)
                return r;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
                if (c == 'h') {
                        help();
                        return HELP_SHOWN;
                }
                r = c == '?' ? cmd_bad_option("sockets", options, argv) : set_option(a, c, optarg);
                if (r != EXIT_OK)
                        return r;
        }
        if (optind < argc)
                return bad_value("sockets: unexpected argument", argv[optind], "not an option");
        return check_args(ctx, a);
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
                return cmd_fail(EXIT_OPERATION, "out of memory");
        _cleanup_free_ char *safe = escape_text(args, 300);
        int r = sockets_kill(ns);
        if (r == -EOPNOTSUPP)
                return cmd_fail(EXIT_OPERATION, "sockets: --kill: this kernel cannot end sockets (SOCK_DESTROY: "
                                "CONFIG_INET_DIAG_DESTROY is not set)");
        if (r == -EPERM)
                return cmd_fail(EXIT_OPERATION, "sockets: --kill: %s (ending a socket needs CAP_NET_ADMIN: run as "
                                "root)", strerror(EPERM));
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

/* The kernel facts, then report/sockets.c's report: every namespace
 * visited, each socket's prediction. */
static int collect(struct context *ctx, const struct args *a, struct sockets_report *rep) {
        if (!ctx->kernel_loaded) {
                (void) kernel_info_read_full(&ctx->root, /* want_cc= */ false, &ctx->kernel);
                ctx->kernel_loaded = true;
        }
        int r = sockets_run(&ctx->root, context_kernel(ctx), &a->filter, ctx->netns, a->all_netns, rep);
        if (r == -ENOMEM)
                return cmd_fail(EXIT_OPERATION, "out of memory");
        if (r < 0)
                return cmd_fail(EXIT_OPERATION, "sockets: cannot return to tcptune's own network namespace: %s",
                                strerror(-r));
        return EXIT_OK;
}

/* One line per namespace that could not be read. One that vanished or is
 * not ours to enter is a warning; a failed dump is an error, and
 * EXIT_OPERATION. */
static int log_unreadable(const struct sockets_report *rep) {
        int status = EXIT_OK;
        for (size_t i = 0; i < rep->n_ns; i++) {
                const struct sockets_ns *ns = &rep->ns[i];
                if (ns->error == 0)
                        continue;
                _cleanup_free_ char *label = escape_text(ns->label, 200);
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
        return status;
}

/* The exit status for what was listed: failing sockets left (1), or with
 * --kill --dry-run any socket to end (1); ending them is success. */
static int decide(const struct sockets_report *rep, enum output_sockets_kill kill) {
        size_t failing = 0, listed = 0;
        for (size_t i = 0; i < rep->n_ns; i++) {
                listed += rep->ns[i].n_entries;
                for (size_t k = 0; k < rep->ns[i].n_entries; k++)
                        failing += rep->ns[i].entries[k].pred.failing && !rep->ns[i].entries[k].killed;
        }
        if (kill == OUTPUT_SOCKETS_DRY_RUN)
                return listed ? EXIT_FINDINGS : EXIT_OK;
        if (kill == OUTPUT_SOCKETS_KILLED)
                return EXIT_OK;
        return failing ? EXIT_FINDINGS : EXIT_OK;
}

int cmd_sockets(struct context *ctx, int argc, char **argv) {
        _cleanup_(sockets_report_done) struct sockets_report rep = {};
        struct args a = { .filter.port = -1 };
        enum output_sockets_kill kill = OUTPUT_SOCKETS_NO_KILL;

        int r = parse_args(ctx, argc, argv, &a);
        if (r != EXIT_OK)
                return r == HELP_SHOWN ? EXIT_OK : r;
        if (ctx->output.format != FORMAT_TEXT)
                ctx->output.color = false;
        r = collect(ctx, &a, &rep);
        if (r != EXIT_OK)
                return r;
        int status = log_unreadable(&rep);
        /* One namespace that could not be read: say so, print nothing. */
        if (!a.all_netns && rep.ns[0].error < 0)
                return EXIT_OPERATION;
        if (a.kill && a.dry_run)
                kill = OUTPUT_SOCKETS_DRY_RUN;
        else if (a.kill) {
                kill = OUTPUT_SOCKETS_KILLED;
                r = kill_sockets(&rep.ns[0], argc, argv);
                if (r != EXIT_OK)
                        status = r;
        }
        r = output_sockets(&ctx->output, &rep, kill);
        if (r < 0)
                return cmd_fail(EXIT_OPERATION, "cannot write output: %s", strerror(-r));
        return status != EXIT_OK ? status : decide(&rep, kill);
}

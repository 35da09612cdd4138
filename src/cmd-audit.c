/* SPDX-License-Identifier: MIT */
/* tcptune audit: how long this host takes to notice a dead peer in each
 * scenario, and the tunables behind it. Drift against sysctl.d, findings
 * and Prometheus output build on this (issue 7). */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "log.h"
#include "model-input.h"
#include "output-explain.h"
#include "output-model.h"
#include "sysctl.h"

int cmd_audit(struct context *ctx, int argc, char **argv) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(live_done) struct live live = {};
        struct model_result results[_SCENARIO_MAX];
        struct model_input in;
        bool hz_assumed = false;
        int c, status = EXIT_OK;

        opterr = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        fputs("Usage: tcptune audit\n"
                              "Detection times per scenario on this host (or --netns/--root), and the tunables.\n",
                              stdout);
                        return EXIT_OK;
                default:
                        log_error("audit: option '%s' is unknown (see tcptune audit --help)", argv[optind - 1]);
                        return EXIT_USAGE;
                }
        if (optind < argc) {
                log_error("audit: unexpected argument '%s'", argv[optind]);
                return EXIT_USAGE;
        }
        if (ctx->format == FORMAT_PROMETHEUS) {
                log_error("audit: --format prometheus is not implemented yet; use text or json");
                return EXIT_USAGE;
        }

        if (live_read(ctx->root, &live) < 0)
                return log_error("out of memory"), EXIT_OPERATION;
        size_t n;
        const struct tunable *t = tunable_all(&n);
        for (size_t i = 0; i < n; i++)
                if (live.error[i] < 0 && live.error[i] != -ENOENT) {
                        _cleanup_free_ char *path = sysctl_path(ctx->root, t[i].key);
                        log_error("%s: %s", path ? path : t[i].key, strerror(-live.error[i]));
                        status = EXIT_OPERATION;
                }

        const struct kernel_info *k = context_kernel(ctx);
        model_input_from_live(&live, k, &in, &hz_assumed);
        for (unsigned s = 0; s < _SCENARIO_MAX; s++)
                if (model_run(&in, s, &results[s]) < 0)
                        return log_error("audit: cannot model %s", scenario_to_string(s)), EXIT_OPERATION;

        if (ctx->format == FORMAT_JSON) {
                json_object *doc = json_object_new_object(), *sc = json_object_new_array(),
                            *tun = json_object_new_array();
                json_object_object_add(doc, "kernel", output_model_kernel_json(k, in.hz, hz_assumed));
                json_object_object_add(doc, "netns", ctx->netns ? json_object_new_string(ctx->netns) : NULL);
                for (unsigned s = 0; s < _SCENARIO_MAX; s++)
                        json_object_array_add(sc, output_model_result_json(&results[s], false));
                json_object_object_add(doc, "scenarios", sc);
                for (size_t i = 0; i < n; i++)
                        json_object_array_add(tun, output_tunable_json(&t[i], live.value[i], in.hz));
                json_object_object_add(doc, "tunables", tun);
                int r = json_print(doc, ctx->out);
                json_object_put(doc);
                return r < 0 ? EXIT_OPERATION : status;
        }

        struct model_report rep = {
                .kernel = k, .hz_assumed = hz_assumed, .input = &in,
                .results = results, .n_results = _SCENARIO_MAX,
        };
        fprintf(ctx->out, "%sHow long until a dead peer is noticed%s%s%s\n", color(ctx->color, COLOR_BOLD),
                ctx->netns ? " in network namespace " : "", strempty(ctx->netns), color(ctx->color, COLOR_OFF));
        if (output_model(ctx, &rep) < 0)
                return EXIT_OPERATION;
        fprintf(ctx->out, "\n%sTunables%s\n", color(ctx->color, COLOR_BOLD), color(ctx->color, COLOR_OFF));
        if (output_explain_all(ctx, &live) < 0)
                return EXIT_OPERATION;
        return status;
}

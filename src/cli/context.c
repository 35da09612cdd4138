/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "cmd.h"
#include "log.h"

const struct kernel_info *context_kernel(struct context *ctx) {
        if (!ctx->kernel_loaded) {
                (void) kernel_info_read(&ctx->root, &ctx->kernel);
                ctx->kernel_loaded = true;
        }
        return &ctx->kernel;
}

int context_open_root(struct context *ctx) {
        if (ctx->root.fd >= 0)
                return EXIT_OK;
        int r = root_open(NULL, &ctx->root);
        if (r < 0)
                return log_error("/: %s", strerror(-r)), EXIT_OPERATION;
        return EXIT_OK;
}

void context_done(struct context *ctx) {
        root_done(&ctx->root);
        kernel_info_done(&ctx->kernel);
        ctx->kernel_loaded = false;
}

/* SPDX-License-Identifier: MIT */
#include "cmd.h"

const struct kernel_info *context_kernel(struct context *ctx) {
        if (!ctx->kernel_loaded) {
                (void) kernel_info_read(ctx->root, &ctx->kernel);
                ctx->kernel_loaded = true;
        }
        return &ctx->kernel;
}

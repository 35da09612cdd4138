/* SPDX-License-Identifier: MIT */
/* tcptune audit: for now the tunables table; detection times, drift and
 * findings arrive with the model and sysctl.d engine. */
#include "cmd.h"

int cmd_audit(struct context *ctx, int argc, char **argv) {
        (void) argc;
        char *explain_argv[] = { (char *) "explain", NULL };
        (void) argv;
        return cmd_explain(ctx, 1, explain_argv);
}

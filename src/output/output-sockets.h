/* SPDX-License-Identifier: MIT */
/* `tcptune sockets` rendered: a text table that fits the terminal, or one
 * JSON document (tcptune(8), SOCKETS). Writes to f and nothing else. */
#pragma once

#include <stdio.h>

#include "output.h"
#include "sockets.h"

/* What --kill did, for the text summary and the JSON "killed" keys. */
enum output_sockets_kill {
        OUTPUT_SOCKETS_NO_KILL,
        OUTPUT_SOCKETS_DRY_RUN,
        OUTPUT_SOCKETS_KILLED,
};

/* Render rep in format (text or JSON) to f; text uses colour when color
 * and fits width columns (80 when 0). A namespace with an error is
 * rendered as that error only. Returns 0, -EIO or -ENOMEM. */
int output_sockets(const struct output *out, const struct sockets_report *rep,
                   enum output_sockets_kill kill);

/* Text for the ABORT IN column: "4.1-5.3s", "15m24s-15m26s", into buf. */
const char *output_sockets_range(uint64_t min_us, uint64_t max_us, char *buf, size_t size);

/* s cut in the middle to at most w bytes, keeping the port:
 * "[2001:db8:..:ffff]:443". Into buf (>= w + 1 bytes). */
const char *output_sockets_abbreviate(const char *s, size_t w, char *buf, size_t size);

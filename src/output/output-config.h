/* SPDX-License-Identifier: MIT */
/* Renderers for `config`: the boot-time table (text, JSON) and --cat.
 * Return 0 or a negative errno. */
#pragma once

#include "config-report.h"
#include "output.h"

int output_config(const struct output *out, const struct config_report *rep);

/* --cat: every file in order under a "# FILE" header (a blank line
 * between files), its lines as systemd-sysctl --cat-config prints them;
 * JSON: {"files": [{"file", "lines", "error"}]}. Text keeps the bytes as
 * they are, but on a terminal (out->terminal), where control characters
 * but tabs and bytes that are not UTF-8 show as \xNN. In text a file that
 * could not be opened is left out, except a directory, which
 * systemd-sysctl opens and fails reading: its header comes first. */
int output_config_cat(const struct output *out, const struct config_cat *cat);

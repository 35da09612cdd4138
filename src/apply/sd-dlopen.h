/* SPDX-License-Identifier: MIT */
/* libsystemd, opened on first use. Only `profile apply` and `revert` need
 * it (sd-journal for the record, sd-bus for --reload), yet linking it
 * makes every run load it and what it pulls in (libgcrypt, liblzma,
 * libzstd, liblz4, libcap, libgpg-error): about 0.5 ms of each process,
 * more than the audit's whole budget above a plain /proc/sys reader. So
 * the symbols come through dlopen(), the way systemd loads its own
 * optional libraries, with the prototypes of libsystemd's headers. */
#pragma once

#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

#define SD_DLOPEN_SYMBOLS(X)          \
        X(sd_booted)                  \
        X(sd_journal_sendv)           \
        X(sd_bus_open_system)         \
        X(sd_bus_match_signal)        \
        X(sd_bus_call_method)         \
        X(sd_bus_message_read)        \
        X(sd_bus_process)             \
        X(sd_bus_wait)                \
        X(sd_bus_error_free)          \
        X(sd_bus_message_unref)       \
        X(sd_bus_slot_unref)          \
        X(sd_bus_flush_close_unref)

#define SD_DLOPEN_DECLARE(name) extern __typeof__(name) *sym_##name;
SD_DLOPEN_SYMBOLS(SD_DLOPEN_DECLARE)
#undef SD_DLOPEN_DECLARE

/* Load libsystemd.so.0 and resolve every symbol above, once. Returns 0,
 * or -EOPNOTSUPP when the library or a symbol is missing (then no sym_*
 * may be called). */
int sd_dlopen(void);

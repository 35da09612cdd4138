/* SPDX-License-Identifier: MIT */
/* The systemd side of apply: a journal entry per apply and revert, and
 * restarting systemd-sysctl.service over D-Bus for --reload. */
#include <stdarg.h>
#include <stdio.h>
#include <sys/uio.h>
#include <time.h>

#include "apply-internal.h"
#include "root.h"
#include "sd-dlopen.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
#define SYSCTL_UNIT "systemd-sysctl.service"
#define RELOAD_TIMEOUT_USEC (30 * USEC_PER_SEC)

static int add_field(struct iovec **iov, size_t *n, const char *fmt, ...) _printf_(3, 4);
static int add_field(struct iovec **iov, size_t *n, const char *fmt, ...) {
        char *s = NULL;
        va_list ap;
        va_start(ap, fmt);
        int r = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        struct iovec *ni = realloc(*iov, (*n + 1) * sizeof(struct iovec));
        if (!ni) {
                free(s);
                return -ENOMEM;
        }
        *iov = ni;
        (*iov)[(*n)++] = (struct iovec) { .iov_base = s, .iov_len = strlen(s) };
        return 0;
}

void apply_journal(const struct apply_request *req, const char *action, const struct apply_result *res) {
        /* A --root tree is a fixture or an image, not this host's kernel. */
        if (!root_is_host(req->root) || access(JOURNAL_SOCKET, F_OK) < 0 || sd_dlopen() < 0)
                return;

        struct iovec *iov = NULL;
        size_t n = 0;
        bool apply = streq(action, "apply");
        int r = 0;
        const char *dropin = res->dropin_path ? res->dropin_path : "none";
        const char *what = apply_dropin_action_to_string(res->dropin);

        if (apply)
                r |= add_field(&iov, &n, "MESSAGE=tcptune: applied profile %s: %zu live value%s changed, drop-in %s %s",
                               strempty(req->profile_name), res->n_changes, res->n_changes == 1 ? "" : "s",
                               dropin, what);
        else
                r |= add_field(&iov, &n, "MESSAGE=tcptune: reverted: %zu live value%s restored, drop-in %s %s",
                               res->n_changes, res->n_changes == 1 ? "" : "s", dropin, what);
        r |= add_field(&iov, &n, "MESSAGE_ID=" APPLY_MESSAGE_ID);
        r |= add_field(&iov, &n, "PRIORITY=5");
        r |= add_field(&iov, &n, "SYSLOG_IDENTIFIER=tcptune");
        r |= add_field(&iov, &n, "TCPTUNE_ACTION=%s", action);
        if (apply) {
                r |= add_field(&iov, &n, "PROFILE=%s", strempty(req->profile_name));
                if (req->profile_file)
                        r |= add_field(&iov, &n, "PROFILE_FILE=%s", req->profile_file);
        }
        r |= add_field(&iov, &n, "DROPIN=%s", dropin);
        r |= add_field(&iov, &n, "DROPIN_ACTION=%s", what);
        r |= add_field(&iov, &n, "NETNS=%s", req->netns ? "yes" : "no");
        for (size_t i = 0; i < res->n_changes; i++)
                r |= add_field(&iov, &n, "CHANGE=%s %s -> %s", res->changes[i].key, res->changes[i].old,
                               res->changes[i].new);
        /* The journal is a record, not a precondition: a failure to log
         * does not undo a change that is made. */
        if (r == 0)
                (void) sym_sd_journal_sendv(iov, (int) n);
        for (size_t i = 0; i < n; i++)
                free(iov[i].iov_base);
        free(iov);
}

struct job_wait {
        char *job;        /* our job's object path, once known */
        char *result;     /* its result, once removed */
        char *early_job;  /* a JobRemoved for our unit seen before we knew */
        char *early_result;
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        struct job_wait *w = userdata;
        const char *path, *unit, *result;
        uint32_t id;
        if (sym_sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
                return 0;
        if (!streq(unit, SYSCTL_UNIT))
                return 0;
        if (w->job && streq(w->job, path)) {
                free(w->result);
                w->result = strdup(result);
        } else if (!w->job) {
                free(w->early_job);
                free(w->early_result);
                w->early_job = strdup(path);
                w->early_result = strdup(result);
        }
        return 0;
}

static uint64_t now_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * USEC_PER_SEC + (uint64_t) ts.tv_nsec / 1000;
}

/* What goes wrong here is about the bus and the unit, no file. */
static int fail(struct error *err, int r, const char *fmt, ...) _printf_(3, 4);
static int fail(struct error *err, int r, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        r = error_setv(err, r, NULL, 0, fmt, ap);
        va_end(ap);
        return r;
}

/* Ask systemd to restart the unit; w->job names the job it queued, and
 * w->result is set when its JobRemoved came before the reply. */
static int restart_unit(sd_bus *bus, struct job_wait *w, struct error *err) {
        sd_bus_message *reply = NULL;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *job;
        int r;

        r = sym_sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "RestartUnit", &error, &reply, "ss",
                               SYSCTL_UNIT, "replace");
        if (r < 0) {
                r = fail(err, r, "RestartUnit %s: %s", SYSCTL_UNIT,
                         error.message ? error.message : strerror(-r));
                goto finish;
        }
        r = sym_sd_bus_message_read(reply, "o", &job);
        if (r < 0) {
                r = fail(err, r, "RestartUnit %s: unexpected reply", SYSCTL_UNIT);
                goto finish;
        }
        w->job = strdup(job);
        if (!w->job) {
                r = -ENOMEM;
                goto finish;
        }
        if (w->early_job && streq(w->early_job, w->job))
                w->result = TAKE_PTR(w->early_result);
        r = 0;
finish:
        sym_sd_bus_error_free(&error);
        sym_sd_bus_message_unref(reply);
        return r;
}

/* Process the bus until w->result, for RELOAD_TIMEOUT_USEC at most. */
static int wait_job(sd_bus *bus, struct job_wait *w, struct error *err) {
        for (uint64_t deadline = now_usec() + RELOAD_TIMEOUT_USEC; !w->result;) {
                int r = sym_sd_bus_process(bus, NULL);
                if (r < 0)
                        return fail(err, r, "system bus: %s", strerror(-r));
                if (r > 0)
                        continue;
                uint64_t t = now_usec();
                if (t >= deadline)
                        return fail(err, -ETIMEDOUT, "%s: job %s did not finish within %llus", SYSCTL_UNIT,
                                    w->job, (unsigned long long) (RELOAD_TIMEOUT_USEC / USEC_PER_SEC));
                r = sym_sd_bus_wait(bus, deadline - t);
                if (r < 0)
                        return fail(err, r, "system bus: %s", strerror(-r));
        }
        return 0;
}

int apply_reload_sysctl(struct error *err) {
        sd_bus *bus = NULL;
        sd_bus_slot *slot = NULL;
        struct job_wait w = {};
        int r;

        if (sd_dlopen() < 0)
                return fail(err, -EOPNOTSUPP, "--reload needs libsystemd.so.0, which cannot be loaded");
        if (sym_sd_booted() <= 0)
                return -EOPNOTSUPP;
        r = sym_sd_bus_open_system(&bus);
        if (r < 0) {
                r = fail(err, r, "cannot connect to the system bus: %s", strerror(-r));
                goto finish;
        }
        /* Match before the call: the job may finish before the reply. */
        r = sym_sd_bus_match_signal(bus, &slot, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                "org.freedesktop.systemd1.Manager", "JobRemoved", on_job_removed, &w);
        if (r < 0) {
                r = fail(err, r, "cannot watch systemd's jobs: %s", strerror(-r));
                goto finish;
        }
        if ((r = restart_unit(bus, &w, err)) < 0 || (r = wait_job(bus, &w, err)) < 0)
                goto finish;
        if (!streq(w.result, "done")) {
                r = fail(err, -EIO, "%s: restart job %s (see journalctl -u %s)", SYSCTL_UNIT, w.result,
                         SYSCTL_UNIT);
                goto finish;
        }
        r = 0;
finish:
        free(w.job);
        free(w.result);
        free(w.early_job);
        free(w.early_result);
        sym_sd_bus_slot_unref(slot);
        sym_sd_bus_flush_close_unref(bus);
        return r;
}

bool apply_reload_available(void) {
        return sd_dlopen() == 0 && sym_sd_booted() > 0;
}

/* SPDX-License-Identifier: MIT */
/* A stand-in for systemd's manager on a private bus, for testing
 * `profile apply --reload`: org.freedesktop.systemd1 with one method,
 * Manager.RestartUnit(ss) -> o, which emits JobRemoved(uoss) after its
 * reply, as systemd does. What the "job" does is read from MODE_FILE at
 * each call: "run" runs COMMAND (sh -c) and reports "done" or "failed" by
 * its status, "fail" reports "failed", "noop" reports "done" and does
 * nothing. Each call is appended to LOG_FILE ("UNIT MODE RESULT").
 *   fake-systemd1 MODE_FILE LOG_FILE READY_FILE COMMAND */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

static const char *mode_file, *log_file, *command;
static unsigned next_id = 1;

static int restart_unit(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *unit, *mode;
        char what[16] = "run", path[64];
        int r = sd_bus_message_read(m, "ss", &unit, &mode);
        if (r < 0)
                return r;
        FILE *f = fopen(mode_file, "re");
        if (f) {
                if (fscanf(f, "%15s", what) != 1)
                        strcpy(what, "run");
                fclose(f);
        }
        const char *result = "done";
        if (strcmp(what, "fail") == 0)
                result = "failed";
        else if (strcmp(what, "run") == 0)
                result = system(command) == 0 ? "done" : "failed";
        unsigned id = next_id++;
        snprintf(path, sizeof(path), "/org/freedesktop/systemd1/job/%u", id);
        f = fopen(log_file, "ae");
        if (f) {
                fprintf(f, "%s %s %s %s\n", unit, mode, what, result);
                fclose(f);
        }
        r = sd_bus_reply_method_return(m, "o", path);
        if (r < 0)
                return r;
        return sd_bus_emit_signal(sd_bus_message_get_bus(m), "/org/freedesktop/systemd1",
                                  "org.freedesktop.systemd1.Manager", "JobRemoved", "uoss", id, path, unit, result);
}

static const sd_bus_vtable manager[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("RestartUnit", "ss", "o", restart_unit, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL("JobRemoved", "uoss", 0),
        SD_BUS_VTABLE_END,
};

int main(int argc, char **argv) {
        sd_bus *bus = NULL;
        int r;

        if (argc != 5) {
                fprintf(stderr, "usage: fake-systemd1 MODE_FILE LOG_FILE READY_FILE COMMAND\n");
                return 2;
        }
        mode_file = argv[1];
        log_file = argv[2];
        command = argv[4];
        r = sd_bus_open_system(&bus);
        if (r < 0) {
                fprintf(stderr, "fake-systemd1: system bus: %s\n", strerror(-r));
                return 1;
        }
        r = sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                                     manager, NULL);
        if (r >= 0)
                r = sd_bus_request_name(bus, "org.freedesktop.systemd1", 0);
        if (r < 0) {
                fprintf(stderr, "fake-systemd1: %s\n", strerror(-r));
                return 1;
        }
        FILE *f = fopen(argv[3], "we");
        if (f)
                fclose(f);
        for (;;) {
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return 1;
                if (r > 0)
                        continue;
                if (sd_bus_wait(bus, UINT64_MAX) < 0)
                        return 1;
        }
}

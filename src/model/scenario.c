/* SPDX-License-Identifier: MIT */
#include "scenario.h"
#include "util.h"

static const struct {
        const char *name;
        const char *description;
} scenarios[_SCENARIO_MAX] = {
        [SCENARIO_ESTABLISHED] = { "established", "data written, peer silent: error on the next call" },
        [SCENARIO_IDLE]        = { "idle",        "nothing in flight: only keepalive notices" },
        [SCENARIO_CONNECT]     = { "connect",     "connect() to a silent address" },
        [SCENARIO_ACCEPT]      = { "accept",      "half-open passive handshake dropped" },
        [SCENARIO_ORPHAN]      = { "orphan",      "after close() with unacknowledged data" },
        [SCENARIO_FIN_WAIT_2]  = { "fin-wait-2",  "after close(), peer never sends its FIN" },
        [SCENARIO_ZERO_WINDOW] = { "zero-window", "peer's window closed, then silent" },
};

const char *scenario_to_string(enum scenario s) {
        return (unsigned) s < _SCENARIO_MAX ? scenarios[s].name : NULL;
}

const char *scenario_description(enum scenario s) {
        return (unsigned) s < _SCENARIO_MAX ? scenarios[s].description : NULL;
}

int scenario_from_string(const char *s) {
        for (unsigned i = 0; i < _SCENARIO_MAX; i++)
                if (streq(s, scenarios[i].name))
                        return (int) i;
        return -EINVAL;
}

/* SPDX-License-Identifier: MIT */
#include "scenario.h"
#include "util.h"

static const struct {
        const char *name;
} scenarios[_SCENARIO_MAX] = {
        [SCENARIO_ESTABLISHED] = { "established" },
        [SCENARIO_IDLE]        = { "idle" },
        [SCENARIO_CONNECT]     = { "connect" },
        [SCENARIO_ACCEPT]      = { "accept" },
        [SCENARIO_ORPHAN]      = { "orphan" },
        [SCENARIO_FIN_WAIT_2]  = { "fin-wait-2" },
        [SCENARIO_ZERO_WINDOW] = { "zero-window" },
};

const char *scenario_to_string(enum scenario s) {
        return (unsigned) s < _SCENARIO_MAX ? scenarios[s].name : NULL;
}

int scenario_from_string(const char *s) {
        for (unsigned i = 0; i < _SCENARIO_MAX; i++)
                if (streq(s, scenarios[i].name))
                        return (int) i;
        return -EINVAL;
}

/* SPDX-License-Identifier: MIT */
/* The situations the kernel distinguishes when a peer goes silent
 * (DESIGN.md "Scenarios"). */
#pragma once

enum scenario {
        SCENARIO_ESTABLISHED,
        SCENARIO_IDLE,
        SCENARIO_CONNECT,
        SCENARIO_ACCEPT,
        SCENARIO_ORPHAN,
        SCENARIO_FIN_WAIT_2,
        SCENARIO_ZERO_WINDOW,
        _SCENARIO_MAX,
};

#define SCENARIO_BIT(s) (1u << (s))
#define SCENARIO_ALL ((1u << _SCENARIO_MAX) - 1)

const char *scenario_to_string(enum scenario s);
/* Returns the scenario or -EINVAL. */
int scenario_from_string(const char *s);

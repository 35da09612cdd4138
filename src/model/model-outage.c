/* SPDX-License-Identifier: MIT */
#include "model-outage.h"

void model_outage_init(struct model_outage *o, uint64_t duration_us) {
        *o = (struct model_outage) {
                .duration_us = duration_us,
                .survives = true,
                .resume_min_us = UINT64_MAX,
                .tolerance_us = UINT64_MAX,
        };
}

/* The last transmission before the kernel gives up: the longest outage
 * this phase survives (invariant 2). */
static uint64_t phase_tolerance(const struct model_phase *p) {
        for (size_t i = p->n_tx; i > 0; i--)
                if (!p->gives_up || p->tx_us[i - 1] < p->give_up_us)
                        return p->gives_up ? p->tx_us[i - 1] : UINT64_MAX;
        return 0;
}

void model_outage_add(struct model_outage *o, const struct model_phase *p) {
        uint64_t tol = p->n_tx ? phase_tolerance(p) : 0, resume = UINT64_MAX;
        bool survives = p->n_tx > 0 && o->duration_us <= tol;

        o->n_phases++;
        if (tol < o->tolerance_us)
                o->tolerance_us = tol;
        for (size_t i = 1; i < p->n_tx && p->tx_us[i - 1] < tol; i++)
                if (p->tx_us[i] - p->tx_us[i - 1] > o->wait_max_us)
                        o->wait_max_us = p->tx_us[i] - p->tx_us[i - 1];
        if (survives)
                for (size_t i = 0; i < p->n_tx; i++)
                        if (p->tx_us[i] >= o->duration_us) {
                                resume = p->tx_us[i];
                                break;
                        }
        if (!survives || resume == UINT64_MAX) {
                o->survives = false;
                o->resume_min_us = o->resume_max_us = 0;
                return;
        }
        if (!o->survives)
                return;
        if (resume < o->resume_min_us)
                o->resume_min_us = resume;
        if (resume > o->resume_max_us)
                o->resume_max_us = resume;
}

/* SPDX-License-Identifier: MIT */
/* The audit's three emitters behind one call: text
 * (output-audit-text.c), JSON (output-audit-json.c) and Prometheus
 * (output-prometheus.c). */
#include "output-audit-internal.h"
#include "output-prometheus.h"

bool output_audit_tunable_is_newer(const struct tunable *t) {
        return t->since && kernel_version_at_least(t->since, "4.20");
}

static int emit_prometheus(const struct output *out, const struct audit_report *rep) {
        return output_prometheus(out->stream, rep);
}

static const struct audit_emitter {
        int (*emit)(const struct output *out, const struct audit_report *rep);
} emitters[] = {
        [FORMAT_TEXT] = { output_audit_text },
        [FORMAT_JSON] = { output_audit_json },
        [FORMAT_PROMETHEUS] = { emit_prometheus },
};

int output_audit(const struct output *out, const struct audit_report *rep) {
        if ((size_t) out->format >= ELEMENTSOF(emitters) || rep->n_ns == 0)
                return -EINVAL;
        return emitters[out->format].emit(out, rep);
}

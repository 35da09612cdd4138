#!/bin/bash
# Compare src/model.c with the copy at a git revision (integ by default)
# over random and edge-case inputs; see tools/model-diff.c.
# usage: tools/model-diff.sh [REV [N [SEED]]]
# MODEL_DIFF_CFLAGS adds compiler flags, e.g. -fsanitize=address,undefined.
set -eu
cd "$(dirname "$0")/.."
rev=${1:-integ}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git show "$rev:src/model/model.c" >"$tmp/old-model.c" 2>/dev/null ||
        git show "$rev:src/model.c" >"$tmp/old-model.c"
flags="-std=c17 -O2 -D_GNU_SOURCE -Wall -Wextra -Wno-missing-field-initializers -Isrc/model -Isrc/base ${MODEL_DIFF_CFLAGS:-}"
ren=""
for f in model_run model_input_defaults model_event_kind_to_string model_budget_ms model_rto_us; do
        ren="$ren -D$f=old_$f"
done
# shellcheck disable=SC2086
cc $flags $ren -c "$tmp/old-model.c" -o "$tmp/old.o"
# shellcheck disable=SC2086
cc $flags -c src/model/model.c -o "$tmp/new.o"
# shellcheck disable=SC2086
cc $flags tools/model-diff.c "$tmp/old.o" "$tmp/new.o" -o "$tmp/model-diff"
"$tmp/model-diff" "${2:-20000}" "${3:-31895}"

#!/bin/bash
# Compare the model (src/model/model*.c but model-input.c) and advise
# (src/model/advise.c) with their copies at a git revision (main by
# default) over random and edge-case inputs; see tools/model-diff.c.
#
# usage: tools/model-diff.sh [REV [N [SEED [model|advise]]]]
#   REV     the revision to compare the working tree with (default main)
#   N       random inputs per part, after the fixed edge inputs (11200)
#           (default 20000)
#   SEED    of the random inputs (default 31895)
#   model|advise   run one part only (default both)
# MODEL_DIFF_CFLAGS adds compiler flags, e.g. -fsanitize=address,undefined.
# Prints one line per part: runs, how many differ, for advise how its
# outcomes spread (already within, proposed, impossible); the first ten
# differences go to stderr with their input. Exit 0: identical; 1: some
# differ; 2: the revisions cannot be compared.
#
#   tools/model-diff.sh main 20000      # model: 218400 runs; advise:
#                                       # 31200 runs; a few minutes
#   tools/model-diff.sh HEAD~1 0 1 advise   # the edge inputs, advise only
#
# Each side is compiled from its own tree, headers included, so a revision
# with one model.c compares against a split model, and a split one
# against whatever it later became. The old side's objects are linked into
# one relocatable object in which only the renamed entry points (old_*)
# stay global: helpers that both sides define under one name cannot clash.
# Old advise calls the old model. tools/model-diff-old.c, compiled with the
# old headers, tells the driver the old struct sizes: advise is compared
# only where its report has today's layout, and a model older than the
# appended address-gone and outage fields is compared without them.
# Everything else either side calls (the tunables catalog, where the kernel
# defaults live, the parsers it uses, model_input_get() which advise
# prints its changes with) comes from the current src/model and src/base,
# compiled into one archive from which the linker takes only what is
# called: the model is pure, so no file of host/ or above is needed, and a
# base/ file the model does not use (root.c) is compiled but never linked.
set -eu
cd "$(dirname "$0")/.."
rev=${1:-main}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The compared sources under a tree: model*.c and advise.c, without the
# input reader (model-input.c: key spellings and parsing, which older
# revisions mixed with reading live values) and the report that runs the
# model for `tcptune model` (src/report/model-report.c, which needs the
# host layer).
compared_sources() {
        find "$1" \( -name 'model*.c' -o -name advise.c \) ! -name 'model-input.c' ! -name 'model-report.c' | sort
}
# -I for every source folder: flat src/ or layer folders.
include_flags() {
        find "$1" -type d -printf '-I%p '
}

mkdir "$tmp/old"
git archive "$rev" src | tar -x -C "$tmp/old"
flags="-std=c17 -O2 -D_GNU_SOURCE -Wall -Wextra -Wno-missing-field-initializers ${MODEL_DIFF_CFLAGS:-}"
entry="model_run model_input_defaults model_event_kind_to_string model_budget_ms model_rto_us
       advise_run advise_probes_per_hour"
ren="" keep="-G old_model_diff_input_size -G old_model_diff_result_size -G old_model_diff_report_size"
for f in $entry; do
        ren="$ren -D$f=old_$f"
        keep="$keep -G old_$f"
done

old_sources=$(compared_sources "$tmp/old/src")
grep -q '/model[^/]*\.c$' <<<"$old_sources" || { echo "model-diff: no model*.c in $rev" >&2; exit 2; }
old_objs=()
for src in $old_sources tools/model-diff-old.c; do
        obj="$tmp/old-$(basename "$src" .c).o"
        # shellcheck disable=SC2086,SC2046
        cc $flags $(include_flags "$tmp/old/src") $ren -c "$src" -o "$obj"
        old_objs+=("$obj")
done
ld -r -o "$tmp/old-all.o" "${old_objs[@]}"
# shellcheck disable=SC2086
objcopy $keep "$tmp/old-all.o" "$tmp/old.o"

# The current side, with the include folders of the model's layer and the
# one below it only (src/model/meson.build: model may include base).
new_inc="-Isrc/model -Isrc/base"
new_objs=() support_objs=()
compared=$(compared_sources src/model)
for src in $(find src/model src/base -name '*.c' | sort); do
        obj="$tmp/new-$(basename "$src" .c).o"
        # shellcheck disable=SC2086
        cc $flags $new_inc -c "$src" -o "$obj"
        if grep -qxF "$src" <<<"$compared"; then
                new_objs+=("$obj")
        else
                support_objs+=("$obj")
        fi
done
ar rcs "$tmp/support.a" "${support_objs[@]}"
# shellcheck disable=SC2086
cc $flags $new_inc tools/model-diff.c "$tmp/old.o" "${new_objs[@]}" "$tmp/support.a" -o "$tmp/model-diff"
"$tmp/model-diff" "${2:-20000}" "${3:-31895}" ${4:+"$4"}

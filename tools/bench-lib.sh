# Sourced by tools/bench*.sh: whole-process medians and the floor.
# bench_init RUNS: sets $runs, $tcptune (TCPTUNE overrides build/tcptune),
# $tmp (removed on exit, with whatever bench_cleanup adds) and compiles the
# floor, tools/floor-reader.c, to $tmp/floor.
bench_init() {
        runs=$1
        tcptune=${TCPTUNE:-build/tcptune}
        [ -x "$tcptune" ] || { echo "$(basename "$0"): build tcptune first (ninja -C build)" >&2; exit 2; }
        tmp=$(mktemp -d)
        trap 'bench_cleanup; rm -rf "$tmp"' EXIT
        cc -O2 -o "$tmp/floor" tools/floor-reader.c
}
bench_cleanup() { :; }

# median_us [-r N] CMD...: median wall time in microseconds of CMD over
# $runs runs (or N): hyperfine -N when installed (spawns directly, no
# shell; -i: exit 1 for findings is no failure), else a loop whose date(1)
# calls add their own cost.
median_us() {
        local n=$runs
        [ "$1" = -r ] && { n=$2; shift 2; }
        if command -v hyperfine >/dev/null; then
                hyperfine -N -i -w $((n < 20 ? 2 : 20)) -r "$n" --export-json "$tmp/h.json" -- "$(printf '%q ' "$@")" >/dev/null 2>&1
                jq '.results[0].median * 1000000 | floor' "$tmp/h.json"
                return
        fi
        local i t0 t1
        for ((i = 0; i < n; i++)); do
                t0=$(date +%s%N)
                "$@" >/dev/null 2>&1 || true
                t1=$(date +%s%N)
                echo $(((t1 - t0) / 1000))
        done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# ratio A B: A / B with two decimals.
ratio() { LC_ALL=C printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }

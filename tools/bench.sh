#!/bin/bash
# Whole-process wall time of tcptune commands against named baselines, as
# ratios, in one run. Medians of N runs (hyperfine when installed, else a
# plain loop). Baselines:
#   floor     tools/floor-reader.c: reads every /proc/sys/net/ipv4/tcp_* once
#   sysctl    sysctl -a -r '^net.ipv4.tcp_' (procps)
# usage: tools/bench.sh [RUNS]   (needs build/tcptune; cc for the floor)
set -eu
cd "$(dirname "$0")/.."
runs=${1:-300}
tcptune=${TCPTUNE:-build/tcptune}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/floor" tools/floor-reader.c

# median wall time in microseconds of a command line, over $runs runs:
# hyperfine without a shell when installed (it subtracts nothing, but
# spawns directly), else a loop whose date(1) calls add their own cost.
median_us() {
        if command -v hyperfine >/dev/null; then
                hyperfine -N -w 20 -r "$runs" --export-json "$tmp/h.json" -- "$(printf '%q ' "$@")" >/dev/null 2>&1
                jq '.results[0].median * 1000000 | floor' "$tmp/h.json"
                return
        fi
        local i t0 t1
        for ((i = 0; i < runs; i++)); do
                t0=$(date +%s%N)
                "$@" >/dev/null 2>&1 || true
                t1=$(date +%s%N)
                echo $(((t1 - t0) / 1000))
        done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

floor=$(median_us "$tmp/floor")
sysctl_t=$(median_us sysctl -a -r '^net.ipv4.tcp_')
printf '%-34s %8s us\n' "floor (read tcp_* once)" "$floor" "sysctl -a -r ^net.ipv4.tcp_" "$sysctl_t"
for cmd in "explain" "--json explain" "model" "--json model"; do
        # shellcheck disable=SC2086
        t=$(median_us "$tcptune" $cmd)
        printf '%-34s %8s us   %5.2fx floor   %5.2fx faster than sysctl\n' "tcptune $cmd" "$t" \
                "$(echo "$t / $floor" | bc -l)" "$(echo "$sysctl_t / $t" | bc -l)"
done

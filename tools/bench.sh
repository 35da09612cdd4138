#!/bin/bash
# Whole-process wall time of tcptune commands against named baselines, as
# ratios, in one run. Medians of N runs (hyperfine -N when installed, else
# a plain loop). Baselines:
#   floor     tools/floor-reader.c: reads every /proc/sys/net/ipv4/tcp_* once
#   sysctl    sysctl -a -r '^net.ipv4.tcp_' (procps)
# Targets (issue 7), each PASS or FAIL in the table:
#   tcptune audit              at most 1.5x the floor, at least 5x faster than sysctl
#   tcptune audit --all-netns  with 50 namespaces: under 1 s
# The 50 namespaces (root only) are throwaway ones this script adds with
# `ip netns add`, changes one value inside each, and deletes on exit.
# usage: tools/bench.sh [RUNS]   (needs build/tcptune; cc for the floor)
set -eu
cd "$(dirname "$0")/.."
. tools/bench-lib.sh
bench_init "${1:-300}"
verdicts=0

# row LABEL MEDIAN-US TARGET-TEXT VERDICT
row() { printf '%-56s %9s us  %7s  %7s  %-41s %s\n' "$1" "$2" "$3" "$4" "$5" "$6"; }
# bench LABEL [-r N] ARGS...: time tcptune ARGS, or say why it cannot be.
bench() {
        local label=$1 rc
        shift
        local r=()
        [ "$1" = -r ] && { r=(-r "$2"); shift 2; }
        "$tcptune" "$@" >/dev/null 2>"$tmp/err" && rc=0 || rc=$?
        if [ $rc -gt 1 ]; then
                row "$label" "-" "" "" "cannot run: exit $rc" "FAIL: $(head -1 "$tmp/err")"
                verdicts=$((verdicts + 1))
                t=
                return 1
        fi
        t=$(median_us "${r[@]}" "$tcptune" "$@")
}
# judge CONDITION...: $v becomes PASS or FAIL per bc condition ("2.1 <= 1.5"),
# the failures counted.
judge() {
        local c
        v=
        for c in "$@"; do
                if [ "$(echo "$c" | bc -l)" = 1 ]; then v="$v PASS"; else v="$v FAIL"; verdicts=$((verdicts + 1)); fi
        done
        v=${v# }
}

floor=$(median_us "$tmp/floor")
sysctl_t=$(median_us sysctl -a -r '^net.ipv4.tcp_')
echo "$(basename "$0"): medians of $runs runs ($(command -v hyperfine >/dev/null && echo "hyperfine -N" || echo "a date(1) loop")), $(nproc) CPUs, kernel $(uname -r)"
# audit's row depends on this: a TCP socket here that is not a listener
# costs it one walk of the kernel's whole established hash (about 1 ms of
# CPU with 262144 buckets), none costs it two small /proc reads.
echo "TCP sockets in this namespace (sockstat inuse, listeners included): IPv4 $(awk '$1 == "TCP:" { print $3 }' /proc/net/sockstat 2>/dev/null), IPv6 $(awk '$1 == "TCP6:" { print $3 }' /proc/net/sockstat6 2>/dev/null)"
row "COMMAND" "MEDIAN" "/FLOOR" "SYSCTL/" "TARGET" "VERDICT"
row "floor (read /proc/sys/net/ipv4/tcp_* once)" "$floor" "1.00" "" "" ""
row "sysctl -a -r '^net.ipv4.tcp_'" "$sysctl_t" "$(ratio "$sysctl_t" "$floor")" "1.00" "" ""

# --version only starts the process and loads its libraries (libsystemd,
# json-c, inih, zlib): the part of every row that no reading can avoid.
for cmd in "--version" "explain" "--json explain" "model" "--json model" "audit" "--json audit" "--format prometheus audit"; do
        # shellcheck disable=SC2086
        bench "tcptune $cmd" $cmd || continue
        f=$(ratio "$t" "$floor"); s=$(ratio "$sysctl_t" "$t")
        case $cmd in
        audit)
                # The target rows are judged against baselines measured
                # right next to them: load from other work drifts over a run.
                f0=$(median_us "$tmp/floor"); t=$(median_us "$tcptune" audit)
                s0=$(median_us sysctl -a -r '^net.ipv4.tcp_')
                f=$(ratio "$t" "$f0"); s=$(ratio "$s0" "$t")
                judge "$f <= 1.5" "$s >= 5"
                row "tcptune $cmd (floor $f0, sysctl $s0 us beside it)" "$t" "$f" "$s" \
                        "<= 1.5x floor, >= 5x faster than sysctl" "$v" ;;
        *) row "tcptune $cmd" "$t" "$f" "$s" "" "" ;;
        esac
done

# --all-netns over 50 throwaway namespaces.
n_ns=50
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
        row "tcptune audit --all-netns ($n_ns netns)" "-" "" "" "< 1 s" "SKIPPED: needs root and ip"
else
        prefix=tcptune-bench-$$-
        bench_cleanup() {
                local n
                for n in $(ip netns list | awk '{print $1}' | grep "^$prefix"); do ip netns delete "$n"; done
        }
        for i in $(seq 1 $n_ns); do
                ip netns add "$prefix$i"
                ip netns exec "$prefix$i" sh -c "echo $((3 + i % 12)) >/proc/sys/net/ipv4/tcp_retries2"
        done
        all=$(ip netns list | wc -l)
        # Each of them must really be audited, with its own value.
        seen=$("$tcptune" --format prometheus audit --all-netns 2>/dev/null |
                grep -c "^tcptune_sysctl_value{netns=\"$prefix[0-9]*\",key=\"net.ipv4.tcp_retries2\"}")
        [ "$seen" = $n_ns ] || { echo "bench.sh: --all-netns audited $seen of the $n_ns namespaces" >&2; verdicts=$((verdicts + 1)); }
        for args in "audit --all-netns" "--format prometheus audit --all-netns"; do
                # shellcheck disable=SC2086
                bench "tcptune $args ($all netns)" -r $((runs < 30 ? runs : 30)) $args || continue
                judge "$t < 1000000"
                row "tcptune $args ($all netns)" "$t" "$(ratio "$t" "$floor")" "$(ratio "$sysctl_t" "$t")" "< 1 s" "$v"
        done
fi
[ $verdicts = 0 ] && echo "all targets met" || echo "$verdicts target(s) missed"

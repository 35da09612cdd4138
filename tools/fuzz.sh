#!/bin/sh
# SPDX-License-Identifier: MIT
# Run the libFuzzer targets: tools/fuzz.sh [SECONDS] [TARGET...]
#
# Builds build-fuzz (clang, ASan+UBSan, -Dfuzz=true) when it is missing,
# then runs each TARGET (default: every directory of tests/fuzz/corpus)
# for SECONDS (default 600), FUZZ_JOBS at a time (default 1), and prints
# per target the executions, executions per second, final coverage
# (libFuzzer's cov: and ft:) and whether it crashed, keeping the crash
# input. New inputs go to $FUZZ_WORK/TARGET (default
# ${TMPDIR:-/tmp}/tcptune-fuzz), never into the source tree; merge the
# few worth keeping by hand (tests/fuzz/README.md).
#
#   tools/fuzz.sh 600                    # every target, 10 minutes each
#   FUZZ_JOBS=2 tools/fuzz.sh 120 state kernel
set -eu

secs=${1:-600}
[ $# -gt 0 ] && shift
case $secs in
*[!0-9]* | '') echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac
src=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD:-$src/build-fuzz}
work=${FUZZ_WORK:-${TMPDIR:-/tmp}/tcptune-fuzz}
jobs=${FUZZ_JOBS:-1}

# Target names are words ([a-z]+): split them.
# shellcheck disable=SC2046,SC2086
if [ $# -eq 0 ]; then
        set -- $(cd "$src/tests/fuzz/corpus" && ls)
fi
for t; do
        if [ ! -d "$src/tests/fuzz/corpus/$t" ]; then
                echo "$0: no target '$t' (tests/fuzz/corpus lists them)" >&2
                exit 2
        fi
done

if [ ! -f "$build/build.ninja" ]; then
        CC=clang meson setup "$build" "$src" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
# shellcheck disable=SC2046
ninja -C "$build" $(for t; do printf 'tests/fuzz/fuzz-%s ' "$t"; done) >/dev/null

mkdir -p "$work"
# Artifacts of this run only: a crash file left by an earlier run (fixed
# since, or not) must not be reported as this run's.
stamp=$(date +%Y%m%d-%H%M%S)-$$

# One target: fuzz, then a summary line from libFuzzer's log.
run() {
        t=$1
        dir=$work/$t
        art=$work/artifacts/$t/$stamp
        log=$work/$t.log
        mkdir -p "$dir" "$art"
        # -timeout: an input that takes this long is reported (a hang);
        # -rss_limit_mb: each target stays small, two share a machine.
        "$build/tests/fuzz/fuzz-$t" -max_total_time="$secs" -max_len=4096 -timeout=25 -rss_limit_mb=2048 \
                -print_final_stats=1 -artifact_prefix="$art/" "$dir" "$src/tests/fuzz/corpus/$t" \
                >"$log" 2>&1 || true
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
        cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
        crash=
        for f in "$art"/crash-* "$art"/leak-* "$art"/timeout-* "$art"/oom-*; do
                [ -e "$f" ] && crash=$f && break
        done
        if [ -n "$crash" ]; then
                result="CRASH: $crash (log: $log)"
        elif grep -q 'ERROR: libFuzzer\|==ERROR' "$log"; then
                result="FAILED (log: $log)"
        else
                result="no crash"
        fi
        printf '%-8s %s execs, %s exec/s, %s, %s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-cov: ?}" "$result"
}

# FUZZ_JOBS targets at a time: start the next one when one ends.
pids=
for t; do
        # shellcheck disable=SC2086
        while [ "$(echo $pids | wc -w)" -ge "$jobs" ]; do
                sleep 1
                alive=
                for p in $pids; do
                        kill -0 "$p" 2>/dev/null && alive="$alive $p"
                done
                pids=$alive
        done
        run "$t" &
        pids="$pids $!"
done
wait
status=0
for t; do
        a=$work/artifacts/$t/$stamp
        for f in "$a"/crash-* "$a"/leak-* "$a"/timeout-* "$a"/oom-*; do
                [ -e "$f" ] && status=1
        done
done
exit $status

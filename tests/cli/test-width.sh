#!/bin/bash
# Every text output fits 80 columns on a pipe (tcptune(8), OUTPUT): each
# command and each --help over every fixture root, counted in display
# columns (wc -L in a UTF-8 locale: "µs" is two characters, not three
# bytes). COLUMNS=120 widens it and never narrows below 80. config --cat
# is left out: it copies the files byte for byte, as cat(1) would.
set -u
tcptune=${TCPTUNE:?TCPTUNE must point at the binary}
tests=${TESTS_DIR:?}
profiles=${PROFILES_DIR:?}
export NO_COLOR=1 TCPTUNE_PROFILES_DIR=$profiles
unset COLUMNS
fail=0

# Display columns of the widest line on stdin.
widest() {
        LC_ALL=C.UTF-8 wc -L
}

check() { # LIMIT ARGS...
        local limit=$1 w
        shift
        w=$("$tcptune" "$@" 2>/dev/null </dev/null | widest)
        if [ "$w" -gt "$limit" ]; then
                echo "not ok: tcptune $* is $w columns wide (limit $limit):"
                "$tcptune" "$@" 2>/dev/null </dev/null | LC_ALL=C.UTF-8 awk -v l="$limit" 'length($0) > l' | head -3
                fail=1
        fi
}

names=()
for p in "$profiles"/*.ini; do
        n=${p##*/}
        names+=("${n%.ini}")
done

for help in "" audit config explain model advise profile sockets; do
        check 80 $help --help
done
for root in "$tests"/fixtures/*/; do
        for cmd in "audit" "audit --all" "model" "model --timeline" "model --rtt 600ms" \
                   "advise --detect-within 30s" "advise --detect-within 5m" \
                   "config" "config --all" "explain" "explain tcp_retries2" "explain tcp_keepalive_time" \
                   "profile list" "sockets"; do
                # shellcheck disable=SC2086
                check 80 --root "$root" $cmd
        done
        for n in "${names[@]}"; do
                for verb in show diff verify; do
                        check 80 --root "$root" profile "$verb" "$n"
                done
        done
done

# Wider when asked, never narrower than 80.
w=$(COLUMNS=200 "$tcptune" --root "$tests/fixtures/profile-host" model 2>/dev/null | widest)
[ "$w" -gt 80 ] || { echo "not ok: COLUMNS=200 did not widen model ($w columns)"; fail=1; }
w=$(COLUMNS=40 "$tcptune" --root "$tests/fixtures/profile-host" model 2>/dev/null | widest)
[ "$w" -gt 40 ] && [ "$w" -le 80 ] || { echo "not ok: COLUMNS=40 gave $w columns, want 41-80"; fail=1; }
w=$(COLUMNS=200 "$tcptune" --root "$tests/fixtures/profile-host" model 2>/dev/null | widest)
[ "$w" -le 200 ] || { echo "not ok: COLUMNS=200 gave $w columns"; fail=1; }
exit $fail

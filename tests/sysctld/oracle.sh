#!/bin/bash
# The systemd-sysctl oracle: tcptune must agree with systemd-sysctl itself.
#
# For every tree (the hand-written edge cases of edge-cases.sh and
# ORACLE_TREES trees from oracle-gen, seed ORACLE_SEED):
#   1. tcptune --root TREE --json config --all, and config --cat;
#   2. systemd-sysctl applies TREE inside a private mount and network
#      namespace (sandbox.sh) and the namespace's net.ipv4.* and
#      net.core.somaxconn values are read back;
#   3. tcptune's entries are written, in tcptune's order, into another fresh
#      namespace the way systemd-sysctl writes them, and read back.
# The two states must be equal on every key; key by key, each value must be
# the one tcptune names (as the kernel holds it) or, where tcptune has no
# entry the kernel takes, the fresh one; the kernel must refuse exactly the
# values tcptune calls invalid (catalog keys); and tcptune --cat must print
# what systemd-sysctl --cat-config prints.
#
# Needs root, unshare and systemd-sysctl; otherwise skipped (77). The host's
# values and sysctl.d files are compared before and after: the run must not
# change them.
#
# ORACLE_SCAN=1 skips steps 2 and 3 (no systemd-sysctl, no namespaces per
# tree): each tree is only read by tcptune, which must exit 0, 1 or 3 with
# a JSON document and no sanitizer report. The sanitized build runs that
# over every tree and the full oracle over the first of them (see
# meson.build): its value is catching memory errors, and the comparison
# with systemd-sysctl is the same in either build.
# Environment: TCPTUNE, HELPER, GEN (set by meson), ORACLE_TREES (500),
# ORACLE_SEED (1), ORACLE_JOBS (2), ORACLE_SCAN, ORACLE_KEEP=1 keeps the
# work directory. Each phase's wall time is printed as a TAP comment.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tcptune=${TCPTUNE:?TCPTUNE must point at the binary}
helper=${HELPER:?} gen=${GEN:?}
trees=${ORACLE_TREES:-500} seed=${ORACLE_SEED:-1} jobs=${ORACLE_JOBS:-2} scan=${ORACLE_SCAN:-}
t0=$(date +%s%N)
phase() { local now; now=$(date +%s%N); echo "# phase $1: $(((now - t0) / 1000000)) ms"; t0=$now; }

skip() { echo "1..0 # SKIP $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (private mount and network namespaces)"
ss=""
for p in /lib/systemd/systemd-sysctl /usr/lib/systemd/systemd-sysctl; do
        [ -x "$p" ] && ss=$(realpath "$p") && break
done
[ -n "$ss" ] || [ -n "$scan" ] || skip "systemd-sysctl is not installed (Debian: apt install systemd)"
command -v unshare >/dev/null || skip "unshare is not installed (util-linux)"
[ -z "$scan" ] || command -v jq >/dev/null || skip "jq is not installed"
unshare --mount --net true 2>/dev/null || skip "cannot create mount and network namespaces here"
[ -e /lib64/ld-linux-x86-64.so.2 ] && [ -d /usr/lib/x86_64-linux-gnu ] ||
        skip "the sandbox expects a Debian x86-64 layout"

work=$(mktemp -d "${TMPDIR:-/tmp}/tcptune-oracle.XXXXXX")
cleanup() { [ "${ORACLE_KEEP:-}" = 1 ] && echo "# kept $work" || rm -rf "$work"; }
trap cleanup EXIT
# The host's values and sysctl.d files, compared at the end.
host_state() {
        for f in /proc/sys/net/ipv4/tcp_* /proc/sys/net/ipv4/ip_forward /proc/sys/net/core/somaxconn; do
                # What modules are loaded, not a setting: a tree that sets
                # cubic makes the kernel load tcp_cubic, in any namespace.
                case $f in */tcp_available_congestion_control|*/tcp_available_ulp) continue ;; esac
                printf '%s=%s\n' "$f" "$(cat "$f" 2>/dev/null)"
        done
        find /etc/sysctl.conf /etc/sysctl.d /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d \
                /lib/sysctl.d /srv -maxdepth 2 -printf '%p %y %s %T@ %l\n' 2>/dev/null | sort
}
host_state >"$work/host.before"

# Trees hold links that point out of them (/etc/sysctl.conf, /dev/null):
# build them where the host's /etc, /usr, /run and /srv are read-only, so a
# mistake cannot write through such a link.
guarded() {
        unshare --mount --propagation private -- sh -c '
                for d in /etc /usr /run /srv; do
                        [ -d "$d" ] && [ ! -L "$d" ] && { mount --bind "$d" "$d" && mount -o remount,bind,ro "$d" || exit 2; }
                done
                mount --bind "$0" "$0" && mount -o remount,bind,rw "$0" || exit 2
                exec "$@"' "$work" "$@"
}

# The fake /proc/sys of every tree: a fresh namespace's values.
unshare --net -- "$helper" snapshot "$work/tmpl" || { echo "Bail out! snapshot failed"; exit 1; }
mkdir -p "$work/trees"
guarded bash "$here/edge-cases.sh" "$work/trees" "$work/tmpl" || { echo "Bail out! edge-cases.sh failed"; exit 1; }
guarded "$gen" "$seed" "$trees" "$work/trees" "$work/tmpl" || { echo "Bail out! oracle-gen failed"; exit 1; }

ls -d "$work"/trees/* >"$work/all"
n=$(wc -l <"$work/all")
phase "generate $n trees"
while IFS= read -r t; do
        mkdir -p "$t.out"
        "$tcptune" --root "$t" --json config --all >"$t.out/tcptune.json" 2>"$t.out/tcptune.err"
        echo $? >"$t.out/tcptune.rc"
        "$tcptune" --root "$t" config --cat >"$t.out/cat" 2>"$t.out/cat.err"
        echo $? >"$t.out/cat.rc"
done <"$work/all"
phase "tcptune on $n trees"

# One TAP line for tree $i named $1: ok, or not ok with $why as comments.
tap() {
        if [ -n "$why" ]; then
                fail=$((fail + 1))
                echo "not ok $i - $1"
                sed 's/^/# /' <<<"$why"
        else
                echo "ok $i - $1"
        fi
}

if [ -n "$scan" ]; then
        # Builtins only per tree (forks are what a loaded machine makes
        # slow); the JSON documents are checked by one jq.
        fail=0 i=0
        sed 's|$|.out/tcptune.json|' "$work/all" | xargs jq -e -s 'all(.[]; has("entries"))' >/dev/null 2>"$work/jq.err"
        json=$?
        while IFS= read -r t; do
                i=$((i + 1))
                o=$t.out why=""
                read -r rc <"$o/tcptune.rc"
                read -r crc <"$o/cat.rc"
                case $rc in 0 | 1 | 3) ;; *) why="config --all exited $rc: $(head -c 300 "$o/tcptune.err")" ;; esac
                case $crc in 0 | 1 | 3) ;; *) why="$why${why:+; }config --cat exited $crc: $(head -c 300 "$o/cat.err")" ;; esac
                [ -z "$why" ] && [ $json != 0 ] && ! jq -e .entries "$o/tcptune.json" >/dev/null 2>&1 && why="no JSON document"
                tap "${t##*/}"
        done <"$work/all"
        phase "check"
        echo "1..$i"
        echo "# $n trees ($trees generated with seed $seed) read by tcptune only (ORACLE_SCAN), $fail failed"
        [ "$fail" = 0 ]
        exit
fi

split -n "r/$jobs" "$work/all" "$work/list."
export SYSTEMD_SYSCTL=$ss HELPER=$helper TEMPLATE=$work/tmpl
for l in "$work"/list.*; do
        unshare --mount --net --propagation private -- "$here/sandbox.sh" batch "$l" &
done
wait
phase "systemd-sysctl and replay, $jobs jobs"

fail=0 i=0 keys=0
while IFS= read -r t; do
        i=$((i + 1))
        o=$t.out name=${t##*/}
        why=""
        # Builtins where a fork is not needed: a loaded machine makes them slow.
        read -r rc <"$o/tcptune.rc"
        read -r sdcat <"$o/sd-cat.rc"
        if [ ! -s "$o/sd.state" ] || [ ! -s "$o/replay.state" ]; then
                why="no state (sandbox failed: $(head -c 200 "$o/sd.err" 2>/dev/null))"
        elif [ "$rc" -ge 2 ] && [ "$rc" != 3 ]; then
                why="tcptune exited $rc: $(head -c 300 "$o/tcptune.err")"
        elif ! cmp -s "$o/sd.state" "$o/replay.state"; then
                why="values differ (systemd-sysctl < > tcptune):
$(diff "$o/sd.state" "$o/replay.state" | grep '^[<>]' | head -8)"
        elif [ -s "$o/validity" ]; then
                why=$(head -5 "$o/validity")
        elif ! "$helper" direct "$o/tcptune.json" "$o/sd.state" "$work/tmpl" >"$o/direct" 2>&1; then
                why=$(head -5 "$o/direct")
        elif [ "$sdcat" = 0 ] && ! cmp -s "$o/sd-cat" "$o/cat"; then
                why="--cat differs from --cat-config:
$(diff "$o/sd-cat" "$o/cat" | head -8 | cut -c1-200)"
        elif [ "$sdcat" != 0 ] && [ "$(head -c "$(stat -c %s "$o/sd-cat")" "$o/cat" | cmp - "$o/sd-cat" 2>&1)" ]; then
                why="--cat does not start with what --cat-config printed before failing"
        fi
        tap "$name"
done <"$work/all"

keys=$(sed 's|$|.out/sd.state|' "$work/all" | xargs cat 2>/dev/null | wc -l)
phase "compare"
host_state >"$work/host.after"
i=$((i + 1))
if cmp -s "$work/host.before" "$work/host.after"; then
        echo "ok $i - the host's values and sysctl.d files did not change"
else
        echo "not ok $i - the host's values or sysctl.d files changed!"
        diff "$work/host.before" "$work/host.after" | sed 's/^/# /'
        fail=$((fail + 1))
fi
echo "1..$i"
echo "# $n trees ($trees generated with seed $seed), $keys key values compared, $fail failed"
[ "$fail" = 0 ]

#!/bin/bash
# What cannot be read is an operational failure (exit 3), not a bad
# profile: an unreadable profile file, and for verify an unreadable live
# value. Root reads anything, so run as nobody on a copied fixture.
set -u
tcptune=${TCPTUNE:?}
tests=${TESTS_DIR:?}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to switch to an unprivileged user"; exit 77; }
command -v setpriv >/dev/null || { echo "SKIP: setpriv not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$tests/fixtures/profile-match" "$tmp/root"
mkdir -p "$tmp/shipped"
cp "${PROFILES_DIR:?}"/*.ini "$tmp/shipped/"
chmod -R a+rX "$tmp"
export TCPTUNE_PROFILES_DIR=$tmp/shipped
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$tcptune" --root "$tmp/root" "$@"; }
fail=0
check() { # description, got, expected
        if [ "$2" = "$3" ]; then echo "ok - $1"; else echo "not ok - $1: got '$2', expected '$3'"; fail=1; fi
}

out=$(nobody profile verify fast-failover 2>&1); rc=$?
check "readable: verify exits 0" "$rc" 0

chmod 000 "$tmp/shipped/fast-failover.ini"
out=$(nobody profile show fast-failover 2>&1 >/dev/null); rc=$?
check "unreadable profile: one line" "$out" "tcptune: $tmp/shipped/fast-failover.ini: Permission denied"
check "unreadable profile: exit 3" "$rc" 3
chmod 644 "$tmp/shipped/fast-failover.ini"

chmod 000 "$tmp/root/proc/sys/net/ipv4/tcp_retries2"
out=$(nobody profile verify fast-failover 2>&1 >/dev/null); rc=$?
check "unreadable live value: one line" "$out" "tcptune: $tmp/root/proc/sys/net/ipv4/tcp_retries2: Permission denied"
check "unreadable live value: exit 3" "$rc" 3
exit $fail

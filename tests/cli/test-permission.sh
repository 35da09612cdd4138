#!/bin/bash
# An unreadable /proc/sys entry: one line naming the file, exit 3, and the
# other keys still shown. Root reads anything, so run as nobody.
set -u
tcptune=${TCPTUNE:?}
tests=${TESTS_DIR:?}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to switch to an unprivileged user"; exit 77; }
command -v setpriv >/dev/null || { echo "SKIP: setpriv not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$tests/fixtures/defaults" "$tmp/root"
chmod -R a+rX "$tmp"
chmod 000 "$tmp/root/proc/sys/net/ipv4/tcp_retries2"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$tcptune" --root "$tmp/root" explain 2>&1 >/dev/null)
rc=$?
fail=0
expected="tcptune: $tmp/root/proc/sys/net/ipv4/tcp_retries2: Permission denied"
[ "$out" = "$expected" ] && echo "ok - one error line naming the file" || { echo "not ok - got: $out"; fail=1; }
[ $rc = 3 ] && echo "ok - exit 3" || { echo "not ok - exit $rc"; fail=1; }
table=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$tcptune" --root "$tmp/root" explain 2>/dev/null)
grep -q '^tcp_syn_retries ' <<<"$table" && echo "ok - other keys still listed" || { echo "not ok - table: $table"; fail=1; }

# Profiles: what cannot be read is exit 3, not a bad profile (exit 2).
cp -r "$tests/fixtures/profile-match" "$tmp/match"
mkdir "$tmp/shipped" && cp "$tests/../profiles/"*.ini "$tmp/shipped/"
chmod -R a+rX "$tmp"
chmod 000 "$tmp/shipped/fast-failover.ini"
nobody() { TCPTUNE_PROFILES_DIR=$tmp/shipped setpriv --reuid=65534 --regid=65534 --clear-groups "$tcptune" --root "$tmp/match" "$@"; }
out=$(nobody profile show fast-failover 2>&1 >/dev/null); rc=$?
[ "$out" = "tcptune: $tmp/shipped/fast-failover.ini: Permission denied" ] && [ $rc = 3 ] &&
        echo "ok - unreadable profile: one line, exit 3" || { echo "not ok - unreadable profile: exit $rc: $out"; fail=1; }
out=$(nobody profile list 2>&1 >/dev/null); rc=$?
# datacenter includes fast-failover: both are named.
grep -qxF "tcptune: $tmp/shipped/fast-failover.ini: Permission denied" <<<"$out" && [ $rc = 3 ] &&
        [ "$(wc -l <<<"$out")" = 2 ] &&
        echo "ok - profile list with an unreadable profile: its line, exit 3" ||
        { echo "not ok - profile list: exit $rc: $out"; fail=1; }
chmod 644 "$tmp/shipped/fast-failover.ini"
nobody profile verify fast-failover >/dev/null 2>&1 && echo "ok - readable: verify exits 0" ||
        { echo "not ok - verify of profile-match as nobody"; fail=1; }
chmod 000 "$tmp/match/proc/sys/net/ipv4/tcp_retries2"
out=$(nobody profile verify fast-failover 2>&1 >/dev/null); rc=$?
[ "$out" = "tcptune: $tmp/match/proc/sys/net/ipv4/tcp_retries2: Permission denied" ] && [ $rc = 3 ] &&
        echo "ok - unreadable live value in verify: one line, exit 3" || { echo "not ok - verify: exit $rc: $out"; fail=1; }
exit $fail

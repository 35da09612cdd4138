#!/bin/bash
# audit with unreadable /proc entries and policy files: one line naming
# the file, exit 3, the rest still shown (and --output still written).
# Root reads anything, so the reads run as nobody (setpriv). Also: a
# policy symlink resolves inside --root, never on the host.
set -u
tcptune=${TCPTUNE:?}
tests=${TESTS_DIR:?}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to switch to an unprivileged user"; exit 77; }
command -v setpriv >/dev/null || { echo "SKIP: setpriv not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; fail=1; }
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$tcptune" "$@"; }

cp -r "$tests/fixtures/defaults" "$tmp/root"
chmod -R a+rX "$tmp"
chmod 000 "$tmp/root/proc/sys/net/ipv4/tcp_retries2"

err=$(nobody --root "$tmp/root" audit 2>&1 >"$tmp/out"); rc=$?
[ "$err" = "tcptune: $tmp/root/proc/sys/net/ipv4/tcp_retries2: Permission denied" ] &&
        ok "one error line naming the file" || nok "stderr: $err"
[ $rc = 3 ] && ok "exit 3" || nok "exit $rc"
grep -q '^CRITICAL  unreadable: /proc/sys/net/ipv4/tcp_retries2: Permission denied' "$tmp/out" &&
        ok "the unreadable finding" || nok "no unreadable finding: $(cat "$tmp/out")"
grep -q '^idle ' "$tmp/out" && ok "the other scenarios still shown" || nok "screen incomplete"

mkdir "$tmp/prom" && chmod 777 "$tmp/prom"
nobody --root "$tmp/root" audit --format prometheus --output "$tmp/prom/tcptune.prom" 2>/dev/null; rc=$?
[ $rc = 3 ] && ok "prometheus: exit 3" || nok "prometheus: exit $rc"
grep -q 'tcptune_findings{netns="host",severity="critical"} 1' "$tmp/prom/tcptune.prom" 2>/dev/null &&
        ok "prometheus: the file is still written" || nok "prometheus: no file or no finding"
grep -q 'key="net.ipv4.tcp_retries2"' "$tmp/prom/tcptune.prom" && nok "an unread key was exported" ||
        ok "prometheus: the unread key is not exported"
[ "$(ls -A "$tmp/prom")" = tcptune.prom ] && ok "no temp file left" || nok "left: $(ls -A "$tmp/prom")"

# An unreadable policy file: exit 3, one line.
chmod 644 "$tmp/root/proc/sys/net/ipv4/tcp_retries2"
mkdir -p "$tmp/root/etc/tcptune"
printf '[limits]\nidle = 1h\n' >"$tmp/root/etc/tcptune/tcptune.conf"
chmod 000 "$tmp/root/etc/tcptune/tcptune.conf"
err=$(nobody --root "$tmp/root" audit 2>&1 >/dev/null); rc=$?
[ "$err" = "tcptune: /etc/tcptune/tcptune.conf: Permission denied" ] && ok "unreadable policy: one line" ||
        nok "unreadable policy: $err"
[ $rc = 3 ] && ok "unreadable policy: exit 3" || nok "unreadable policy: exit $rc"

# A symlink where the policy belongs is followed inside the root: an
# absolute target names the root's file, not the host's.
rm -f "$tmp/root/etc/tcptune/tcptune.conf"
ln -s /etc/hostname "$tmp/root/etc/tcptune/tcptune.conf"
"$tcptune" --root "$tmp/root" audit >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 1 ] && [ ! -s "$tmp/err" ] && ok "link to a file missing in the root: no policy, host file not read" ||
        nok "link outside: exit $rc, $(cat "$tmp/err")"
printf '[limits]\nconnect = 10s\n' >"$tmp/root/etc/hostname"
"$tcptune" --root "$tmp/root" audit | grep -q '^WARNING   slow-connect:' && ok "link target inside the root is read" ||
        nok "link target inside the root not used"
exit $fail

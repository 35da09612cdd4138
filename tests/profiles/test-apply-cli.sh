#!/bin/bash
# `tcptune profile apply|verify|revert` end to end, the way a provisioning
# script calls them (README's session), on copies of fixture roots in a
# temporary directory: apply twice, verify, drift, verify again, revert to
# a byte-identical tree; dry runs write nothing; optional keys on an old
# kernel; a required key the kernel lacks; a malformed profile; --json.
# Needs no privilege: fixture roots only, never the host.
set -u
tcptune=${TCPTUNE:?TCPTUNE must point at the binary}
tests=${TESTS_DIR:?}
profiles=${PROFILES_DIR:?}
command -v jq >/dev/null || { echo "1..0 # SKIP jq not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TCPTUNE_PROFILES_DIR=$profiles

. "$tests/tap.sh"
check() { # description, expected exit, actual exit
        if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: exit $3, expected $2"; sed 's/^/#   /' "$tmp/out"; fi
}
# Every file with its mode and bytes, and every directory, except the lock
# and the (empty) state and lock directories that apply creates.
listing() {
        (cd "$1" && find . \( -path ./run -o -path ./var \) -prune -o -print0 | sort -z |
                xargs -0 stat -c '%n %F %a %s' && find . -path ./run -prune -o -path ./var -prune -o -type f -print0 |
                sort -z | xargs -0 sha256sum)
}
tt() { "$tcptune" --root "$root" "$@" >"$tmp/out" 2>&1; }

root=$tmp/host
cp -a "$tests/fixtures/profile-host" "$root"
listing "$root" >"$tmp/before"

tt profile apply fast-failover --dry-run
check "dry run with changes pending exits 1" 1 $?
grep -q 'nothing written' "$tmp/out" && ok "dry run says nothing was written" || not_ok "dry run output"
listing "$root" >"$tmp/after-dry"
cmp -s "$tmp/before" "$tmp/after-dry" && [ ! -e "$root/var/lib/tcptune" ] && ok "dry run wrote nothing" ||
        not_ok "dry run changed the tree"

tt profile verify fast-failover
check "verify before apply exits 1" 1 $?

tt profile apply fast-failover
check "apply exits 0" 0 $?
grep -q '^applied' "$tmp/out" && ok "apply says applied" || { not_ok "apply output"; sed 's/^/#   /' "$tmp/out"; }
dropin=$root/etc/sysctl.d/90-tcptune.conf
[ "$(stat -c %a "$dropin")" = 644 ] && ok "drop-in mode 0644" || not_ok "drop-in mode $(stat -c %a "$dropin")"
grep -qx 'net.ipv4.tcp_retries2 = 6' "$dropin" && ok "drop-in sets tcp_retries2 = 6" || not_ok "drop-in content"
[ "$(cat "$root/proc/sys/net/ipv4/tcp_retries2")" = 6 ] && ok "live tcp_retries2 is 6" || not_ok "live value"
stamp=$(stat -c '%Y %i' "$dropin")

sleep 1.1
tt profile apply fast-failover
check "second apply exits 0" 0 $?
grep -q 'already in place' "$tmp/out" && ok "second apply says already in place" || not_ok "second apply output"
[ "$(stat -c '%Y %i' "$dropin")" = "$stamp" ] && ok "second apply rewrote nothing" || not_ok "drop-in rewritten"

tt profile verify fast-failover
check "verify after apply exits 0" 0 $?

echo 15 >"$root/proc/sys/net/ipv4/tcp_retries2"
tt profile verify fast-failover
check "verify after drift exits 1" 1 $?
grep -q 'tcp_retries2' "$tmp/out" && ok "verify names the drifted key" || not_ok "verify output"
tt profile apply fast-failover
check "apply repairs the drift" 0 $?
[ "$(cat "$root/proc/sys/net/ipv4/tcp_retries2")" = 6 ] && ok "live tcp_retries2 is 6 again" || not_ok "repair"

tt --json profile apply roaming
check "apply of another profile exits 0" 0 $?
jq -e . "$tmp/out" >/dev/null && ok "apply --json is one JSON document" || not_ok "apply --json"
tt profile verify roaming
check "verify roaming exits 0" 0 $?

# --- profile active: which profile, when, where, whether it still holds.
state=$root/var/lib/tcptune/state
touch -d @1764651234 "$state"
tt profile active
check "active after apply exits 0 (holds)" 0 $?
if [ "$(cat "$tmp/out")" = "profile roaming (/etc/tcptune/profiles.d/roaming.ini)
applied 2025-12-02T04:53:54Z (the last apply that changed something)
drop-in /etc/sysctl.d/90-tcptune.conf: as tcptune wrote it
live values: all $(grep -c '^net\.' "$root/etc/sysctl.d/90-tcptune.conf") as applied
roaming holds" ]; then ok "active names the profile, the time, the drop-in, and says it holds"; else
        not_ok "active output"; sed 's/^/#   /' "$tmp/out"; fi
tt --json profile active
jq -e '.profile == "roaming" and .holds and .differences == 0 and .applied_at == "2025-12-02T04:53:54Z" and
        .dropin.state == "as-written" and (.keys | all(.holds))' "$tmp/out" >/dev/null &&
        ok "active --json" || { not_ok "active --json"; sed 's/^/#   /' "$tmp/out"; }
listing "$root" >"$tmp/b-active"
old=$(cat "$root/proc/sys/net/ipv4/tcp_retries2")
echo 15 >"$root/proc/sys/net/ipv4/tcp_retries2"
tt profile active
check "active with a live value drifted exits 1" 1 $?
grep -qx "  net.ipv4.tcp_retries2  15, applied $old" "$tmp/out" && grep -q '^roaming drifted: 1 difference;' "$tmp/out" &&
        ok "active names the drifted key" || { not_ok "active drift output"; sed 's/^/#   /' "$tmp/out"; }
echo "$old" >"$root/proc/sys/net/ipv4/tcp_retries2"
cp "$root/etc/sysctl.d/90-tcptune.conf" "$tmp/dropin"
echo "net.ipv4.tcp_retries2 = 15" >>"$root/etc/sysctl.d/90-tcptune.conf"
tt --json profile active
check "active with the drop-in edited exits 1" 1 $?
jq -e '.dropin.state == "changed" and .differences == 1' "$tmp/out" >/dev/null && ok "active: drop-in changed" ||
        { not_ok "active: edited drop-in"; sed 's/^/#   /' "$tmp/out"; }
rm "$root/etc/sysctl.d/90-tcptune.conf"
tt profile active
check "active with the drop-in removed exits 1" 1 $?
grep -q '^drop-in /etc/sysctl.d/90-tcptune.conf: missing' "$tmp/out" && ok "active: drop-in missing" ||
        { not_ok "active: removed drop-in"; sed 's/^/#   /' "$tmp/out"; }
cp -p "$tmp/dropin" "$root/etc/sysctl.d/90-tcptune.conf"
tt profile active
check "active holds again once both are back" 0 $?
cp -p "$state" "$tmp/state"
grep -v '^set ' "$tmp/state" >"$state"
tt profile active
check "active on a record without set lines (an older tcptune's) exits 3" 3 $?
[ "$(cat "$tmp/out")" = "tcptune: /var/lib/tcptune/state: records no applied settings (written before tcptune had \`profile active\`); apply the profile again" ] &&
        ok "and says to apply again, in one line" || { not_ok "old record message"; sed 's/^/#   /' "$tmp/out"; }
echo "not a state" >"$state"
tt profile active
check "active on a malformed record exits 3" 3 $?
cp -p "$tmp/state" "$state"
listing "$root" >"$tmp/a-active"
cmp -s "$tmp/b-active" "$tmp/a-active" && [ "$(stat -c %Y "$state")" = 1764651234 ] &&
        ok "active writes nothing" || not_ok "active changed the tree"

tt profile revert
check "revert exits 0" 0 $?
listing "$root" >"$tmp/after"
if cmp -s "$tmp/before" "$tmp/after"; then ok "apply, apply, revert round-trips byte for byte"; else
        not_ok "tree differs after revert"; diff "$tmp/before" "$tmp/after" | sed 's/^/#   /'; fi
tt profile revert
check "a second revert has nothing to do and exits 0" 0 $?
tt profile active
check "active with nothing applied exits 3" 3 $?
[ "$(cat "$tmp/out")" = "no profile applied: tcptune has recorded no apply here" ] && ok "and says no profile is applied" ||
        { not_ok "active none output"; sed 's/^/#   /' "$tmp/out"; }
tt --json profile active
jq -e '.profile == null and .holds == false' "$tmp/out" >/dev/null && ok "active --json with nothing applied" ||
        { not_ok "active --json none"; sed 's/^/#   /' "$tmp/out"; }

# A kernel without tcp_rto_min_us: datacenter's optional key is left out of
# the drop-in and the live writes; verify still holds.
root=$tmp/old
cp -a "$tests/fixtures/old-kernel" "$root"
tt profile apply datacenter
check "datacenter on a kernel without tcp_rto_min_us exits 0" 0 $?
grep -q rto_min "$root/etc/sysctl.d/90-tcptune.conf" && not_ok "optional key written" ||
        ok "the optional key the kernel lacks is not in the drop-in"
tt profile verify datacenter
check "verify datacenter there exits 0" 0 $?

# A required key the kernel lacks: one line naming the profile's line, exit 3.
mkdir -p "$root/etc/tcptune/profiles.d"
printf '[profile]\ndescription = needs 6.11\n[sysctl]\ntcp_rto_min_us = 5000\n' \
        >"$root/etc/tcptune/profiles.d/needs-new.ini"
listing "$root" >"$tmp/b2"
tt profile apply needs-new
check "a required key the kernel lacks exits 3" 3 $?
grep -q '^tcptune: /etc/tcptune/profiles.d/needs-new.ini:4: net.ipv4.tcp_rto_min_us does not exist' "$tmp/out" &&
        [ "$(wc -l <"$tmp/out")" = 1 ] && ok "one line naming file:line" || { not_ok "message"; cat "$tmp/out"; }
listing "$root" >"$tmp/a2"
cmp -s "$tmp/b2" "$tmp/a2" && ok "nothing written for it" || not_ok "tree changed"

# A malformed profile: exit 2, nothing written.
printf '[profile]\ndescription = x\n[sysctl]\ntcp_retries2 = 300\n' >"$root/etc/tcptune/profiles.d/bad.ini"
listing "$root" >"$tmp/b3"
tt profile apply bad
check "an out-of-range value exits 2" 2 $?
grep -q '^tcptune: /etc/tcptune/profiles.d/bad.ini:4: ' "$tmp/out" && ok "the error names file:line" ||
        not_ok "message: $(cat "$tmp/out")"
listing "$root" >"$tmp/a3"
cmp -s "$tmp/b3" "$tmp/a3" && ok "nothing written for a malformed profile" || not_ok "tree changed"

# A later drop-in that sets the same key wins at boot: apply warns, naming
# it; verify reports the difference.
root=$tmp/shadow
cp -a "$tests/fixtures/defaults" "$root"
mkdir -p "$root/etc/sysctl.d"
printf 'net.ipv4.tcp_retries2 = 15\n' >"$root/etc/sysctl.d/99-local.conf"
# An earlier file with another value loses to ours: no warning for it.
printf 'net.ipv4.tcp_syn_retries = 2\n' >"$root/etc/sysctl.d/50-early.conf"
warning='tcptune: warning: /etc/sysctl.d/99-local.conf:1: sets net.ipv4.tcp_retries2 = 15 after /etc/sysctl.d/90-tcptune.conf, and wins at boot (see tcptune profile verify)'
warned() { # description, stderr file: exactly the one warning
        if [ "$(cat "$2")" = "$warning" ]; then ok "$1"; else not_ok "$1"; sed 's/^/#   /' "$2"; fi
}
"$tcptune" --root "$root" profile apply rfc1122 --dry-run >/dev/null 2>"$tmp/err"
check "dry run under a later drop-in exits 1 (pending)" 1 $?
warned "the dry run warns about the later drop-in, and only it" "$tmp/err"
"$tcptune" --root "$root" --json profile apply rfc1122 --dry-run >"$tmp/out" 2>"$tmp/err"
jq -e --arg w "${warning#tcptune: warning: }" '.warnings == [$w] and .pending' "$tmp/out" >/dev/null &&
        ok "dry run --json: the warning in .warnings" || { not_ok "--json warnings"; sed 's/^/#   /' "$tmp/out"; }
"$tcptune" --root "$root" profile apply rfc1122 >/dev/null 2>"$tmp/err"
check "apply under a later drop-in still exits 0" 0 $?
warned "apply warns about the later drop-in" "$tmp/err"
"$tcptune" --root "$root" --json profile apply rfc1122 >"$tmp/out" 2>"$tmp/err"
check "the second apply (nothing to do) exits 0" 0 $?
warned "the second apply warns too" "$tmp/err"
jq -e --arg w "${warning#tcptune: warning: }" '.warnings == [$w] and .changed == false' "$tmp/out" >/dev/null &&
        ok "second apply --json: changed false, the warning in .warnings" || { not_ok "--json"; sed 's/^/#   /' "$tmp/out"; }
tt profile verify rfc1122
check "verify reports the shadowed key" 1 $?
# The later file agreeing with the profile is no conflict.
printf 'net.ipv4.tcp_retries2 = 8\n' >"$root/etc/sysctl.d/99-local.conf"
"$tcptune" --root "$root" --json profile apply rfc1122 >"$tmp/out" 2>"$tmp/err"
[ ! -s "$tmp/err" ] && jq -e '.warnings == []' "$tmp/out" >/dev/null && ok "a later file with the same value: no warning" ||
        { not_ok "warning for an agreeing file"; sed 's/^/#   /' "$tmp/err" "$tmp/out"; }

# Without root: apply and revert say so in one line, exit 3, and touch
# nothing; a --root tree this user may write is fine; a dry run only
# reads. As root, the cases run as nobody (setpriv); the cases without
# --root are never run as root, so the host is never written.
if [ "$(id -u)" != 0 ]; then
        asuser() { "$@"; }
elif command -v setpriv >/dev/null; then
        asuser() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
else
        asuser=
fi
if [ "$(type -t asuser)" = function ] && asuser test -x "$tcptune" && asuser test -r "$profiles/fast-failover.ini"; then
        shared=$(mktemp -d /tmp/tcptune-nonroot.XXXXXX)
        chmod 755 "$shared"
        cp -a "$tests/fixtures/profile-host" "$shared/ro"
        chmod -R a+rX "$shared/ro"
        [ "$(id -u)" = 0 ] || chmod a-w "$shared/ro"
        listing "$shared/ro" >"$tmp/b4"
        for verb in "apply fast-failover" revert; do
                if [ "$(id -u)" = 0 ]; then
                        asuser "$tcptune" profile $verb >"$tmp/out" 2>&1
                        check "profile $verb without root (no --root) exits 3" 3 $?
                        [ "$(cat "$tmp/out")" = "tcptune: profile ${verb% *} needs root: it writes /etc/sysctl.d, /var/lib/tcptune and /proc/sys (try sudo, or --dry-run to see what it would change)" ] &&
                                ok "profile ${verb% *} without root says it needs root, in one line" ||
                                { not_ok "needs-root message"; sed 's/^/#   /' "$tmp/out"; }
                fi
                asuser "$tcptune" --root "$shared/ro" profile $verb >"$tmp/out" 2>&1
                check "profile $verb on a --root tree this user cannot write exits 3" 3 $?
                [ "$(cat "$tmp/out")" = "tcptune: profile ${verb% *}: --root '$shared/ro' is not writable by this user; run as its owner or root" ] &&
                        ok "and says so in one line" || { not_ok "not-writable message"; sed 's/^/#   /' "$tmp/out"; }
        done
        asuser "$tcptune" --root "$shared/ro" profile apply fast-failover --dry-run >"$tmp/out" 2>&1
        check "a dry run needs no privilege" 1 $?
        asuser "$tcptune" --root "$shared/ro" profile revert --dry-run >"$tmp/out" 2>&1
        check "revert --dry-run needs no privilege" 0 $?
        listing "$shared/ro" >"$tmp/a4"
        cmp -s "$tmp/b4" "$tmp/a4" && [ ! -e "$shared/ro/run/tcptune" ] && ok "nothing touched without privilege" ||
                not_ok "the tree changed"
        cp -a "$tests/fixtures/profile-host" "$shared/rw"
        [ "$(id -u)" = 0 ] && chown -R 65534:65534 "$shared/rw"
        asuser "$tcptune" --root "$shared/rw" profile apply fast-failover >"$tmp/out" 2>&1
        check "apply on a --root tree this user owns works without root" 0 $?
        asuser "$tcptune" --root "$shared/rw" profile revert >"$tmp/out" 2>&1
        check "and so does revert" 0 $?
        chmod -R u+w "$shared"
        rm -rf "$shared"
else
        echo "# setpriv not installed or the build not readable by nobody: the non-root cases are not run"
fi

tt profile apply
check "apply without a name exits 2" 2 $?
tt profile apply fast-failover roaming
check "apply with two names exits 2" 2 $?

finish

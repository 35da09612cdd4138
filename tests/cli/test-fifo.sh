#!/bin/bash
# FIFOs where tcptune expects a regular file or a namespace: a /proc/sys
# entry, /proc/config.gz and /boot/config-RELEASE, the policy file (all
# under --root), a /run/netns entry (--all-netns) and --netns PATH. Opened
# blocking, each hung tcptune forever; each must now finish (under
# timeout) with a clear line or finding and the exit status of tcptune(8).
# The FIFOs are made at test time in copies of tests/fixtures; /run/netns
# is a private tmpfs in a private mount namespace, never the host's.
set -u
tcptune=${TCPTUNE:?TCPTUNE must point at the binary}
tests=${TESTS_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { if eval "$2"; then ok "$1"; else nok "$1 (exit $(cat "$tmp/rc"))"; sed 's/^/# /' "$tmp/err" | head -5; fi; }
newroot() { rm -rf "$tmp/root"; cp -r "$tests/fixtures/defaults" "$tmp/root"; }
run() { timeout 10 "$tcptune" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null; echo $? >"$tmp/rc"; }
rc() { cat "$tmp/rc"; }

# A /proc/sys entry: named as unreadable, the rest audited, exit 3.
newroot
rm "$tmp/root/proc/sys/net/ipv4/tcp_retries2"
mkfifo "$tmp/root/proc/sys/net/ipv4/tcp_retries2"
run --root "$tmp/root" audit
check "/proc/sys FIFO: audit names it, exit 3" \
        '[ "$(rc)" = 3 ] && grep -qx "tcptune: $tmp/root/proc/sys/net/ipv4/tcp_retries2: not a regular file (a FIFO or a device?): not read" "$tmp/err"'
run --root "$tmp/root" model
check "/proc/sys FIFO: model names it, exit 3" '[ "$(rc)" = 3 ] && grep -q "tcp_retries2: not a regular file" "$tmp/err"'

# The kernel config: both places FIFOs; HZ is then assumed, as with none.
newroot
rm -f "$tmp/root/boot/config-"*
"$tcptune" --root "$tmp/root" audit >"$tmp/none.out" 2>/dev/null
echo $? >"$tmp/none.rc"
mkfifo "$tmp/root/proc/config.gz" "$tmp/root/boot/config-$(cat "$tmp/root/proc/sys/kernel/osrelease")"
run --root "$tmp/root" audit
check "config.gz and boot/config FIFOs: audit finishes with hz-assumed, as without a config" \
        '[ "$(rc)" = "$(cat "$tmp/none.rc")" ] && grep -q "hz-assumed" "$tmp/out" && cmp -s "$tmp/out" "$tmp/none.out"'

# The policy file: malformed input, exit 2.
newroot
mkdir -p "$tmp/root/etc/tcptune"
mkfifo "$tmp/root/etc/tcptune/tcptune.conf"
run --root "$tmp/root" audit
check "policy FIFO: named, exit 2" '[ "$(rc)" = 2 ] && grep -q "tcptune.conf: not a regular file" "$tmp/err"'

# --netns PATH: not a network namespace, exit 2.
mkfifo "$tmp/ns"
run --netns "$tmp/ns" audit
check "--netns FIFO: not a network namespace, exit 2" \
        '[ "$(rc)" = 2 ] && grep -qx "tcptune: --netns .$tmp/ns.: $tmp/ns is not a network namespace" "$tmp/err"'
# ... nor a regular file.
: >"$tmp/plain"
run --netns "$tmp/plain" audit
check "--netns regular file: not a network namespace, exit 2" '[ "$(rc)" = 2 ] && grep -q "is not a network namespace" "$tmp/err"'

# A /run/netns entry (--all-netns): a netns-unavailable finding, exit 1.
if [ "$(id -u)" = 0 ] && unshare --mount true 2>/dev/null; then
        unshare --mount --propagation private sh -c '
                mkdir -p /run/netns && mount -t tmpfs tcptune-test /run/netns || exit 99
                mkfifo /run/netns/tcptune-fifo || exit 99
                timeout 10 "$1" --json audit --all-netns >"$2/out" 2>"$2/err" </dev/null
                echo $? >"$2/rc"
                timeout 10 "$1" --format prometheus audit --all-netns >"$2/prom" 2>/dev/null </dev/null' _ "$tcptune" "$tmp"
        check "/run/netns FIFO: netns-unavailable, not a network namespace, exit 1" \
                '[ "$(rc)" = 1 ] && [ "$(jq -r ".namespaces[] | select(.netns == \"tcptune-fifo\") | .findings[] | select(.id == \"netns-unavailable\") | .evidence" "$tmp/out")" = "network namespace tcptune-fifo (/run/netns/tcptune-fifo): not a network namespace" ]'
        # Its metrics: findings only, which the Prometheus contract allows
        # for a namespace that could not be entered.
        check "/run/netns FIFO: the Prometheus output keeps its contract" \
                'grep -q "tcptune_findings{netns=\"tcptune-fifo\",severity=\"warning\"} 1" "$tmp/prom" &&
                 awk -f "$tests/prometheus/contract.awk" "$tmp/prom" >"$tmp/err" && [ ! -s "$tmp/err" ]'
else
        skip "/run/netns FIFO" "needs root for a private mount namespace"
        skip "/run/netns FIFO, Prometheus" "needs root for a private mount namespace"
fi

echo "1..$n"
exit $fail

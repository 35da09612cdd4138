#!/bin/bash
# profile diff/verify --netns read that namespace's live values, and skip
# the boot-time comparison (sysctl.d configures the host's namespace at
# boot). A throwaway namespace only; the host's values are checked to be
# unchanged. Needs root; exits 77 (skipped) otherwise.
set -u
tcptune=${TCPTUNE:?}
export TCPTUNE_PROFILES_DIR=${PROFILES_DIR:?}
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root to create a network namespace"
command -v ip >/dev/null || skip "ip (iproute2) not installed"

ns=tcptune-profile-test-$$
ip netns add "$ns" 2>/dev/null || skip "ip netns add failed (no namespace support here)"
tmp=$(mktemp -d)
trap 'ip netns delete "$ns" 2>/dev/null; rm -rf "$tmp"' EXIT

n=0
fail=0
check() { # description, status, expected status, output file, expected line (grep -E)
        n=$((n + 1))
        if [ "$2" = "$3" ] && grep -qE -- "$5" "$4"; then
                echo "ok $n - $1"
        else
                echo "not ok $n - $1: exit $2 (want $3), expected /$5/ in:"; sed 's/^/#   /' "$4"
                fail=1
        fi
}
set_ns() { ip netns exec "$ns" sh -c "echo $2 > /proc/sys/net/ipv4/$1"; }

keys="tcp_retries2 tcp_keepalive_time tcp_keepalive_intvl tcp_keepalive_probes tcp_syn_retries tcp_synack_retries tcp_orphan_retries tcp_fin_timeout"
host_before=$(cd /proc/sys/net/ipv4 && grep -H . $keys)

set_ns tcp_retries2 6
set_ns tcp_keepalive_time 10
"$tcptune" --netns "$ns" profile verify fast-failover >"$tmp/out" 2>&1
check "verify --netns lists the namespace's drift" $? 1 "$tmp/out" \
        '^net.ipv4.tcp_keepalive_intvl: want 3: live 75, boot not compared \(--netns\)$'
check "verify --netns does not list what the namespace already has" 1 1 "$tmp/out" '^fast-failover: 6 differences \(6 live values differ\)$'
"$tcptune" --netns "$ns" --json profile diff fast-failover >"$tmp/out" 2>&1
check "diff --netns --json reads the namespace's tcp_retries2" $? 1 "$tmp/out" '"live": "6",'
check "diff --netns --json: boot not checked" 1 1 "$tmp/out" '"boot_checked": false'

set_ns tcp_keepalive_intvl 3
set_ns tcp_keepalive_probes 3
set_ns tcp_syn_retries 3
set_ns tcp_synack_retries 3
set_ns tcp_orphan_retries 4
set_ns tcp_fin_timeout 15
"$tcptune" --netns "$ns" profile verify fast-failover >"$tmp/out" 2>&1
check "verify --netns exits 0 once the namespace holds the profile" $? 0 "$tmp/out" \
        '^fast-failover: live values match, every \[expect\] holds$'
"$tcptune" --netns "$ns" profile diff fast-failover >"$tmp/out" 2>&1
check "diff --netns finds nothing" $? 0 "$tmp/out" '^no differences$'

host_after=$(cd /proc/sys/net/ipv4 && grep -H . $keys)
n=$((n + 1))
if [ "$host_before" = "$host_after" ]; then echo "ok $n - host values unchanged"; else
        echo "not ok $n - host values changed"; fail=1; fi
echo "1..$n"
exit $fail

#!/bin/bash
# --netns reads the namespace's own values and leaves the host alone.
# Makes a throwaway namespace, sets tcp sysctls inside it only, and checks
# every --netns spelling. Needs root; exits 77 (skipped) otherwise.
set -u
tcptune=${TCPTUNE:?}
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root to create a network namespace"
command -v ip >/dev/null || skip "ip (iproute2) not installed"

ns=tcptune-test-$$
ip netns add "$ns" 2>/dev/null || skip "ip netns add failed (no namespace support here)"
holder=
cleanup() {
        [ -n "$holder" ] && kill "$holder" 2>/dev/null
        ip netns delete "$ns" 2>/dev/null
}
trap cleanup EXIT

fail=0
check() { # description, command output, expected substring
        if grep -qF -- "$3" <<<"$2"; then
                echo "ok - $1"
        else
                echo "not ok - $1: expected '$3' in:"; echo "$2" | sed 's/^/#   /'
                fail=1
        fi
}

host_before=$(cd /proc/sys/net/ipv4 && grep -H . tcp_retries2 tcp_keepalive_time tcp_syn_retries)
ip netns exec "$ns" sh -c 'echo 7 > /proc/sys/net/ipv4/tcp_retries2 &&
        echo 300 > /proc/sys/net/ipv4/tcp_keepalive_time &&
        echo 3 > /proc/sys/net/ipv4/tcp_syn_retries' || { echo "cannot set sysctls in $ns"; exit 1; }
ip netns exec "$ns" sleep 60 &
holder=$!
sleep 0.2

out=$("$tcptune" --netns "$ns" --json explain tcp_retries2)
check "--netns NAME reads the namespace" "$out" '"value": 7'
check "--netns NAME keeps the canonical key" "$out" '"key": "net.ipv4.tcp_retries2"'
out=$("$tcptune" --netns "/run/netns/$ns" --json explain tcp_keepalive_time)
check "--netns PATH reads the namespace" "$out" '"value": 300'
out=$("$tcptune" --netns "pid:$holder" --json explain tcp_syn_retries)
check "--netns pid:PID reads the namespace" "$out" '"value": 3'
out=$("$tcptune" --netns "$ns" explain)
check "text table marks the namespace's differing value" "$out" '*7'

host_r2=$(cat /proc/sys/net/ipv4/tcp_retries2)
out=$("$tcptune" --json explain tcp_retries2)
check "without --netns the host's value" "$out" "\"value\": $host_r2"

host_after=$(cd /proc/sys/net/ipv4 && grep -H . tcp_retries2 tcp_keepalive_time tcp_syn_retries)
if [ "$host_before" = "$host_after" ]; then
        echo "ok - host values unchanged"
else
        echo "not ok - host values changed:"; diff <(echo "$host_before") <(echo "$host_after"); fail=1
fi

# A file that is not a network namespace.
out=$("$tcptune" --netns /proc/self/ns/mnt explain 2>&1); rc=$?
check "a mount namespace is refused" "$out" "is not a network namespace"
[ $rc = 2 ] && echo "ok - exit 2 for a non-network namespace" || { echo "not ok - exit $rc"; fail=1; }

# Entering needs CAP_SYS_ADMIN: an unprivileged user gets exit 3.
if command -v setpriv >/dev/null; then
        out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$tcptune" --netns "/run/netns/$ns" explain 2>&1); rc=$?
        check "unprivileged setns names the problem" "$out" "cannot enter"
        [ $rc = 3 ] && echo "ok - exit 3 without privilege" || { echo "not ok - exit $rc"; fail=1; }
fi
exit $fail

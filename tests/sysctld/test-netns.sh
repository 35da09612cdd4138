#!/bin/bash
# tcptune --netns NS config: the files are the host's, the live values the
# namespace's. In a private mount namespace a tmpfs over /etc/sysctl.d
# holds one drop-in (tcp_retries2 = 9); a throwaway network namespace holds
# 9, the host 15 or whatever it has. Needs root; skips (77) without.
set -u
tcptune=${TCPTUNE:?TCPTUNE must point at the binary}
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (namespaces)"; exit 77; }
unshare --mount --net true 2>/dev/null || { echo "1..0 # SKIP cannot create namespaces here"; exit 77; }
host=$(cat /proc/sys/net/ipv4/tcp_retries2)
[ "$host" != 9 ] || { echo "1..0 # SKIP the host already has tcp_retries2 = 9"; exit 77; }

exec unshare --mount --propagation private -- bash -s "$tcptune" "$host" <<'EOF'
tcptune=$1 host=$2
n=0 fail=0
t() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; sed 's/^/# /' "$out"; fail=1; fi; }
mount -t tmpfs tmpfs /etc/sysctl.d || exit 1
for d in /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d; do [ -d "$d" ] && mount -t tmpfs tmpfs "$d"; done
echo 'net.ipv4.tcp_retries2 = 9' >/etc/sysctl.d/90-test.conf
out=$(mktemp)
unshare --net sh -c 'echo 9 >/proc/sys/net/ipv4/tcp_retries2; exec sleep 30' &
pid=$!
sleep 0.2
"$tcptune" --json config >"$out" 2>&1
rc=$?
t "host namespace: live $host, drift, exit 1" \
        "[ $rc = 1 ] && jq -e '.entries[] | select(.key == \"net.ipv4.tcp_retries2\") | .live == \"$host\" and .drift' \"$out\" >/dev/null"
"$tcptune" --netns "pid:$pid" --json config >"$out" 2>&1
rc=$?
t "--netns pid:PID: live 9 from the namespace, no drift, exit 0" \
        "[ $rc = 0 ] && jq -e '.entries[] | select(.key == \"net.ipv4.tcp_retries2\") | .live == \"9\" and (.drift | not) and .file == \"/etc/sysctl.d/90-test.conf\"' \"$out\" >/dev/null"
kill $pid
rm -f "$out"
echo "1..$n"
exit $fail
EOF

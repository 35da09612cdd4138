#!/bin/bash
# SPDX-License-Identifier: MIT
# `tcptune sockets` at scale: 100,000 established loopback sockets (50,000
# connections, both ends) in a throwaway namespace, held by several
# processes (each stays under RLIMIT_NOFILE's hard limit). Checks that
# `tcptune --netns X --json sockets --all` lists every one, times it
# against `ss -tin` on the same sockets in one hyperfine run (medians,
# ratio) and reports each one's maximum RSS.
# usage: tools/bench-sockets.sh [CONNECTIONS] [RUNS]   (root; hyperfine, jq, python3)
# env:   TCPTUNE (default build/src/cli/tcptune)
set -eu
cd "$(dirname "$0")/.."
conns=${1:-50000} runs=${2:-5}
tcptune=$(realpath "${TCPTUNE:-build/src/cli/tcptune}")
[ "$(id -u)" = 0 ] || { echo "bench-sockets: needs root (a throwaway namespace)" >&2; exit 77; }
for t in hyperfine jq python3 ss; do
        command -v $t >/dev/null || { echo "bench-sockets: '$t' not found" >&2; exit 77; }
done
hard=$(ulimit -Hn)
# Two descriptors per connection, plus slack, per holder process.
per=$(((hard - 64) / 2))
[ "$per" -gt 5000 ] && per=5000
procs=$(((conns + per - 1) / per))
ns=tt-bench-sk-$$
tmp=$(mktemp -d)
pids=()
cleanup() {
        ip netns pids $ns 2>/dev/null | xargs -r kill 2>/dev/null || true
        wait 2>/dev/null || true
        ip netns del $ns 2>/dev/null || true
        rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add $ns
ip -n $ns link set lo up
ip netns exec $ns sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
ip netns exec $ns sysctl -qw net.core.somaxconn=8192

echo "bench-sockets: $conns connections (x2 sockets) in $procs processes of <= $per (ulimit -Hn $hard)"
start=$(date +%s.%N)
for i in $(seq 0 $((procs - 1))); do
        n=$per
        [ $(((i + 1) * per)) -gt "$conns" ] && n=$((conns - i * per))
        ip netns exec $ns python3 -c '
import resource, socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", port)); l.listen(8192)
held = []
for _ in range(n):
    held.append(socket.create_connection(("127.0.0.1", port)))
    held.append(l.accept()[0])
print("ready", flush=True)
time.sleep(3600)
' $((20000 + i)) $n >"$tmp/holder.$i" 2>&1 &
        pids+=($!)
done
for i in $(seq 0 $((procs - 1))); do
        until grep -q ready "$tmp/holder.$i"; do
                kill -0 "${pids[$i]}" 2>/dev/null || { echo "holder $i died: $(cat "$tmp/holder.$i")" >&2; exit 1; }
                sleep 0.2
        done
done
echo "bench-sockets: set up in $(echo "$(date +%s.%N) - $start" | bc) s"

want=$((2 * conns + procs)) # both ends and the listeners
"$tcptune" --netns $ns --json sockets --all >"$tmp/out.json"
got=$(jq '[.total, (.sockets | length), ([.sockets[] | select(.state == "established")] | length)] | @tsv' -r "$tmp/out.json")
read -r total listed estab <<<"$got"
echo "bench-sockets: tcptune lists $listed of $total sockets, $estab established (want $want and $((2 * conns)))"
ss_count=$(ip netns exec $ns ss -tinH | grep -c '^ESTAB' || true)
echo "bench-sockets: ss -tin lists $ss_count established"
[ "$total" = "$want" ] && [ "$listed" = "$want" ] && [ "$estab" = $((2 * conns)) ] || { echo "bench-sockets: FAIL: wrong count" >&2; exit 1; }

hyperfine -N --warmup 1 --runs "$runs" --export-json "$tmp/h.json" \
        -n "ss -tin" "ip netns exec $ns ss -tin" \
        -n "tcptune --json sockets --all" "$tcptune --netns $ns --json sockets --all" \
        -n "tcptune sockets --all" "$tcptune --netns $ns sockets --all" \
        -n "tcptune sockets" "$tcptune --netns $ns sockets" >/dev/null
jq -r '.results[] | [.command, (.median * 1000 | floor | tostring) + " ms"] | @tsv' "$tmp/h.json" | column -t -s $'\t'
jq -r '(.results[0].median) as $ss | .results[1:][] | "ratio \(.command) / ss -tin: \((.median / $ss * 100 | floor) / 100)"' "$tmp/h.json"

rss() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }
echo "max RSS: ss -tin $(rss ip netns exec $ns ss -tin) KiB (ip netns exec included)," \
        "tcptune --json sockets --all $(rss "$tcptune" --netns $ns --json sockets --all) KiB," \
        "tcptune sockets $(rss "$tcptune" --netns $ns sockets) KiB"

#!/bin/bash
# SPDX-License-Identifier: MIT
# Record the sock_diag and RTM_GETADDR replies of two throwaway namespaces
# holding one socket of each kind test-sockdiag checks: listeners (IPv4,
# IPv6), established pairs, a retransmitting socket, SYN-SENT, a request
# socket (SYN-RECV, in the server; its SYN-ACKs wait for a neighbour that
# never answers), time-wait. Root; writes client.bin,
# client-addrs.bin, server.bin, server-addrs.bin next to this script.
# usage: record.sh RECORD-SOCKDIAG-BINARY
set -eu
rec=$1 here=$(cd "$(dirname "$0")" && pwd)
c=tt-rec-c-$$ s=tt-rec-s-$$
trap 'for n in $c $s; do ip netns pids $n 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del $n 2>/dev/null; done' EXIT
ip netns add $c; ip netns add $s
ip -n $c link add v0 type veth peer name v1 netns $s
ip -n $c addr add 10.200.250.1/24 dev v0; ip -n $s addr add 10.200.250.2/24 dev v1
ip -n $c addr add 10.200.250.3/24 dev v0; ip -n $c addr add fd00:200::1/64 dev v0 nodad; ip -n $s addr add fd00:200::2/64 dev v1 nodad
for n in $c $s; do ip -n $n link set lo up; done
ip -n $c link set v0 up; ip -n $s link set v1 up
ip netns exec $s python3 - <<'PY' &
import socket, time
ls = []
for fam, addr in ((socket.AF_INET, ("10.200.250.2", 5000)), (socket.AF_INET6, ("fd00:200::2", 5000)),
                  (socket.AF_INET, ("10.200.250.2", 5001))):
    l = socket.socket(fam); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l.bind(addr); l.listen(8); ls.append(l)
held = []
ls[0].settimeout(0.1); ls[1].settimeout(0.1)
end = time.time() + 8
while time.time() < end:
    for l in ls[:2]:
        try: held.append(l.accept()[0])
        except OSError: pass
PY
sleep 0.3
ip netns exec $c python3 - <<PY &
import socket, time, subprocess
a = socket.create_connection(("10.200.250.2", 5000))          # established
b = socket.create_connection(("fd00:200::2", 5000))           # established, IPv6
t = socket.create_connection(("10.200.250.2", 5000)); t.close()  # time-wait after the server closes? (fin-wait)
time.sleep(0.2)
subprocess.run("ip -n $s route add blackhole 10.200.250.1/32", shell=True)  # the server goes silent
a.send(b"x" * 100)                                            # retransmitting
subprocess.run("ip -n $s route add 10.200.250.3/32 via 10.200.250.77 dev v1", shell=True)  # no such neighbour
s = socket.socket(); s.setblocking(False); s.bind(("10.200.250.3", 0))
try: s.connect(("10.200.250.2", 5001))                        # SYN-SENT here, SYN-RECV there
except BlockingIOError: pass

time.sleep(7)
PY
sleep 2
ip netns exec $c "$rec" "$here/client.bin" "$here/client-addrs.bin"
ip netns exec $s "$rec" "$here/server.bin" "$here/server-addrs.bin"
kill %1 %2 2>/dev/null || true

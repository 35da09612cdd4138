#!/bin/bash
# SPDX-License-Identifier: MIT
#
# `tcptune sockets` against connections that really fail, each in its own
# throwaway pair of namespaces (tt-sk-c-PID-N / tt-sk-s-PID-N, a veth pair
# born inside them, 10.200.(160+N).0/24, or fd00:200:0:(160+N)::/64 for
# the IPv6 case), all cases at once. The client helper (sockvictim) runs
# `tcptune --netns C --json sockets` while its socket fails and records
# when and how the kernel really failed it; the measured abort must fall
# in [query + abort_min_s - 0.02, query end + abort_max_s + 0.05] with the
# predicted errno. Two cases also run `tcptune --json audit` right after
# the query, whose soonest abort must hold the measured one likewise.
#
# Safety: nothing touches the host's namespace; sysctls only with
# `ip netns exec`, every process under `timeout`, the EXIT trap kills what
# runs in our namespaces (by PID) and deletes them.
#
# env: TCPTUNE, SOCKVICTIM (default: build/src/cli/tcptune,
#      build/tests/sockets/sockvictim), TAP=1 under meson
# exit: 0 all passed, 1 a case failed, 77 skipped (no root, ip, jq); a
#       kernel or namespace without IPv6 skips the IPv6 case alone (TAP
#       "# SKIP" with the reason), the others still run
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
TCPTUNE=${TCPTUNE:-$top/build/src/cli/tcptune}
SOCKVICTIM=${SOCKVICTIM:-$top/build/tests/sockets/sockvictim}

skip() {
        echo "1..0 # SKIP $*"
        [ "${TAP:-}" = 1 ] && exit 0
        exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root to create network namespaces"
for tool in ip jq timeout; do
        command -v $tool >/dev/null || skip "'$tool' not found"
done
ip netns add tt-sk-probe-$$ 2>/dev/null || skip "'ip netns add' does not work here"
ip netns del tt-sk-probe-$$
[ -x "$TCPTUNE" ] && [ -x "$SOCKVICTIM" ] || { echo "Bail out! $TCPTUNE or $SOCKVICTIM not built"; exit 99; }

tmp=$(mktemp -d /tmp/tcptune-sockets.XXXXXX)
ours() { ip netns list | awk -v p="^tt-sk-[cs]-$$-" '$1 ~ p { print $1 }'; }
cleanup() {
        trap - EXIT INT TERM
        local ns
        for ns in $(ours); do
                ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
        done
        wait 2>/dev/null
        for ns in $(ours); do
                ip netns del "$ns" 2>/dev/null
        done
        [ -n "${KEEP_TMP:-}" ] && echo "# kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# pair N CLIENT-SYSCTL...: the namespaces and their link.
pair() {
        local n=$1 c=tt-sk-c-$$-$1 s=tt-sk-s-$$-$1 net=10.200.$((160 + $1))
        shift
        ip netns add "$c" && ip netns add "$s" || return 1
        ip -n "$c" link add v0 type veth peer name v1 netns "$s" || return 1
        ip -n "$c" addr add "$net.1/24" dev v0
        ip -n "$s" addr add "$net.2/24" dev v1
        for ns in "$c" "$s"; do
                ip -n "$ns" link set lo up
        done
        ip -n "$c" link set v0 up
        ip -n "$s" link set v1 up
        local kv
        for kv in "$@"; do
                ip netns exec "$c" sysctl -qw "$kv" || return 1
        done
}

# pair6 N CLIENT-SYSCTL...: the same with IPv6 addresses only (no
# duplicate address detection to wait for), ready when a SYN to a closed
# port comes back refused: the first neighbour solicitation after the
# links come up is lost (seen: a 1 s handshake, whose RTT sample made
# the RTO 3 s). 2: IPv6 is off in these namespaces.
pair6() {
        local n=$1 c=tt-sk-c-$$-$1 s=tt-sk-s-$$-$1 net6=fd00:200:0:$((160 + $1)) ns kv
        shift
        ip netns add "$c" && ip netns add "$s" || return 1
        for ns in "$c" "$s"; do
                ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0 2>/dev/null
        done
        ip -n "$c" link add v0 type veth peer name v1 netns "$s" || return 1
        ip -n "$c" -6 addr add "$net6::1/64" dev v0 nodad 2>"$tmp/v6.err" &&
                ip -n "$s" -6 addr add "$net6::2/64" dev v1 nodad 2>>"$tmp/v6.err" || return 2
        for ns in "$c" "$s"; do
                ip -n "$ns" link set lo up
        done
        ip -n "$c" link set v0 up
        ip -n "$s" link set v1 up
        for kv in "$@"; do
                ip netns exec "$c" sysctl -qw "$kv" || return 1
        done
        for _ in $(seq 20); do
                timeout 0.3 ip netns exec "$c" bash -c "exec 3<>/dev/tcp/$net6::2/9" 2>&1 | grep -q refused && return 0
        done
        return 1
}

# The server's address in case N.
server_addr() {
        if [ "${families[$1]:-inet}" = inet6 ]; then
                echo "[fd00:200:0:$((160 + $1))::2]:5000"
        else
                echo "10.200.$((160 + $1)).2:5000"
        fi
}

# run N MODE ERRNO SERVER-OPTS CLIENT-OPTS... : one case, in the background.
case_run() {
        local n=$1 mode=$2 c=tt-sk-c-$$-$1 s=tt-sk-s-$$-$1 addr
        addr=$(server_addr "$1")
        shift 2
        local server_opts=$1
        shift
        # shellcheck disable=SC2086
        timeout 60 ip netns exec "$s" "$SOCKVICTIM" server --addr "$addr" $server_opts >"$tmp/$n.server" 2>&1 &
        for _ in $(seq 100); do
                grep -q ready "$tmp/$n.server" 2>/dev/null && break
                sleep 0.02
        done
        timeout 60 ip netns exec "$c" "$SOCKVICTIM" client --addr "$addr" --mode "$mode" \
                --query "$TCPTUNE --netns $c --json sockets >$tmp/$n.query 2>$tmp/$n.query.err" "$@" \
                >"$tmp/$n.json" 2>"$tmp/$n.err"
}

blackhole() { echo "ip -n tt-sk-s-$$-$1 route add blackhole 10.200.$((160 + $1)).1/32"; }
blackhole6() { echo "ip -n tt-sk-s-$$-$1 -6 route add blackhole fd00:200:0:$((160 + $1))::1/128"; }
# audit_cmd N: `tcptune --json audit` of case N's client namespace, for
# --then (the cases in audited[]).
audit_cmd() { echo "$TCPTUNE --netns tt-sk-c-$$-$1 --json audit >$tmp/$1.audit 2>$tmp/$1.audit.err; true"; }

# The cases: N name mode errno.
names=([1]=retransmit [2]=zero-window [3]=keepalive [4]=syn-sent [5]=address-gone [6]=kill [7]=retransmit-inet6)
modes=([1]=established [2]=zero-window [3]=keepalive [4]=connect [5]=established [6]=established [7]=established)
errnos=([1]=ETIMEDOUT [2]=ETIMEDOUT [3]=ETIMEDOUT [4]=ETIMEDOUT [5]=ENETUNREACH [6]=ECONNABORTED [7]=ETIMEDOUT)
timers=([1]=retransmit [2]=probe [3]=keepalive [4]=syn [5]=retransmit [6]=retransmit [7]=retransmit)
families=([7]=inet6)
audited=([1]=1 [7]=1)

pair 1 net.ipv4.tcp_retries2=4 &&
pair 2 net.ipv4.tcp_retries2=4 &&
pair 3 net.ipv4.tcp_keepalive_time=1 net.ipv4.tcp_keepalive_intvl=1 net.ipv4.tcp_keepalive_probes=3 &&
pair 4 net.ipv4.tcp_syn_retries=2 &&
pair 5 net.ipv4.tcp_retries2=5 &&
pair 6 net.ipv4.tcp_retries2=5 || { echo "Bail out! cannot set up the namespaces"; exit 1; }
# IPv6: tcp_retries2 is the same sysctl (net.ipv4) for both families.
skip6=
if [ ! -d /proc/sys/net/ipv6 ]; then
        skip6="this kernel has no IPv6 (/proc/sys/net/ipv6 is missing)"
else
        pair6 7 net.ipv4.tcp_retries2=4
        case $? in
        0) ;;
        2) skip6="IPv6 is disabled in a new namespace (ip -6 addr add: $(head -c 200 "$tmp/v6.err" | tr '\n' ' '))" ;;
        *) echo "Bail out! cannot set up the IPv6 namespaces"; exit 1 ;;
        esac
fi

gone() { echo "ip -n tt-sk-c-$$-$1 addr del 10.200.$((160 + $1)).1/24 dev v0"; }
c6=tt-sk-c-$$-6
start=$(date +%s.%N)
case_run 1 established "" --hole "$(blackhole 1)" --query-after 1.0 --then "$(audit_cmd 1)" &
case_run 2 zero-window "--no-read --rcvbuf 2048" --hole "$(blackhole 2)" --query-after 1.5 &
case_run 3 keepalive "" --hole "$(blackhole 3)" --query-after 1.6 &
case_run 4 connect "" --hole "$(blackhole 4)" --query-after 1.5 &
case_run 5 established "" --hole "$(blackhole 5)" --hole-after-write "$(gone 5)" --query-after 1.0 &
case_run 6 established "" --hole "$(blackhole 6)" --hole-after-write "$(gone 6)" --query-after 1.0 \
        --then "$TCPTUNE --netns $c6 sockets --kill --dry-run --dst 10.200.166.2 --port 5000 >$tmp/6.dry 2>&1;
                $TCPTUNE --netns $c6 sockets --kill --dst 10.200.166.2/32 --port 5000 >$tmp/6.kill 2>&1" &
[ -z "$skip6" ] && case_run 7 established "" --hole "$(blackhole6 7)" --query-after 1.0 --then "$(audit_cmd 7)" &
wait
echo "# all cases done in $(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo '?') s"

n_test=0 failed=0
ok() { n_test=$((n_test + 1)); echo "ok $n_test - $*"; }
not_ok() { n_test=$((n_test + 1)); failed=1; echo "not ok $n_test - $*"; }

for n in 1 2 3 4 5 6 7; do
        name=${names[$n]}
        if [ "$n" = 7 ] && [ -n "$skip6" ]; then
                n_test=$((n_test + 1))
                echo "ok $n_test - $name # SKIP $skip6"
                continue
        fi
        if ! jq -e . "$tmp/$n.json" >/dev/null 2>&1; then
                not_ok "$name: no measurement: $(head -c 300 "$tmp/$n.err" 2>/dev/null)"
                continue
        fi
        lport=$(jq -r .lport "$tmp/$n.json")
        sock=$(jq -c --arg p ":$lport" '[.sockets[] | select(.local | endswith($p))][0] // empty' "$tmp/$n.query" 2>/dev/null)
        sed 's/^/# /' "$tmp/$n.json"
        echo "# query: ${sock:-(socket not listed) $(head -c 300 "$tmp/$n.query.err" 2>/dev/null)}"
        if [ -z "$sock" ]; then
                not_ok "$name: the failing socket is not listed"
                continue
        fi
        if [ "$(jq -r .timer <<<"$sock")" != "${timers[$n]}" ]; then
                not_ok "$name: timer $(jq -r .timer <<<"$sock"), expected ${timers[$n]}"
                continue
        fi
        if [ "$(jq -r .family <<<"$sock")" != "${families[$n]:-inet}" ]; then
                not_ok "$name: family $(jq -r .family <<<"$sock"), expected ${families[$n]:-inet}"
                continue
        fi
        measured=$(jq -r .errno "$tmp/$n.json")
        if [ "$n" = 6 ]; then
                # Killed: ECONNABORTED while --kill runs, after the dry run.
                verdict=$(jq -r '[.t_fail >= .t_then0 and .t_fail <= .t_then1 + 0.05, .t_fail - .t_then0] | @tsv' "$tmp/$n.json")
                if [ "$measured" = ECONNABORTED ] && [ "${verdict%%$'\t'*}" = true ] &&
                   jq -e '.local_address_gone and .errno == "ENETUNREACH"' <<<"$sock" >/dev/null &&
                   grep -q 'Would kill 1 socket' "$tmp/6.dry" && grep -q 'Killed 1 of 1' "$tmp/6.kill"; then
                        ok "$name: local_address_gone, ENETUNREACH predicted; --kill --dst: ECONNABORTED ${verdict#*$'\t'} s after --kill started"
                else
                        not_ok "$name: errno $measured, $verdict; dry: $(tr '\n' ' ' <"$tmp/6.dry"); kill: $(tr '\n' ' ' <"$tmp/6.kill")"
                fi
                continue
        fi
        read -r lo hi at expected <<<"$(jq -r --argjson s "$sock" '[.t_query0 + $s.abort_min_s - 0.02 - .t_query0,
                .t_query1 + $s.abort_max_s + 0.05 - .t_query0, .t_fail - .t_query0, $s.errno] | @tsv' "$tmp/$n.json")"
        inside=$(jq -n --argjson lo "$lo" --argjson hi "$hi" --argjson at "$at" '$at >= $lo and $at <= $hi')
        if [ -n "${audited[$n]:-}" ]; then
                # audit reads the same socket (one dump of both families)
                # right after the query: its soonest abort is this one.
                audit=$(jq -c .sockets "$tmp/$n.audit" 2>/dev/null)
                echo "# audit: ${audit:-(none) $(head -c 300 "$tmp/$n.audit.err" 2>/dev/null)}"
                read -r alo ahi <<<"$(jq -r --argjson a "${audit:-null}" '[.t_then0 + $a.first_abort_min_s - 0.02 - .t_query0,
                        .t_then1 + $a.first_abort_max_s + 0.05 - .t_query0] | @tsv' "$tmp/$n.json" 2>/dev/null)"
                if jq -e '.failing == 1 and .failing_by_timer.retransmit == 1 and .first_abort_errno == "ETIMEDOUT"' \
                        <<<"${audit:-null}" >/dev/null &&
                   [ "$(jq -n --argjson lo "$alo" --argjson hi "$ahi" --argjson at "$at" '$at >= $lo and $at <= $hi')" = true ]; then
                        ok "$name: audit: one failing socket, first abort [$alo, $ahi] holds $at s"
                else
                        not_ok "$name: audit: $audit; first abort [${alo:-?}, ${ahi:-?}], measured $at s"
                fi
        fi
        if [ "$n" = 5 ] && ! jq -e .local_address_gone <<<"$sock" >/dev/null; then
                not_ok "$name: not flagged local_address_gone"
        elif [ "$inside" = true ] && [ "$measured" = "$expected" ] && [ "$measured" = "${errnos[$n]}" ]; then
                ok "$name: aborted $at s after the query with $measured, predicted [$lo, $hi]"
        else
                not_ok "$name: aborted $at s after the query with $measured, predicted [$lo, $hi] with $expected"
        fi
done
echo "1..$n_test"
exit $failed

#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Kernel model test (docs/MODEL.md §14): measure how long this kernel takes
# to report a dead TCP peer, in throwaway network namespaces, and compare each
# measurement with `tcptune model` on the same inputs.
#
# Safety, in this order of importance:
#   1. Nothing touches the host's network namespace. Each case gets its own
#      pair tt-c-PID-N / tt-s-PID-N (routed cases a router tt-r-PID-N between
#      them), created and wired from inside (the veth pairs are born in
#      them), addresses in 10.200.N.0/24 and fd00:200:N::/48, sysctls set
#      only with `ip netns exec`.
#   2. Every process has a wall-clock limit (timeout).
#   3. The namespaces go away on any exit: each case removes its own, and the
#      EXIT trap sweeps whatever is left with our PID in its name.
#
# usage: run.sh [--long] [--measure-only] [--only NAME[,NAME...]] [--json FILE]
# env:   TCPDEAD, TUNRELAY  helpers (default build/tests/kernel/ under the top)
#        KEEP_TMP=1        keep the per-case logs in /tmp/tcptune-kernel.*
#        TCPTUNE           the tool (default build/tcptune)
#        CASES             case list (default cases.txt next to this script)
# exit:  0 all passed (or measured, with --measure-only), 1 a case failed,
#        77 skipped (no root, netns, TUN, jq or sysctl), 99 helpers not built

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
TCPDEAD=${TCPDEAD:-$top/build/tests/kernel/tcpdead}
TUNRELAY=${TUNRELAY:-$top/build/tests/kernel/tunrelay}
TCPTUNE=${TCPTUNE:-$top/build/tcptune}
CASES=${CASES:-$here/cases.txt}
PORT=5000

# Under meson (TAP=1) stdout carries only TAP, one "ok N - case" per
# measurement; the readable report goes to stderr, which meson logs too.
if [ "${TAP:-}" = 1 ]; then
        exec 3>&1 1>&2
fi

long=0 measure_only=0 only="" json_out=""
while [ $# -gt 0 ]; do
        case $1 in
        --long) long=1 ;;
        --measure-only) measure_only=1 ;;
        --only) only=,$2, && shift ;;
        --json) json_out=$2 && shift ;;
        -h|--help) sed -n '/^# usage/,/^# exit/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
        esac
        shift
done

skip() {
        echo "kernel-model: SKIP: $*"
        # Under meson (TAP=1) a skip is a TAP plan of nothing; by hand, 77.
        [ "${TAP:-}" = 1 ] && { echo "1..0 # SKIP $*" >&3; exit 0; }
        exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root to create network namespaces"
for tool in ip jq timeout sysctl; do
        command -v $tool >/dev/null || skip "'$tool' not found"
done
[ -c /dev/net/tun ] || skip "/dev/net/tun is missing (the RTT case needs TUN)"
ip netns add tt-probe-$$ 2>/dev/null || skip "'ip netns add' does not work here"
ip netns del tt-probe-$$
for helper in "$TCPDEAD" "$TUNRELAY"; do
        if [ ! -x "$helper" ]; then
                echo "kernel-model: $helper: not built (meson compile -C build, or set TCPDEAD and TUNRELAY)" >&2
                exit 99
        fi
done

tmp=$(mktemp -d /tmp/tcptune-kernel.XXXXXX)
runners=() names=()

# shellcheck disable=SC2317 # also called from the EXIT trap
ours() {
        ip netns list | awk -v p="^tt-[csr]-$$-" '$1 ~ p { print $1 }'
}

# Killing what runs inside our namespaces wakes each runner, whose own EXIT
# trap then stops its helpers and deletes its pair.
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
        local ns
        trap - EXIT INT TERM
        for ns in $(ours); do
                ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
        done
        [ ${#runners[@]} -gt 0 ] && kill "${runners[@]}" 2>/dev/null
        wait
        for ns in $(ours); do
                ip netns del "$ns" 2>/dev/null
        done
        [ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The tool's prediction for a measurement: "typical<TAB>min<TAB>max<TAB>errno<TAB>verdict".
# An outage case (input outage_s) that the model says survives is judged
# on the resume range (typical: its middle) and no errno, or ECONNRESET
# when the peer forgot the connection meanwhile (input peer_forgot); one
# it does not survive, on the detection range like any other.
judge() {
        local res=$1 ns=$2 rtt rto segs ut idle intvl cnt zwb zwp lf fam outage args
        IFS=$'\t' read -r rtt rto segs ut idle intvl cnt zwb zwp lf fam outage < <(jq -r '.inputs |
                [.rtt_s, .rto_s, .segments, .user_timeout_s,
                 .keepalive_idle_s, .keepalive_intvl_s, .keepalive_cnt,
                 .zw_backoff, .zw_probes_out, .local_failure, .family, .outage_s] | map(. // "-") | @tsv' "$res.json")
        # Plain decimals: jq would print 4.6e-05, which is no duration.
        args=(--netns "/run/netns/$ns" --json model --scenario "$(jq -r .scenario "$res.json")")
        [ "$rtt" = - ] || args+=(--rtt "$(printf '%.6fs' "$rtt")")
        [ "$rto" = - ] || args+=(--rto "$(printf '%.6fs' "$rto")")
        [ "$segs" = - ] || [ "$segs" = 0 ] || args+=(--segments "$segs")
        [ "$ut" = - ] || args+=(--user-timeout "$(printf '%.3fs' "$ut")")
        [ "$idle" = - ] || args+=(--keepalive "$idle,$intvl,$cnt")
        [ "$zwb" = - ] || args+=(--backoff "$zwb")
        [ "$zwp" = - ] || args+=(--probes-out "$zwp")
        [ "$lf" = - ] || args+=(--local-failure "$lf")
        [ "$fam" = - ] || args+=(--family "$fam")
        [ "$outage" = - ] || args+=(--outage "$(printf '%.3fs' "$outage")")
        echo "+ tcptune ${args[*]}" >>"$res.log"
        if ! timeout 30 "$TCPTUNE" "${args[@]}" >"$res.model" 2>>"$res.log"; then
                printf -- '-\t-\t-\t-\tno model\n'
                return
        fi
        # $late: the wake-up latency tcpdead saw on this machine (at most
        # 0.5 s), allowed on top of the 50 ms slack: under load the process
        # that reads the error runs late, not the kernel's timers.
        jq -r --slurpfile m "$res.json" '$m[0] as $m
                | ([($m.wakeup_latency_s // 0), 0.5] | min) as $late
                | [.scenarios[]? | select(.name == $m.scenario)][0] as $p
                | if ($p.detect_min_s | type) != "number" then ["-", "-", "-", "-", "no model"]
                  elif ($m.inputs.outage_s != null) and ($p.outage.survives // false) then
                        (if $m.inputs.peer_forgot != null then "ECONNRESET" else null end) as $e
                        | [($p.outage.resume_min_s + $p.outage.resume_max_s) / 2,
                           $p.outage.resume_min_s, $p.outage.resume_max_s, ($e // "null"),
                           if $p.outage.resume_min_s - 0.02 <= $m.measured_s
                              and $m.measured_s <= $p.outage.resume_max_s + 0.05 + $late
                              and $e == $m.errno then "PASS" else "FAIL" end]
                  else [$p.detect_s, $p.detect_min_s, $p.detect_max_s, ($p.errno // "null"),
                        if $p.detect_min_s - 0.02 <= $m.measured_s and $m.measured_s <= $p.detect_max_s + 0.05 + $late
                           and $p.errno == $m.errno then "PASS" else "FAIL" end]
                  end | @tsv' "$res.model" 2>>"$res.log" || printf -- '-\t-\t-\t-\tno model\n'
}

# Routed cases (client - router - server): what an action name in
# cases.txt (--hole-action NAME, --at SEC=NAME[+NAME...]) does, as a shell
# command for tcpdead. Uses run_case's c r s ca sa cnet snet host new nodad ra.
action() {
        case $1 in
        cut) echo "ip -n $r route replace blackhole $sa/$host" ;;          # router drops what goes to the server
        uncut) echo "ip -n $r route del blackhole $sa/$host" ;;
        silence) echo "ip -n $s route replace blackhole $ca/$host" ;;     # the server's replies die at the server
        unsilence) echo "ip -n $s route del blackhole $ca/$host" ;;
        addr-del) echo "ip -n $c addr del $ca/$cnet dev v0" ;;
        addr-add) echo "ip -n $c addr add $ca/$cnet dev v0 $nodad && ip -n $c route replace $snet via $ra" ;;
        renumber) echo "ip -n $c addr del $ca/$cnet dev v0 && ip -n $c addr add $new/$cnet dev v0 $nodad && ip -n $c route replace $snet via $ra" ;;
        peer-forget) echo "ip netns exec $s ss -K dst $ca" ;;           # the peer loses the connection (NAT rebinding, reboot)
        none) echo true ;;
        *) return 1 ;;
        esac
}

# Until linkwatch (up to 1 s after "link set up") attaches the real qdisc,
# an interface drops everything through noop: a SYN lost there costs 1 s
# and leaves an RTT sample of 1 s, so the warm-up would end with RTO 0.88 s.
links_ready() {
        local ns ready
        for _ in $(seq 150); do
                ready=1
                for ns; do
                        ip -n "$ns" link show up | grep -q 'qdisc noop' && ready=0
                done
                [ $ready = 1 ] && return 0
                sleep 0.02
        done
        echo "run.sh: interfaces in $* still without a qdisc after 3 s" >&2
}

# One case, in the background: set up the pair, measure, judge, clean up.
# Leaves "$tmp/N.tsv": name scenario measured errno typical min max p_errno verdict.
run_case() {
        local i=$1 name=$2 scen=$3 limit=$4 link=$5 sysctls=$6 opts=$7 set=$8
        local c=tt-c-$$-$i s=tt-s-$$-$i r=tt-r-$$-$i ca=10.200.$i.1 sa=10.200.$i.2 res=$tmp/$i
        local args=() server_args=() kv shown where=$c model_ns=$c measured=- err=- pred
        local hole="ip -n $s route replace blackhole $ca/32" hole_action="" at=() w cmd a
        local cnet snet host=32 new ra nodad="" peer="$sa:$PORT" more=()

        # Not local: the EXIT trap may run after the function's scope is gone.
        # Each runner is its own subshell, so these are per case anyway.
        helpers=() pair="$c $s $r"
        trap 'kill "${helpers[@]}" 2>/dev/null; wait; for ns in $pair; do ip netns del "$ns" 2>/dev/null; done' EXIT
        trap 'exit 143' TERM
        exec 2>>"$res.log"

        ip netns add "$c" && ip netns add "$s" || return
        ip -n "$c" link set lo up && ip -n "$s" link set lo up || return
        case $link in
        veth)
                ip -n "$c" link add v0 type veth peer name v1 netns "$s" &&
                        ip -n "$c" addr add "$ca/24" dev v0 && ip -n "$s" addr add "$sa/24" dev v1 &&
                        ip -n "$c" link set v0 up && ip -n "$s" link set v1 up || return
                ;;
        tun*)
                ip -n "$c" tuntap add dev tun0 mode tun && ip -n "$s" tuntap add dev tun0 mode tun &&
                        ip -n "$c" addr add "$ca" peer "$sa" dev tun0 && ip -n "$s" addr add "$sa" peer "$ca" dev tun0 &&
                        ip -n "$c" link set tun0 up && ip -n "$s" link set tun0 up || return
                timeout "$((limit + 10))" "$TUNRELAY" --rtt-ms "${link#tun}" "/run/netns/$c:tun0" "/run/netns/$s:tun0" &
                helpers+=($!)
                # No carrier until the relay has attached.
                for _ in $(seq 100); do
                        ip -n "$c" link show tun0 | grep -q LOWER_UP && ip -n "$s" link show tun0 | grep -q LOWER_UP && break
                        sleep 0.02
                done
                ;;
        routed4 | routed6)
                # client v0 - r0 router r1 - v1 server; the router forwards.
                if [ "$link" = routed4 ]; then
                        ca=10.200.$i.1 ra=10.200.$i.2 new=10.200.$i.3 sa=10.200.$i.66 cnet=26 host=32
                        snet=10.200.$i.64/26
                        local rs=10.200.$i.65 cs=10.200.$i.0/26
                        peer="$sa:$PORT"
                else
                        ca=fd00:200:$i:1::1 ra=fd00:200:$i:1::2 new=fd00:200:$i:1::3 sa=fd00:200:$i:2::2 cnet=64 host=128
                        snet=fd00:200:$i:2::/64 nodad=nodad
                        local rs=fd00:200:$i:2::1 cs=fd00:200:$i:1::/64
                        peer="[$sa]:$PORT"
                fi
                ip netns add "$r" && ip -n "$r" link set lo up || return
                # No duplicate address detection: a tentative link-local
                # address holds back neighbour discovery for a second, and
                # that first round trip would inflate the RTO.
                for w in "$c" "$r" "$s"; do
                        ip netns exec "$w" sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 || return
                done
                ip -n "$c" link add v0 type veth peer name r0 netns "$r" &&
                        ip -n "$s" link add v1 type veth peer name r1 netns "$r" || return
                ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 || return
                ip -n "$c" addr add "$ca/$cnet" dev v0 $nodad && ip -n "$r" addr add "$ra/$cnet" dev r0 $nodad &&
                        ip -n "$r" addr add "$rs/$cnet" dev r1 $nodad && ip -n "$s" addr add "$sa/$cnet" dev v1 $nodad &&
                        ip -n "$c" link set v0 up && ip -n "$r" link set r0 up &&
                        ip -n "$r" link set r1 up && ip -n "$s" link set v1 up &&
                        ip -n "$c" route add "$snet" via "$ra" && ip -n "$s" route add "$cs" via "$rs" || return
                # IPv6 adds the router's connected routes from a work queue
                # after the link comes up; a SYN before that is lost (1 s).
                for _ in $(seq 100); do
                        [ "$(ip -n "$r" route show "$cs"; ip -n "$r" route show "$snet")" ] &&
                                [ "$(ip -n "$r" route show "$cs" | wc -l)" -ge 1 ] &&
                                [ "$(ip -n "$r" route show "$snet" | wc -l)" -ge 1 ] && break
                        sleep 0.02
                done
                hole=$(action cut)
                ;;
        *)
                echo "run.sh: $name: unknown link '$link'" >&2
                return
                ;;
        esac

        # Routed cases' own words: --hole-action NAME replaces the hole,
        # --at SEC=NAME[+NAME] runs actions after the write.
        set -- $opts
        while [ $# -gt 0 ]; do
                case $1 in
                --hole-action)
                        hole=$(action "$2") || { echo "run.sh: $name: unknown action '$2'" >&2; return; }
                        shift ;;
                --at)
                        cmd=""
                        for a in $(echo "${2#*=}" | tr + ' '); do
                                w=$(action "$a") || { echo "run.sh: $name: unknown action '$a'" >&2; return; }
                                cmd=${cmd:+$cmd && }$w
                        done
                        at+=(--at "${2%%=*}:$cmd")
                        shift ;;
                *) more+=("$1") ;;
                esac
                shift
        done

        links_ready "$c" "$s" ${cnet:+"$r"}

        # An accept case's sysctls belong to the listener's namespace.
        [ "$scen" = accept ] && where=$s model_ns=$s
        for kv in ${sysctls//,/ }; do
                [ "$kv" = - ] && continue
                ip netns exec "$where" sysctl -qw "$kv" || return
                args+=(--input "$kv")
        done

        case $scen in
        zero-window)
                args+=(--hole "$hole")
                timeout "$((limit + 10))" ip netns exec "$s" "$TCPDEAD" server --addr "$peer" --stall-after 2000 &  # the warm-up: 20 rounds of 100 B
                helpers+=($!)
                where=$c
                ;;
        established | idle | orphan | fin-wait-2)
                # fin-wait-2: the peer stays alive, acks our FIN and never sends its own.
                # The server's FIN puts it in pingpong mode, which would delay the ACK
                # of our FIN, and with it the start of the timer, by a delayed-ACK
                # timeout (40+ ms); a quickack route makes it immediate.
                if [ "$scen" = fin-wait-2 ]; then
                        server_args=(--hold)
                        ip -n "$s" route add "$ca/32" dev v1 quickack 1 || return
                else
                        args+=(--hole "$hole")
                fi
                timeout "$((limit + 10))" ip netns exec "$s" "$TCPDEAD" server --addr "$peer" "${server_args[@]}" &
                helpers+=($!)
                where=$c
                ;;
        connect)
                args+=(--hole "$hole")
                where=$c
                ;;
        accept)
                # The SYN comes from .99, owned by nobody; its SYN-ACKs are routed to
                # the client namespace, which does not forward them.
                ip netns exec "$c" sysctl -qw net.ipv4.ip_forward=0 &&
                        ip -n "$s" route add "10.200.$i.99/32" via "$ca" || return
                args+=(--from "10.200.$i.99" --netns "/run/netns/$c")
                where=$s
                ;;
        esac

        args+=("${at[@]}" "${more[@]}")
        printf -v shown ' %q' "${args[@]}"
        echo "+ tcpdead $scen --name $name --addr $peer$shown" >&2
        if timeout -k 5 "$limit" ip netns exec "$where" "$TCPDEAD" "$scen" --name "$name" \
                --addr "$peer" "${args[@]}" >"$res.json" && jq -e . "$res.json" >/dev/null; then
                # Routed cases: does the peer still believe in the connection?
                if [ -n "${cnet:-}" ]; then
                        local n_est
                        n_est=$(ip netns exec "$s" ss -Htn state established "( sport = :$PORT )" | wc -l)
                        jq -c --argjson n "$n_est" '. + {peer_established: ($n > 0)}' "$res.json" >"$res.json.new" &&
                                mv "$res.json.new" "$res.json"
                fi
                measured=$(jq -r '.measured_s' "$res.json")
                err=$(jq -r '.errno // "null"' "$res.json")
                if [ $measure_only = 1 ] || [ "$set" = measure ]; then
                        pred=$(printf -- '-\t-\t-\t-\tmeasured')
                else
                        pred=$(judge "$res" "$model_ns")
                fi
        else
                echo "run.sh: $name: measurement failed or timed out after ${limit}s" >&2
                pred=$(printf -- '-\t-\t-\t-\tERROR')
        fi
        printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$scen" "$measured" "$err" "$pred" >"$res.tsv"
        [ "$measured" = - ] || measured=$(printf '%.3f' "$measured")
        printf '%-14s %-12s %9s s  %-12s %-34s %s\n' "$name" "$scen" "$measured" "$err" \
                "$(prediction "$res.tsv")" "$(cut -f9 "$res.tsv")"
}

# "typical [min..max] verdict" from a result line; the predicted errno too if it differs.
prediction() {
        local err typ min max perr verdict
        IFS=$'\t' read -r _ _ _ err typ min max perr verdict <"$1"
        if [ "$typ" = - ]; then
                echo "-"
        elif [ "$perr" = "$err" ]; then
                printf '%.3f [%.3f..%.3f]\n' "$typ" "$min" "$max"
        else
                printf '%.3f [%.3f..%.3f] %s\n' "$typ" "$min" "$max" "$perr"
        fi
}

# Parallel is fine on two cores: the cases sleep in timers; each pair of
# namespaces keeps them from seeing each other.
start=$(date +%s.%N)
n=0
while read -r name set scen limit link sysctls opts; do
        case $name in '' | '#'*) continue ;; esac
        if [ -n "$only" ]; then
                case $only in *",$name,"*) ;; *) continue ;; esac
        elif [ "$set" = long ] && [ $long = 0 ]; then
                continue
        fi
        n=$((n + 1))
        [ $n -le 254 ] || { echo "run.sh: more than 254 cases" >&2; exit 2; }
        names[n]=$name
        run_case "$n" "$name" "$scen" "$limit" "$link" "$sysctls" "$opts" "$set" &
        runners+=($!)
done <"$CASES"
[ $n -gt 0 ] || { echo "run.sh: no case selected" >&2; exit 2; }
wait "${runners[@]}"
runners=()
wall=$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { printf "%.1f", a - b }')

[ -n "$json_out" ] && : >"$json_out"
failed=0 passed=0
echo
printf '| %-14s | %-12s | %12s | %-12s | %-34s | %-8s |\n' case scenario "measured (s)" errno "predicted (s) [min..max]" verdict
printf '|%s|%s|%s:|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..16})" "$(printf -- '-%.0s' {1..14})" \
        "$(printf -- '-%.0s' {1..13})" "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..36})" "$(printf -- '-%.0s' {1..10})"
for i in $(seq "$n"); do
        name=${names[i]} scen=- measured=- err=- typ=- verdict=ERROR
        [ -s "$tmp/$i.tsv" ] && IFS=$'\t' read -r name scen measured err typ min max perr verdict <"$tmp/$i.tsv"
        pred=-
        [ -s "$tmp/$i.tsv" ] && pred=$(prediction "$tmp/$i.tsv")
        [ "$measured" = - ] || measured=$(printf '%.3f' "$measured")
        printf '| %-14s | %-12s | %12s | %-12s | %-34s | %-8s |\n' "$name" "$scen" "$measured" "$err" "$pred" "$verdict"
        case $verdict in
        PASS | measured) passed=$((passed + 1)) ;;
        *)
                failed=$((failed + 1))
                { echo "--- $name:"; cat "$tmp/$i.log"; } >>"$tmp/failures" 2>/dev/null
                ;;
        esac
        if [ -n "$json_out" ] && [ -s "$tmp/$i.json" ]; then
                if [ "$typ" = - ]; then
                        jq -c . "$tmp/$i.json"
                else
                        jq -c --argjson t "$typ" --argjson lo "$min" --argjson hi "$max" --arg e "$perr" \
                                '. + {predicted: {detect_s: $t, detect_min_s: $lo, detect_max_s: $hi,
                                                  errno: (if $e == "null" then null else $e end)}}' "$tmp/$i.json"
                fi >>"$json_out"
        fi
done
printf '\n%d cases, %d ok, %d failed; wall time %s s; kernel %s\n' "$n" "$passed" "$failed" "$wall" "$(uname -r)"
if [ "${TAP:-}" = 1 ]; then
        {
        echo "1..$n"
        for ((i = 1; i <= n; i++)); do
                name=${names[i]} verdict=ERROR measured=- typ=-
                [ -s "$tmp/$i.tsv" ] && IFS=$'\t' read -r name _ measured _ typ min max _ verdict <"$tmp/$i.tsv"
                case $verdict in
                PASS | measured) echo "ok $i - $name measured $measured s, predicted $typ [$min..$max]" ;;
                *) echo "not ok $i - $name $verdict (measured $measured s, predicted $typ [${min:-}..${max:-}])" ;;
                esac
        done
        } >&3
fi
if [ $failed -gt 0 ]; then
        echo
        cat "$tmp/failures"
        exit 1
fi
exit 0

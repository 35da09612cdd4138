#!/bin/bash
# audit --netns and --all-netns on two throwaway namespaces with different
# values: each appears once, with its own values and detection times, and
# the differs-from-host finding fires; 50 namespaces take under a second.
# Only namespaces made here are added to /run/netns (ip netns add/delete).
# The host's values are only read. Needs root; exits 77 (skipped) otherwise.
set -u
tcptune=${TCPTUNE:?}
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root to create network namespaces"
command -v ip >/dev/null || skip "ip (iproute2) not installed"
command -v jq >/dev/null || skip "jq not installed"

pfx=tcptune-audit-$$
a=$pfx-a b=$pfx-b
ip netns add "$a" 2>/dev/null || skip "ip netns add failed (no namespace support here)"
many=()
cleanup() {
        ip netns delete "$a" 2>/dev/null
        ip netns delete "$b" 2>/dev/null
        for n in "${many[@]}"; do ip netns delete "$n" 2>/dev/null; done
}
trap cleanup EXIT
ip netns add "$b" || { echo "not ok - ip netns add $b"; exit 1; }

fail=0
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; fail=1; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else nok "$1: got '$2', expected '$3'"; fi; }

host_before=$(cd /proc/sys/net/ipv4 && grep -H . tcp_retries2 tcp_keepalive_time tcp_syn_retries)
ip netns exec "$a" sh -c 'echo 7 > /proc/sys/net/ipv4/tcp_retries2' || { nok "set in $a"; exit 1; }
ip netns exec "$b" sh -c 'echo 300 > /proc/sys/net/ipv4/tcp_keepalive_time && echo 3 > /proc/sys/net/ipv4/tcp_syn_retries' ||
        { nok "set in $b"; exit 1; }

# --netns: each namespace's own values and figures.
ja=$("$tcptune" --netns "$a" --json audit)
jb=$("$tcptune" --netns "$b" --json audit)
check "--netns A reads tcp_retries2 7" "$(jq '.tunables[] | select(.key=="net.ipv4.tcp_retries2") | .value' <<<"$ja")" 7
check "--netns B reads tcp_keepalive_time 300" \
        "$(jq '.tunables[] | select(.key=="net.ipv4.tcp_keepalive_time") | .value' <<<"$jb")" 300
check "--netns labels the namespace" "$(jq -r .netns <<<"$ja")" "$a"
check "--netns: no drift (sysctl.d configures the host only)" "$(jq -c .drift <<<"$ja")" null
ea=$(jq '.scenarios[] | select(.name=="established") | .detect_max_s' <<<"$ja")
eb=$(jq '.scenarios[] | select(.name=="established") | .detect_max_s' <<<"$jb")
[ "$ea" != "$eb" ] && ok "established figures differ ($ea vs $eb)" || nok "established figures equal: $ea"
check "--netns A established (retries2 7) latest" "$ea" 55
ia=$(jq '.scenarios[] | select(.name=="idle") | .detect_max_s' <<<"$ja")
ib=$(jq '.scenarios[] | select(.name=="idle") | .detect_max_s' <<<"$jb")
[ "$ia" != "$ib" ] && ok "idle figures differ ($ia vs $ib)" || nok "idle figures equal: $ia"

# --all-netns: the host first, each namespace once.
all=$("$tcptune" audit --all-netns --json); rc=$?
[ $rc -le 1 ] && ok "--all-netns exits $rc" || nok "--all-netns exit $rc"
check "host comes first" "$(jq -r '.namespaces[0].netns' <<<"$all")" host
check "A appears once" "$(jq --arg n "$a" '[.namespaces[] | select(.netns==$n)] | length' <<<"$all")" 1
check "B appears once" "$(jq --arg n "$b" '[.namespaces[] | select(.netns==$n)] | length' <<<"$all")" 1
check "labels are unique" "$(jq '[.namespaces[].netns] | length == (unique | length)' <<<"$all")" true
check "A's value in --all-netns" \
        "$(jq --arg n "$a" '.namespaces[] | select(.netns==$n) | .tunables[] | select(.key=="net.ipv4.tcp_retries2") | .value' <<<"$all")" 7
check "A's established figure in --all-netns" \
        "$(jq --arg n "$a" '.namespaces[] | select(.netns==$n) | .scenarios[0].detect_max_s' <<<"$all")" "$ea"
host_r2=$(cat /proc/sys/net/ipv4/tcp_retries2)
if [ "$host_r2" != 7 ]; then
        check "netns-differs fires for A" \
                "$(jq -r --arg n "$a" '.namespaces[] | select(.netns==$n) | .findings[] | select(.id=="netns-differs") | .subject' <<<"$all")" "$a"
fi
check "netns-differs fires for B" \
        "$(jq -r --arg n "$b" '.namespaces[] | select(.netns==$n) | .findings[] | select(.id=="netns-differs") | .subject' <<<"$all")" "$b"
check "no netns-differs for the host" \
        "$(jq '[.namespaces[0].findings[] | select(.id=="netns-differs")] | length' <<<"$all")" 0

# Prometheus: one family block, both namespaces labelled.
prom=$("$tcptune" audit --all-netns --format prometheus)
grep -q "^tcptune_detect_seconds{netns=\"$a\",scenario=\"established\",bound=\"max\"} 55$" <<<"$prom" &&
        ok "prometheus sample for A" || nok "no prometheus sample for A"
check "one HELP per family" "$(grep -c '^# HELP tcptune_detect_seconds ' <<<"$prom")" 1
check "families not repeated" "$(grep -v '^#' <<<"$prom" | sed 's/[{ ].*//' | uniq | sort | uniq -d)" ""

# --output: atomic, no temp file left behind.
out=$(mktemp -d)
"$tcptune" audit --all-netns --format prometheus --output "$out/tcptune.prom" >/dev/null
grep -q "netns=\"$b\"" "$out/tcptune.prom" && ok "--output wrote the file" || nok "--output file lacks B"
check "--output leaves only the file" "$(ls -A "$out")" tcptune.prom
rm -rf "$out"

# Unprivileged: the host is read, the others cannot be entered.
if command -v setpriv >/dev/null; then
        up=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$tcptune" audit --all-netns --json 2>/dev/null)
        check "unprivileged: A is reported unavailable" \
                "$(jq -r --arg n "$a" '.namespaces[] | select(.netns==$n) | .findings[0].id' <<<"$up")" netns-unavailable
        check "unprivileged: the host is still read" "$(jq '.namespaces[0].scenarios | length' <<<"$up")" 7
fi

# 50 namespaces in under a second, in one process.
for i in $(seq 1 48); do
        n=$pfx-m$i
        ip netns add "$n" && many+=("$n")
done
t0=$(date +%s%N)
cnt=$("$tcptune" audit --all-netns --json | jq '.namespaces | length')
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
[ "$cnt" -ge 51 ] && ok "$cnt namespaces audited" || nok "only $cnt namespaces"
[ $ms -lt 1000 ] && ok "--all-netns over $cnt namespaces took $ms ms (< 1000)" || nok "--all-netns took $ms ms"

host_after=$(cd /proc/sys/net/ipv4 && grep -H . tcp_retries2 tcp_keepalive_time tcp_syn_retries)
[ "$host_before" = "$host_after" ] && ok "host values unchanged" || { nok "host values changed"; diff <(echo "$host_before") <(echo "$host_after"); }
exit $fail

#!/bin/bash
# audit --all-netns in text: identical namespaces share one table row,
# one that differs from the host gets its full screen, and a process in a
# network namespace of its own is named by its comm, not only pid:N.
# Three identical throwaway namespaces, one changed one, one unshared
# process; all removed on exit. The host's values are only read. Needs
# root, iproute2, unshare and jq; exits 77 (skipped) otherwise.
set -u
tcptune=${TCPTUNE:?}
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root to create network namespaces"
command -v ip >/dev/null || skip "ip (iproute2) not installed"
command -v unshare >/dev/null || skip "unshare (util-linux) not installed"
command -v jq >/dev/null || skip "jq not installed"

# Named namespaces are listed sorted, after the host: "00" puts ours
# first, so the row's first labels are ours.
pfx=00tcptune-grp-$$
same=("$pfx-a" "$pfx-b" "$pfx-c") differ=$pfx-d
tmp=$(mktemp -d)
pid=
cleanup() {
        [ -n "$pid" ] && kill "$pid" 2>/dev/null
        for n in "${same[@]}" "$differ"; do ip netns delete "$n" 2>/dev/null; done
        rm -rf "$tmp"
}
trap cleanup EXIT
for n in "${same[@]}" "$differ"; do
        ip netns add "$n" 2>/dev/null || skip "ip netns add failed (no namespace support here)"
done
# retries2 11 differs from the host unless the host has 11.
host_r2=$(cat /proc/sys/net/ipv4/tcp_retries2)
want=11; [ "$host_r2" = 11 ] && want=12
[ "$host_r2" = 5 ] && skip "the host has tcp_retries2 5, the value the probe's namespace uses"
ip netns exec "$differ" sh -c "echo $want > /proc/sys/net/ipv4/tcp_retries2" || { echo "not ok - set in $differ"; exit 1; }
cp "$(command -v sleep)" "$tmp/tcptune-probe"
# Its own values, so that it has a row of its own to be named in.
unshare -n sh -c "echo 5 > /proc/sys/net/ipv4/tcp_retries2 && exec '$tmp/tcptune-probe' 60" &
pid=$!
# Until it is the probe (a loaded machine can take longer than any fixed
# sleep to get through unshare and sh): its comm names its row.
for _ in $(seq 100); do
        [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = tcptune-probe ] && break
        sleep 0.1
done
[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = tcptune-probe ] || { echo "not ok - the probe did not start in 10 s"; exit 1; }

fail=0
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; fail=1; }

text=$(NO_COLOR=1 "$tcptune" audit --all-netns); rc=$?
[ $rc -le 1 ] && ok "--all-netns exits $rc" || nok "--all-netns exit $rc"
# The table, continuation lines joined to their row.
rows=$(sed -n '/^Network namespaces/,/^$/p' <<<"$text" | tail -n +3 | awk '/^[0-9n-]/ { if (r) print r; r = $0; next } { r = r " " $0 } END { if (r) print r }' | tr -s ' ')
row_a=$(grep -F -- "${same[0]}" <<<"$rows")
if [ -n "$row_a" ] && grep -qF -- "${same[1]}" <<<"$row_a" && grep -qF -- "${same[2]}" <<<"$row_a"; then
        ok "identical namespaces share one row"
else
        nok "identical namespaces not in one row:"; echo "$rows" | sed 's/^/#   /'
fi
grep -qF -- "${same[0]}" <<<"$(grep -F -- "$differ" <<<"$rows")" && nok "the changed namespace shares their row" ||
        ok "the changed namespace has its own row"
grep -q "^== network namespace $differ[ ,]" <<<"$text" && ok "the changed namespace is shown in full" ||
        nok "no full screen for $differ"
grep -q "^== network namespace ${same[0]}" <<<"$text" && nok "an identical namespace is shown in full" ||
        ok "identical namespaces are not shown in full"
grep -q "tcptune-probe (.*pid:$pid)" <<<"$text" && ok "the unshared process is named by its comm" ||
        { nok "no 'tcptune-probe (... pid:$pid)' label"; echo "$rows" | sed 's/^/#   /'; }
# Full screens only for rows other than the host's: never one per namespace.
screens=$(grep -c '^== network namespace' <<<"$text") n_rows=$(wc -l <<<"$rows")
[ "$screens" -lt "$n_rows" ] && ok "$screens full screens for $n_rows rows" || nok "$screens full screens for $n_rows rows"

json=$("$tcptune" audit --all-netns --json)
[ "$(jq -r --arg p "pid:$pid" '.namespaces[] | select(.netns == $p) | .process' <<<"$json")" = tcptune-probe ] &&
        ok "JSON keeps pid:$pid as the label, with process" || nok "JSON process of pid:$pid"
[ "$(jq -r --arg n "${same[0]}" '.namespaces[] | select(.netns == $n) | .process' <<<"$json")" = null ] &&
        ok "named namespaces have process null" || nok "named namespace has a process"
prom=$("$tcptune" audit --all-netns --format prometheus)
grep -q "netns=\"pid:$pid\"" <<<"$prom" && ok "Prometheus labels stay pid:N" || nok "no pid:$pid in Prometheus"
exit $fail

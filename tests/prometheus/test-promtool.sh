#!/bin/bash
# tcptune --format prometheus audit, read by the real parser: on every
# fixture root, on the live host (the audit only reads) and, as root, on two
# throwaway network namespaces with --netns and --all-netns, the output
# passes `promtool check metrics` and the contract (contract.awk), and its
# numbers are the ones --json audit and --json config report. --output
# writes the same text, world-readable, leaving no temp file behind.
# Needs promtool (Debian package prometheus) and jq; exits 77 without them.
set -u
. "$(dirname "$0")/lib.sh"
tcptune=${TCPTUNE:?TCPTUNE must point at the binary}
tests=${TESTS_DIR:-$(cd "$here/.." && pwd)}
command -v promtool >/dev/null || skip "promtool not installed (Debian package prometheus)"
command -v jq >/dev/null || skip "jq not installed"
tmp=$(mktemp -d)
ns_made=()
cleanup() {
        local n
        for n in "${ns_made[@]}"; do ip netns delete "$n" 2>/dev/null; done
        rm -rf "$tmp"
}
trap cleanup EXIT
export SOURCE_DATE_EPOCH=1764651234

# same_as_json NAME TSV NETNS JSON: the detection times and integer
# tunables of one namespace in TSV are those of the --json audit in JSON.
same_as_json() {
        local name=$1 tsv=$2 ns=$3 json=$4 bad=0 s b field want got key v
        for s in $(jq -r '.scenarios[].name' "$json"); do
                for b in min typical max; do
                        case $b in min) field=detect_min_s ;; typical) field=detect_s ;; max) field=detect_max_s ;; esac
                        want=$(jq -r --arg s "$s" --arg f "$field" '.scenarios[] | select(.name == $s) | .[$f] // "+Inf"' "$json")
                        got=$(value_of "$tsv" tcptune_detect_seconds "bound=\"$b\",netns=\"$ns\",scenario=\"$s\"")
                        same_number "$got" "$want" || { echo "#   $s $b: $got, --json says $want"; bad=1; }
                done
                want=$(jq -r --arg s "$s" '.scenarios[] | select(.name == $s) | .survives_outage_s // "none"' "$json")
                got=$(value_of "$tsv" tcptune_survivable_outage_seconds "netns=\"$ns\",scenario=\"$s\"")
                [ "$want" = none ] && [ -z "$got" ] || same_number "$got" "$want" ||
                        { echo "#   $s survivable outage: ${got:-no sample}, --json says $want"; bad=1; }
        done
        # Failing sockets (not read under --root: no sample, JSON null).
        want=$(jq -r '.sockets.failing // "none"' "$json")
        got=$(NS="netns=\"$ns\"" awk -F '\t' '$1 == "tcptune_failing_sockets" && index($2, ENVIRON["NS"]) { n += $3; k++ }
                END { if (k) print n }' "$tsv")
        [ "${got:-none}" = "$want" ] || { echo "#   failing sockets: ${got:-no sample}, --json says $want"; bad=1; }
        while read -r key v; do
                got=$(value_of "$tsv" tcptune_sysctl_value "key=\"$key\",netns=\"$ns\"")
                same_number "$got" "$v" || { echo "#   $key: ${got:-no sample}, --json says $v"; bad=1; }
        done < <(jq -r '.tunables[] | select(.value | type == "number") | "\(.key) \(.value)"' "$json")
        want=$(jq '[.tunables[] | select(.value | type == "number")] | length' "$json")
        got=$(NS="netns=\"$ns\"" awk -F '\t' '$1 == "tcptune_sysctl_value" && index($2, ENVIRON["NS"])' "$tsv" | wc -l)
        [ "$got" = "$want" ] || { echo "#   $got tcptune_sysctl_value samples, --json has $want integer tunables"; bad=1; }
        [ $bad = 0 ] && ok "$name: detection times, outages, failing sockets and tunables match --json audit" ||
                not_ok "$name: Prometheus and --json audit differ (above)"
}

# findings_as_json NAME TSV NETNS JSON: tcptune_findings counts the
# findings of --json audit by severity.
findings_as_json() {
        local name=$1 tsv=$2 ns=$3 json=$4 bad=0 sev want got
        if ! jq -e '.findings | type == "array"' "$json" >/dev/null; then
                not_ok "$name: --json audit has no findings array to compare with"
                return
        fi
        for sev in info warning critical; do
                want=$(jq --arg s "$sev" '[.findings[] | select(.severity == $s)] | length' "$json")
                got=$(value_of "$tsv" tcptune_findings "netns=\"$ns\",severity=\"$sev\"")
                same_number "$got" "$want" || { echo "#   $sev: ${got:-no sample}, --json has $want"; bad=1; }
        done
        [ $bad = 0 ] && ok "$name: tcptune_findings counts the findings of --json audit" ||
                not_ok "$name: tcptune_findings and --json audit differ (above)"
}

# drift_as_json NAME TSV JSON ROOT-ARGS...: one tcptune_drift per entry of
# --json audit's drift (1 where it says drift), and where --json config has
# a valid entry whose boot and live values are plain decimal numbers, 1
# exactly where they differ (hex, octal and trailing text are the audit's
# to judge: see tests/golden/audit-*).
drift_as_json() {
        local name=$1 tsv=$2 json=$3 bad=0 key want got n
        shift 3
        n=0
        while read -r key want; do
                n=$((n + 1))
                got=$(value_of "$tsv" tcptune_drift "key=\"$key\",netns=\"host\"")
                [ "$got" = "$want" ] || { echo "#   $key: drift ${got:-missing}, --json audit says $want"; bad=1; }
        done < <(jq -r '(.drift // [])[] | "\(.key) \(if .drift then 1 else 0 end)"' "$json")
        got=$(awk -F '\t' '$1 == "tcptune_drift"' "$tsv" | wc -l)
        [ "$got" = "$n" ] || { echo "#   $got tcptune_drift samples, --json audit has $n drift entries"; bad=1; }
        while read -r key want; do
                got=$(value_of "$tsv" tcptune_drift "key=\"$key\",netns=\"host\"")
                [ "$got" = "$want" ] || { echo "#   $key: drift ${got:-missing}, but --json config's boot and live say $want"; bad=1; }
        done < <("$tcptune" "$@" --json config 2>/dev/null | jq -r '.entries[] |
                select(.valid and (.value | test("^[1-9][0-9]*$|^0$")) and (.live | tostring | test("^[0-9]+$"))) |
                "\(.key) \(if (.value | tonumber) == (.live | tonumber) then 0 else 1 end)"')
        [ $bad = 0 ] && ok "$name: tcptune_drift follows --json audit and config ($n keys)" ||
                not_ok "$name: tcptune_drift differs from --json audit or config (above)"
}

# audit NAME EXPECTED-EXITS ARGS...: run tcptune --format prometheus ARGS
# (ARGS hold the verb: --root DIR audit), check its exit status is one of
# EXPECTED-EXITS ("0 1", "3"), leave the output in $tmp/NAME.prom.
audit() {
        local name=$1 expect=$2 rc
        shift 2
        "$tcptune" --format prometheus "$@" >"$tmp/$name.prom" 2>"$tmp/$name.err"; rc=$?
        if [[ " $expect " == *" $rc "* ]]; then
                ok "$name: exit $rc"
        else
                not_ok "$name: exit $rc, expected one of: $expect"; sed 's/^/#   /' "$tmp/$name.err"
        fi
        return $rc
}

for dir in "$tests"/fixtures/*/; do
        f=$(basename "$dir")
        case $f in broken) expect=3 ;; audit-badpolicy) expect=2 ;; *) expect="0 1" ;; esac
        audit "$f" "$expect" --root "$dir" audit
        rc=$?
        if [ $rc = 2 ]; then
                # A usage error (here a malformed policy file): no metrics
                # at all, and --output leaves nothing behind.
                mkdir "$tmp/out-$f"
                "$tcptune" --root "$dir" --format prometheus audit --output "$tmp/out-$f/tcptune.prom" 2>/dev/null
                [ ! -s "$tmp/$f.prom" ] && [ -z "$(ls -A "$tmp/out-$f")" ] &&
                        ok "$f: exit 2 prints and writes nothing" || not_ok "$f: exit 2, yet output or files: $(ls -A "$tmp/out-$f")"
                continue
        fi
        require=tcptune_sysctl_value
        "$tcptune" --root "$dir" --json config 2>/dev/null |
                jq -e '[.entries[] | select(.valid and .live != null)] | length > 0' >/dev/null &&
                require="$require tcptune_drift"
        check_textfile "$f" "$tmp/$f.prom" -v epoch="$SOURCE_DATE_EPOCH" -v require="$require" -v tsv="$tmp/$f.tsv"
        "$tcptune" --root "$dir" --json audit >"$tmp/$f.json" 2>/dev/null
        same_as_json "$f" "$tmp/$f.tsv" host "$tmp/$f.json"
        findings_as_json "$f" "$tmp/$f.tsv" host "$tmp/$f.json"
        drift_as_json "$f" "$tmp/$f.tsv" "$tmp/$f.json" --root "$dir"

        # --output: the same text, 0644, the same exit status, no temp file.
        mkdir "$tmp/out-$f"
        "$tcptune" --root "$dir" --format prometheus audit --output "$tmp/out-$f/tcptune.prom" >"$tmp/out-$f.stdout" 2>/dev/null
        orc=$?
        if [ "$orc" = "$rc" ] && cmp -s "$tmp/out-$f/tcptune.prom" "$tmp/$f.prom" && [ ! -s "$tmp/out-$f.stdout" ]; then
                ok "$f: --output writes what stdout gets (exit $orc, stdout empty)"
        else
                not_ok "$f: --output: exit $orc (stdout run: $rc), file differs or stdout not empty"
                diff "$tmp/$f.prom" "$tmp/out-$f/tcptune.prom" | head -5 | sed 's/^/#   /'
        fi
        mode=$(stat -c %a "$tmp/out-$f/tcptune.prom" 2>/dev/null)
        [ "$mode" = 644 ] && ok "$f: --output file is 0644 (node_exporter reads as its own user)" ||
                not_ok "$f: --output file mode ${mode:-missing}, expected 644 under umask $(umask)"
        left=$(ls -A "$tmp/out-$f" | grep -vx tcptune.prom)
        [ -z "$left" ] && ok "$f: --output leaves no temp file" || not_ok "$f: --output left: $left"
done

# The contract's spelling, with --format after the verb, says the same.
"$tcptune" --root "$tests/fixtures/defaults" audit --format prometheus >"$tmp/after.prom" 2>&1
cmp -s "$tmp/after.prom" "$tmp/defaults.prom" && ok "audit --format prometheus is --format prometheus audit" ||
        { not_ok "audit --format prometheus differs:"; diff "$tmp/defaults.prom" "$tmp/after.prom" | head -5 | sed 's/^/#   /'; }

# The live host, read-only.
audit host "0 1 3" audit
check_textfile host "$tmp/host.prom" -v require="tcptune_sysctl_value tcptune_failing_sockets" -v tsv="$tmp/host.tsv"
want=$(cat /proc/sys/net/ipv4/tcp_retries2)
got=$(value_of "$tmp/host.tsv" tcptune_sysctl_value 'key="net.ipv4.tcp_retries2",netns="host"')
[ "$got" = "$want" ] && ok "host: tcp_retries2 is the live $want" || not_ok "host: tcp_retries2 ${got:-missing}, live $want"

# Namespaces: root only; the rest of the test does not need them.
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
        echo "# skipped the namespace checks: they need root and ip (iproute2)"
        exit $fail
fi
a=tcptune-prom-a-$$
b="tcptune-prom-q\"\\-$$"       # a name with a quote and a backslash: escaping
b_label="tcptune-prom-q\\\"\\\\-$$"
c=$'tcptune-prom-\xff-'$$        # a byte that is not UTF-8: \xNN, or node_exporter drops the file
c_label="tcptune-prom-\\\\xff-$$"
for n in "$a" "$b" "$c"; do
        ip netns add "$n" || { not_ok "ip netns add $n failed"; exit 1; }
        ns_made+=("$n")
done
# A namespace named "host" must not duplicate the host's series: it is
# labelled host#2. The name is global: skip if another run holds it.
host_named=""
if ip netns add host 2>/dev/null; then
        ns_made+=(host)
        host_named=1
        ip netns exec host sh -c 'echo 9 >/proc/sys/net/ipv4/tcp_retries2'
else
        echo "# skipped the namespace named host: /run/netns/host exists"
fi
ip netns exec "$a" sh -c 'echo 7 >/proc/sys/net/ipv4/tcp_retries2'
ip netns exec "$b" sh -c 'echo 3 >/proc/sys/net/ipv4/tcp_syn_retries; echo 600 >/proc/sys/net/ipv4/tcp_keepalive_time'

audit netns-a "0 1" --netns "$a" audit
check_textfile netns-a "$tmp/netns-a.prom" -v require="tcptune_sysctl_value tcptune_failing_sockets" -v tsv="$tmp/netns-a.tsv"
"$tcptune" --netns "$a" --json audit >"$tmp/netns-a.json" 2>/dev/null
same_as_json "--netns $a" "$tmp/netns-a.tsv" "$a" "$tmp/netns-a.json"
got=$(value_of "$tmp/netns-a.tsv" tcptune_sysctl_value "key=\"net.ipv4.tcp_retries2\",netns=\"$a\"")
[ "$got" = 7 ] && ok "--netns $a: its tcp_retries2 7 under netns=\"$a\"" || not_ok "--netns $a: tcp_retries2 ${got:-missing}, expected 7"

# A process in $a (named: must not show up again as pid:PID) and one in a
# namespace of its own (unnamed: pid:PID, the lowest PID in it).
ip netns exec "$a" sleep 60 &
holder_a=$!
unshare -n sh -c 'echo 17 >/proc/sys/net/ipv4/tcp_fin_timeout && exec sleep 60' &
holder_u=$!
holders="$holder_a $holder_u"
trap 'kill $holders 2>/dev/null; cleanup' EXIT
sleep 0.3

audit all-netns "0 1 3" audit --all-netns
check_textfile all-netns "$tmp/all-netns.prom" -v require=tcptune_sysctl_value -v tsv="$tmp/all-netns.tsv"
for want in "key=\"net.ipv4.tcp_retries2\",netns=\"host\" $(cat /proc/sys/net/ipv4/tcp_retries2)" \
        "key=\"net.ipv4.tcp_retries2\",netns=\"$a\" 7" \
        "key=\"net.ipv4.tcp_syn_retries\",netns=\"$b_label\" 3" \
        "key=\"net.ipv4.tcp_keepalive_time\",netns=\"$b_label\" 600" \
        "key=\"net.ipv4.tcp_fin_timeout\",netns=\"pid:$holder_u\" 17"; do
        read -r labels v <<<"$want"
        got=$(value_of "$tmp/all-netns.tsv" tcptune_sysctl_value "$labels")
        [ "$got" = "$v" ] && ok "--all-netns: {$labels} $v" || not_ok "--all-netns: {$labels} ${got:-missing}, expected $v"
done
got=$(value_of "$tmp/all-netns.tsv" tcptune_sysctl_value "key=\"net.ipv4.tcp_retries2\",netns=\"$c_label\"")
[ -n "$got" ] && ok "--all-netns: a name with byte 0xff is labelled $c_label" ||
        not_ok "--all-netns: no series for the name with byte 0xff (want netns=\"$c_label\")"
if [ -n "$host_named" ]; then
        got=$(value_of "$tmp/all-netns.tsv" tcptune_sysctl_value 'key="net.ipv4.tcp_retries2",netns="host#2"')
        [ "$got" = 9 ] && ok "--all-netns: the namespace named host is host#2" ||
                not_ok "--all-netns: namespace named host: host#2 ${got:-missing}, expected 9"
fi
if grep -qF "netns=\"pid:$holder_a\"" "$tmp/all-netns.tsv"; then
        not_ok "--all-netns: $a appears twice, also as pid:$holder_a"
else
        ok "--all-netns: $a once, by name, not again as pid:$holder_a"
fi
exit $fail

#!/bin/bash
# The checker itself: the hand-written sample that follows the contract
# passes promtool and contract.awk, and each way of breaking it is caught,
# by promtool or by the contract, with the reason. Needs promtool (Debian
# package prometheus); exits 77 without it.
set -u
. "$(dirname "$0")/lib.sh"
command -v promtool >/dev/null || skip "promtool not installed (Debian package prometheus)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sample=$here/sample-defaults.prom

out=$(check_textfile sample "$sample" -v epoch=1764651234 -v require=tcptune_sysctl_value)
if grep -q '^not ok' <<<"$out"; then not_ok "the sample passes:"; echo "$out"; else ok "the sample passes"; fi

# A namespace name with every escape the format has is one valid label.
sed 's/netns="host"/netns="a\\"b\\\\c\\nd"/' "$sample" >"$tmp/escaped.prom"
out=$(check_textfile escaped "$tmp/escaped.prom")
if grep -q '^not ok' <<<"$out"; then not_ok "escaped label values pass:"; echo "$out"; else ok "escaped label values pass"; fi

# broken NAME SED-SCRIPT EXPECTED: the sample changed by SED-SCRIPT fails,
# saying EXPECTED (a fixed string).
broken() {
        sed "$2" "$sample" >"$tmp/$1.prom"
        local out
        out=$(check_textfile "$1" "$tmp/$1.prom" -v epoch=1764651234)
        if ! grep -q '^not ok' <<<"$out"; then
                not_ok "$1 is caught: it passed"
        elif ! grep -qF -- "$3" <<<"$out"; then
                not_ok "$1 is caught, but without '$3':"; echo "$out"
        else
                ok "$1 is caught ($3)"
        fi
}
broken no-help '/^# HELP tcptune_findings/d' 'tcptune_findings sample before its # HELP line'
broken counter 's/^# TYPE tcptune_drift gauge/# TYPE tcptune_drift counter/' "has type 'counter', expected gauge"
broken regrouped '/^tcptune_detect_seconds.*zero-window.*max/{h;d};$G' 'family tcptune_detect_seconds appears again'
broken bad-escape '0,/netns="host"/s/netns="host"/netns="ho\\st"/' 'promtool check metrics exited 1'
broken unescaped-quote '0,/netns="host"/s/netns="host"/netns="ho"st"/' 'promtool check metrics exited 1'
broken min-above-max 's/\(scenario="connect",bound="min"}\) .*/\1 200/' 'connect: min 200 <= typical 134.28'
broken lost-scenario '/scenario="orphan",bound="typical"/d' 'scenario orphan lacks a min, typical or max sample'
broken unknown-scenario 's/scenario="idle"/scenario="keepalive"/' "unknown scenario 'keepalive'"
broken timestamped 's/^\(tcptune_findings.*critical"}\) 0$/\1 0 1764651234000/' 'no timestamp'
broken extra-label 's/severity="info"}/severity="info",id="x"}/' 'has labels {id,netns,severity}, expected {netns,severity}'
broken no-netns-label 's/{netns="host",key=/{key=/' 'has labels {key}, expected {key,netns}'
broken duplicate '/tcp_retries2"}/p' 'duplicate series tcptune_sysctl_value'
broken float-sysctl 's/tcp_retries2"} 15/tcp_retries2"} 15.5/' 'sysctl value is not an integer'
broken short-key 's/key="net.ipv4.tcp_retries2"/key="tcp_retries2"/' 'is not a canonical net.ipv4.tcp_* key'
broken no-severity '/severity="warning"/d' 'no tcptune_findings for severity warning'
broken no-outage '/^tcptune_survivable_outage_seconds.*established/d' 'scenario established lacks tcptune_survivable_outage_seconds'
broken late-outage 's/^\(tcptune_survivable_outage_seconds.*connect"}\) .*/\1 500/' 'connect: survivable outage past the earliest abort'
broken bad-timer 's/timer="syn"/timer="time-wait"/' "unknown timer 'time-wait'"
broken wrong-epoch 's/^tcptune_audit_timestamp_seconds .*/tcptune_audit_timestamp_seconds 1764651235/' 'expected SOURCE_DATE_EPOCH 1764651234'
broken no-timestamp '/^tcptune_audit_timestamp_seconds /d' 'family tcptune_audit_timestamp_seconds has no samples'
broken foreign '$a\node_load1 0.5' 'unexpected family node_load1'
broken inf-typo 's/bound="max"} 939.736/bound="max"} Inf/' "bad value 'Inf'"
broken no-detect-no-warning '/^tcptune_detect_seconds/d; s/severity="warning"} [0-9]*/severity="warning"} 0/' 'no detection samples and no warning finding'

# +Inf is how a scenario that never fires is written, and it sorts last.
sed 's/\(scenario="idle",bound="\(typical\|max\)"}\) .*/\1 +Inf/' "$sample" >"$tmp/inf.prom"
out=$(check_textfile inf "$tmp/inf.prom")
if grep -q '^not ok' <<<"$out"; then not_ok "+Inf typical and max pass:"; echo "$out"; else ok "+Inf typical and max pass"; fi
sed 's/\(scenario="idle",bound="typical"}\) .*/\1 +Inf/' "$sample" >"$tmp/inf-mid.prom"
out=$(check_textfile inf-mid "$tmp/inf-mid.prom")
grep -qF 'idle: min 7881.984 <= typical +Inf <= max 8013.056' <<<"$out" &&
        ok "+Inf typical below a finite max is caught" || { not_ok "+Inf typical below a finite max is caught:"; echo "$out"; }

same_number 1.764651234e+09 1764651234 && ok "same_number reads Go's exponent form" || not_ok "same_number 1.764651234e+09"
same_number 938.712 938.7121 && not_ok "same_number tells 938.712 from 938.7121" || ok "same_number tells 938.712 from 938.7121"
same_number +Inf 1e300 && not_ok "same_number: +Inf is no number" || ok "same_number: +Inf is no number"
exit $fail

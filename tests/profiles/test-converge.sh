#!/bin/bash
# Following the audit's own fix converges: on a fixture root, audit; where
# a fix says `tcptune profile apply NAME`, apply it (the real command, on
# the root) and audit again. After one step no finding may name another
# profile, and no warning may remain about what the profile governs:
# established (slow-established, below-rfc1122) and every key it sets.
# Each policy limit picks the profile it can recommend: rfc1122 (meets
# 5m and RFC 1122's 100 s), fast-failover (limits under 100 s, where
# below-rfc1122 is only info). Needs no privilege: fixture roots only.
set -u
tcptune=${TCPTUNE:?TCPTUNE must point at the binary}
tests=${TESTS_DIR:?}
profiles=${PROFILES_DIR:?}
command -v jq >/dev/null || { echo "1..0 # SKIP jq not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TCPTUNE_PROFILES_DIR=$profiles

. "$tests/tap.sh"

audit() { "$tcptune" --root "$1" --json audit >"$tmp/audit.json" 2>"$tmp/err"; }
# The profile the first fix that names one applies, or nothing.
named_profile() {
        jq -r '[.findings[].fix // empty | capture("profile apply (?<p>[a-z0-9-]+)").p][0] // empty' "$tmp/audit.json"
}
# Warning and critical ids left, one a line.
warnings() { jq -r '.findings[] | select(.severity != "info") | .id' "$tmp/audit.json"; }

# case: name, policy's [limits] established (empty: default), start profile (empty: kernel defaults), expected profile
run_case() {
        local name=$1 limit=$2 start=$3 want=$4 root=$tmp/$1
        cp -a "$tests/fixtures/defaults" "$root"
        if [ -n "$limit" ]; then
                mkdir -p "$root/etc/tcptune"
                printf '[limits]\nestablished = %s\n' "$limit" >"$root/etc/tcptune/tcptune.conf"
        fi
        if [ -n "$start" ] && ! "$tcptune" --root "$root" profile apply "$start" >"$tmp/out" 2>&1; then
                not_ok "$name: applying the starting profile $start failed"; sed 's/^/#   /' "$tmp/out"; return
        fi
        audit "$root"
        local profile
        profile=$(named_profile)
        if [ "$profile" = "$want" ]; then ok "$name: the audit's fix names profile $want"; else
                not_ok "$name: the audit's fix names '$profile', expected $want"; jq -c '.findings[]' "$tmp/audit.json" | sed 's/^/#   /'; return; fi
        if ! "$tcptune" --root "$root" profile apply "$profile" >"$tmp/out" 2>&1; then
                not_ok "$name: profile apply $profile failed"; sed 's/^/#   /' "$tmp/out"; return
        fi
        audit "$root"
        local rc=$? again left keys allowed=""
        again=$(named_profile)
        if [ -z "$again" ]; then ok "$name: after $profile no fix names another profile"; else
                not_ok "$name: after $profile the audit recommends $again"; fi
        # What the profile does not set may still warn: today only keepalive-hours.
        keys=$("$tcptune" --root "$root" --json profile show "$profile" | jq -r '.settings[].key')
        grep -qx net.ipv4.tcp_keepalive_time <<<"$keys" || allowed=keepalive-hours
        left=$(warnings | grep -vx "${allowed:-^$}" | tr '\n' ' ')
        if [ -z "$left" ]; then ok "$name: after $profile no warning about what it governs (exit $rc${allowed:+, $allowed left})"
        else not_ok "$name: after $profile still: $left"; jq -c '.findings[]' "$tmp/audit.json" | sed 's/^/#   /'; fi
        if [ -z "$allowed" ]; then
                [ $rc = 0 ] && ok "$name: after $profile the audit exits 0" || not_ok "$name: after $profile audit exits $rc"
        fi
}

run_case default-policy "" "" rfc1122
run_case limit-2m 2m "" rfc1122
run_case limit-1m 1m "" fast-failover
run_case limit-30s 30s "" fast-failover
# The issue's loop: fast-failover, then below-rfc1122 under the default policy.
run_case from-fast-failover "" fast-failover rfc1122
# Under 100 s, fast-failover's values are what the policy asked for.
root=$tmp/ff-30s
cp -a "$tests/fixtures/defaults" "$root"
mkdir -p "$root/etc/tcptune"
printf '[limits]\nestablished = 30s\n' >"$root/etc/tcptune/tcptune.conf"
"$tcptune" --root "$root" profile apply fast-failover >/dev/null 2>&1
audit "$root"
sev=$(jq -r '.findings[] | select(.id == "below-rfc1122") | .severity' "$tmp/audit.json")
[ "$sev" = info ] && ok "limit 30s: below-rfc1122 is info" || not_ok "limit 30s: below-rfc1122 is '$sev'"
# Every profile a fix can name is shipped and promises what the audit relies on.
for p in rfc1122 fast-failover; do
        [ -f "$profiles/$p.ini" ] && ok "$p is shipped" || not_ok "$p is not in $profiles"
done
finish

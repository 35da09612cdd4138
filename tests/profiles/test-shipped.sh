#!/bin/bash
# Every shipped profile on a fixture root that holds exactly its values
# (live under proc/sys, boot in etc/sysctl.d/90-tcptune.conf): show and
# diff load it, verify exits 0; one value changed makes verify exit 1.
# Works on copies of tests/fixtures/defaults in a temporary directory.
set -u
tcptune=${TCPTUNE:?TCPTUNE must point at the binary}
tests=${TESTS_DIR:?}
profiles=${PROFILES_DIR:?}
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TCPTUNE_PROFILES_DIR=$profiles

. "$tests/tap.sh"

for file in "$profiles"/*.ini; do
        name=$(basename "$file" .ini)
        root=$tmp/$name
        cp -a "$tests/fixtures/defaults" "$root"
        mkdir -p "$root/etc/sysctl.d"
        if ! "$tcptune" --root "$root" --json profile show "$name" >"$tmp/show.json"; then
                not_ok "$name: show failed"
                continue
        fi
        ok "$name: show"
        # Write each value where the kernel and systemd-sysctl would hold it.
        jq -r '.settings[] | "\(.key)\t\(.value)\t\(.optional)"' "$tmp/show.json" |
                while IFS=$'\t' read -r key value optional; do
                        printf '%s\n' "$value" >"$root/proc/sys/$(echo "$key" | tr . /)"
                        printf '%s%s = %s\n' "$([ "$optional" = true ] && echo -)" "$key" "$value"
                done >"$root/etc/sysctl.d/90-tcptune.conf"
        "$tcptune" --root "$root" profile verify "$name" >"$tmp/out" 2>&1
        rc=$?
        if [ $rc = 0 ]; then ok "$name: verify on its own values exits 0"; else
                not_ok "$name: verify exits $rc"; sed 's/^/#   /' "$tmp/out"; fi
        "$tcptune" --root "$root" profile diff "$name" >"$tmp/out" 2>&1
        rc=$?
        if [ $rc = 0 ]; then ok "$name: diff finds nothing"; else not_ok "$name: diff exits $rc"; fi
        # An older kernel without the optional ('-') keys: not a difference.
        optional=$(jq -r '.settings[] | select(.optional) | .key' "$tmp/show.json")
        if [ -n "$optional" ]; then
                old=$tmp/$name-old
                cp -a "$root" "$old"
                for key in $optional; do rm "$old/proc/sys/$(echo "$key" | tr . /)"; done
                "$tcptune" --root "$old" profile verify "$name" >"$tmp/out" 2>&1
                rc=$?
                "$tcptune" --root "$old" profile diff "$name" >"$tmp/diff" 2>&1
                if [ $rc = 0 ] && grep -q 'n/a (kernel lacks it)' "$tmp/diff"; then
                        ok "$name: verify without its optional keys ($(echo $optional)) exits 0, diff says n/a"
                else
                        not_ok "$name: without optional keys: verify exits $rc"; sed 's/^/#   /' "$tmp/out" "$tmp/diff"
                fi
        fi
        # Drift: change the first key live.
        key=$(jq -r '.settings[0].key' "$tmp/show.json")
        value=$(jq -r '.settings[0].value' "$tmp/show.json")
        printf '%s\n' "$((value + 1))" >"$root/proc/sys/$(echo "$key" | tr . /)"
        "$tcptune" --root "$root" profile verify "$name" >"$tmp/out" 2>&1
        rc=$?
        if [ $rc = 1 ] && grep -q "^$key: want $value: live $((value + 1)), boot $value ok " "$tmp/out"; then
                ok "$name: verify reports live drift of $key"
        else
                not_ok "$name: drift of $key: exit $rc"; sed 's/^/#   /' "$tmp/out"
        fi
done
finish

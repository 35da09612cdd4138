#!/bin/bash
# Run one CLI case and compare stdout, stderr and exit status with its
# golden file. UPDATE_GOLDEN=1 rewrites the golden file instead (review the
# diff before committing it).
#
# A case file: line 1 "exit: N", line 2 the arguments (shell words, with
# @FIXTURES@ for tests/fixtures), an optional line 3 "env: NAME=VALUE..."
# (shell words too) for the environment. NO_COLOR is set: goldens have no
# colour. The fixtures path reads @FIXTURES@ in stdout and stderr alike.
set -u
name=$1
tests=${TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
tcptune=${TCPTUNE:?TCPTUNE must point at the binary}
case_file=$tests/cli/cases/$name
golden=$tests/golden/$name

[ -f "$case_file" ] || { echo "no case file $case_file"; exit 1; }
expect_exit=$(sed -n '1s/^exit: *//p' "$case_file")
args=$(sed -n '2p' "$case_file")
fixtures=$tests/fixtures
args=${args//@FIXTURES@/$fixtures}
envs=$(sed -n '3s/^env: *//p' "$case_file")
envs=${envs//@FIXTURES@/$fixtures}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
eval "envs=($envs)"
eval "set -- $args"
env NO_COLOR=1 "${envs[@]}" "$tcptune" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
status=$?
{
        sed "s|$fixtures|@FIXTURES@|g" "$tmp/out"
        echo "--- stderr"
        sed "s|$fixtures|@FIXTURES@|g" "$tmp/err"
        echo "--- exit $status"
} >"$tmp/actual"

if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
        cp "$tmp/actual" "$golden"
        echo "updated $golden"
fi
fail=0
if [ "$status" != "$expect_exit" ]; then
        echo "exit status $status, expected $expect_exit"
        fail=1
fi
if ! diff -u "$golden" "$tmp/actual"; then
        fail=1
fi
exit $fail

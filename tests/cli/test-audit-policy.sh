#!/bin/bash
# A malformed policy file, case by case: exit 2 and exactly one line,
# "tcptune: /etc/tcptune/tcptune.conf:LINE: ...". Runs on fixture roots.
set -u
tcptune=${TCPTUNE:?}
tests=${TESTS_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
long=$(printf '#%0199d' 0) # 200 characters: inih r55 would split it
# line|expected message (after "FILE:LINE: ")|file content (printf format)
while IFS='|' read -r line msg text; do
        n=$((n + 1))
        root=$tmp/r$n
        cp -r "$tests/fixtures/defaults" "$root"
        mkdir -p "$root/etc/tcptune"
        printf "${text//@LONG@/$long}" >"$root/etc/tcptune/tcptune.conf"
        err=$("$tcptune" --root "$root" audit 2>&1 >/dev/null); rc=$?
        want="tcptune: /etc/tcptune/tcptune.conf:$line: $msg"
        if [ $rc = 2 ] && [ "$err" = "$want" ]; then
                echo "ok $n - $msg"
        else
                echo "not ok $n - exit $rc, got '$err', expected '$want'"
                fail=1
        fi
done <<'CASES'
3|idle = forever: not a duration (try 5m, 30s or off)|[limits]\nestablished = 5m\nidle = forever\n
2|[limits] soon: not a scenario (established, idle, connect, accept, orphan, fin-wait-2, zero-window)|[limits]\nsoon = 5m\n
1|established = ... before any [section]|established = 5m\n
2|[policy]: unknown section (only [limits] and [findings])|# site\n[policy]\nx = 1\n
2|silence: 'drfit' is not a finding id (tcptune(8) lists them)|[findings]\nsilence = drift drfit\n
3|indented line: inih would read it as a continuation of the previous value (remove the leading blanks)|[limits]\nestablished = 5m\n  connect = 1m\n
2|line of 200 bytes: at most 197 (inih would split it)|[limits]\n@LONG@\n
2|expected KEY = VALUE|[limits]\nestablished 5m\n
2|';' inside a line: comments go on a line of their own|[limits]\nidle = 1h ; one hour\n
CASES
echo "1..$n"
exit $fail

#!/bin/sh
# Count test results across build directories from meson's testlog.json:
# a TAP test counts each of its cases ("ok N" / "not ok N"), any other test
# counts once. A TAP test that failed with every case ok (a crash or a
# sanitizer report at exit) counts one failure. Prints the closing line CI
# reads: "N passed, N failed, N skipped".
set -eu
pass=0 fail=0 skip=0
for dir in "$@"; do
        log=$dir/meson-logs/testlog.json
        [ -f "$log" ] || continue
        read -r p f s <<EOF2
$(jq -rs '
  map(
    . as $t
    | (.stdout // "") as $out
    | [$out | scan("(?m)^(?:not ok|ok) [0-9]+.*$")] as $l
    | if ($l | length) > 0 then
        { p: ($l | map(select(startswith("ok") and (test("# SKIP") | not))) | length),
          f: ($l | map(select(startswith("not ok"))) | length),
          s: ($l | map(select(startswith("ok") and test("# SKIP"))) | length) }
        | if .f == 0 and ($t.result != "OK" and $t.result != "SKIP") then .f = 1 else . end
      elif .result == "OK" then {p: 1, f: 0, s: 0}
      elif .result == "SKIP" then {p: 0, f: 0, s: 1}
      else {p: 0, f: 1, s: 0} end
  )
  | "\(map(.p) | add // 0) \(map(.f) | add // 0) \(map(.s) | add // 0)"' "$log")
EOF2
        pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
done
echo "$pass passed, $fail failed, $skip skipped"

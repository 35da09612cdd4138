# TAP output for shell tests, sourced: ok/not_ok count the cases, finish
# prints the plan and exits 1 if any case failed. skip exits 77 (meson's
# "skipped") with the reason.
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; fail=1; }
skip() { echo "1..0 # SKIP $*"; exit 77; }
finish() { echo "1..$n"; exit $fail; }

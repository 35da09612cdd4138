# Shared by the tests in tests/prometheus: TAP-style lines, skipping, and
# the check of one textfile by the real parser (promtool) and by the
# contract (contract.awk). Source it; it sets nothing but functions, $fail
# and $here.
here=$(cd "$(dirname "$0")" && pwd)
fail=0

skip() { echo "SKIP: $*"; exit 77; }
ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; fail=1; }

# promtool's lint messages that we accept, one extended regex per line
# (none so far: every message it prints about tcptune's output fails).
lint_allowed='^$'

# check_textfile NAME FILE [AWK-ARGS...]: promtool must parse FILE (a parse
# error is exit 1; exit 3 is lint, which fails too unless allowed above) and
# the contract must hold. Prints one ok/not ok line per check.
check_textfile() {
        local name=$1 file=$2 out rc
        shift 2
        out=$(promtool check metrics <"$file" 2>&1); rc=$?
        if [ $rc = 0 ]; then
                ok "$name: promtool check metrics"
        elif [ $rc = 3 ] && ! grep -Ev "$lint_allowed" <<<"$out" | grep -q .; then
                ok "$name: promtool check metrics (accepted lint: $out)"
        else
                not_ok "$name: promtool check metrics exited $rc:"
                sed 's/^/#   /' <<<"$out"
        fi
        if out=$(awk -f "$here/contract.awk" "$@" "$file"); then
                ok "$name: families, HELP/TYPE, labels, min <= typical <= max"
        else
                not_ok "$name: the Prometheus contract does not hold:"
                echo "$out"
        fi
}

# value_of TSV NAME LABELS: the value of one series in a contract.awk TSV
# (LABELS sorted by name, as contract.awk writes them), or nothing. Passed
# through the environment: awk -v would undo the label escapes.
value_of() {
        N=$2 L=$3 awk -F '\t' '$1 == ENVIRON["N"] && $2 == ENVIRON["L"] { print $3 }' "$1"
}

# same_number A B: A and B are the same number (within a microsecond, the
# precision tcptune keeps), +Inf included.
same_number() {
        [ -n "$1" ] && [ -n "$2" ] || return 1
        if [ "$1" = +Inf ] || [ "$2" = +Inf ]; then
                [ "$1" = "$2" ]
                return
        fi
        awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; exit !(d < 0.000001 && d > -0.000001) }'
}

#!/bin/bash
# The malformed corpus: every profile under tests/profiles/bad (plus the
# ones made here: a 10 MB line, a directory, a FIFO, link loops and links
# that would leave the root) must give, for show, diff and verify: exit 2,
# exactly one stderr line "tcptune: FILE[:LINE]: ...", nothing on stdout,
# and nothing written under the root. Runs on a copy in a temporary
# directory; never touches the host.
set -u
tcptune=${TCPTUNE:?TCPTUNE must point at the binary}
tests=${TESTS_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

root=$tmp/root
cp -a "$tests/profiles/bad" "$root"
mkdir -p "$tmp/shipped" "$root/etc/sysctl.d"
export TCPTUNE_PROFILES_DIR=$tmp/shipped
d=$root/etc/tcptune/profiles.d

# Generated: not worth committing.
{ printf '[profile]\ndescription = '; head -c 10485760 /dev/zero | tr '\0' 'x'; printf '\n'; } >"$d/huge-line.ini"
{ printf '[profile]\ndescription = '; head -c 900000 /dev/zero | tr '\0' 'y'; printf '\n'; } >"$d/long-900k.ini"
mkdir "$d/directory.ini"
mkfifo "$d/fifo.ini"
ln -s link-loop.ini "$d/link-loop.ini"
ln -s /etc/passwd "$d/escape.ini"        # resolved under the root: absent there
ln -s ../../../../../../../../etc/hostname "$d/escape-dots.ini"
ln -s no-such-target.ini "$d/dangling.ini"
ln -s /dev/null "$d/devnull.ini"         # a mask in sysctl.d; here not a profile
printf '[profile]\ndescription = via a link\ninclude = link-loop\n' >"$d/include-link-loop.ini"

# Where each one is expected to point: FILE:LINE (or FILE alone).
declare -A where=(
        [truncated]=truncated.ini:5
        [binary]=binary.ini:5
        [loop-a]=loop-b.ini:3
        [loop-b]=loop-a.ini:3
        [self]=self.ini:3
        [missing-include]=missing-include.ini:3
        [dup-section]=dup-section.ini:5
        [dup-key]=dup-key.ini:5
        [bom]=bom.ini:4
        [crlf]=crlf.ini:4
        [unknown-key]=unknown-key.ini:3
        [outside-net]=outside-net.ini:4
        [not-catalog]=not-catalog.ini:4
        [out-of-range]=out-of-range.ini:4
        [unmeetable]=unmeetable.ini:6
        [unmeetable-min]=unmeetable-min.ini:6
        [continuation]=continuation.ini:5
        [inline-comment]=inline-comment.ini:4
        [unknown-section]=unknown-section.ini:3
        [no-description]=no-description.ini
        [bad-duration]=bad-duration.ini:4
        [long-line]=long-line.ini:2
        [bad-parent]=out-of-range.ini:4
        [include-escape]=include-escape.ini:3
        [huge-line]=huge-line.ini
        [long-900k]=long-900k.ini:2
        [directory]=directory.ini
        [fifo]=fifo.ini
        [link-loop]=link-loop.ini
        [escape]=escape.ini
        [escape-dots]=escape-dots.ini
        [dangling]=dangling.ini
        [devnull]=devnull.ini
        [include-link-loop]=include-link-loop.ini:3
)

snapshot() {
        (cd "$root" && find . -printf '%y %m %s %p\n' | sort && find . -type f ! -name fifo.ini -print0 | sort -z |
                xargs -0 sha256sum)
}

n=0
fail=0
before=$(snapshot)
for name in $(printf '%s\n' "${!where[@]}" | sort); do
        pattern="^tcptune: /etc/tcptune/profiles.d/${where[$name]}: "
        for verb in show diff verify; do
                n=$((n + 1))
                timeout 20 "$tcptune" --root "$root" profile $verb "$name" >"$tmp/out" 2>"$tmp/err" </dev/null
                rc=$?
                problem=
                [ $rc = 2 ] || problem="exit $rc, expected 2"
                [ -s "$tmp/out" ] && problem="$problem; stdout not empty"
                lines=$(wc -l <"$tmp/err")
                [ "$lines" = 1 ] || problem="$problem; $lines stderr lines"
                grep -qE "$pattern" "$tmp/err" || problem="$problem; stderr does not match '$pattern'"
                if [ -n "$problem" ]; then
                        echo "not ok $n - $verb $name: $problem"
                        head -c 300 "$tmp/err" | sed 's/^/#   /'
                        fail=1
                else
                        echo "ok $n - $verb $name: $(head -c 200 "$tmp/err")"
                fi
        done
done

# Paths on the command line (not relocated): devices and directories.
for path in /dev/zero /dev/null "$tmp"; do
        n=$((n + 1))
        timeout 20 "$tcptune" --root "$root" profile show "$path" >"$tmp/out" 2>"$tmp/err" </dev/null
        rc=$?
        if [ $rc = 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "^tcptune: $path: " "$tmp/err"; then
                echo "ok $n - show $path: $(cat "$tmp/err")"
        else
                echo "not ok $n - show $path: exit $rc"; cat "$tmp/err"; fail=1
        fi
done

# The well-formed member: BOM and CRLF together load and verify reports.
n=$((n + 1))
if "$tcptune" --root "$root" profile show bom-crlf-ok >"$tmp/out" 2>"$tmp/err" && grep -q 'tcp_retries2 *8 *.*bom-crlf-ok.ini:4' "$tmp/out"; then
        echo "ok $n - BOM and CRLF profile loads, line numbers kept"
else
        echo "not ok $n - BOM and CRLF profile"; cat "$tmp/err"; fail=1
fi

n=$((n + 1))
after=$(snapshot)
if [ "$before" = "$after" ]; then
        echo "ok $n - nothing written under the root"
else
        echo "not ok $n - the root changed:"; diff <(echo "$before") <(echo "$after") | head; fail=1
fi
echo "1..$n"
exit $fail

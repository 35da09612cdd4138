#!/bin/bash
# tcptune config on hostile sysctl.d trees: a 1 MiB line, unreadable files
# and directories, a FIFO, files that vanish while being read, a huge file,
# a read-only root. Each must give clear one-line messages naming the file
# (and line), evaluate the rest, never crash, and exit as tcptune(8) says.
# Parts that need root (an unprivileged user, mknod, mounts) say why they
# are skipped.
set -u
tcptune=${TCPTUNE:?TCPTUNE must point at the binary}
tests=${TESTS_DIR:?}
tmp=$(mktemp -d)
trap 'kill $churn 2>/dev/null; rm -rf "$tmp"' EXIT
churn=""
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; sed 's/^/# /' "$tmp/err" | head -5; fi; }

newroot() {
        rm -rf "$tmp/root"
        cp -r "$tests/fixtures/defaults" "$tmp/root"
        mkdir -p "$tmp/root/etc/sysctl.d" "$tmp/root/usr/lib/sysctl.d"
        printf 'net.ipv4.tcp_retries2 = 15\n' >"$tmp/root/usr/lib/sysctl.d/50-good.conf"
}
run() { "$tcptune" --root "$tmp/root" "$@" >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc"; }
rc() { cat "$tmp/rc"; }

# A line of 1 MiB: the lines before it count, the rest of the file not.
newroot
{ printf 'net.ipv4.tcp_sack = 0\n#'; head -c $((1024 * 1024)) /dev/zero | tr '\0' x; printf '\nnet.ipv4.tcp_frto = 1\n'; } \
        >"$tmp/root/etc/sysctl.d/10-long.conf"
run config
check "1 MiB line: one message with file and line" \
        'grep -qx "tcptune: /etc/sysctl.d/10-long.conf:2: line of 1 MiB or more: systemd-sysctl ignores it and the rest of the file, and fails" "$tmp/err"'
check "1 MiB line: the line before counts, the one after does not" \
        'grep -q "^net.ipv4.tcp_sack " "$tmp/out" && ! grep -q "tcp_frto" "$tmp/out"'
check "1 MiB line: the other files still count, exit 1 (drift)" 'grep -q "^net.ipv4.tcp_retries2 " "$tmp/out" && [ "$(rc)" = 1 ]'

# A huge file of many short lines is no problem.
newroot
for i in $(seq 1 20000); do echo "net.ipv4.tcp_no_such_key_$((i % 500)) = $i"; done >"$tmp/root/etc/sysctl.d/20-huge.conf"
echo "net.ipv4.tcp_sack = 0" >>"$tmp/root/etc/sysctl.d/20-huge.conf"
start=$(date +%s%N)
run --json config --all
ms=$((($(date +%s%N) - start) / 1000000))
check "20000 lines: evaluated in ${ms} ms (< 3000), the last line wins" \
        '[ $ms -lt 3000 ] && [ "$(jq -r ".entries[] | select(.key == \"net.ipv4.tcp_sack\") | .line" "$tmp/out")" = 20001 ]'

# Overlapping globs over many keys, and many other lines: overrides and
# entries in the tens of thousands must not meet quadratically (settling
# each entry used to scan every override: 9 s here; now < 1 s).
newroot
mkdir -p "$tmp/root/proc/sys/net/ipv4/x"
(cd "$tmp/root/proc/sys/net/ipv4/x" && seq 1 20000 | xargs touch)
{
        s='*'
        for i in $(seq 1 6); do echo "net.ipv4.x.$s = $i"; s="$s*"; done
        seq -f 'net.ipv4.y%g = 1' 1 60000
} >"$tmp/root/etc/sysctl.d/20-globs.conf"
# CPU time, not wall time: the machine may be busy with other tests.
cpu=$( { TIMEFORMAT='%U %S'; time timeout 120 "$tcptune" --root "$tmp/root" config --all >"$tmp/out" 2>"$tmp/err"; } 2>&1)
ms=$(echo "$cpu" | awk '{ printf "%d", ($1 + $2) * 1000 }')
check "6 globs over 20000 keys and 60000 lines: ${ms} ms of CPU (< 5000), the last glob wins" \
        '[ $ms -lt 5000 ] && grep -q "^net.ipv4.x.7 .*20-globs.conf:6 " "$tmp/out"'

# The bounds of tcptune(8), BOUNDS: a tree over one is refused whole, in
# one line naming the file (and line), exit 2, quickly and in little memory.
bounded() { # name, expected stderr line (a grep -x pattern)
        cpu=$( { TIMEFORMAT='%U %S'; time timeout 60 "$tcptune" --root "$tmp/root" config >"$tmp/out" 2>"$tmp/err"; } 2>&1)
        echo $? >"$tmp/rc"
        ms=$(echo "$cpu" | awk '{ printf "%d", ($1 + $2) * 1000 }')
        want=$2
        check "$1: refused in ${ms} ms of CPU, exit 2" \
                '[ "$(rc)" = 2 ] && [ $ms -lt 3000 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -qx "$want" "$tmp/err" && [ ! -s "$tmp/out" ]'
}
# 220,000 writes: 11 overlapping globs over the 20,000 keys.
s='*'
for i in $(seq 1 11); do echo "net.ipv4.x.$s = $i"; s="$s*"; done >"$tmp/root/etc/sysctl.d/20-globs.conf"
bounded "200000 writes" \
        "tcptune: /etc/sysctl.d/20-globs.conf:11: 'net.ipv4.x.\*\**' takes sysctl.d past 200000 writes: the tree is refused (tcptune(8), BOUNDS)"
rm -rf "$tmp/root/proc/sys/net/ipv4/x"

newroot
seq -f 'net.ipv4.tcp_sack = %g' 1 100001 >"$tmp/root/etc/sysctl.d/20-many.conf"
bounded "100000 assignments" \
        "tcptune: /etc/sysctl.d/20-many.conf:100001: more than 100000 assignments in sysctl.d: the tree is refused (tcptune(8), BOUNDS)"

# 18 MiB of comments in 20 files: past 16 MiB in the 19th.
newroot
line=$(head -c $((900 * 1024)) /dev/zero | tr '\0' x)
for i in $(seq 10 29); do printf '#%s\n' "$line" >"$tmp/root/etc/sysctl.d/$i-big.conf"; done
bounded "16 MiB" \
        "tcptune: /etc/sysctl.d/28-big.conf:1: sysctl.d holds more than 16 MiB: the tree is refused (tcptune(8), BOUNDS)"

newroot
(cd "$tmp/root/etc/sysctl.d" && seq -f '%04g.conf' 1 1025 | xargs touch)
bounded "1024 files" \
        "tcptune: /etc/sysctl.d/[0-9]*.conf: past 1024 drop-ins in sysctl.d: the tree is refused (tcptune(8), BOUNDS)"

newroot
for i in $(seq 1 1025); do echo "net.ipv4.tcp_no$i* = 1"; done >"$tmp/root/etc/sysctl.d/20-globs.conf"
bounded "1024 glob patterns" \
        "tcptune: /etc/sysctl.d/20-globs.conf:1025: 'net.ipv4.tcp_no1025\*' takes sysctl.d past 1024 glob patterns: the tree is refused (tcptune(8), BOUNDS)"

# audit and profile verify refuse the same tree the same way.
"$tcptune" --root "$tmp/root" audit >"$tmp/out" 2>"$tmp/err"
echo $? >"$tmp/rc"
check "audit: the same refusal, exit 2" '[ "$(rc)" = 2 ] && grep -q "20-globs.conf:1025: .*BOUNDS" "$tmp/err"'

# Braces: twenty {a,b} groups are 2^20 globs (11 s); the line is refused
# alone, the rest evaluated.
newroot
{
        printf 'net.ipv4.tcp_*'
        for i in $(seq 1 20); do printf '{a,b}'; done
        printf ' = 1\nnet.ipv4.tcp_sac{k,x}* = 0\n'
        printf 'net.ipv4.tcp_{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}* = 0\n'
} >"$tmp/root/etc/sysctl.d/20-brace.conf"
cpu=$( { TIMEFORMAT='%U %S'; time timeout 60 "$tcptune" --root "$tmp/root" config >"$tmp/out" 2>"$tmp/err"; } 2>&1)
echo $? >"$tmp/rc"
ms=$(echo "$cpu" | awk '{ printf "%d", ($1 + $2) * 1000 }')
check "20 brace groups: refused at FILE:LINE in ${ms} ms of CPU, the other lines count" \
        '[ $ms -lt 2000 ] && grep -qx "tcptune: /etc/sysctl.d/20-brace.conf:1: .net.ipv4.tcp_\*{a,b}.* has more than 16 brace groups or expands to more than 256 patterns: refused, it writes nothing here (systemd-sysctl globs every one)" "$tmp/err" &&
         grep -qx "tcptune: /etc/sysctl.d/20-brace.conf:3: .* expands to more than 256 patterns: refused, .*" "$tmp/err" &&
         grep -q "^net.ipv4.tcp_sack .*20-brace.conf:2 " "$tmp/out" && [ "$(rc)" = 1 ]'

# A FIFO must not block the scan.
newroot
mkfifo "$tmp/root/etc/sysctl.d/30-fifo.conf"
timeout 10 "$tcptune" --root "$tmp/root" config >"$tmp/out" 2>"$tmp/err"
echo $? >"$tmp/rc"
check "FIFO: not read, named, the rest evaluated" \
        'grep -qx "tcptune: /etc/sysctl.d/30-fifo.conf: not a regular file: not read" "$tmp/err" && [ "$(rc)" = 0 ]'

# A character device other than /dev/null (systemd would read /dev/zero forever).
newroot
if [ "$(id -u)" = 0 ] && mkdir -p "$tmp/root/dev" && mknod "$tmp/root/dev/zero" c 1 5 2>/dev/null; then
        ln -s /dev/zero "$tmp/root/etc/sysctl.d/31-zero.conf"
        timeout 10 "$tcptune" --root "$tmp/root" config >"$tmp/out" 2>"$tmp/err"
        echo $? >"$tmp/rc"
        check "link to /dev/zero: not read" 'grep -q "31-zero.conf: not a regular file" "$tmp/err" && [ "$(rc)" = 0 ]'
else
        skip "link to /dev/zero" "needs root for mknod"
fi

# Unreadable file and directory, as an unprivileged user: exit 3, say what.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
        as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$tcptune" --root "$tmp/root" "$@" >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc"; }
        newroot
        printf 'net.ipv4.tcp_sack = 0\n' >"$tmp/root/etc/sysctl.d/40-secret.conf"
        chmod -R a+rX "$tmp"
        chmod 000 "$tmp/root/etc/sysctl.d/40-secret.conf"
        as_nobody config
        check "unreadable file: named, exit 3, the rest evaluated" \
                'grep -qx "tcptune: /etc/sysctl.d/40-secret.conf: Permission denied" "$tmp/err" && [ "$(rc)" = 3 ] && grep -q "^net.ipv4.tcp_retries2 " "$tmp/out"'
        chmod 644 "$tmp/root/etc/sysctl.d/40-secret.conf"
        chmod 000 "$tmp/root/etc/sysctl.d"
        as_nobody config
        check "unreadable directory: named, exit 3, the rest evaluated" \
                'grep -q "^tcptune: /etc/sysctl.d: .*Permission denied" "$tmp/err" && [ "$(rc)" = 3 ] && grep -q "^net.ipv4.tcp_retries2 " "$tmp/out"'
        chmod 755 "$tmp/root/etc/sysctl.d"
        as_nobody config --cat
        check "--cat as nobody: fine when readable" '[ "$(rc)" = 0 ]'
else
        skip "unreadable file" "needs root and setpriv to become an unprivileged user"
        skip "unreadable directory" "needs root and setpriv"
        skip "--cat as nobody" "needs root and setpriv"
fi

# Files that vanish and appear while tcptune reads: never a crash, valid
# JSON, exit 0 or 1, and a vanished file is named.
newroot
# The churn stops between rounds when asked, never mid-command: a killed
# subshell leaves its running ln(1) behind, which then plants a link in the
# next test's tree (seen under load: the read-only root case found a
# dangling 76-link.conf).
rm -f "$tmp/churn.stop"
(
        while [ ! -e "$tmp/churn.stop" ]; do
                for i in 1 2 3 4 5 6 7 8; do
                        printf 'net.ipv4.tcp_keepalive_time = %s\n' "$i" >"$tmp/root/etc/sysctl.d/6$i-churn.conf"
                        ln -sf "6$i-churn.conf" "$tmp/root/etc/sysctl.d/7$i-link.conf"
                done
                rm -f "$tmp/root/etc/sysctl.d/"6*-churn.conf "$tmp/root/etc/sysctl.d/"7*-link.conf
        done
) &
churn=$!
bad=0 crashes=0 vanished=0
for i in $(seq 1 200); do
        "$tcptune" --root "$tmp/root" --json config >"$tmp/out" 2>"$tmp/err"
        r=$?
        [ $r -ge 128 ] && crashes=$((crashes + 1))
        { [ $r = 0 ] || [ $r = 1 ]; } && jq -e .entries "$tmp/out" >/dev/null 2>&1 || bad=$((bad + 1))
        grep -q "vanished while being read\|dangling symbolic link" "$tmp/err" && vanished=$((vanished + 1))
done
touch "$tmp/churn.stop"
wait $churn 2>/dev/null
churn=""
check "churn: 200 runs, no crash ($crashes), all exit 0/1 with JSON ($bad bad), $vanished saw a file vanish" \
        '[ $crashes = 0 ] && [ $bad = 0 ]'

# A read-only root (a container's files through /proc/PID/root): the same
# answer, nothing written.
newroot
printf 'net.ipv4.tcp_keepalive_time = 600\n' >"$tmp/root/etc/sysctl.d/80-c.conf"
"$tcptune" --root "$tmp/root" --json config --all >"$tmp/expected" 2>/dev/null
if [ "$(id -u)" = 0 ] && unshare --mount true 2>/dev/null; then
        unshare --mount --propagation private sh -c '
                mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 99
                sleep 30 & pid=$!
                "$2" --root "/proc/$pid/root$1" --json config --all >"$3/out" 2>"$3/err"
                echo $? >"$3/rc"
                kill $pid' _ "$tmp/root" "$tcptune" "$tmp"
        check "read-only root via /proc/PID/root: same answer" \
                '[ "$(rc)" = 1 ] && cmp -s "$tmp/out" "$tmp/expected"'
else
        skip "read-only root via /proc/PID/root" "needs root for a private mount namespace"
fi

echo "1..$n"
exit $fail

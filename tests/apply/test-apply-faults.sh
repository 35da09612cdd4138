#!/bin/bash
# Fault injection on a --root fixture tree. After each fault the drop-in is
# the old one or the new one, complete; no temp file is left (except where
# the process was killed: see below); live values match it or were rolled
# back. Needs root (setpriv to an unprivileged user; tmpfs in a private
# mount namespace) and strace; exits 77 otherwise.
set -u
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (setpriv, a private mount namespace)"
command -v strace >/dev/null || skip "strace not installed"
command -v setpriv >/dev/null || skip "setpriv (util-linux) not installed"
strace -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace not permitted)"

# LeakSanitizer cannot run under ptrace: in an ASan build, no leak check
# for the runs under strace (the other tests check leaks).
san="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 0755 "$tmp"
r=$tmp/root
OLD='# older
net.ipv4.tcp_retries2 = 10
'
fresh() { # with_old_dropin
        rm -rf "$r"
        make_root "$r"
        mkdir -p "$r/etc/sysctl.d"
        if [ "$1" = 1 ]; then
                printf '%s' "$OLD" >"$r/etc/sysctl.d/90-tcptune.conf"
                chmod 0640 "$r/etc/sysctl.d/90-tcptune.conf"
                echo 10 >"$r/proc/sys/net/ipv4/tcp_retries2"
        fi
}
live() { cat "$r/proc/sys/net/ipv4/tcp_retries2" "$r/proc/sys/net/ipv4/tcp_keepalive_time" | tr '\n' ' '; }
temps() { ls -A "$r/etc/sysctl.d" "$r/var/lib/tcptune" 2>/dev/null | grep '^\.' ; }

# The tree after a successful apply, to compare with.
for old in 0 1; do
        fresh $old
        "$driver" --root "$r" apply ff $FF >/dev/null
        eval "after_$old=\$(snapshot \"\$r\")"
done

# --- Syscall failures injected with strace, on the Nth call of each kind.
# Every failure must leave the tree exactly as before; the only exception
# is the last write, to stdout, after the apply is complete.
table=$tmp/table
inject() { # syscall error, old
        local sc=$1 err=$2 old=$3 i
        for i in 1 2 3 4 5 6 7 8; do
                fresh $old
                local before; before=$(snapshot "$r")
                env "$san" strace -f -o /dev/null -e trace="$sc" -e inject="$sc:error=$err:when=$i" \
                        "$driver" --root "$r" apply ff $FF >"$tmp/out" 2>"$tmp/err"
                local rc=$? now; now=$(snapshot "$r")
                local a; eval "a=\$after_$old"
                local msg; msg=$(head -c 160 "$tmp/err")
                if [ "$rc" = 0 ]; then
                        check_eq "$sc #$i $err: past the last call, applied" "$now" "$a"
                        break
                fi
                if [ "$now" = "$before" ]; then
                        ok "$sc #$i $err (old drop-in: $old): exit $rc, tree as before: $msg"
                        echo "| $sc #$i $err | $old | $rc | as before | $msg |" >>"$table"
                elif [ "$now" = "$a" ] && grep -q "cannot write output" "$tmp/err"; then
                        ok "$sc #$i $err (old drop-in: $old): applied, then stdout failed: exit $rc"
                        echo "| $sc #$i $err | $old | $rc | applied (stdout failed) | $msg |" >>"$table"
                else
                        not_ok "$sc #$i $err (old drop-in: $old): exit $rc, tree neither old nor new: $msg"
                        diff <(echo "$before") <(echo "$now") | head -20 | sed 's/^/# /'
                fi
                check_eq "$sc #$i $err: exit 3" "$rc" 3
        done
}
: >"$table"
inject write ENOSPC 0
inject write ENOSPC 1
inject write EIO 1
inject fsync EIO 0
inject fsync EIO 1
inject renameat EACCES 1

# --- Killed at a rename (strace delivers SIGKILL on syscall entry, before
# it runs): the drop-in is the old one, complete; live values untouched; the
# temp file stays, named .90-tcptune.conf.XXXXXX, which systemd-sysctl
# ignores (not *.conf). The next run cleans it up and completes.
for i in 1 2; do
        fresh 1
        before=$(snapshot "$r")
        (env "$san" strace -f -o /dev/null -e trace=renameat -e inject=renameat:signal=KILL:when=$i \
                "$driver" --root "$r" apply ff $FF >/dev/null 2>&1) 2>/dev/null
        rc=$?
        check "killed at rename #$i: not exit 0 ($rc)" test "$rc" != 0
        check_eq "killed at rename #$i: the old drop-in, complete" "$(cat "$r/etc/sysctl.d/90-tcptune.conf"; echo x)" "${OLD}x"
        check_eq "killed at rename #$i: live values untouched" "$(live)" "10 7200 "
        left=$(temps | tr '\n' ' ')
        echo "| renameat #$i signal=KILL | 1 | $rc | old drop-in, live untouched; left: ${left:-nothing} |  |" >>"$table"
        check "killed at rename #$i: any leftover is a dot-file not ending in .conf" \
                test -z "$(temps | grep '\.conf$')"
        "$driver" --root "$r" apply ff $FF >/dev/null; rc=$?
        check_eq "after the kill: apply completes, no temp left" "$rc:$(temps)" "0:"
        "$driver" --root "$r" revert >/dev/null; rc=$?
        check_eq "after the kill: revert gives back the tree before" "$(snapshot "$r")" "$before"
done

# --- SIGTERM and SIGINT at the drop-in's rename are held until the run is
# complete and consistent; then they act (the process dies of them).
for sig in TERM INT; do
        fresh 1
        (env "$san" strace -f -o /dev/null -e trace=renameat -e inject=renameat:signal=$sig:when=2 \
                "$driver" --root "$r" apply ff $FF >/dev/null 2>&1) 2>/dev/null
        rc=$?
        check_eq "SIG$sig at the rename: held, the apply completes, then it acts" "$rc:$(snapshot "$r")" \
                "$((128 + $(kill -l $sig))):$after_1"
        echo "| renameat #2 signal=$sig | 1 | $rc | applied completely, then the signal acted | |" >>"$table"
done

# --- Unprivileged runs (setpriv), so that modes bite.
user=nobody
group=$(id -gn nobody 2>/dev/null || echo nogroup)
as_user() { setpriv --reuid="$user" --regid="$group" --clear-groups -- "$@"; }
unpriv_case() { # description, setup command, expected message
        fresh 1
        chown -R "$user:$group" "$r"
        eval "$2"
        local before; before=$(snapshot "$r")
        local err; err=$(as_user "$driver" --root "$r" apply ff $FF 2>&1 >/dev/null); local rc=$?
        check_eq "$1: exit 3, message" "$rc:$err" "3:$3"
        check_eq "$1: tree as before, no temp file" "$(snapshot "$r")" "$before"
        echo "| $1 | 1 | $rc | as before | $err |" >>"$table"
}
unpriv_case "proc/sys write fails on the 2nd key" \
        'chmod 0444 "$r/proc/sys/net/ipv4/tcp_keepalive_time"' \
        "tcptune: net.ipv4.tcp_keepalive_time = 60: Permission denied; live values restored"
unpriv_case "/etc/sysctl.d not writable" 'chmod 0555 "$r/etc/sysctl.d"' \
        "tcptune: /etc/sysctl.d/90-tcptune.conf: Permission denied"
unpriv_case "state directory not writable" 'chmod 0555 "$r/var/lib"' \
        "tcptune: /var/lib/tcptune: Permission denied"
unpriv_case "state file's directory not writable" 'mkdir "$r/var/lib/tcptune"; chmod 0555 "$r/var/lib/tcptune"' \
        "tcptune: /var/lib/tcptune/state: cannot record the state: Permission denied"
unpriv_case "lock directory not writable" 'chmod 0555 "$r/run"' \
        "tcptune: /run/tcptune/lock: Permission denied"

# A revert whose live write fails: the drop-in goes back to the applied
# one, the state stays, and a later revert (once writable) completes.
fresh 1
chown -R "$user:$group" "$r"
start=$(snapshot "$r")
as_user "$driver" --root "$r" apply ff $FF >/dev/null
applied=$(snapshot "$r")
chmod 0444 "$r/proc/sys/net/ipv4/tcp_keepalive_time"
err=$(as_user "$driver" --root "$r" revert 2>&1 >/dev/null); rc=$?
check_eq "revert with a read-only proc file: exit 3, named" "$rc:$err" \
        "3:tcptune: net.ipv4.tcp_keepalive_time = 7200: Permission denied; live values restored"
check_eq "failed revert: still the applied tree (drop-in, values, state)" \
        "$(snapshot "$r" | sed 's/^\(proc.*tcp_keepalive_time f\) 444/\1 644/')" "$applied"
chmod 0644 "$r/proc/sys/net/ipv4/tcp_keepalive_time"
as_user "$driver" --root "$r" revert >/dev/null; rc=$?
check_eq "revert retried: exit 0, the tree before" "$rc:$(snapshot "$r")" "0:$start"
echo "| revert, proc/sys write fails | 1 | 3 | the applied tree, state kept (revert can be retried) | $err |" >>"$table"

# --- A full disk for the temp file: a one-page tmpfs over etc/sysctl.d in
# a private mount namespace (it is below our temp dir, never a host path).
if unshare -m --propagation private true 2>/dev/null; then
        fresh 1
        before=$(snapshot "$r")
        err=$(unshare -m --propagation private bash -c '
                [ "$(readlink /proc/self/ns/mnt)" != "$1" ] || { echo "not in a private mount namespace"; exit 99; }
                d=$2/etc/sysctl.d
                cp -a "$d/90-tcptune.conf" "$2/../saved"
                mount -t tmpfs -o size=4k,mode=0755 tcptune-full "$d" || exit 98
                cp -a "$2/../saved" "$d/90-tcptune.conf"
                dd if=/dev/zero of="$d/.filler" bs=1k count=64 2>/dev/null
                rm -f "$d/.filler.keep"
                "$3" --root "$2" apply ff tcp_retries2=8 tcp_keepalive_time=60 2>&1 >/dev/null
                rc=$?
                ls -A "$d" | tr "\n" " "
                od -An -c "$d/90-tcptune.conf" | tr -d " \n"
                exit $rc' sh "$(readlink /proc/self/ns/mnt)" "$r" "$driver")
        rc=$?
        check_eq "full disk: exit 3" "$rc" 3
        check "full disk: message names the drop-in and ENOSPC" grep -q "90-tcptune.conf: No space left on device" <<<"$err"
        check_eq "full disk: no temp file, the old drop-in complete" "$(echo "$err" | sed -n 2p)" \
                '.filler 90-tcptune.conf #older\nnet.ipv4.tcp_retries2=10\n'
        check_eq "full disk: live values and state as before" "$(snapshot "$r" | grep -v '^etc/sysctl.d/')" \
                "$(echo "$before" | grep -v '^etc/sysctl.d/')"
        echo "| full tmpfs (4k) over etc/sysctl.d | 1 | $rc | as before | $(echo "$err" | head -1) |" >>"$table"
else
        echo "# unshare -m not permitted: full-disk case not run"
fi

# --- Two applies at once: the lock makes one wait; both finish, the tree is
# one complete profile, and revert goes back to the start.
fresh 1
before=$(snapshot "$r")
"$driver" --root "$r" apply one tcp_retries2=8 tcp_keepalive_time=60 >"$tmp/o1" 2>&1 &
p1=$!
"$driver" --root "$r" apply two tcp_retries2=7 tcp_keepalive_time=30 >"$tmp/o2" 2>&1 &
p2=$!
wait $p1; rc1=$?
wait $p2; rc2=$?
check_eq "two at once: both exit 0" "$rc1 $rc2" "0 0"
prof=$(sed -n 's/^# Written by tcptune from profile \([a-z]*\), settings .*$/\1/p' "$r/etc/sysctl.d/90-tcptune.conf")
case $prof in
one) want="8 60 " ;;
two) want="7 30 " ;;
*) want="?" ;;
esac
check_eq "two at once: live values match the drop-in left ($prof)" "$(live)" "$want"
check_eq "two at once: no temp file" "$(temps)" ""
"$driver" --root "$r" revert >/dev/null
check_eq "two at once: revert gives back the tree before both" "$(snapshot "$r")" "$before"
echo "| two applies at once | 1 | $rc1/$rc2 | the later profile ($prof), complete; revert -> before | |" >>"$table"

echo "# fault | old drop-in | exit | left behind | message"
sed 's/^/# /' "$table"
finish

#!/bin/bash
# The state record under --root's /var/lib/tcptune is input, not truth:
# tampered records (a key that walks out of /proc/sys, a key outside net.*,
# a drop-in outside /etc/sysctl.d, a setuid or world-writable mode, an empty
# value, no live values at all) are refused with FILE:LINE and exit 3,
# touching nothing; a huge record is refused quickly, a large legitimate one
# round-trips in linear time; symbolic links below --root are never
# followed on the way to /proc/sys or /run/tcptune. Fixture trees only: no
# privilege needed, never the host.
set -u
. "$(dirname "$0")/lib.sh"
with_tmp
command -v python3 >/dev/null || skip "python3 not installed (generates large records)"
state_rel=var/lib/tcptune/state

# A root two levels below $tmp/a, a profile applied, its record at $st.
# The record then reads (line numbers matter to the messages):
#   1 comment  2 version  3 profile  4 profile-file  5 dropin  6 created-dir
#   7 previous-dropin  8 live net.ipv4.tcp_retries2 15
#   9 live net.ipv4.tcp_keepalive_time 7200
#   10 set net.ipv4.tcp_retries2 8  11 set net.ipv4.tcp_keepalive_time 60
fresh() {
        rm -rf "$tmp/a"
        r=$tmp/a/b/root
        make_root "$r"
        st=$r/$state_rel
        "$driver" --root "$r" apply p tcp_retries2=8 tcp_keepalive_time=60 >/dev/null ||
                { echo "Bail out! apply on a fresh root"; exit 1; }
}

# description, expected "LINE: words" of the message (a grep -E pattern
# after the FILE:LINE prefix), command... : exit 3, the tree (and $tmp/a,
# outside the root) exactly as before.
refused() {
        local d=$1 want=$2; shift 2
        local before outside err rc
        before=$(snapshot "$r")
        outside=$(find "$tmp/a" -path "$r" -prune -o -type f -printf '%p %s %m\n' -exec cat {} \; | sort)
        err=$("$@" 2>&1 >/dev/null); rc=$?
        check_eq "$d: exit 3" "$rc" 3
        if [[ $err =~ ^"tcptune: /var/lib/tcptune/state:"$want ]] && [ "$(wc -l <<<"$err")" = 1 ]; then
                ok "$d: one line naming the state file and line"
        else
                not_ok "$d: message"; echo "# got: $err"; echo "# want: tcptune: /var/lib/tcptune/state:$want"
        fi
        check_eq "$d: nothing below --root changed" "$(snapshot "$r")" "$before"
        check_eq "$d: nothing outside --root changed" \
                "$(find "$tmp/a" -path "$r" -prune -o -type f -printf '%p %s %m\n' -exec cat {} \; | sort)" "$outside"
}

# --- A key whose dots and slashes spell "../../../.." below /proc/sys.
fresh
echo "keep me" >"$tmp/a/x.y"
echo 'live //.//.//.//.x/y 666' >>"$st"
refused "revert, traversal key" "12: live key '//\.//\.//\.//\.x/y' is not a key tcptune writes" \
        "$driver" --root "$r" revert
refused "next apply, traversal key" "12: live key" \
        "$driver" --root "$r" apply q tcp_syn_retries=4
check_eq "traversal key: the file outside --root keeps its bytes" "$(cat "$tmp/a/x.y")" "keep me"

# --- A key outside net.*, with a pipe for a value.
fresh
mkdir -p "$r/proc/sys/kernel"
echo core >"$r/proc/sys/kernel/core_pattern"
echo 'live kernel.core_pattern |/tmp/evil %p' >>"$st"
refused "revert, kernel.core_pattern" "12: live key 'kernel.core_pattern' is not a key tcptune writes" \
        "$driver" --root "$r" revert
check_eq "kernel.core_pattern untouched" "$(cat "$r/proc/sys/kernel/core_pattern")" core

# --- Keys in other spellings or outside the catalog.
for key in net/ipv4/tcp_syn_retries tcp_syn_retries net.ipv4.tcp_not_a_key net.ipv4.tcp_syn_retries/x; do
        fresh
        echo "live $key 3" >>"$st"
        refused "revert, key '$key'" "12: live key" "$driver" --root "$r" revert
done

# --- The drop-in must be the one in /etc/sysctl.d.
for dropin in /srv/elsewhere/99-other.conf /etc/sysctl.d/../99-other.conf 99-other.conf /etc/sysctl.d/.99-other.conf; do
        fresh
        echo "another admin's file" >"$r/etc/sysctl.d/99-other.conf"
        sed -i "s|^dropin .*|dropin $dropin|" "$st"
        refused "revert, dropin $dropin" "5: drop-in '.*' is not a file in /etc/sysctl.d" \
                "$driver" --root "$r" revert
done

# --- Modes tcptune never creates.
hex=$(printf 'net.ipv4.tcp_retries2 = 10\n' | od -An -v -tx1 | tr -d ' \n')
for mode in 4644 2644 1644 0666 0646 10644; do
        fresh
        sed -i "s|^previous-dropin .*|previous-dropin $mode $hex|" "$st"
        refused "revert, previous-dropin mode $mode" "7: " "$driver" --root "$r" revert
done
fresh
sed -i "s|^previous-dropin .*|previous-dropin 0600 $hex|" "$st"
"$driver" --root "$r" revert >/dev/null; rc=$?
check_eq "previous-dropin mode 0600 is restored" "$rc:$(stat -c %a "$r/etc/sysctl.d/90-tcptune.conf")" "0:600"

# --- An empty value.
fresh
sed -i 's|^live net.ipv4.tcp_retries2 15$|live net.ipv4.tcp_retries2 |' "$st"
refused "revert, empty value" "8: live net.ipv4.tcp_retries2 has an empty value" "$driver" --root "$r" revert
fresh
sed -i 's|^live net.ipv4.tcp_retries2 15$|live net.ipv4.tcp_retries2|' "$st"
refused "revert, no value" "8: " "$driver" --root "$r" revert

# --- No live section (a record cut short: the set lines after it are gone
# too): revert must not delete the drop-in and leave the live values; it
# says how to recover, and the man page does too.
fresh
sed -i '/^live /d; /^set /d' "$st"
refused "revert, no live values" \
        "8: the record ends before its live values \(incomplete\).*by hand" "$driver" --root "$r" revert
check_eq "incomplete record: live value still the applied one" "$(cat "$r/proc/sys/net/ipv4/tcp_retries2")" 8
check "incomplete record: the drop-in stays" test -f "$r/etc/sysctl.d/90-tcptune.conf"
man=$(dirname "$0")/../../man/tcptune.8.scd
check "the man page says how to recover from an incomplete record" grep -q "incomplete" "$man"

# --- Size: a 20 MB record is refused at once (the parser was quadratic:
# one sscanf per hex byte, each scanning the rest of the line).
fresh
python3 -c 'import sys; sys.stdout.write("# tcptune state\nversion 1\nprofile p\nprofile-file \ndropin /etc/sysctl.d/90-tcptune.conf\ncreated-dir 0\nprevious-dropin 0644 " + "61" * (10 << 20) + "\nlive net.ipv4.tcp_retries2 15\n")' >"$st"
t0=$(date +%s%N)
err=$(timeout -k 5 20 "$driver" --root "$r" revert 2>&1 >/dev/null); rc=$?
t1=$(date +%s%N)
echo "# 20 MB record: revert took $(((t1 - t0) / 1000000)) ms, exit $rc"
check_eq "20 MB record: exit 3 within 20 s" "$rc" 3
check "20 MB record: the message names the file and its size bound" \
        grep -Eq '^tcptune: /var/lib/tcptune/state: larger than [0-9]+ MiB' <<<"$err"
check_eq "20 MB record: the drop-in stays" "$(grep -c tcp_retries2 "$r/etc/sysctl.d/90-tcptune.conf")" 1

# A previous drop-in over the bound is not recorded: apply refuses.
rm -rf "$tmp/a"
make_root "$r"
mkdir -p "$r/etc/sysctl.d"
python3 -c 'import sys; sys.stdout.write("# big\n" * (1 << 20))' >"$r/etc/sysctl.d/90-tcptune.conf"
before=$(snapshot "$r" | md5sum)
err=$(timeout -k 5 20 "$driver" --root "$r" apply p tcp_retries2=8 2>&1 >/dev/null); rc=$?
check_eq "6 MB previous drop-in: apply exits 3" "$rc" 3
check "6 MB previous drop-in: named, with the bound" \
        grep -Eq '^tcptune: /etc/sysctl.d/90-tcptune.conf: larger than [0-9]+ MiB' <<<"$err"
check_eq "6 MB previous drop-in: nothing changed" "$(snapshot "$r" | md5sum)" "$before"

# A legitimate 600 kB previous drop-in round-trips, in linear time.
rm -rf "$tmp/a"
make_root "$r"
mkdir -p "$r/etc/sysctl.d"
python3 -c 'import sys; sys.stdout.write("# a long comment line of an older drop-in\n" * 15000)' \
        >"$r/etc/sysctl.d/90-tcptune.conf"
before=$(snapshot "$r" | md5sum)
t0=$(date +%s%N)
timeout -k 5 20 "$driver" --root "$r" apply p tcp_retries2=8 >/dev/null; rc1=$?
timeout -k 5 20 "$driver" --root "$r" revert >/dev/null; rc2=$?
t1=$(date +%s%N)
echo "# 600 kB previous drop-in: apply + revert took $(((t1 - t0) / 1000000)) ms"
check_eq "600 kB previous drop-in: apply and revert exit 0 within 20 s each" "$rc1 $rc2" "0 0"
check_eq "600 kB previous drop-in: byte-identical after revert" "$(snapshot "$r" | md5sum)" "$before"

# --- A symbolic link in the middle of the path to /proc/sys.
rm -rf "$tmp/a"
make_root "$r"
mv "$r/proc/sys/net/ipv4" "$tmp/a/elsewhere"
ln -s "$tmp/a/elsewhere" "$r/proc/sys/net/ipv4"
outside=$(grep -H . "$tmp"/a/elsewhere/*)
err=$("$driver" --root "$r" apply p tcp_retries2=8 2>&1 >/dev/null); rc=$?
check_eq "proc/sys/net/ipv4 a symlink: exit 3, named" "$rc:$err" \
        "3:tcptune: net.ipv4.tcp_retries2: a symbolic link on its path below /proc/sys; refusing to follow it"
check_eq "proc/sys/net/ipv4 a symlink: nothing written through it" "$(grep -H . "$tmp"/a/elsewhere/*)" "$outside"
check "proc/sys/net/ipv4 a symlink: no state recorded" test ! -e "$r/$state_rel"
rm "$r/proc/sys/net/ipv4"
mv "$tmp/a/elsewhere" "$r/proc/sys/net/ipv4"
# The same, with the link appearing after the record was written.
"$driver" --root "$r" apply p tcp_retries2=8 >/dev/null
cp -a "$r/proc/sys/net/ipv4" "$tmp/a/elsewhere"
rm -r "$r/proc/sys/net/ipv4"
ln -s "$tmp/a/elsewhere" "$r/proc/sys/net/ipv4"
err=$("$driver" --root "$r" revert 2>&1 >/dev/null); rc=$?
check_eq "revert through a symlinked proc/sys/net/ipv4: exit 3" "$rc" 3
check_eq "revert through a symlinked proc/sys/net/ipv4: nothing written through it" \
        "$(cat "$tmp/a/elsewhere/tcp_retries2")" 8

# --- /run/tcptune a symlink: the message names /run/tcptune.
rm -rf "$tmp/a"
make_root "$r"
mkdir "$tmp/a/run-elsewhere"
ln -s "$tmp/a/run-elsewhere" "$r/run/tcptune"
err=$("$driver" --root "$r" apply p tcp_retries2=8 2>&1 >/dev/null); rc=$?
check_eq "/run/tcptune a symlink: exit 3, names /run/tcptune" "$rc:$err" \
        "3:tcptune: /run/tcptune: is a symbolic link; refusing to follow it"
check_eq "/run/tcptune a symlink: no lock made through it" "$(ls -A "$tmp/a/run-elsewhere")" ""
rm "$r/run/tcptune"
ln -s "$tmp/a/run-elsewhere" "$r/run"
rm -rf "$r/run" && ln -s "$tmp/a/run-elsewhere" "$r/run"
err=$("$driver" --root "$r" apply p tcp_retries2=8 2>&1 >/dev/null); rc=$?
check_eq "/run a symlink: exit 3, names /run" "$rc:$err" \
        "3:tcptune: /run: is a symbolic link; refusing to follow it"

finish

#!/bin/bash
# profile apply / revert against a real kernel, in a throwaway network
# namespace and a private mount namespace (unshare -m -n): no --root, so
# the real paths are used, each covered by a tmpfs that exists only in the
# private namespace: /etc/sysctl.d, /var/lib, /run (with a stand-in journal
# socket at /run/systemd/journal/socket). The host's values are compared
# before and after. Needs root, unshare and python3; exits 77 otherwise.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

command -v python3 >/dev/null || skip "python3 not installed (journal stand-in)"
in_private_namespaces "$0" "$@"
with_tmp
cover /etc/sysctl.d /var/lib /run
mkdir -p /run/systemd/journal
python3 "$here/journal-listen.py" /run/systemd/journal/socket "$tmp/journal" 60 &
bg+=($!)
for _ in $(seq 50); do [ -e "$tmp/journal.ready" ] && break; sleep 0.1; done
[ -e "$tmp/journal.ready" ] || { echo "Bail out! journal stand-in did not start"; exit 1; }

ipv4=/proc/sys/net/ipv4
values() { grep -H . $ipv4/tcp_* 2>/dev/null; }
entries() { grep -c -- '^--- end$' "$tmp/journal"; }
# The stand-in writes a datagram when the scheduler lets it, which on a
# loaded machine can be after tcptune has exited: wait for entry N (at
# most 5 s) before reading it.
wait_entries() { for _ in $(seq 50); do [ "$(entries)" -ge "$1" ] && return; sleep 0.1; done; }
last_entry() { awk '/^--- end$/ { n++; next } n == '"$1"' - 1' "$tmp/journal"; }

# --- Apply and revert on this namespace's real /proc/sys.
before_v=$(values)
before_d=$(ls -la --time-style=+ /etc/sysctl.d)
out=$("$driver" --file /usr/share/tcptune/profiles/fast-failover.conf apply fast-failover $FF); rc=$?
check_eq "apply on the kernel: exit 0" "$rc" 0
check_eq "live values set in the kernel" "$(cat $ipv4/tcp_retries2 $ipv4/tcp_keepalive_time | tr '\n' ' ')" "8 60 "
check "drop-in written" test -f /etc/sysctl.d/90-tcptune.conf
wait_entries 1
check_eq "one journal entry" "$(entries)" 1
e=$(last_entry 1)
for f in "MESSAGE_ID=ee416a0d0bc5464384b71238cddb974b" "PROFILE=fast-failover" \
        "PROFILE_FILE=/usr/share/tcptune/profiles/fast-failover.conf" "TCPTUNE_ACTION=apply" \
        "DROPIN=/etc/sysctl.d/90-tcptune.conf" "DROPIN_ACTION=written" "NETNS=no" "PRIORITY=5" \
        "CHANGE=net.ipv4.tcp_retries2 15 -> 8" "CHANGE=net.ipv4.tcp_keepalive_time 7200 -> 60" \
        "MESSAGE=tcptune: applied profile fast-failover: 2 live values changed, drop-in /etc/sysctl.d/90-tcptune.conf written"; do
        check "journal field $f" grep -qxF -- "$f" <<<"$e"
done
check_eq "exactly two CHANGE fields" "$(grep -c '^CHANGE=' <<<"$e")" 2
echo "$e" | sed 's/^/# journal: /'

"$driver" --file /usr/share/tcptune/profiles/fast-failover.conf apply fast-failover $FF >/dev/null; rc=$?
check_eq "second apply: exit 0, no journal entry (nothing changed)" "$rc:$(entries)" "0:1"
out=$("$driver" --json active); rc=$?
check_eq "active on the kernel: holds, the drop-in as written" \
        "$rc:$(jq -c '[.profile, .holds, .dropin.state, (.keys | length)]' <<<"$out")" '0:["fast-failover",true,"as-written",3]'
out=$("$driver" revert --dry-run); rc=$?
check_eq "revert --dry-run on the kernel: exit 1, nothing written" \
        "$rc:$(cat $ipv4/tcp_retries2):$(ls /etc/sysctl.d)" "1:8:90-tcptune.conf"
out=$("$driver" revert); rc=$?
check_eq "revert: exit 0" "$rc" 0
wait_entries 2
e=$(last_entry 2)
for f in "TCPTUNE_ACTION=revert" "DROPIN_ACTION=removed" "CHANGE=net.ipv4.tcp_retries2 8 -> 15" \
        "CHANGE=net.ipv4.tcp_keepalive_time 60 -> 7200" "MESSAGE_ID=ee416a0d0bc5464384b71238cddb974b"; do
        check "revert journal field $f" grep -qxF -- "$f" <<<"$e"
done
check_eq "apply -> revert: every tcp value as before" "$(values)" "$before_v"
check_eq "apply -> revert: /etc/sysctl.d as before" "$(ls -la --time-style=+ /etc/sysctl.d)" "$before_d"
check_eq "nothing of tcptune left in /var/lib" "$(ls -A /var/lib)" ""

# --- A value the kernel refuses, second of two: the first is rolled back.
err=$("$driver" apply bad tcp_retries2=8 tcp_congestion_control=nonexistent 2>&1); rc=$?
check_eq "kernel refuses a value: exit 3, the key named" "$rc:$err" \
        "3:tcptune: net.ipv4.tcp_congestion_control = nonexistent: No such file or directory; live values restored"
check_eq "rolled back: every value, drop-in, state as before" "$(values; ls -A /etc/sysctl.d /var/lib)" \
        "$before_v
/etc/sysctl.d:

/var/lib:"
check_eq "no journal entry for a failed apply" "$(entries)" 2

# --- --netns: only that namespace; no drop-in; state per namespace.
unshare -n sleep 120 &
holder=$!
bg+=($holder)
for _ in $(seq 50); do [ "$(readlink /proc/$holder/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break; sleep 0.1; done
ino=$(stat -L -c %i /proc/$holder/ns/net)
out=$("$driver" --netns pid:$holder apply ff tcp_retries2=5); rc=$?
check_eq "--netns apply: exit 0, says no drop-in" "$rc:$out" "0:profile ff
drop-in: none (--netns: only this namespace's live values are set; sysctl.d configures the host at boot)
live values:
  net.ipv4.tcp_retries2  15 -> 5
applied: 1 live value changed; \`tcptune profile revert\` undoes it"
check_eq "the namespace's value changed" "$(nsenter -t $holder -n cat $ipv4/tcp_retries2)" 5
check_eq "ours did not" "$(cat $ipv4/tcp_retries2)" 15
out=$("$driver" --netns pid:$holder --json active); rc=$?
check_eq "--netns active: holds, no drop-in" "$rc:$(jq -c '[.profile, .holds, .dropin, [.keys[] | [.key, .want, .live]]]' <<<"$out")" \
        '0:["ff",true,{"path":null,"state":"none"},[["net.ipv4.tcp_retries2","5","5"]]]'
out=$("$driver" active); rc=$?
check_eq "the host has no profile applied" "$rc:$out" "3:no profile applied: tcptune has recorded no apply here"
nsenter -t $holder -n sh -c "echo 7 >$ipv4/tcp_retries2"
out=$("$driver" --netns pid:$holder active); rc=$?
check_eq "--netns active after drift: exit 1, the key named" "$rc:$(grep '^  ' <<<"$out")" "1:  net.ipv4.tcp_retries2  7, applied 5"
# Keyed by this boot and the namespace's cookie (never reused within a
# boot, unlike the inode $ino).
boot=$(tr -d '-' </proc/sys/kernel/random/boot_id)
cookie=$(nsenter -t $holder -n python3 -c 'import socket; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); print(int.from_bytes(s.getsockopt(socket.SOL_SOCKET, 71, 8), "little"))')
check_eq "no drop-in, state keyed by boot id and namespace cookie" "$(ls -A /etc/sysctl.d /var/lib/tcptune | tr '\n' ' ')" \
        "/etc/sysctl.d:  /var/lib/tcptune: netns-$boot-$cookie.state "
wait_entries 3
check "journal says NETNS=yes" grep -qx "NETNS=yes" <<<"$(last_entry 3)"
"$driver" apply host tcp_retries2=9 >/dev/null
out=$("$driver" --netns pid:$holder --json revert); rc=$?
check_eq "--netns revert restores that namespace only" "$rc:$(nsenter -t $holder -n cat $ipv4/tcp_retries2):$(cat $ipv4/tcp_retries2)" "0:15:9"
check_eq "--netns revert --json" "$(jq -c '[.netns, .dropin, .changes]' <<<"$out")" \
        "[\"pid:$holder\",{\"path\":null,\"action\":\"none\"},[{\"key\":\"net.ipv4.tcp_retries2\",\"old\":\"7\",\"new\":\"15\"}]]"
"$driver" revert >/dev/null
check_eq "host-mode revert afterwards: all as before" "$(values; ls -A /etc/sysctl.d /var/lib)" \
        "$before_v
/etc/sysctl.d:

/var/lib:"
err=$("$driver" --netns pid:$holder apply --dropin x.conf ff tcp_retries2=5 2>&1); rc=$?
check_eq "--netns with --dropin: exit 2" "$rc" 2
kill $holder

# --- --reload without systemd as PID 1 (no /run/systemd/system here).
err=$("$driver" apply --reload ff tcp_retries2=8 2>&1); rc=$?
check_eq "--reload without systemd: exit 3, says why" "$rc:$err" \
        "3:tcptune: --reload: PID 1 is not systemd (no /run/systemd/system), so there is no systemd-sysctl.service to restart; run without --reload to write /proc/sys directly"
check_eq "and changed nothing" "$(values; ls -A /etc/sysctl.d /var/lib)" "$before_v
/etc/sysctl.d:

/var/lib:"
finish

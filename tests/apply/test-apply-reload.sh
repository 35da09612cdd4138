#!/bin/bash
# profile apply/revert --reload over D-Bus, against a private dbus-daemon
# (DBUS_SYSTEM_BUS_ADDRESS) and fake-systemd1, whose "restart" of
# systemd-sysctl.service runs the real systemd-sysctl --prefix=net.ipv4.
# All in a private mount and network namespace: tmpfs over /etc/sysctl.d,
# /var/lib, /run (with /run/systemd/system, so sd_booted() says yes) and
# over every other sysctl.d directory, so systemd-sysctl sees only our
# drop-in. Needs root, dbus-daemon and systemd-sysctl; exits 77 otherwise.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
fake=${FAKE_SYSTEMD1:?FAKE_SYSTEMD1 must point at fake-systemd1}
command -v dbus-daemon >/dev/null || skip "dbus-daemon not installed"
sysctl_bin=
for b in /usr/lib/systemd/systemd-sysctl /lib/systemd/systemd-sysctl; do
        [ -x "$b" ] && sysctl_bin=$b && break
done
[ -n "$sysctl_bin" ] || skip "systemd-sysctl not installed"
in_private_namespaces "$0" "$@"

with_tmp
cover /etc/sysctl.d /var/lib /run
for d in /usr/lib/sysctl.d /lib/sysctl.d /usr/local/lib/sysctl.d; do
        [ -d "$d" ] && cover "$d"
done
mkdir -p /run/systemd/system /run/tcptune-bus
cat >"$tmp/bus.conf" <<'CONF'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/tcptune-bus/socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
CONF
# (It warns that it cannot raise its fd limit in here: harmless.)
dbus-daemon --config-file="$tmp/bus.conf" --nofork --nopidfile 2>/dev/null &
bg+=($!)
for _ in $(seq 50); do [ -S /run/tcptune-bus/socket ] && break; sleep 0.1; done
[ -S /run/tcptune-bus/socket ] || { echo "Bail out! dbus-daemon did not start"; exit 1; }
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/tcptune-bus/socket
echo run >"$tmp/mode"
"$fake" "$tmp/mode" "$tmp/log" "$tmp/ready" "$sysctl_bin --prefix=net.ipv4" &
bg+=($!)
for _ in $(seq 50); do [ -e "$tmp/ready" ] && break; sleep 0.1; done
[ -e "$tmp/ready" ] || { echo "Bail out! fake-systemd1 did not start"; exit 1; }

ipv4=/proc/sys/net/ipv4
values() { grep -H . $ipv4/tcp_* 2>/dev/null; }
calls() { wc -l <"$tmp/log" 2>/dev/null || echo 0; }
nothing_left() { echo "$(values; ls -A /etc/sysctl.d /var/lib)"; }
before=$(nothing_left)

out=$("$driver" apply --reload ff $FF); rc=$?
check_eq "apply --reload: exit 0" "$rc" 0
check_eq "systemd-sysctl (through the fake) set the values" "$(cat $ipv4/tcp_retries2 $ipv4/tcp_keepalive_time | tr '\n' ' ')" "8 60 "
check_eq "one RestartUnit call, mode replace" "$(cat "$tmp/log")" "systemd-sysctl.service replace run done"
check_eq "apply --reload says what changed" "$(echo "$out" | sed -n 4,5p)" "  net.ipv4.tcp_retries2        15 -> 8
  net.ipv4.tcp_keepalive_time  7200 -> 60"
"$driver" apply --reload ff $FF >/dev/null; rc=$?
check_eq "second apply --reload: exit 0, no restart" "$rc:$(calls)" "0:1"
out=$("$driver" revert --reload); rc=$?
check_eq "revert --reload: exit 0" "$rc" 0
check_eq "revert --reload: back to before (drop-in gone, values restored)" "$(nothing_left)" "$before"
check_eq "revert restarted systemd-sysctl once" "$(calls)" 2

echo fail >"$tmp/mode"
err=$("$driver" apply --reload ff $FF 2>&1); rc=$?
check_eq "restart job failed: exit 3" "$rc:$err" \
        "3:tcptune: systemd-sysctl.service: restart job failed (see journalctl -u systemd-sysctl.service)"
check_eq "job failed: everything as before" "$(nothing_left)" "$before"

echo noop >"$tmp/mode"
err=$("$driver" apply --reload ff $FF 2>&1); rc=$?
check_eq "job done but values not set: exit 3" "$rc:$err" \
        "3:tcptune: net.ipv4.tcp_retries2: systemd-sysctl left 15, expected 8 (another sysctl.d file may override it: see tcptune config)"
check_eq "values not set: everything as before" "$(nothing_left)" "$before"

echo run >"$tmp/mode"
echo "net.ipv4.tcp_keepalive_time = 120" >/etc/sysctl.d/99-override.conf
before_o=$(nothing_left)
err=$("$driver" apply --reload ff $FF 2>&1); rc=$?
check_eq "a later file overrides the drop-in: exit 3" "$rc:$err" \
        "3:tcptune: net.ipv4.tcp_keepalive_time: systemd-sysctl left 120, expected 60 (another sysctl.d file may override it: see tcptune config)"
check_eq "override: rolled back (values, drop-in, state)" "$(nothing_left)" "$before_o"
rm /etc/sysctl.d/99-override.conf
"$driver" revert >/dev/null

err=$(DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/tcptune-bus/nothere "$driver" apply --reload ff $FF 2>&1); rc=$?
check_eq "no bus: exit 3" "$rc:$err" \
        "3:tcptune: cannot connect to the system bus: No such file or directory"
check_eq "no bus: everything as before" "$(nothing_left)" "$before"
finish

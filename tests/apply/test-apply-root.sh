#!/bin/bash
# profile apply / revert on --root fixture trees: output, exit codes,
# round trips to byte-identical trees, idempotence, dry run, refusals, lock.
set -u
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
r=$tmp/root
make_root "$r"

# --- Round trip with no drop-in before.
before=$(snapshot "$r")
out=$("$driver" --root "$r" apply --dry-run fast-failover $FF); rc=$?
check_eq "dry run exits 1 with changes pending" "$rc" 1
check_eq "dry run lists the pending changes" "$out" "profile fast-failover
drop-in /etc/sysctl.d/90-tcptune.conf: would be written
live values to set:
  net.ipv4.tcp_retries2        15 -> 8
  net.ipv4.tcp_keepalive_time  7200 -> 60
dry run: 3 changes pending, nothing written"
check_eq "dry run writes nothing" "$(snapshot "$r")" "$before"
check "dry run takes no lock (creates nothing under run/)" test ! -e "$r/run/tcptune"

out=$("$driver" --root "$r" --file /usr/share/tcptune/profiles/fast-failover.conf apply fast-failover $FF); rc=$?
check_eq "apply exits 0" "$rc" 0
check_eq "apply says what changed" "$out" "profile fast-failover (/usr/share/tcptune/profiles/fast-failover.conf)
drop-in /etc/sysctl.d/90-tcptune.conf: written
live values:
  net.ipv4.tcp_retries2        15 -> 8
  net.ipv4.tcp_keepalive_time  7200 -> 60
applied: 2 live values changed; \`tcptune profile revert\` undoes it"
check_eq "drop-in content" "$(cat "$r/etc/sysctl.d/90-tcptune.conf")" "# Written by tcptune from profile fast-failover, settings fnv1a64:11934db5885974a3.
# \`tcptune profile revert\` undoes it; edits here are lost on the next apply.
net.ipv4.tcp_retries2 = 8
net.ipv4.tcp_keepalive_time = 60
net.ipv4.tcp_keepalive_probes = 9"
check_eq "drop-in mode 0644, directory 0755" "$(stat -c '%a' "$r/etc/sysctl.d/90-tcptune.conf" "$r/etc/sysctl.d" | tr '\n' ' ')" "644 755 "
check_eq "live values set" "$(cat "$r/proc/sys/net/ipv4/tcp_retries2" "$r/proc/sys/net/ipv4/tcp_keepalive_time")" "8
60"
check "state recorded" test -f "$r/var/lib/tcptune/state"
check_eq "no temp file left" "$(ls -A "$r/etc/sysctl.d" "$r/var/lib/tcptune" | tr '\n' ' ')" \
        "$r/etc/sysctl.d: 90-tcptune.conf  $r/var/lib/tcptune: state "

# --- verify (equivalent): the drop-in and live values read back.
applied=$(snapshot "$r")
stamps=$(stat -c '%n %y %i' "$r/etc/sysctl.d/90-tcptune.conf" "$r/var/lib/tcptune/state" \
        "$r"/proc/sys/net/ipv4/*)
sleep 0.01
out=$("$driver" --root "$r" --file /usr/share/tcptune/profiles/fast-failover.conf apply fast-failover $FF); rc=$?
check_eq "second apply exits 0" "$rc" 0
check_eq "second apply says so" "$out" "profile fast-failover (/usr/share/tcptune/profiles/fast-failover.conf)
already in place: nothing changed"
check_eq "second apply writes nothing (mtimes, inodes)" "$(stat -c '%n %y %i' \
        "$r/etc/sysctl.d/90-tcptune.conf" "$r/var/lib/tcptune/state" "$r"/proc/sys/net/ipv4/*)" "$stamps"
# The header holds the profile's name and a hash of its settings, nothing
# else: the same settings from a copied profile directory (another file)
# or from another tcptune version (the header has none) change nothing.
check "the drop-in names no tcptune version and no profile file" \
        test -z "$(grep -E 'tcptune [0-9]+\.[0-9]|/usr/share' "$r/etc/sysctl.d/90-tcptune.conf")"
out=$("$driver" --root "$r" --file /srv/copy/profiles/fast-failover.ini --json apply fast-failover $FF); rc=$?
check_eq "same settings from a copied profile directory: exit 0, changed false, drop-in kept" \
        "$rc:$(jq -c '[.changed, .dropin.action, (.changes|length)]' <<<"$out")" '0:[false,"kept",0]'
out=$("$driver" --root "$r" apply --dry-run fast-failover $FF); rc=$?
check_eq "dry run without --file: nothing pending, exit 0" "$rc" 0
check_eq "and nothing was rewritten (mtimes, inodes)" "$(stat -c '%n %y %i' \
        "$r/etc/sysctl.d/90-tcptune.conf" "$r/var/lib/tcptune/state" "$r"/proc/sys/net/ipv4/*)" "$stamps"
out=$("$driver" --root "$r" --json apply --dry-run fast-failover tcp_retries2=7 tcp_keepalive_time=60 tcp_keepalive_probes=9); rc=$?
check_eq "different settings: the drop-in is pending" "$rc:$(jq -c '[.pending, .dropin.action]' <<<"$out")" '1:[true,"pending"]'
out=$("$driver" --root "$r" --file /usr/share/tcptune/profiles/fast-failover.conf apply --dry-run fast-failover $FF); rc=$?
check_eq "dry run with nothing pending exits 0" "$rc" 0
out=$("$driver" --root "$r" --file /usr/share/tcptune/profiles/fast-failover.conf --json apply --dry-run fast-failover $FF); rc=$?
check_eq "dry run --json with nothing pending" "$(echo "$out" | jq -c '[.pending, .changed, .dropin.action, (.changes|length)]')" \
        '[false,false,"kept",0]'

# --- revert --dry-run: what revert would do; writes nothing, no lock.
rm -rf "$r/run/tcptune"
out=$("$driver" --root "$r" revert --dry-run); rc=$?
check_eq "revert --dry-run exits 1 with changes pending" "$rc" 1
check_eq "revert --dry-run lists them" "$out" "drop-in /etc/sysctl.d/90-tcptune.conf: would be removed (there was none before)
live values to restore:
  net.ipv4.tcp_retries2        8 -> 15
  net.ipv4.tcp_keepalive_time  60 -> 7200
dry run: 3 changes pending, nothing written"
check_eq "revert --dry-run writes nothing" "$(snapshot "$r")" "$applied"
check "revert --dry-run takes no lock" test ! -e "$r/run/tcptune"
out=$("$driver" --root "$r" --json revert --dry-run); rc=$?
check_eq "revert --dry-run --json" "$rc:$(jq -c '[.dry_run, .pending, .changed, .dropin.action, (.changes|length)]' <<<"$out")" \
        '1:[true,true,false,"removed",2]'

out=$("$driver" --root "$r" revert); rc=$?
check_eq "revert exits 0" "$rc" 0
check_eq "revert says what it restored" "$out" "drop-in /etc/sysctl.d/90-tcptune.conf: removed (there was none before)
live values restored:
  net.ipv4.tcp_retries2        8 -> 15
  net.ipv4.tcp_keepalive_time  60 -> 7200
reverted: the state before tcptune's first apply is back"
check_eq "apply -> revert round-trips to a byte-identical tree" "$(snapshot "$r")" "$before"
out=$("$driver" --root "$r" revert --dry-run); rc=$?
check_eq "revert --dry-run with nothing recorded: exit 0" "$rc:$out" "0:nothing to revert: tcptune has recorded no apply here"
out=$("$driver" --root "$r" revert); rc=$?
check_eq "revert again: nothing to revert, exit 0" "$rc:$out" "0:nothing to revert: tcptune has recorded no apply here"

check "revert removed the /etc/sysctl.d it created" test ! -e "$r/etc/sysctl.d"
# --- Round trip with an older drop-in (odd mode, CRLF, no final newline).
mkdir "$r/etc/sysctl.d"
printf '# hand-written\r\nnet.ipv4.tcp_retries2 = 10' >"$r/etc/sysctl.d/90-tcptune.conf"
chmod 0600 "$r/etc/sysctl.d/90-tcptune.conf"
echo 10 >"$r/proc/sys/net/ipv4/tcp_retries2"
before=$(snapshot "$r")
"$driver" --root "$r" apply fast-failover $FF >/dev/null; rc=$?
check_eq "apply over an older drop-in exits 0" "$rc" 0
check_eq "the new drop-in is 0644" "$(stat -c %a "$r/etc/sysctl.d/90-tcptune.conf")" 644
# A second, different profile: revert still goes back to before the first.
out=$("$driver" --root "$r" --json apply roaming tcp_retries2=9 tcp_syn_retries=4); rc=$?
check_eq "second profile exits 0" "$rc" 0
check_eq "second profile puts back the first's keys it does not set" \
        "$(echo "$out" | jq -c '[.changes[] | [.key, .old, .new]]')" \
        '[["net.ipv4.tcp_retries2","8","9"],["net.ipv4.tcp_syn_retries","6","4"],["net.ipv4.tcp_keepalive_time","60","7200"]]'
out=$("$driver" --root "$r" --json revert); rc=$?
check_eq "revert after two profiles exits 0" "$rc" 0
check_eq "revert --json" "$(echo "$out" | jq -c '[.dropin.action, .changed, [.changes[] | [.key, .old, .new]]]')" \
        '["restored",true,[["net.ipv4.tcp_retries2","9","10"],["net.ipv4.tcp_syn_retries","4","6"]]]'
check_eq "round trip with an older drop-in: byte-identical, mode too" "$(snapshot "$r")" "$before"

# --- What the kernel would hold counts, not the spelling: 010 is 8.
r2=$tmp/root2
make_root "$r2"
"$driver" --root "$r2" apply p tcp_retries2=8 >/dev/null
out=$("$driver" --root "$r2" --json apply p tcp_retries2=010); rc=$?
check_eq "tcp_retries2=010 over a live 8: no live write, only the drop-in's text" \
        "$rc:$(jq -c '[.changes, .dropin.action]' <<<"$out"):$(cat "$r2/proc/sys/net/ipv4/tcp_retries2")" \
        '0:[[],"written"]:8'
"$driver" --root "$r2" revert >/dev/null

# --- A failure in --json: still one document, with the error; exit 3.
mkdir -p "$r2/etc/sysctl.d"
ln -s /nonexistent "$r2/etc/sysctl.d/90-tcptune.conf"
out=$("$driver" --root "$r2" --json apply p tcp_retries2=8 2>/dev/null); rc=$?
check_eq "--json failure: exit 3, error and changed=false in the document" \
        "$rc:$(jq -c '[.changed, .error]' <<<"$out")" \
        '3:[false,"/etc/sysctl.d/90-tcptune.conf: is a symbolic link; refusing to follow it"]'
check_eq "--json failure: pending false, warnings empty, every key present" \
        "$(jq -c '[.pending, .warnings, keys]' <<<"$out")" \
        '[false,[],["action","changed","changes","dropin","dry_run","error","netns","pending","profile","profile_file","warnings"]]'
out=$("$driver" --root "$r2" --json apply --dry-run p tcp_retries2=8 2>/dev/null); rc=$?
check_eq "--json failure of a dry run: exit 3, pending false" "$rc:$(jq -c '[.pending, .changed, .dry_run]' <<<"$out")" \
        '3:[false,false,true]'
# Every key of the document is in tcptune(8)'s OUTPUT, JSON of profile.
if [ -n "${MAN:-}" ]; then
        para=$(sed -n '/^\*apply\*: \*action\*/,/^$/p' "$MAN")
        missing=$(for k in $(jq -r 'keys[]' <<<"$out"); do grep -q "\*$k\*" <<<"$para" || echo "$k"; done)
        check_eq "every apply --json key is documented in tcptune(8) OUTPUT" "$missing" ""
fi

# --- Usage errors: exit 2, nothing written.
before=$(snapshot "$r")
for args in "--dropin ../x.conf" "--dropin x.txt" "--dropin .x.conf" "--bogus"; do
        err=$("$driver" --root "$r" apply $args p tcp_retries2=8 2>&1 >/dev/null); rc=$?
        check_eq "apply $args: exit 2" "$rc" 2
done
check_eq "bad --dropin message" "$("$driver" --root "$r" apply --dropin a/b.conf p tcp_retries2=8 2>&1)" \
        "tcptune: --dropin 'a/b.conf': not a plain, printable file name ending in .conf (like 90-tcptune.conf)"
err=$("$driver" --root "$r" apply p tcp_retries2=300 2>&1); rc=$?
check_eq "out-of-range value: exit 2" "$rc:$err" "2:tcptune: net.ipv4.tcp_retries2 = 300: out of range"
err=$("$driver" --root "$r" apply p tcp_nothing=1 2>&1); rc=$?
check_eq "unknown key: exit 2" "$rc" 2
err=$("$driver" --root "$r" apply --reload p tcp_retries2=8 2>&1); rc=$?
check_eq "--reload with --root: exit 2" "$rc:$err" \
        "2:tcptune: --reload: systemd-sysctl configures the host's kernel, not a --root tree (drop --reload)"
check_eq "usage errors wrote nothing" "$(snapshot "$r")" "$before"

# --- --dropin NAME.
out=$("$driver" --root "$r" apply --dropin 50-mine.conf p tcp_retries2=8); rc=$?
check "apply --dropin 50-mine.conf writes that file" test "$rc" = 0 -a -f "$r/etc/sysctl.d/50-mine.conf"
err=$("$driver" --root "$r" apply p tcp_retries2=8 2>&1); rc=$?
check_eq "another drop-in while one is applied: exit 3" "$rc:$err" \
        "3:tcptune: /etc/sysctl.d/90-tcptune.conf: tcptune already manages /etc/sysctl.d/50-mine.conf; run \`tcptune profile revert\` first"
err=$("$driver" --root "$r" revert --dropin 90-tcptune.conf 2>&1); rc=$?
check_eq "revert --dropin of another file: exit 3" "$rc" 3
"$driver" --root "$r" revert --dropin 50-mine.conf >/dev/null; rc=$?
check_eq "revert --dropin 50-mine.conf" "$rc" 0
check_eq "and the tree is as before" "$(snapshot "$r")" "$before"

# --- Refusals: exit 3, the path named, nothing changed, outside untouched.
rm -rf "$r/etc/sysctl.d"; mkdir "$r/etc/sysctl.d"
echo "outside, keep me" >"$tmp/outside"
ln -s "$tmp/outside" "$r/etc/sysctl.d/90-tcptune.conf"
before=$(snapshot "$r")
err=$("$driver" --root "$r" apply p tcp_retries2=8 2>&1); rc=$?
check_eq "target a symlink: exit 3, named" "$rc:$err" \
        "3:tcptune: /etc/sysctl.d/90-tcptune.conf: is a symbolic link; refusing to follow it"
check_eq "the symlink's target is untouched" "$(cat "$tmp/outside")" "outside, keep me"
check_eq "nothing changed (symlink)" "$(snapshot "$r")" "$before"
rm "$r/etc/sysctl.d/90-tcptune.conf"
mkdir "$r/etc/sysctl.d/90-tcptune.conf"
err=$("$driver" --root "$r" apply p tcp_retries2=8 2>&1); rc=$?
check_eq "target a directory: exit 3" "$rc:$err" "3:tcptune: /etc/sysctl.d/90-tcptune.conf: is a directory, not a file"
rmdir "$r/etc/sysctl.d/90-tcptune.conf"
mkfifo "$r/etc/sysctl.d/90-tcptune.conf"
err=$(timeout 5 "$driver" --root "$r" apply p tcp_retries2=8 2>&1); rc=$?
check_eq "target a FIFO: exit 3, no hang" "$rc:$err" "3:tcptune: /etc/sysctl.d/90-tcptune.conf: is not a regular file"
rm "$r/etc/sysctl.d/90-tcptune.conf"
mv "$r/etc/sysctl.d" "$tmp/real-sysctl.d"
ln -s "$tmp/real-sysctl.d" "$r/etc/sysctl.d"
before=$(snapshot "$r")
err=$("$driver" --root "$r" apply p tcp_retries2=8 2>&1); rc=$?
check_eq "/etc/sysctl.d a symlink: exit 3" "$rc:$err" "3:tcptune: /etc/sysctl.d: is a symbolic link; refusing to follow it"
check_eq "nothing written through it" "$(ls -A "$tmp/real-sysctl.d")" ""
check_eq "nothing changed (sysctl.d link)" "$(snapshot "$r")" "$before"
rm "$r/etc/sysctl.d"
mv "$tmp/real-sysctl.d" "$r/etc/sysctl.d"
rmdir "$r/etc/sysctl.d"
before=$(snapshot "$r")
"$driver" --root "$r" apply p tcp_retries2=8 >/dev/null; rc=$?
check_eq "missing /etc/sysctl.d is created 0755" "$rc:$(stat -c %a "$r/etc/sysctl.d")" "0:755"
"$driver" --root "$r" revert >/dev/null
check_eq "and revert removes it again" "$(snapshot "$r")" "$before"
mkdir -p "$r/var/lib/tcptune"; echo "not a state" >"$r/var/lib/tcptune/state"
err=$("$driver" --root "$r" revert 2>&1); rc=$?
check_eq "a malformed state: exit 3, named" "$rc:$err" \
        "3:tcptune: /var/lib/tcptune/state:1: not a tcptune state record (no version line first); refusing it: put back the drop-in and live values by hand, then remove the record (see FILES in tcptune(8))"
rm -r "$r/var/lib/tcptune"

# --- Lock: a second run waits, then fails clearly.
if command -v flock >/dev/null; then
        mkdir -p "$r/run/tcptune"
        flock "$r/run/tcptune/lock" sleep 1 &
        sleep 0.2
        t0=$(date +%s%N)
        "$driver" --root "$r" apply p tcp_retries2=8 >/dev/null; rc=$?
        t1=$(date +%s%N)
        wait
        check_eq "a run waits for the lock, then succeeds" "$rc" 0
        check "it waited (>= 0.5 s)" test $(((t1 - t0) / 1000000)) -ge 500
        "$driver" --root "$r" revert >/dev/null
        before=$(snapshot "$r")
        flock "$r/run/tcptune/lock" sleep 8 &
        holder=$!
        sleep 0.2
        t0=$(date +%s%N)
        err=$("$driver" --root "$r" apply p tcp_retries2=8 2>&1); rc=$?
        t1=$(date +%s%N)
        kill $holder 2>/dev/null; wait
        check_eq "lock held: exit 3 with a clear message" "$rc:$err" \
                "3:tcptune: /run/tcptune/lock: another tcptune run holds the lock; try again when it is done"
        ms=$(((t1 - t0) / 1000000))
        check "it gave up after about 5 s ($ms ms)" test $ms -ge 4900 -a $ms -lt 7000
        check_eq "nothing changed while locked" "$(snapshot "$r")" "$before"
else
        echo "# flock(1) not installed: lock cases not run"
fi
finish

#!/bin/bash
# The built tcptune-audit.service and .timer pass `systemd-analyze verify`
# (with ExecStart pointed at the built binary: verify wants it to exist),
# and the service keeps what the tool needs: the host's network namespace,
# /proc/sys, exit 1 as success, the textfile directory writable. Exits 77
# without systemd-analyze.
set -u
units=${UNITS_DIR:?UNITS_DIR must name the built systemd/ directory}
sbindir=${SBINDIR:?SBINDIR must be the configured sbindir}
tcptune=${TCPTUNE:?TCPTUNE must point at the built binary}
fail=0
ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; fail=1; }
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze not installed"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/units" "$tmp/missing"
ln -s "$(readlink -f "$tcptune")" "$tmp/bin/tcptune"
service=$units/tcptune-audit.service
grep -qF "ExecStart=$sbindir/tcptune " "$service" &&
        ok "ExecStart names the configured sbindir ($sbindir)" || not_ok "ExecStart does not use $sbindir: $(grep ExecStart "$service")"
sed "s|^ExecStart=$sbindir/|ExecStart=$tmp/bin/|" "$service" >"$tmp/units/tcptune-audit.service"
cp "$units/tcptune-audit.timer" "$tmp/units/"

# --man=no: the man page is not installed in a build tree.
verify() { (cd "$1" && systemd-analyze verify --man=no "$1"/tcptune-audit.service "$1"/tcptune-audit.timer 2>&1); }
if out=$(verify "$tmp/units") && [ -z "$out" ]; then
        ok "systemd-analyze verify: service and timer"
else
        not_ok "systemd-analyze verify:"; sed 's/^/#   /' <<<"$out"
fi
# The same check fails where the binary is missing: it does look.
sed "s|^ExecStart=$sbindir/|ExecStart=$tmp/nowhere/|" "$service" >"$tmp/missing/tcptune-audit.service"
cp "$units/tcptune-audit.timer" "$tmp/missing/"
if out=$(verify "$tmp/missing"); then
        not_ok "verify fails for a missing ExecStart binary"
else
        ok "verify fails for a missing ExecStart binary ($(head -1 <<<"$out"))"
fi

# has FILE LINE: FILE holds exactly LINE. lacks FILE REGEX: no line matches.
has() { grep -qxF -- "$2" "$1" && ok "$(basename "$1"): $2" || not_ok "$(basename "$1") lacks '$2'"; }
lacks() { grep -qE -- "$2" "$1" && not_ok "$(basename "$1") sets $2: $3" || ok "$(basename "$1") has no $2 ($3)"; }
s=$tmp/units/tcptune-audit.service
has "$s" "Type=oneshot"
has "$s" "SuccessExitStatus=1"
has "$s" "ReadWritePaths=/var/lib/prometheus/node-exporter"
has "$s" "UMask=0022"
grep -qE '^ExecStart=[^ ]*/tcptune --format prometheus audit --output /var/lib/prometheus/node-exporter/tcptune\.prom$' "$s" &&
        ok "the service writes /var/lib/prometheus/node-exporter/tcptune.prom" || not_ok "ExecStart: $(grep ExecStart "$s")"
lacks "$s" '^PrivateNetwork=(yes|true|1)' "it would audit a fresh namespace"
lacks "$s" '^ProcSubset=pid' "it would hide /proc/sys"
lacks "$s" '^(ReadOnlyPaths|InaccessiblePaths)=.*/proc' "tcptune reads /proc/sys"
# A hung audit must not hold the unit (and its timer) forever: a oneshot
# has no start timeout unless it sets one, and it must end before the
# timer would start the next run.
t=$tmp/units/tcptune-audit.timer
span_us() { systemd-analyze timespan "$1" 2>/dev/null | sed -n 's/^ *μs: *//p'; }
timeout_us=$(span_us "$(sed -n 's/^TimeoutStartSec=//p' "$s" | tail -1)")
every_us=$(span_us "$(sed -n 's/^OnUnitActiveSec=//p' "$t" | tail -1)")
if [ -n "$timeout_us" ] && [ -n "$every_us" ] && [ "$timeout_us" -gt 0 ] && [ "$timeout_us" -lt "$every_us" ]; then
        ok "TimeoutStartSec= ($timeout_us us) ends a hung audit before the timer's next run ($every_us us)"
else
        not_ok "TimeoutStartSec= missing, infinite or not under OnUnitActiveSec= ('$(grep '^TimeoutStartSec=' "$s")')"
fi
has "$t" "OnUnitActiveSec=5min"
has "$t" "WantedBy=timers.target"
grep -q '^RandomizedDelaySec=' "$t" && ok "the timer spreads a fleet (RandomizedDelaySec)" || not_ok "no RandomizedDelaySec"

# Run the service's command line the way the unit would (as far as this
# can without systemd): root without capabilities (CapabilityBoundingSet=),
# umask 0022, writing into a temporary copy of the textfile directory. It
# must work, leave a 0644 file, and make only system calls the unit's
# SystemCallFilter= allows (strace, when installed).
cmdline=$(sed -n 's/^ExecStart=//p' "$s")
out_dir=$tmp/textfile
mkdir "$out_dir"
read -r -a argv <<<"${cmdline//\/var\/lib\/prometheus\/node-exporter\//$out_dir/}"
run=()
[ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && run=(setpriv --bounding-set=-all --inh-caps=-all)
(umask 0022; "${run[@]}" "${argv[@]}" 2>"$tmp/err"); rc=$?
if [ $rc -le 1 ] && [ ! -s "$tmp/err" ]; then
        ok "the service's command works${run:+ without capabilities} (exit $rc)"
else
        not_ok "the service's command: exit $rc:"; sed 's/^/#   /' "$tmp/err"
fi
mode=$(stat -c %a "$out_dir/tcptune.prom" 2>/dev/null)
[ "$mode" = 644 ] && ok "it writes tcptune.prom 0644" || not_ok "tcptune.prom mode ${mode:-missing}, expected 644"
if command -v strace >/dev/null; then
        expand() { # syscall names of a systemd syscall group, nested ones too
                systemd-analyze syscall-filter "$1" | awk 'NR > 1 && /^    [@a-z]/ { print $1 }' |
                        while read -r x; do case $x in @*) expand "$x" ;; *) echo "$x" ;; esac; done
        }
        for g in $(sed -n 's/^SystemCallFilter=\([^~]\)/\1/p' "$s"); do expand "$g"; done | sort -u >"$tmp/allowed"
        for g in $(sed -n 's/^SystemCallFilter=~//p' "$s"); do expand "$g"; done | sort -u >"$tmp/denied"
        (umask 0022; strace -f -qq -o "$tmp/strace" "${run[@]}" "${argv[@]}" 2>/dev/null)
        # What the process does after setpriv's execve of tcptune.
        awk '{ sub(/^[0-9]+ +/, "") } /^execve\("[^"]*tcptune"/ { on = 1 }
             on && match($0, /^[a-z_0-9]+\(/) { print substr($0, 1, RLENGTH - 1) }' "$tmp/strace" | sort -u >"$tmp/used"
        bad=$( (comm -23 "$tmp/used" "$tmp/allowed"; comm -12 "$tmp/used" "$tmp/denied") | sort -u | tr '\n' ' ')
        [ -s "$tmp/used" ] && [ -z "$bad" ] &&
                ok "its $(wc -l <"$tmp/used") system calls pass SystemCallFilter=" ||
                not_ok "system calls the unit's filter refuses (EPERM): ${bad:-none traced}"
else
        echo "# strace not installed: system calls not checked against SystemCallFilter="
fi

# The exposure score systemd computes from the hardening settings.
if out=$(systemd-analyze security --offline=yes --root=/ "$s" 2>&1); then
        level=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' <<<"$out")
        if [ -n "$level" ] && awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }'; then
                ok "systemd-analyze security --offline: exposure $level (at most 2.0)"
        else
                not_ok "systemd-analyze security --offline: exposure '${level}', expected at most 2.0:"
                grep '✗' <<<"$out" | sed 's/^/#   /'
        fi
else
        echo "# systemd-analyze security --offline is not available here: $(tail -1 <<<"$out")"
fi
exit $fail

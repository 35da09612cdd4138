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
grep -qF "ExecStart=$sbindir/tcptune audit " "$service" &&
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
grep -qE '^ExecStart=.* --format prometheus --output /var/lib/prometheus/node-exporter/tcptune\.prom$' "$s" &&
        ok "the service writes /var/lib/prometheus/node-exporter/tcptune.prom" || not_ok "ExecStart: $(grep ExecStart "$s")"
lacks "$s" '^PrivateNetwork=(yes|true|1)' "it would audit a fresh namespace"
lacks "$s" '^ProcSubset=pid' "it would hide /proc/sys"
lacks "$s" '^(ReadOnlyPaths|InaccessiblePaths)=.*/proc' "tcptune reads /proc/sys"
t=$tmp/units/tcptune-audit.timer
has "$t" "OnUnitActiveSec=5min"
has "$t" "WantedBy=timers.target"
grep -q '^RandomizedDelaySec=' "$t" && ok "the timer spreads a fleet (RandomizedDelaySec)" || not_ok "no RandomizedDelaySec"

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

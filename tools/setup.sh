#!/bin/sh
# One-command set-up for a fresh Debian 12 machine, run as root from a clone:
#   tools/setup.sh run    install what is missing, build, install tcptune
#                         under /usr/local (meson install), audit this host
#   tools/setup.sh test   install what is missing, build plain and with
#                         ASan+UBSan, run every test in both builds
# It names each Debian package it installs before installing it.
set -eu
cd "$(dirname "$0")/.."
mode=${1:-run}

# Build: compiler, meson, and the libraries tcptune links (libsystemd, inih,
# json-c, zlib, libmnl for the netlink of `sockets`); scdoc for the man pages.
build_deps="gcc libc6-dev pkg-config meson ninja-build libsystemd-dev libinih-dev libjson-c-dev zlib1g-dev libmnl-dev scdoc"
# Tests: iproute2 (namespaces, veth), util-linux (unshare, setpriv), procps
# (sysctl), jq (reading JSON in shell tests), systemd (systemd-sysctl, the
# oracle for sysctl.d semantics), strace (fault injection for profile
# apply: failing write/fsync/rename, SIGKILL at the rename; and the system
# calls of tcptune-audit.service against its SystemCallFilter=),
# dbus-daemon (a private bus for testing profile apply --reload over
# sd-bus), prometheus (promtool checks the Prometheus output) and
# prometheus-node-exporter (its textfile collector reads that output end to
# end), curl (fetches the exporter's /metrics), hyperfine and bc
# (tools/bench.sh's timer and ratios), bash-completion, zsh and fish (each
# shell drives its completion script in tests/completion/), ansible-core
# (a real playbook runs profile apply in tests/ansible/, the way README's
# provisioning example does).
test_deps="iproute2 util-linux procps jq systemd strace dbus-daemon prometheus prometheus-node-exporter curl hyperfine bc bash-completion zsh fish ansible-core"

case $mode in
run) want=$build_deps ;;
test) want="$build_deps $test_deps" ;;
*) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
        dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing="$missing $p"
done
if [ -n "$missing" ]; then
        echo "tools/setup.sh: installing Debian packages:$missing"
        if [ "$(id -u)" != 0 ]; then
                echo "tools/setup.sh: run as root to install them" >&2
                exit 3
        fi
        # On a systemd host, installing prometheus and
        # prometheus-node-exporter would start their servers (:9090, :9100);
        # the tests start their own on loopback. A policy-rc.d that answers
        # 101 keeps the packages' services from starting during this install
        # (only where no policy-rc.d exists; removed again afterwards).
        norc=""
        if [ "$mode" = test ] && [ ! -e /usr/sbin/policy-rc.d ]; then
                echo "tools/setup.sh: services of the packages installed now are not started (policy-rc.d)"
                printf '#!/bin/sh\n# tools/setup.sh of tcptune: start no service during its install\nexit 101\n' \
                        >/usr/sbin/policy-rc.d
                chmod 0755 /usr/sbin/policy-rc.d
                norc=1
                trap 'rm -f /usr/sbin/policy-rc.d' EXIT
        fi
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
        if [ -n "$norc" ]; then
                rm -f /usr/sbin/policy-rc.d
                trap - EXIT
        fi
else
        echo "tools/setup.sh: all needed Debian packages are installed"
fi

setup() { # dir, meson options...
        dir=$1; shift
        if [ -f "$dir/build.ninja" ]; then
                meson configure "$dir" "$@" >/dev/null
        else
                meson setup "$dir" "$@" >/dev/null
        fi
        ninja -C "$dir" >/dev/null
}

# Units under the prefix like everything else (pkg-config systemd would
# name /lib/systemd/system, which belongs to Debian's packages).
prefix=/usr/local
build_opts="-Dwerror=true -Dsystemdsystemunitdir=$prefix/lib/systemd/system"

if [ "$mode" = run ]; then
        # shellcheck disable=SC2086
        setup build $build_opts
        tcptune=./build/src/cli/tcptune
        if [ "$(id -u)" = 0 ]; then
                # The shipped profiles are looked up under the prefix, so an
                # uninstalled build/src/cli/tcptune has none: install, and say where.
                log=build/meson-logs/setup-install.log
                if ! meson install -C build --no-rebuild >"$log" 2>&1; then
                        cat "$log" >&2
                        echo "tools/setup.sh: meson install -C build failed" >&2
                        exit 3
                fi
                echo "tools/setup.sh: installed tcptune under $prefix (meson install -C build; ninja -C build uninstall removes it):"
                # "Installing FILE to DIR", grouped by directory in install order.
                awk '$1 == "Installing" && $2 != "subdir" && $(NF - 1) == "to" {
                        f = $2; sub(".*/", "", f); d = $NF
                        if (!(d in files)) order[n++] = d
                        files[d] = files[d] " " f
                } END { for (i = 0; i < n; i++) printf "  %s:%s\n", order[i], files[order[i]] }' "$log"
                if [ "$(command -v tcptune)" = "$prefix/sbin/tcptune" ]; then
                        tcptune=tcptune
                else
                        echo "tools/setup.sh: $prefix/sbin is not on PATH here; add it to run tcptune by name" >&2
                        tcptune=$prefix/sbin/tcptune
                fi
                echo "tools/setup.sh: the audit timer is installed, not enabled (systemctl enable --now tcptune-audit.timer)"
        else
                echo "tools/setup.sh: not root: built build/src/cli/tcptune but installed nothing (as root, meson install -C build puts tcptune on PATH and its profiles under $prefix)"
        fi
        echo "tools/setup.sh: auditing this host with $tcptune:"
        echo
        rc=0
        $tcptune audit || rc=$?
        echo
        # An audit that has findings did its job: exit 1 is tcptune's way of
        # telling a script so, not a failure of this set-up.
        case $rc in
        0) echo "tools/setup.sh: audit done: no warning or critical finding (tcptune exit 0)" ;;
        1) echo "tools/setup.sh: audit done: findings above (tcptune exit 1: what 'tcptune audit' returns when there are)"
           rc=0 ;;
        *) echo "tools/setup.sh: the audit failed (tcptune exit $rc)" >&2 ;;
        esac
        exit $rc
fi

# shellcheck disable=SC2086
setup build $build_opts
setup build-san -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

status=0
for dir in build build-san; do
        echo "== meson test in $dir"
        meson test -C "$dir" --print-errorlogs --num-processes 2 ${TCPTUNE_TEST_ARGS:-} || status=1
done
sh tools/test-summary.sh build build-san
exit $status

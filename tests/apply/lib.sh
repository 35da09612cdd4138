# Shared by the tests/apply/*.sh tests: a fixture root, snapshots, checks.
# DRIVER is the apply driver (same command layer as `tcptune profile apply`).
driver=${DRIVER:?DRIVER must point at apply-driver}
. "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"
check() { # description, condition... (a command)
        local d=$1; shift
        if "$@"; then ok "$d"; else not_ok "$d"; fi
}
check_eq() { # description, actual, expected
        if [ "$2" = "$3" ]; then ok "$1"; else
                not_ok "$1"; diff -u <(echo "$3") <(echo "$2") | sed 's/^/# /'; fi
}

# A fixture root: proc/sys as plain files, the usual directories.
make_root() { # dir
        mkdir -p "$1/proc/sys/net/ipv4" "$1/etc" "$1/var/lib" "$1/run"
        echo 15 >"$1/proc/sys/net/ipv4/tcp_retries2"
        echo 7200 >"$1/proc/sys/net/ipv4/tcp_keepalive_time"
        echo 75 >"$1/proc/sys/net/ipv4/tcp_keepalive_intvl"
        echo 9 >"$1/proc/sys/net/ipv4/tcp_keepalive_probes"
        echo 6 >"$1/proc/sys/net/ipv4/tcp_syn_retries"
}

# Everything apply may touch, with types, modes, sizes and bytes.
snapshot() { # root
        (cd "$1" && find etc var proc -printf '%p %y %m %s\n' 2>/dev/null | LC_ALL=C sort &&
                find etc var proc -type f -print0 2>/dev/null | LC_ALL=C sort -z |
                xargs -0 -r sh -c 'for f; do echo "== $f"; od -An -c "$f"; done' sh)
}

# The profile the tests apply: three keys, one already at its value.
FF="tcp_retries2=8 tcp_keepalive_time=60 tcp_keepalive_probes=9"

# What the host must keep: its tcp values and tcptune's real paths.
host_view() {
        grep -H . /proc/sys/net/ipv4/tcp_* 2>/dev/null
        ls -la /etc/sysctl.d
        ls -d /var/lib/tcptune /run/tcptune 2>&1
}

# Run the calling script again in a private mount and network namespace
# (unshare -m -n), comparing host_view before and after; inside, return
# only after checking both namespaces differ from the parent's. Usage:
#   in_private_namespaces "$0" "$@"
in_private_namespaces() {
        if [ -z "${TCPTUNE_APPLY_INNER:-}" ]; then
                [ "$(id -u)" = 0 ] || skip "needs root (unshare -m -n, tmpfs mounts)"
                unshare -m -n --propagation private true 2>/dev/null || skip "unshare -m -n not permitted here"
                local before after rc
                before=$(host_view)
                TCPTUNE_APPLY_INNER=1 PARENT_MNT=$(readlink /proc/self/ns/mnt) \
                        PARENT_NET=$(readlink /proc/self/ns/net) unshare -m -n --propagation private "$@"
                rc=$?
                after=$(host_view)
                if [ "$before" = "$after" ]; then
                        echo "# host's tcp values, /etc/sysctl.d, /var/lib/tcptune and /run/tcptune unchanged"
                else
                        echo "not ok - the host changed"; diff <(echo "$before") <(echo "$after") | sed 's/^/# /'
                        rc=1
                fi
                exit $rc
        fi
        if [ "$(readlink /proc/self/ns/mnt)" = "$PARENT_MNT" ] || [ "$(readlink /proc/self/ns/net)" = "$PARENT_NET" ]; then
                echo "Bail out! not in a private mount and network namespace"
                exit 1
        fi
}

# A tmpfs over each directory, in the private mount namespace only;
# checked to be ours before anything is written there.
cover() {
        local d
        for d; do
                mount -t tmpfs -o mode=0755 tcptune-test "$d" || { echo "Bail out! tmpfs on $d"; exit 1; }
                [ "$(stat -f -c %T "$d")" = tmpfs ] || { echo "Bail out! $d is not our tmpfs"; exit 1; }
        done
}

# A temp dir, and background helpers (their pids in bg) stopped at exit.
bg=()
with_tmp() {
        tmp=$(mktemp -d)
        trap 'for p in "${bg[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
}

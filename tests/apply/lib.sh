# Shared by the tests/apply/*.sh tests: a fixture root, snapshots, checks.
# DRIVER is the apply driver (same command layer as `tcptune profile apply`).
driver=${DRIVER:?DRIVER must point at apply-driver}
fail=0
n=0
skip() { echo "1..0 # SKIP $*"; exit 77; }
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }
check() { # description, condition... (a command)
        local d=$1; shift
        if "$@"; then ok "$d"; else not_ok "$d"; fi
}
check_eq() { # description, actual, expected
        if [ "$2" = "$3" ]; then ok "$1"; else
                not_ok "$1"; diff -u <(echo "$3") <(echo "$2") | sed 's/^/# /'; fi
}
finish() { echo "1..$n"; exit $fail; }

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

#!/bin/bash
# Whole-process time of `tcptune config` on a host with 50 drop-ins, as a
# ratio to the floor: a plain C reader of /proc/sys/net/ipv4/tcp_*
# (tools/floor-reader.c, compiled here with cc). Medians of RUNS runs
# (hyperfine when installed, else a plain loop). The goal: under 2x.
#
# The tree is a temporary root with 50 drop-ins spread over /etc, /run and
# /usr/lib/sysctl.d (comments, tcp_* keys, a few globs and overrides) and
# its proc linked to the real /proc, so live values are the kernel's, read
# the same way the floor reads them.
# usage: tools/bench-config.sh [RUNS]   (needs build/tcptune; TCPTUNE overrides)
set -eu
cd "$(dirname "$0")/.."
. tools/bench-lib.sh
bench_init "${1:-500}"

root=$tmp/root
mkdir -p "$root/etc/sysctl.d" "$root/run/sysctl.d" "$root/usr/lib/sysctl.d"
ln -s /proc "$root/proc"
ln -s usr/lib "$root/lib"
keys=(tcp_keepalive_time tcp_keepalive_intvl tcp_keepalive_probes tcp_retries2 tcp_syn_retries
        tcp_synack_retries tcp_fin_timeout tcp_sack tcp_frto tcp_mtu_probing)
for i in $(seq -w 1 50); do
        case $((10#$i % 3)) in 0) dir=etc ;; 1) dir=usr/lib ;; *) dir=run ;; esac
        f=$root/$dir/sysctl.d/$i-dropin.conf
        {
                echo "# drop-in $i: shipped by some package"
                echo "; tuned for whatever it was tuned for"
                echo
                for j in 0 1 2; do
                        k=${keys[$(((10#$i + j) % ${#keys[@]}))]}
                        echo "net.ipv4.$k = $(cat "/proc/sys/net/ipv4/$k")"
                done
                [ $((10#$i % 10)) = 0 ] && echo "-net.ipv4.tcp_keepalive_* = 300"
                echo "net.core.somaxconn = 4096"
                echo "-net.ipv4.tcp_no_such_key_$i = 1"
        } >"$f"
done
ln -s /dev/null "$root/etc/sysctl.d/99-masked.conf"

"$tcptune" --root "$root" config >/dev/null 2>&1 || [ $? = 1 ] ||
        { echo "bench-config.sh: tcptune config failed on the tree" >&2; exit 1; }
files=$("$tcptune" --root "$root" --json config | jq '.files | length')
floor=$(median_us "$tmp/floor")
config=$(median_us "$tcptune" --root "$root" config)
json=$(median_us "$tcptune" --root "$root" --json config --all)
printf '%-44s %8s us\n' "floor (read /proc/sys/net/ipv4/tcp_* once)" "$floor"
printf '%-44s %8s us   %5.2fx floor\n' "tcptune config ($files drop-ins)" "$config" "$(echo "$config / $floor" | bc -l)"
printf '%-44s %8s us   %5.2fx floor\n' "tcptune --json config --all" "$json" "$(echo "$json / $floor" | bc -l)"

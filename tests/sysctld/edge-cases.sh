#!/bin/bash
# Hand-written sysctl.d trees for the oracle: one per rule in tcptune(8)
# "SYSCTL.D PRECEDENCE" and per bad input. usage: edge-cases.sh DEST TEMPLATE
# Each tree is DEST/e-NAME with proc/sys hard-linked from TEMPLATE/proc/sys.
# Keys stay inside net.ipv4.* and net.core.somaxconn; no glob may match a
# congestion control key (writing one can load a module).
set -eu
dest=$1
tmpl=$2
M=$((1024 * 1024))

new() { # NAME: start a tree, cd into it
        t=$dest/e-$1
        mkdir -p "$t/proc" "$t/etc/sysctl.d" "$t/run/sysctl.d" "$t/usr/local/lib/sysctl.d" "$t/usr/lib/sysctl.d"
        # hard links: tcptune follows no symbolic link below --root's /proc/sys
        cp -al "$tmpl/proc/sys" "$t/proc/sys"
        ln -f "$tmpl/proc/config.gz" "$t/proc/config.gz"
        ln -sfn usr/lib "$t/lib"
        cd "$t"
}
real_lib() { rm -f lib; mkdir -p lib/sysctl.d; }
w() { printf -- "$2" >"$1"; } # FILE FORMAT: printf format, so \r \0 \t work

new precedence
real_lib
for d in etc/sysctl.d run/sysctl.d usr/local/lib/sysctl.d usr/lib/sysctl.d lib/sysctl.d; do
        w "$d/50-same.conf" "net.ipv4.tcp_retries2 = ${#d}\n"
done
w lib/sysctl.d/10-lib.conf 'net.ipv4.tcp_syn_retries = 2\nnet.ipv4.tcp_fin_timeout = 10\n'
w usr/lib/sysctl.d/20-usr.conf 'net.ipv4.tcp_syn_retries = 3\n'
w run/sysctl.d/15-run.conf 'net.ipv4.tcp_syn_retries = 4\n'
w usr/local/lib/sysctl.d/90-local.conf 'net.ipv4.tcp_fin_timeout = 11\n'

new sort-bytewise
w etc/sysctl.d/B.conf 'net.ipv4.tcp_fin_timeout = 5\n'
w run/sysctl.d/_x.conf 'net.ipv4.tcp_fin_timeout = 6\n'
w usr/lib/sysctl.d/a.conf 'net.ipv4.tcp_fin_timeout = 4\n'
w usr/lib/sysctl.d/9-nine.conf 'net.ipv4.tcp_keepalive_time = 9\n'
w etc/sysctl.d/10-ten.conf 'net.ipv4.tcp_keepalive_time = 10\n'
w "usr/lib/sysctl.d/with space.conf" 'net.ipv4.tcp_keepalive_probes = 3\n'
w "usr/lib/sysctl.d/é.conf" 'net.ipv4.tcp_keepalive_probes = 4\n'
w usr/lib/sysctl.d/Z.conf 'net.ipv4.tcp_keepalive_probes = 5\n'

new masks
for n in a b c d e f g h; do w "usr/lib/sysctl.d/$n.conf" "net.ipv4.tcp_retries2 = 3\nnet.ipv4.tcp_$([ $n = a ] && echo sack || echo dsack) = 0\n"; done
ln -s /dev/null etc/sysctl.d/a.conf
: >etc/sysctl.d/b.conf
ln -s /nonexistent etc/sysctl.d/c.conf
mkdir etc/sysctl.d/d.conf
ln -s e.conf etc/sysctl.d/e.conf
mkdir -p srv && w srv/f 'net.ipv4.tcp_syn_retries = 5\n' && ln -s ../../srv/f etc/sysctl.d/f.conf
ln -s /usr/lib/sysctl.d/g.conf run/sysctl.d/g.conf
ln -s ../../dev/null run/sysctl.d/h.conf
w etc/sysctl.d/z.conf 'net.ipv4.tcp_keepalive_probes = 4\n'

new link-chain
w usr/lib/sysctl.d/real.conf 'net.ipv4.tcp_retries2 = 6\n'
ln -s ../../usr/lib/sysctl.d/real.conf run/sysctl.d/mid.conf
ln -s /run/sysctl.d/mid.conf etc/sysctl.d/top.conf
ln -s ../../../../etc/sysctl.d/top.conf usr/lib/sysctl.d/zz.conf

new dir-links
rm -r etc/sysctl.d && mkdir -p srv/conf && ln -s ../srv/conf etc/sysctl.d
w srv/conf/10-srv.conf 'net.ipv4.tcp_syn_retries = 4\n'
rm -r usr/local/lib/sysctl.d && ln -s /usr/lib/sysctl.d usr/local/lib/sysctl.d
w usr/lib/sysctl.d/20-usr.conf 'net.ipv4.tcp_fin_timeout = 31\n'
rm -r run/sysctl.d && echo x >run/sysctl.d

new lib-dir-loop
rm lib && ln -s lib lib
w usr/lib/sysctl.d/a.conf 'net.ipv4.tcp_retries2 = 7\n'

new only-conf
for n in .hidden.conf .conf x.CONF x.conf~ x.conf.bak README x.dpkg-old.conf y.rpmnew.conf x.conf.d; do
        w "usr/lib/sysctl.d/$n" "net.ipv4.tcp_keepalive_probes = ${#n}\n"
done

new sysctl-conf-unlinked
w etc/sysctl.conf 'net.ipv4.tcp_retries2 = 5\n'

new sysctl-conf-linked
w etc/sysctl.conf 'net.ipv4.tcp_retries2 = 5\nnet.ipv4.tcp_syn_retries = 3\n'
ln -s ../sysctl.conf etc/sysctl.d/99-sysctl.conf
w etc/sysctl.d/zz.conf 'net.ipv4.tcp_retries2 = 6\n'
w usr/lib/sysctl.d/99-sysctl.conf 'net.ipv4.tcp_fin_timeout = 6\n'

new sysctl-conf-absolute-link
w etc/sysctl.conf 'net.ipv4.tcp_retries2 = 5\n'
ln -s /etc/sysctl.conf etc/sysctl.d/99-sysctl.conf

new comments
w etc/sysctl.d/a.conf '# comment\n; semicolon\n   # indented\n\t; tab\n// slashes = 1\n#net.ipv4.tcp_sack = 0\nnet.ipv4.tcp_retries2=5 # inline\nnet.ipv4.tcp_syn_retries = 3;x\nnet.ipv4.tcp_fin_timeout = 45 trailing words\nnet.ipv4.tcp_keepalive_probes = 4\t; x\nnet.ipv4.tcp_frto = 1#x\n'

new whitespace
w etc/sysctl.d/a.conf '   net.ipv4.tcp_fin_timeout\t=\t  44   \t\n\tnet.ipv4.tcp_retries2=4\nnet.ipv4.tcp_syn_retries =3\nnet.ipv4.tcp_rmem =\t4096 \t 87380\t\t6291456  \nnet.ipv4. tcp_orphan_retries = 3\n   \n\t\n'

new key-forms
w etc/sysctl.d/a.conf 'net/ipv4/tcp_keepalive_time = 600\n/net/ipv4/tcp_keepalive_intvl = 60\n.net.ipv4.tcp_keepalive_probes = 4\nnet.ipv4.tcp_frto. = 1\nnet..ipv4.tcp_sack = 0\nnet/ipv4//tcp_dsack = 0\nnet/ipv4/./tcp_ecn = 1\nnet.ipv4/tcp_mtu_probing = 1\nnet/ipv4.tcp_early_retrans = 2\nnet.ipv4.tcp_syn_retries/ = 4\nnet.ipv4.tcp_retries1. = 7\nnet/ipv4/../ipv4/tcp_retries2 = 5\nnet.core.somaxconn = 100\nnet/ipv4/conf/lo/rp_filter = 2\nnet.ipv4.conf.all.rp_filter = 1\n'

new order-move
w etc/sysctl.d/a.conf 'net.ipv4.conf.lo.forwarding = 1\nnet.ipv4.conf.all.forwarding = 1\n'
w etc/sysctl.d/b.conf 'net.ipv4.conf.lo.forwarding = 0\n'

new order-keep
w etc/sysctl.d/a.conf 'net.ipv4.conf.lo.forwarding = 0\nnet.ipv4.conf.all.forwarding = 1\n'
w etc/sysctl.d/b.conf 'net.ipv4.conf.lo.forwarding = 0\n'

new order-ip-forward
w etc/sysctl.d/a.conf 'net.ipv4.ip_forward = 1\nnet.ipv4.conf.default.forwarding = 0\nnet.ipv4.conf.all.forwarding = 0\nnet.ipv4.ip_forward = 1\n'

new dash-prefix
w etc/sysctl.d/a.conf '-net.ipv4.tcp_nonexistent = 1\n- net.ipv4.tcp_retries2 = 7\n-net.ipv4.tcp_syn_retries = garbage\n--net.ipv4.tcp_keepalive_intvl = 5\n-net.ipv4.tcp_keepalive_probes = 1\nnet.ipv4.tcp_keepalive_probes = zz\nnet.ipv4.tcp_frto = bad\n-net.ipv4.tcp_frto = bad\n-  \n-=3\n'

new cancel
w etc/sysctl.d/a.conf 'net.ipv4.tcp_fin_timeout = 30\n-net.ipv4.tcp_fin_timeout\n-net.ipv4.tcp_keepalive_time\nnet.ipv4.tcp_keepalive_time = 100\nnet.ipv4.tcp_retries2 = 4\n'
w etc/sysctl.d/b.conf '-net.ipv4.tcp_retries2\n'

new glob-explicit
w usr/lib/sysctl.d/10-glob.conf 'net.ipv4.conf.lo.forwarding = 0\nnet.ipv4.conf.*.forwarding = 1\nnet.ipv4.tcp_keepalive_*=3\n-net.ipv4.tcp_keepalive_probes\nnet.ipv4.tcp_*_retries = 4\nnet.ipv4.tcp_syn_retries = 5\nnet/ipv4/conf/*/rp_filter = 2\n'
w etc/sysctl.d/20-b.conf 'net.ipv4.tcp_fin_timeout = 12\nnet.ipv4.tcp_*retries* = 6\nnet.ipv4.tcp_[fk]in_timeout = 11\nnet.ipv4.tcp_r?tries2 = 9\n'

new glob-overlap
w etc/sysctl.d/a.conf 'net.ipv4.tcp_keepalive_* = 30\nnet.ipv4.tcp_keepalive_[pt]* = 40\nnet.ipv4.tcp_keepalive_* = 30\nnet.ipv4.tcp_*_retries = 4\nnet.ipv4.tcp_s*_retries = 2\nnet.ipv4.tcp_*_retries = 3\n'

new glob-braces
w etc/sysctl.d/a.conf 'net.ipv4.conf.{all,lo}.acc*_local = 1\nnet.ipv4.conf.{all,lo}.log_martians = 1\nnet.ipv4.tcp_{sack,dsack} = 0\nnet.ipv4.tcp_{sa,fr}?? = 0\n'

new glob-misc
w etc/sysctl.d/a.conf 'net.ipv4.tcp_nomatch* = 1\nnet.ipv4.conf.* = 1\n-net.ipv4.conf.*.nomatch = 1\nnet.ipv4.tcp_[ -]* = 1\nnet.ipv4.tcp_ecn? = 1\nnet.ipv4.tcp_rmem* = 8192 87380 6291456\n-net.ipv4.tcp_wmem* = bad\n'

new glob-dash-readonly
w etc/sysctl.d/a.conf 'net.ipv4.tcp_available_congestion_control = reno\n-net.ipv4.tcp_available_congestion_control = reno\n'

new empty-values
w etc/sysctl.d/a.conf 'net.ipv4.tcp_retries1 = \nnet.ipv4.tcp_rfc1337 =\nnet.ipv4.tcp_retries2=\t\n=\n= 5\n'

new no-equals
w etc/sysctl.d/a.conf 'net.ipv4.tcp_sack 0\nnet.ipv4.tcp_retries2 = 5\ngarbage\n'

new line-endings
w etc/sysctl.d/a-crlf.conf 'net.ipv4.tcp_retries2 = 5\r\nnet.ipv4.tcp_syn_retries = 4\r\n'
w etc/sysctl.d/b-cr.conf 'net.ipv4.tcp_fin_timeout = 31\rnet.ipv4.tcp_keepalive_time = 301\r'
w etc/sysctl.d/c-lfcr.conf 'net.ipv4.tcp_keepalive_intvl = 32\n\rnet.ipv4.tcp_keepalive_probes = 3\n\r\nbad line\n'
w etc/sysctl.d/d-nul.conf 'net.ipv4.tcp_frto = 1\0net.ipv4.tcp_sack = 0\0\nnet.ipv4.tcp_ecn = 1\n\0\nx\n'
w etc/sysctl.d/e-bom.conf '\xef\xbb\xbfnet.ipv4.tcp_dsack = 0\nnet.ipv4.tcp_mtu_probing = 1\n'
w etc/sysctl.d/f-nofinal.conf 'net.ipv4.tcp_early_retrans = 2'
w etc/sysctl.d/g-vtff.conf 'net.ipv4.tcp_retries1 = 4\x0b\nnet.ipv4.tcp_orphan_retries =\x0c2\n'
w etc/sysctl.d/h-crcr.conf 'net.ipv4.tcp_thin_linear_timeouts = 1\r\r\rnet.ipv4.tcp_syncookies = 2\r\n\r\n'

new long-lines
head -c $((M - 2)) /dev/zero | tr '\0' x | { printf '#'; cat; printf '\nnet.ipv4.tcp_retries2 = 5\n'; } >etc/sysctl.d/a.conf
{ printf 'net.ipv4.tcp_syn_retries = 4\n#'; head -c $((M - 1)) /dev/zero | tr '\0' x; printf '\nnet.ipv4.tcp_fin_timeout = 31\n'; } >etc/sysctl.d/b.conf
{ printf 'net.ipv4.tcp_keepalive_time = 301\n#'; head -c $((M - 1)) /dev/zero | tr '\0' y; } >etc/sysctl.d/c.conf
{ printf 'net.ipv4.tcp_keepalive_intvl ='; head -c $((M - 34)) /dev/zero | tr '\0' ' '; printf '33\n'; } >etc/sysctl.d/d.conf
{ printf '#'; head -c $((M + 10)) /dev/zero | tr '\0' z; printf '\nnet.ipv4.tcp_keepalive_probes = 3\n'; } >etc/sysctl.d/e.conf

new binary
{ printf 'net.ipv4.tcp_retries2 = 6\n'; for i in $(seq 0 255); do printf "\\x$(printf %02x $i)"; done; printf '\nnet.ipv4.tcp_syn_retries = 3\n'; } >etc/sysctl.d/a.conf
head -c 4096 /dev/zero | tr '\0' '\377' >etc/sysctl.d/b.conf
printf 'net.ipv4.tcp_fin_timeout = \xff\xfe\n\x01net.ipv4.tcp_sack = 0\n' >etc/sysctl.d/c.conf

new values
w etc/sysctl.d/a.conf 'net.core.somaxconn = 0x100\nnet.ipv4.tcp_retries2 = 010\nnet.ipv4.tcp_syn_retries = 08\nnet.ipv4.tcp_synack_retries = +5\nnet.ipv4.tcp_orphan_retries = -1\nnet.ipv4.tcp_retries1 = -0\nnet.ipv4.tcp_fin_timeout = -0\nnet.ipv4.tcp_keepalive_time = 0X1C20\nnet.ipv4.tcp_keepalive_intvl = 0x\nnet.ipv4.tcp_keepalive_probes = 000000000000000000009\nnet.ipv4.tcp_frto = 00000000000000000001\nnet.ipv4.tcp_sack = 1 2\nnet.ipv4.tcp_wmem = 8192 16384\nnet.ipv4.tcp_rmem = 4096\t87380 6291456 7\nnet.ipv4.tcp_limit_output_bytes = 1 2\nnet.ipv4.tcp_syn_linear_timeouts = 128\nnet.ipv4.tcp_rto_min_us = 0\nnet.ipv4.tcp_rto_max_ms = 999\nnet.ipv4.tcp_early_retrans = 5\nnet.ipv4.tcp_mtu_probing = "1"\nnet.ipv4.tcp_syncookies = 1.5\nnet.ipv4.tcp_ecn = 1e3\nnet.ipv4.tcp_dsack = 0x1g\nnet.ipv4.tcp_thin_linear_timeouts = 256\nnet.ipv4.tcp_congestion_control = reno\nnet.ipv4.tcp_adv_win_scale = -1\nnet.ipv4.tcp_app_win = -1\nnet.ipv4.tcp_notsent_lowat = 99999999999999999999\n'

new equals-in-value
w etc/sysctl.d/a.conf 'net.ipv4.tcp_synack_retries = 2 = 3\nnet.ipv4.tcp_retries2==4\n'

new same-value-or
w etc/sysctl.d/a.conf 'net.ipv4.tcp_frto = bad\n'
w etc/sysctl.d/b.conf '-net.ipv4.tcp_frto = bad\nnet.ipv4.tcp_sack = 0\n'
w etc/sysctl.d/c.conf 'net.ipv4.tcp_sack = 0\n'

new many-dropins
for i in $(seq -w 1 50); do
        w "etc/sysctl.d/$i-dropin.conf" "# drop-in $i\nnet.ipv4.tcp_keepalive_time = $((600 + 10#$i))\nnet.ipv4.tcp_retries2 = $((10#$i % 15 + 1))\n-net.ipv4.tcp_no_such_$i = 1\nnet.ipv4.conf.lo.rp_filter = $((10#$i % 3))\n"
done

new empty-tree
rm -rf etc run usr lib

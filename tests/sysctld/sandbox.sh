#!/bin/bash
# Run systemd-sysctl on sysctl.d trees where it can change nothing real.
#
#   unshare --mount --net --propagation private -- sandbox.sh batch LIST
#
# LIST names one tree directory per line; each has an out/ directory next to
# it (TREE.out) holding tcptune.json. For each tree, in a fresh mount and
# network namespace of its own:
#   - /proc/sys is read-only except /proc/sys/net (set up once, here);
#   - the tree is copied onto a tmpfs that becomes systemd-sysctl's root
#     (chroot), so it sees only the tree's /etc, /run, /usr/local/lib,
#     /usr/lib and /lib; only its libraries and /proc are bound in;
#   - systemd-sysctl --cat-config and systemd-sysctl run there, then the
#     namespace's values are dumped (sd.state);
# then, in another fresh network namespace, tcptune's entries are written
# the way systemd-sysctl writes and the values dumped (replay.state).
# Environment: SYSTEMD_SYSCTL, HELPER (oracle-helper), TEMPLATE.
set -u

if [ "${1:-}" = batch ]; then
        list=$2
        # Refuse to run outside a private mount namespace.
        if [ "$(readlink /proc/self/ns/mnt)" = "$(readlink /proc/1/ns/mnt)" ] ||
                [ "$(readlink /proc/self/ns/net)" = "$(readlink /proc/1/ns/net)" ]; then
                echo "sandbox.sh: not in private mount and network namespaces; refusing" >&2
                exit 2
        fi
        mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys &&
                mount --bind /proc/sys/net /proc/sys/net && mount -o remount,bind,rw /proc/sys/net || exit 2
        if (echo 1 >/proc/sys/kernel/printk_ratelimit) 2>/dev/null; then
                echo "sandbox.sh: /proc/sys/kernel is writable; refusing" >&2
                exit 2
        fi
        while IFS= read -r tree; do
                unshare --mount --net --propagation private -- "$0" tree "$tree"
                unshare --net -- sh -c '"$HELPER" replay "$1/tcptune.json" >"$1/validity" 2>&1
                                        "$HELPER" dump "$TEMPLATE" >"$1/replay.state"' _ "$tree.out"
        done <"$list"
        exit 0
fi

if [ "${1:-}" = tree ]; then
        tree=$2
        out=$tree.out
        C=$(mktemp -d)
        mount -t tmpfs tmpfs "$C" || exit 2
        cp -a "$tree/." "$C/" 2>/dev/null
        rm -rf "$C/proc" "$C/lib64" "$C/dev" "$C/.ss"
        # What is made below must land on the tmpfs, never through a link.
        for d in usr usr/lib; do
                [ -L "$C/$d" ] && { echo "sandbox.sh: $d is a link in $tree; refusing" >"$out/sd.err"; exit 2; }
        done
        mkdir -p "$C/usr/lib/x86_64-linux-gnu" "$C/lib64" "$C/proc" "$C/dev" 2>/dev/null
        ld=$(realpath /lib64/ld-linux-x86-64.so.2)
        touch "$C/.ss" "$C/lib64/ld-linux-x86-64.so.2" "$C/dev/null" 2>/dev/null
        mount --bind -o ro /usr/lib/x86_64-linux-gnu "$C/usr/lib/x86_64-linux-gnu" &&
                mount --bind "$ld" "$C/lib64/ld-linux-x86-64.so.2" &&
                mount --rbind /proc "$C/proc" &&
                mount --bind /dev/null "$C/dev/null" &&
                mount --bind "$SYSTEMD_SYSCTL" "$C/.ss" || { echo "mount failed" >"$out/sd.err"; exit 2; }
        chroot "$C" /.ss --cat-config --no-pager >"$out/sd-cat" 2>"$out/sd-cat.err"
        echo $? >"$out/sd-cat.rc"
        timeout 20 chroot "$C" /.ss >"$out/sd.out" 2>"$out/sd.err"
        echo $? >"$out/sd.rc"
        "$HELPER" dump "$TEMPLATE" >"$out/sd.state"
        exit 0
fi
echo "usage: unshare --mount --net --propagation private -- $0 batch LIST" >&2
exit 2

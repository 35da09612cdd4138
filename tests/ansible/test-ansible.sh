#!/bin/bash
# README's Ansible example, run by Debian's ansible-core against localhost
# (connection local): tests/ansible/tcptune-profile.yml, the playbook
# README shows, with tcptune as typed there (on PATH, real paths, no
# --root). It runs in a private mount and network namespace (unshare -m
# -n) with a tmpfs over /etc/sysctl.d, /var/lib and /run, so the drop-in,
# the state, the lock and the live values are the namespace's, never the
# host's; the host's tcp values, /etc/sysctl.d, /var/lib/tcptune and
# /run/tcptune are compared before and after.
#
#   first run: changed; second run: ok, not changed; --check: reports the
#   change and writes nothing; a misspelled profile: the task fails with
#   tcptune's own message.
#
# Needs root, unshare, ansible-playbook and jq; exits 77 otherwise.
set -u
tcptune=${TCPTUNE:?TCPTUNE must point at the binary}
tests=${TESTS_DIR:?}
export TCPTUNE_PROFILES_DIR=${PROFILES_DIR:?}
readme=${README:?}
. "$tests/tap.sh"
playbook=$tests/ansible/tcptune-profile.yml

host_view() {
        grep -H . /proc/sys/net/ipv4/tcp_* 2>/dev/null
        ls -la /etc/sysctl.d
        ls -d /var/lib/tcptune /run/tcptune 2>&1
}

if [ -z "${TCPTUNE_ANSIBLE_INNER:-}" ]; then
        command -v ansible-playbook >/dev/null || skip "ansible-playbook not installed (ansible-core)"
        command -v jq >/dev/null || skip "jq not installed"
        [ "$(id -u)" = 0 ] || skip "needs root (unshare -m -n, tmpfs mounts)"
        unshare -m -n --propagation private true 2>/dev/null || skip "unshare -m -n not permitted here"
        before=$(host_view)
        TCPTUNE_ANSIBLE_INNER=1 PARENT_MNT=$(readlink /proc/self/ns/mnt) PARENT_NET=$(readlink /proc/self/ns/net) \
                unshare -m -n --propagation private "$0" "$@"
        rc=$?
        after=$(host_view)
        if [ "$before" = "$after" ]; then
                echo "# host's tcp values, /etc/sysctl.d, /var/lib/tcptune and /run/tcptune unchanged"
        else
                echo "not ok - the host changed"
                diff <(echo "$before") <(echo "$after") | sed 's/^/# /'
                rc=1
        fi
        exit $rc
fi

# --- Inside: make sure of the namespaces and the tmpfs before anything.
if [ "$(readlink /proc/self/ns/mnt)" = "$PARENT_MNT" ] || [ "$(readlink /proc/self/ns/net)" = "$PARENT_NET" ]; then
        echo "Bail out! not in a private mount and network namespace"
        exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for d in /etc/sysctl.d /var/lib /run; do
        mount -t tmpfs -o mode=0755 tcptune-test "$d" || { echo "Bail out! tmpfs on $d"; exit 1; }
        [ "$(stat -f -c %T "$d")" = tmpfs ] || { echo "Bail out! $d is not our tmpfs"; exit 1; }
done

# The playbook README shows is this one, byte for byte.
sed -n '/^```yaml$/,/^```$/p' "$readme" | sed '1d;$d' >"$tmp/readme.yml"
if cmp -s "$tmp/readme.yml" "$playbook"; then ok "README's playbook is $playbook"; else
        not_ok "README's playbook differs from $playbook"; diff -u "$playbook" "$tmp/readme.yml" | sed 's/^/# /'; fi

# tcptune by name, as the playbook calls it; Ansible's own files in $tmp.
mkdir -p "$tmp/bin"
ln -s "$tcptune" "$tmp/bin/tcptune"
export PATH=$tmp/bin:$PATH HOME=$tmp/home ANSIBLE_LOCAL_TEMP=$tmp/ansible-local ANSIBLE_REMOTE_TEMP=$tmp/ansible-remote
export ANSIBLE_CONFIG=$tmp/ansible.cfg ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
mkdir -p "$HOME"
: >"$ANSIBLE_CONFIG"

# ansible-core has no json stdout callback: the default one with -v and
# one-line JSON results gives the task's result after "=> ", and the recap.
export ANSIBLE_CALLBACK_RESULT_FORMAT=json ANSIBLE_CALLBACK_FORMAT_PRETTY=false
play() { # ansible-playbook arguments...: the output in $tmp/play, the task's result in $tmp/task.json
        ansible-playbook -v -i localhost, -c local "$playbook" "$@" >"$tmp/play" 2>"$tmp/play.err"
        local rc=$?
        sed -n 's/^\(ok\|changed\|fatal\): \[localhost\]\(: FAILED!\)\? => //p' "$tmp/play" >"$tmp/task.json"
        return $rc
}
# changed:ok:failed of localhost, from the recap
recap() { sed -n 's/^localhost *: ok=\([0-9]*\) *changed=\([0-9]*\) .*failed=\([0-9]*\).*/\2:\1:\3/p' "$tmp/play"; }
task() { jq -r ".$1" "$tmp/task.json"; }
ipv4=/proc/sys/net/ipv4
values() { grep -H . $ipv4/tcp_* 2>/dev/null; }
tree() { find /etc/sysctl.d /var/lib /run -printf '%p %y %s\n' 2>/dev/null | LC_ALL=C sort; }
check_eq() { # description, actual, expected
        if [ "$2" = "$3" ]; then ok "$1"; else
                not_ok "$1"; echo "#   got:  $2"; echo "#   want: $3"; sed 's/^/#   /' "$tmp/play" "$tmp/play.err"; fi
}

# --- Check mode first, on a pristine namespace: reports, writes nothing.
v0=$(values) t0=$(tree)
play --check
check_eq "--check: exit 0" "$?" 0
check_eq "--check: the task reports changed" "$(recap)" "1:1:0"
check_eq "--check: tcptune ran with --dry-run" "$(task 'cmd | join(" ")')" \
        "$(jq -rn '["tcptune","--json","profile","apply","fast-failover","--dry-run"] | join(" ")')"
check_eq "--check: pending, not changed, in tcptune's JSON" "$(task 'stdout | fromjson | "\(.pending) \(.changed)"')" \
        "true false"
check_eq "--check: no live value changed" "$(values)" "$v0"
check_eq "--check: nothing written (/etc/sysctl.d, /var/lib, /run)" "$(tree)" "$t0"

# --- First run: changed, the drop-in written, the live values set.
play
check_eq "first run: exit 0" "$?" 0
check_eq "first run: changed" "$(recap)" "1:1:0"
check_eq "first run: live tcp_retries2 = 6" "$(cat $ipv4/tcp_retries2)" 6
check_eq "first run: drop-in written" "$(grep -c '^net.ipv4.tcp_retries2 = 6$' /etc/sysctl.d/90-tcptune.conf)" 1
v1=$(values) t1=$(tree)

# --- Second run: ok, not changed, nothing rewritten.
play
check_eq "second run: exit 0" "$?" 0
check_eq "second run: ok, not changed" "$(recap)" "0:1:0"
check_eq "second run: tcptune's JSON says changed false" "$(task 'stdout | fromjson | .changed')" false
check_eq "second run: same values and files" "$(values; tree)" "$v1
$t1"
play --check
check_eq "--check once applied: not changed" "$(recap)" "0:1:0"

# --- A misspelled profile: the task fails with tcptune's message.
play -e tcptune_profile=fast-failvoer
check_eq "misspelled profile: ansible-playbook exits 2" "$?" 2
check_eq "misspelled profile: the task failed, not changed" "$(recap)" "0:0:1"
check_eq "misspelled profile: tcptune's exit 2 in the result" "$(task rc)" 2
msg="tcptune: no profile 'fast-failvoer' in $TCPTUNE_PROFILES_DIR or /etc/tcptune/profiles.d (did you mean 'fast-failover'?)"
check_eq "misspelled profile: tcptune's message is the task's stderr" "$(task stderr)" "$msg"
# And where a person reads it, in the play's own output.
if grep -q "^fatal: \[localhost\]: FAILED!.*no profile 'fast-failvoer'" "$tmp/play"; then
        ok "misspelled profile: the message is in the play's output"
else not_ok "misspelled profile: message not in the play's output"; sed 's/^/#   /' "$tmp/play"; fi
check_eq "misspelled profile: nothing changed" "$(values; tree)" "$v1
$t1"

# --- Back to where the namespace started.
tcptune profile revert >/dev/null
check_eq "profile revert: the namespace's values as before" "$(values)" "$v0"
finish

#!/bin/bash
# The shell completions in completions/, driven the way each shell drives
# them, and the word lists behind them (`tcptune __complete`):
#
#   test-completion.sh words   the option table against each command's
#                              --help, both ways; every offered profile,
#                              key, scenario, format is accepted
#   test-completion.sh bash    source completions/tcptune, set COMP_WORDS
#                              and COMP_CWORD, call _tcptune, read COMPREPLY
#   test-completion.sh zsh     zsh -f: autoload completions/_tcptune, set
#                              words and CURRENT, call it with compadd and
#                              compset stood in for (they only exist inside
#                              a completion widget), read what was added
#   test-completion.sh fish    fish --no-config: complete -C "tcptune ..."
#
# A shell that is not installed is skipped (exit 77). Needs no privilege:
# the profiles are the source tree's, plus one in a temporary --root.
set -u
part=${1:?usage: test-completion.sh words|bash|zsh|fish}
tcptune=${TCPTUNE:?TCPTUNE must point at the binary}
tests=${TESTS_DIR:?}
completions=${COMPLETIONS_DIR:?}
export TCPTUNE_PROFILES_DIR=${PROFILES_DIR:?}
. "$tests/tap.sh"

# The completions run `tcptune` as typed: the one under test, first on PATH.
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
ln -s "$tcptune" "$bin/tcptune"
export PATH=$bin:$PATH
# A --root with a local profile: its name must be offered after --root.
root=$bin/root
mkdir -p "$root/etc/tcptune/profiles.d"
printf '[profile]\ndescription = only under --root\n[sysctl]\ntcp_retries2 = 8\n' \
        >"$root/etc/tcptune/profiles.d/site-local.ini"

expect() { # description, actual, expected
        if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; echo "#   got:  $2"; echo "#   want: $3"; fi
}

# --- Lines and what each shell must offer (sorted, space-separated). The
# line's last word is the one being completed ("" for a new word).
profiles="datacenter fast-failover kernel-defaults long-haul rfc1122 roaming"
cases=(
        "tcptune pro|profile"
        "tcptune profile ver|verify"
        "tcptune profile apply fa|fast-failover"
        "tcptune profile show |$profiles"
        "tcptune --root $root profile diff |$profiles site-local"
        "tcptune profile apply fast-failover --d|--dropin --dry-run"
        "tcptune profile apply fast-failover |"
        "tcptune explain tcp_keepalive_|tcp_keepalive_intvl tcp_keepalive_probes tcp_keepalive_time"
        "tcptune model --scenario |accept connect established fin-wait-2 idle orphan zero-window"
        "tcptune advise --detect-within 30s --scenario f|fin-wait-2"
        "tcptune model --set tcp_retr|tcp_retries1= tcp_retries2="
        "tcptune model --set tcp_retries2=8 --ti|--timeline"
        "tcptune model --local-failure no|no-route"
        "tcptune --format p|prometheus"
        "tcptune --json aud|audit"
        "tcptune audit --all-|--all-netns"
        "tcptune model --rtt |"
        "tcptune sockets --state syn-|syn-recv syn-sent"
)
# Every command of this build is offered first.
commands=$("$tcptune" __complete commands | LC_ALL=C sort | tr '\n' ' ')
cases+=("tcptune |${commands% }")

# Splits "LINE|WANT" into $line (words in $words) and $want.
split_case() {
        line=${1%%|*} want=${1#*|}
        read -r -a words <<<"$line"
        [[ $line == *" " ]] && words+=("")
}
sorted() { LC_ALL=C sort -u | grep -v '^$' | tr '\n' ' ' | sed 's/ $//'; }

case $part in
words)
        # Each command's options as --help prints them; profile's own help
        # describes its sub-commands, so those are checked one by one.
        scopes=("" $("$tcptune" __complete commands))
        globals=$("$tcptune" __complete options | sed 's/=.*//' | sorted)
        for sub in $("$tcptune" __complete commands profile); do scopes+=("profile $sub"); done
        for scope in "${scopes[@]}"; do
                [ "$scope" = profile ] && continue
                # shellcheck disable=SC2086
                if ! help=$("$tcptune" $scope --help 2>/dev/null); then
                        ok "# SKIP '$scope' is not a command of this build"
                        continue
                fi
                [ -z "$scope" ] && help=$(sed -n '/^Options:/,$p' <<<"$help")
                from_help=$(grep -o -- '--[a-z][a-z0-9-]*' <<<"$help" | sorted)
                # shellcheck disable=SC2086
                table=$("$tcptune" __complete options $scope | sed 's/=.*//' | sorted)
                # A command may take a global option again (audit --json)
                # without its help saying so; --help goes without saying.
                [ -n "$scope" ] && table=$(tr ' ' '\n' <<<"$table" | grep -vxF -f <(tr ' ' '\n' <<<"$globals") |
                        sorted) && from_help=$(tr ' ' '\n' <<<"$from_help" |
                        grep -vxF -f <(tr ' ' '\n' <<<"$globals") | sorted)
                expect "options of '${scope:-tcptune}' match its --help" \
                        "$(tr ' ' '\n' <<<"$table" | grep -vx -- --help | sorted)" \
                        "$(tr ' ' '\n' <<<"$from_help" | grep -vx -- --help | sorted)"
        done
        help_cmds=$("$tcptune" --help | sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p' | sorted)
        expect "__complete commands is --help's command list" "$("$tcptune" __complete commands | sorted)" "$help_cmds"
        for c in $("$tcptune" __complete commands); do
                "$tcptune" __complete options "$c" >/dev/null ||
                        not_ok "command $c has no entry in complete.c's table"
        done
        expect "profile's sub-commands" "$("$tcptune" __complete commands profile | sorted)" \
                "active apply diff list revert show verify"

        # Every word offered is one the command takes.
        fixture=$tests/fixtures/defaults
        bad=""
        for p in $("$tcptune" --root "$root" __complete profiles); do
                "$tcptune" --root "$root" profile show "$p" >/dev/null 2>&1 || bad="$bad profile:$p"
        done
        for k in $("$tcptune" __complete keys); do
                "$tcptune" --root "$fixture" explain "$k" >/dev/null 2>&1 || bad="$bad key:$k"
        done
        for s in $("$tcptune" __complete scenarios); do
                "$tcptune" --root "$fixture" model --scenario "$s" >/dev/null 2>&1 || bad="$bad scenario:$s"
        done
        for f in $("$tcptune" __complete formats); do
                "$tcptune" --root "$fixture" --format "$f" audit >/dev/null 2>&1
                [ $? -le 1 ] || bad="$bad format:$f"
        done
        for l in $("$tcptune" __complete local-failures); do
                "$tcptune" --root "$fixture" model --local-failure "$l" >/dev/null 2>&1 || bad="$bad local-failure:$l"
        done
        expect "every offered profile, key, scenario, format, local failure is accepted" "${bad# }" ""
        expect "profiles under --root" "$("$tcptune" --root "$root" __complete profiles | sorted)" \
                "$profiles site-local"
        expect "scenarios" "$("$tcptune" __complete scenarios | sorted)" \
                "accept connect established fin-wait-2 idle orphan zero-window"
        [ "$("$tcptune" __complete keys | wc -l)" -ge 19 ] && ok "keys: the catalog" || not_ok "keys"
        "$tcptune" __complete no-such-list >"$bin/out" 2>&1
        expect "an unknown list: exit 2, silent" "$?:$(cat "$bin/out")" "2:"
        ;;
bash)
        [ -f /usr/share/bash-completion/bash_completion ] || skip "bash-completion not installed"
        for c in "${cases[@]}"; do
                split_case "$c"
                # As bash does (COMP_WORDBREAKS): "a=b" is three words.
                bwords=()
                for w in "${words[@]}"; do
                        while [[ $w == *=* ]]; do bwords+=("${w%%=*}" "="); w=${w#*=}; done
                        bwords+=("$w")
                done
                got=$(bash --norc --noprofile -c '
                        source /usr/share/bash-completion/bash_completion
                        source "$1"; shift
                        COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE="$*"
                        COMP_POINT=${#COMP_LINE}
                        # bash splits "--opt=value" at "=" before calling the function.
                        _tcptune; printf "%s\n" "${COMPREPLY[@]}"' bash "$completions/tcptune" "${bwords[@]}" | sorted)
                expect "bash: $line" "$got" "$want"
        done
        # "--format=j" reaches the function as three words: --format, =, j.
        got=$(bash --norc --noprofile -c 'source "$1"; COMP_WORDS=(tcptune --format = j); COMP_CWORD=3
                _tcptune; printf "%s\n" "${COMPREPLY[@]}"' bash "$completions/tcptune" | sorted)
        expect "bash: tcptune --format=j" "$got" "json"
        got=$(bash --norc --noprofile -c 'source "$1"; complete -p tcptune' bash "$completions/tcptune")
        expect "bash: registered for tcptune" "$got" "complete -F _tcptune tcptune"
        ;;
zsh)
        command -v zsh >/dev/null || skip "zsh not installed"
        for c in "${cases[@]}" "tcptune --format=j|--format=json" "tcptune model --set=tcp_retries2=|"; do
                split_case "$c"
                got=$(ZDUMP=$bin/zcompdump zsh -f -c '
                        fpath=("$1" $fpath); shift
                        autoload -Uz compinit _tcptune
                        compinit -u -d "$ZDUMP"
                        # Stand-ins for the builtins of a completion widget:
                        # compadd records what the user would be offered.
                        compadd() {
                                local suf=
                                while [[ $1 == -* ]]; do
                                        case $1 in (-S) suf=$2; shift 2 ;; (--) shift; break ;; (*) shift ;; esac
                                done
                                local w
                                for w; do [[ $w == ${PREFIX}* ]] && print -r -- "$IPREFIX$w$suf"; done
                        }
                        compset() {
                                [[ $1 == -P && $PREFIX == *=* ]] || return 1
                                IPREFIX+=${PREFIX%%=*}=; PREFIX=${PREFIX#*=}
                        }
                        _files() { print -r -- "<files>" }
                        _directories() { print -r -- "<dirs>" }
                        words=("$@"); CURRENT=$#; PREFIX=${words[CURRENT]}; IPREFIX=
                        _tcptune
                        print -r -- "compdef:$_comps[tcptune]"' zsh "$completions" "${words[@]}" | sorted)
                # compinit found the #compdef line: tcptune maps to _tcptune.
                expect "zsh: $line" "$got" "$(printf '%s\n' $want compdef:_tcptune | sorted)"
        done
        ;;
fish)
        command -v fish >/dev/null || skip "fish not installed"
        for c in "${cases[@]}" "tcptune --format=j|--format=json"; do
                split_case "$c"
                got=$(fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$completions/tcptune.fish" "$line" |
                        cut -f1 | sorted)
                expect "fish: $line" "$got" "$want"
        done
        ;;
*)
        echo "usage: test-completion.sh words|bash|zsh|fish" >&2
        exit 2
        ;;
esac
finish

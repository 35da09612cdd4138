# fish completion for tcptune(8).
#
# Every list comes from tcptune itself (`tcptune __complete`, see
# tcptune(8), COMPLETION): the commands, each command's options, profile
# names on the search path (under --root when the line has one), tunable
# keys, scenarios. Nothing here needs editing when tcptune changes.

# The KIND of option $argv[1] among the lines $argv[2..] (nothing for a flag).
function __tcptune_kind
    set -l opt $argv[1]
    for line in $argv[2..-1]
        if test "$line" = "$opt"
            return
        end
        if string match -q -- "$opt=*" $line
            string replace -- "$opt=" '' $line
            return
        end
    end
end

function __tcptune_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l tcptune $words[1]
    set -l options ($tcptune __complete options 2>/dev/null)
    set -l scope
    set -l root
    set -l opt
    set -l cmd
    set -l sub
    set -l n_args 0
    set -l kind
    set -l prefix

    # The words before the cursor: global options, the command, its
    # sub-command (profile), its options and their values.
    set -l n (count $words)
    set -l i 2
    while test $i -le $n
        set -l w $words[$i]
        if string match -q -- '-*=*' $w
            set i (math $i + 1)
            continue
        else if string match -q -- '-*' $w
            set -l k (__tcptune_kind $w $options)
            if test -z "$k"
                set i (math $i + 1)
                continue
            end
            if test $i -eq $n
                set opt $w
                break
            end
            if test "$w" = --root
                set root --root $words[(math $i + 1)]
            end
            set i (math $i + 2)
            continue
        end
        if test -z "$cmd"
            set cmd $w
            set scope $w
        else if test -z "$sub"; and test "$($tcptune __complete arguments $cmd 2>/dev/null)" = commands
            set sub $w
            set -a scope $w
        else
            set n_args (math $n_args + 1)
            set i (math $i + 1)
            continue
        end
        set options ($tcptune __complete options $scope 2>/dev/null)
        set i (math $i + 1)
    end

    if test -z "$opt"; and string match -q -- '--*=*' $cur
        set opt (string replace -r -- '=.*' '' $cur)
        set prefix "$opt="
        set cur (string replace -r -- '^[^=]*=' '' $cur)
    end
    if test -n "$opt"
        set kind (__tcptune_kind $opt $options)
    else if string match -q -- '-*' $cur
        string replace -r -- '=.*' '' $options
        return
    else if test -z "$cmd"
        set kind commands
    else if test $n_args -eq 0
        set kind ($tcptune __complete arguments $scope 2>/dev/null)
    end

    switch "$kind"
        case ''
            return
        case file
            __fish_complete_path $cur | string replace -r -- '^' "$prefix"
        case dir
            __fish_complete_directories $cur | string replace -r -- '^' "$prefix"
        case commands
            $tcptune __complete commands $scope 2>/dev/null
        case settings
            # KEY=VALUE: the key, then '='; nothing to offer for the value.
            string match -q -- '*=*' $cur; and return
            $tcptune __complete keys 2>/dev/null | string replace -r -- '^(.*)$' "$prefix\$1="
        case '*'
            $tcptune $root __complete $kind 2>/dev/null | string replace -r -- '^' "$prefix"
    end
end

complete -c tcptune -f -a '(__tcptune_complete)'

#!/bin/bash
# End to end with the real reader: prometheus-node-exporter on a loopback
# port, its textfile collector on a temporary directory that tcptune audit
# --output writes into. Its /metrics page must carry every tcptune series
# with the file's values and labels, and node_textfile_scrape_error 0; a
# broken .prom file must make it 1 (the check can fail), a temp name not
# ending in .prom must be ignored. Then 200 scrapes race 200 rewrites that
# alternate two audits: every scrape sees one whole audit or the other,
# never a mix or a partial file. Bounded in time; the exporter is killed on
# exit. Needs prometheus-node-exporter and curl or python3; exits 77 without.
set -u
. "$(dirname "$0")/lib.sh"
tcptune=${TCPTUNE:?TCPTUNE must point at the binary}
tests=${TESTS_DIR:-$(cd "$here/.." && pwd)}
exporter=$(command -v prometheus-node-exporter || command -v node_exporter) ||
        skip "prometheus-node-exporter not installed (Debian package prometheus-node-exporter)"
if command -v curl >/dev/null; then
        fetch() { curl -s --fail-with-body --max-time 5 "$1"; }
elif command -v python3 >/dev/null; then
        fetch() { python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' "$1"; }
else
        skip "neither curl nor python3 to fetch /metrics"
fi
tmp=$(mktemp -d)
pid=
rewriter=
cleanup() {
        [ -n "$rewriter" ] && kill "$rewriter" 2>/dev/null
        [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
        rm -rf "$tmp"
}
trap cleanup EXIT
export SOURCE_DATE_EPOCH=1764651234
dir=$tmp/textfile
mkdir "$dir"
chmod 755 "$tmp" "$dir"

# Two audits whose values differ everywhere that matters, each checked.
"$tcptune" --root "$tests/fixtures/defaults" --format prometheus audit --output "$tmp/a.prom"
"$tcptune" --root "$tests/fixtures/tuned" --format prometheus audit --output "$tmp/b.prom"
for v in a b; do
        awk -f "$here/contract.awk" -v tsv="$tmp/$v.tsv" "$tmp/$v.prom" >/dev/null ||
                { not_ok "the $v audit breaks the contract (see test-promtool.sh)"; exit 1; }
done
cmp -s "$tmp/a.tsv" "$tmp/b.tsv" && { not_ok "defaults and tuned audits are the same: no race can be seen"; exit 1; }

# Run as nobody when root, as Debian runs it as prometheus: the file must
# be readable by another user.
as_user=()
[ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
        as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
"$tcptune" --root "$tests/fixtures/defaults" --format prometheus audit --output "$dir/tcptune.prom"

# A free loopback port: try a few; the exporter exits if the port is taken.
url=
for try in 1 2 3 4 5; do
        port=$((20000 + (RANDOM * 7 + $$ + try * 101) % 30000))
        command -v ss >/dev/null && ss -Hltn "sport = :$port" | grep -q . && continue
        "${as_user[@]}" "$exporter" --web.listen-address="127.0.0.1:$port" \
                --collector.disable-defaults --collector.textfile \
                --collector.textfile.directory="$dir" >"$tmp/exporter.log" 2>&1 &
        pid=$!
        for _ in $(seq 50); do
                fetch "http://127.0.0.1:$port/metrics" >/dev/null 2>&1 && { url=http://127.0.0.1:$port/metrics; break; }
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
        done
        [ -n "$url" ] && break
        kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
done
[ -n "$url" ] || { not_ok "node_exporter did not come up:"; sed 's/^/#   /' "$tmp/exporter.log"; exit 1; }
ok "node_exporter $("$exporter" --version 2>&1 | sed -n '1s/.*version \([^ ]*\).*/\1/p') on $url"
if command -v ss >/dev/null; then
        listen=$(ss -Hltnp | grep "pid=$pid," | awk '{print $4}' | sort -u | tr '\n' ' ')
        [ "$listen" = "127.0.0.1:$port " ] && ok "it listens on loopback only ($listen)" ||
                { not_ok "it listens on: $listen"; exit 1; }
fi

# scrape NAME: /metrics into $tmp/NAME.metrics, its tcptune_* part (with
# HELP/TYPE) into $tmp/NAME.prom.
scrape() {
        fetch "$url" >"$tmp/$1.metrics" || return 1
        grep -E '^(# (HELP|TYPE) )?tcptune_' "$tmp/$1.metrics" >"$tmp/$1.prom"
        return 0
}
scrape_error() { sed -n 's/^node_textfile_scrape_error \(.*\)/\1/p' "$tmp/$1.metrics"; }

scrape first || { not_ok "cannot fetch $url"; exit 1; }
[ "$(scrape_error first)" = 0 ] && ok "node_textfile_scrape_error 0" ||
        { not_ok "node_textfile_scrape_error '$(scrape_error first)':"; sed 's/^/#   /' "$tmp/exporter.log" | tail -5; }
grep -q "^node_textfile_mtime_seconds{file=\"\(.*/\)\?tcptune.prom\"}" "$tmp/first.metrics" &&
        ok "node_textfile_mtime_seconds names tcptune.prom" || not_ok "no node_textfile_mtime_seconds for tcptune.prom"
if out=$(awk -f "$here/contract.awk" -v tsv="$tmp/first.tsv" -v epoch="$SOURCE_DATE_EPOCH" "$tmp/first.prom"); then
        ok "the exporter's tcptune families keep the contract"
else
        not_ok "the exporter's tcptune families break the contract:"; echo "$out"
fi

# same_series A.tsv B.tsv: the same series with the same numbers (the
# exporter prints floats its own way: 1.764651234e+09).
same_series() {
        awk -F '\t' 'function num(v) { return v == "+Inf" ? 1e300 : v + 0 }
                NR == FNR { want[$1 "\t" $2] = num($3); n++; next }
                { k = $1 "\t" $2; d = num($3) - want[k]
                  if (!(k in want) || d > 0.000001 || d < -0.000001) exit 1; m++ }
                END { exit !(m == n) }' "$1" "$2"
}
if same_series "$tmp/a.tsv" "$tmp/first.tsv"; then
        ok "/metrics has every series of the file, same labels and values ($(wc -l <"$tmp/a.tsv") series)"
else
        not_ok "/metrics and the file differ:"
        diff <(sort "$tmp/a.tsv") <(sort "$tmp/first.tsv") | head -10 | sed 's/^/#   /'
fi
v=$(value_of "$tmp/first.tsv" tcptune_detect_seconds 'bound="max",netns="host",scenario="established"')
same_number "$v" 939.736 && ok "established max is the model's 939.736 s" || not_ok "established max '$v', expected 939.736"

# The check can fail: a .prom file that breaks the format makes the
# exporter say so; a temp name that does not end in .prom is ignored.
printf 'tcptune_bogus{x="1"} 1\ntcptune_bogus{x="1"} oops\n' >"$dir/bad.prom"
chmod 644 "$dir/bad.prom"
scrape bad
[ "$(scrape_error bad)" = 1 ] && ok "a broken .prom file gives node_textfile_scrape_error 1" ||
        not_ok "a broken .prom file gives node_textfile_scrape_error '$(scrape_error bad)'"
rm "$dir/bad.prom"
head -c 100 "$tmp/b.prom" >"$dir/tcptune.prom.tmp.XXXXXX"
scrape ignored
if [ "$(scrape_error ignored)" = 0 ] && cmp -s "$tmp/first.prom" "$tmp/ignored.prom"; then
        ok "a half-written file not ending in .prom is ignored"
else
        not_ok "a half-written tcptune.prom.tmp.* changed the scrape (error '$(scrape_error ignored)')"
fi
rm "$dir/tcptune.prom.tmp.XXXXXX"

# The race: 200 rewrites (alternating the two audits) against 200 scrapes.
# Each scrape must be a whole a or a whole b.
(
        for i in $(seq 200); do
                [ $((i % 2)) = 0 ] && r=defaults || r=tuned
                "$tcptune" --root "$tests/fixtures/$r" --format prometheus audit --output "$dir/tcptune.prom" 2>/dev/null
                rc=$?
                [ $rc -le 1 ] || { echo "rewrite $i: exit $rc" >"$tmp/rewrite.err"; exit 1; }
                sleep 0.01      # spread the rewrites over the scrapes
        done
) &
rewriter=$!
torn=0 errors=0 seen_a=0 seen_b=0 failed=0
deadline=$((SECONDS + 120))
for i in $(seq 200); do
        [ $SECONDS -lt $deadline ] || { not_ok "the race ran out of its 120 s after $i scrapes"; break; }
        scrape race || { failed=$((failed + 1)); cp "$tmp/race.metrics" "$tmp/failed.metrics"; continue; }
        [ "$(scrape_error race)" = 0 ] || { errors=$((errors + 1)); cp "$tmp/race.metrics" "$tmp/error.metrics"; }
        if ! awk -f "$here/contract.awk" -v tsv="$tmp/race.tsv" "$tmp/race.prom" >/dev/null; then
                torn=$((torn + 1)); cp "$tmp/race.prom" "$tmp/torn.prom"
        elif same_series "$tmp/a.tsv" "$tmp/race.tsv"; then
                seen_a=$((seen_a + 1))
        elif same_series "$tmp/b.tsv" "$tmp/race.tsv"; then
                seen_b=$((seen_b + 1))
        else
                torn=$((torn + 1)); cp "$tmp/race.prom" "$tmp/torn.prom"
        fi
done
wait "$rewriter"; rc=$?
rewriter=
[ $rc = 0 ] && ok "200 rewrites with --output" || not_ok "a rewrite failed: $(cat "$tmp/rewrite.err" 2>/dev/null)"
[ $failed = 0 ] && ok "200 scrapes answered" ||
        { not_ok "$failed scrapes failed; the last said:"; grep -Ev '^(# |go_|process_|promhttp_|node_)' "$tmp/failed.metrics" | head -5 | sed 's/^/#   /'; }
[ $errors = 0 ] && ok "node_textfile_scrape_error stayed 0 in every scrape" ||
        { not_ok "$errors scrapes had node_textfile_scrape_error 1:"; grep -i error "$tmp/exporter.log" | tail -3 | sed 's/^/#   /'; }
if [ $torn = 0 ]; then
        ok "no scrape saw a partial or mixed file ($seen_a of one audit, $seen_b of the other)"
else
        not_ok "$torn scrapes saw a partial or mixed file; one of them:"; head -5 "$tmp/torn.prom" | sed 's/^/#   /'
fi
[ $seen_a -gt 0 ] && [ $seen_b -gt 0 ] && ok "scrapes saw both audits: the file did change under them" ||
        echo "# the scrapes saw only one of the audits ($seen_a, $seen_b): the race was not exercised"
exit $fail

#!/usr/bin/env bash
# netsnap-analyze on a synthetic recording (two namespaces, churn, a gap, keys and deltas):
# the timeline's incremental counts must agree with the tables of the same snapshots (two
# independent code paths), --every must keep each bucket's maximum, and diff must agree with
# the sockets' cookies in both snapshots.
set -euo pipefail
bin=$1
analyze=$bin/netsnap-analyze
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

rec=$work/synthetic.netsnap
"$bin/netsnap-synth" -o "$rec" --sockets 400 --snapshots 40 --churn 0.05 --queue-activity 0.2 \
  --namespaces 2 --key-interval 7 --gap-after 20 --seed 7 >/dev/null
"$analyze" timeline "$rec" --format csv >"$work/timeline.csv"
[ "$(wc -l <"$work/timeline.csv")" -eq 41 ] || fail "timeline rows: $(wc -l <"$work/timeline.csv")"
header=$(head -1 "$work/timeline.csv")
[ "$header" = "time,wall_ns,LISTEN,ESTABLISHED,SYN_SENT,SYN_RECV,FIN_WAIT1,FIN_WAIT2,TIME_WAIT,CLOSE_WAIT,LAST_ACK,CLOSING,UDP,UNIX,Recv-Q,Send-Q" ] ||
  fail "timeline header: $header"

# The same numbers from the tables: TCP states from -tan rows, UDP from -uUan (UDP and
# UDP-Lite), UNIX from -xa; queued bytes of every TCP, UDP and RAW row except listeners.
for index in 0 1 13 20 21 27 39; do
  want=$(awk -F, -v row=$((index + 2)) 'NR == row { $1 = ""; $2 = ""; print }' OFS=, "$work/timeline.csv" | cut -c3-)
  tcp=$("$analyze" table "$rec" -tan --index $index | awk '
    $1 ~ /^tcp/ { n[$6]++ }
    END { printf "%d,%d,%d,%d,%d,%d,%d,%d,%d,%d", n["LISTEN"], n["ESTABLISHED"], n["SYN_SENT"],
          n["SYN_RECV"], n["FIN_WAIT1"], n["FIN_WAIT2"], n["TIME_WAIT"], n["CLOSE_WAIT"],
          n["LAST_ACK"], n["CLOSING"] }')
  udp=$("$analyze" table "$rec" -uUan --index $index | awk '$1 ~ /^udp/ { n++ } END { print n + 0 }')
  unix=$("$analyze" table "$rec" -xa --index $index | awk '$1 == "unix" { n++ } END { print n + 0 }')
  queues=$("$analyze" table "$rec" -tuUwan --index $index | awk '
    $1 ~ /^(tcp|udp|raw)/ && $6 != "LISTEN" { r += $2; s += $3 } END { printf "%d,%d", r, s }')
  got="$tcp,$udp,$unix,$queues"
  [ "$got" = "$want" ] || fail "snapshot $index: timeline $want, tables $got"
done

# --every: one row per 10 s bucket, each column its maximum within the bucket. The gap after
# snapshot 20 shifts the later ones by one interval: buckets 0-9, 10-19, 20-29, 30-39, 40.
"$analyze" timeline "$rec" --every 10s --format csv >"$work/every.csv"
[ "$(wc -l <"$work/every.csv")" -eq 6 ] || fail "--every rows: $(cat "$work/every.csv")"
want=$(awk -F, 'NR > 1 {
    bucket = int(($2 / 1000000000) / 10)
    if (!(bucket in seen)) { order[++n] = bucket; seen[bucket] = 1 }
    for (c = 3; c <= NF; c++) if (!((bucket, c) in max) || $c > max[bucket, c]) max[bucket, c] = $c
  }
  END { for (i = 1; i <= n; i++) { line = ""; for (c = 3; c <= 16; c++) line = line (c > 3 ? "," : "") max[order[i], c]; print line } }' \
  "$work/timeline.csv")
got=$(awk -F, 'NR > 1 { line = ""; for (c = 3; c <= NF; c++) line = line (c > 3 ? "," : "") $c; print line }' "$work/every.csv")
[ "$got" = "$want" ] || fail "--every maxima differ:\n$got\nwant\n$want"

# diff first -> last against the cookies each snapshot's table holds.
cookies() { "$analyze" table "$rec" -tuxan --format json --index "$1" | grep -o '"cookie":[0-9]*' | sort; }
cookies 0 >"$work/first"
cookies -1 >"$work/last"
opened=$(comm -13 "$work/first" "$work/last" | wc -l)
closed=$(comm -23 "$work/first" "$work/last" | wc -l)
"$analyze" diff "$rec" -tuxan --from +0s --to -0s >"$work/diff"
head -1 "$work/diff" | grep -q ": $opened opened, $closed closed, [0-9]* changed$" ||
  fail "diff summary $(head -1 "$work/diff"), cookies say $opened opened, $closed closed"
[ "$(grep -c '^+ ' "$work/diff")" -eq "$opened" ] || fail "diff + rows"
[ "$(grep -c '^- ' "$work/diff")" -eq "$closed" ] || fail "diff - rows"
[ "$opened" -gt 10 ] && [ "$closed" -gt 10 ] || fail "too little churn to test: $opened/$closed"
"$analyze" diff "$rec" -tuxan --from +0s --to -0s --format json >"$work/diff.json"
[ "$(grep -c '^{"before":' "$work/diff.json")" -eq "$(grep -c '^~ ' "$work/diff")" ] || fail "json changed count"

echo "analyze synthetic: ok"

#!/usr/bin/env bash
# The same problem in two containers is two findings: two netsnap-scenario runs, each in a
# private network namespace of its own, both with a listener on 127.0.0.1:7104 that never
# accepts (and one with a CLOSE_WAIT leak besides), recorded together from the host with
# `netsnap-record --all-netns`. The report must name each overflow with its own namespace
# (the manifests say which inode), keep 127.0.0.1:7104 apart in the top offenders, group the
# findings by namespace in every format, and `--netns` must narrow it to one of them.
# Needs root (skips, saying so, without it) and jq. About 20 s.
set -euo pipefail
bin=$1
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
analyze="$bin/netsnap-analyze"
command -v jq >/dev/null || fail "jq is needed to read the manifests and the report"

# Scenario a: accept overflow + CLOSE_WAIT leak; b: accept overflow alone. The timeout is a
# backstop (the scenario stops by itself after its duration).
timeout -k 5 60 "$bin/netsnap-scenario" --scenario accept-overflow,close-wait-leak \
  --warmup 2s --duration 30s --manifest "$work/a.json" >"$work/a.out" 2>&1 &
pids+=($!)
timeout -k 5 60 "$bin/netsnap-scenario" --scenario accept-overflow \
  --warmup 2s --duration 30s --manifest "$work/b.json" >"$work/b.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  [ -s "$work/a.json" ] && [ -s "$work/b.json" ] && break
  for pid in "${pids[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" && rc=0 || rc=$?
      if [ "$rc" -eq 77 ]; then echo "SKIP: no private network namespace here"; exit 0; fi
      fail "netsnap-scenario ended early (exit $rc): $(cat "$work"/*.out)"
    fi
  done
  sleep 0.1
done
[ -s "$work/a.json" ] && [ -s "$work/b.json" ] || fail "no manifests after 10 s: $(cat "$work"/*.out)"
sleep 2  # the warm-up: the queues fill
ns_a=$(jq -r .netns_inode "$work/a.json") ns_b=$(jq -r .netns_inode "$work/b.json")
[ "$ns_a" != "$ns_b" ] || fail "both scenarios in namespace $ns_a"
tiny_a=$(jq -r '.programs[] | select(.program == "tiny-backlog") | .pid' "$work/a.json")
tiny_b=$(jq -r '.programs[] | select(.program == "tiny-backlog") | .pid' "$work/b.json")
leaky_a=$(jq -r '.programs[] | select(.program == "leaky-server") | .pid' "$work/a.json")

"$bin/netsnap-record" --all-netns -c 1 -n 15 -q -o "$work/r.netsnap" 2>"$work/record.err" ||
  fail "netsnap-record --all-netns: exit $?: $(cat "$work/record.err")"

"$analyze" report "$work/r.netsnap" --format json >"$work/report.json" 2>"$work/err" ||
  [ $? -eq 3 ] || fail "report: $(cat "$work/err")"
overflow() {  # the netns of the accept_queue_overflow finding of pid $1 on 127.0.0.1:7104
  jq -r --argjson pid "$1" '[.findings[] | select(.kind == "accept_queue_overflow"
      and .subject.pid == $pid and .subject.local_port == 7104 and
      .subject.local_addr == "127.0.0.1")] | if length == 1 then .[0].subject.netns else
      "\(length) findings" end' "$work/report.json"
}
[ "$(overflow "$tiny_a")" = "$ns_a" ] || fail "overflow of pid $tiny_a: $(overflow "$tiny_a"), not netns $ns_a"
[ "$(overflow "$tiny_b")" = "$ns_b" ] || fail "overflow of pid $tiny_b: $(overflow "$tiny_b"), not netns $ns_b"
leak_ns=$(jq -r --argjson pid "$leaky_a" '.findings[] | select(.kind == "close_wait_leak" and
    .subject.pid == $pid) | .subject.netns' "$work/report.json")
[ "$leak_ns" = "$ns_a" ] || fail "close_wait_leak of pid $leaky_a: netns '$leak_ns', not $ns_a"
# Grouped: one entry per namespace, a's with both kinds and b's without the leak.
jq -e --argjson a "$ns_a" --argjson b "$ns_b" '(.by_netns | length) == 2 and
    (.by_netns[] | select(.netns == $a) | .kinds | index("close_wait_leak") != null) and
    (.by_netns[] | select(.netns == $b) | .kinds | index("close_wait_leak") == null)' \
  "$work/report.json" >/dev/null || fail "by_netns: $(jq -c .by_netns "$work/report.json")"

# Text, markdown, html: the namespace section, and 127.0.0.1:7104 twice among the offenders.
for format in text markdown html; do
  "$analyze" report "$work/r.netsnap" --format "$format" >"$work/report.$format" 2>"$work/err" ||
    [ $? -eq 3 ] || fail "report --format $format: $(cat "$work/err")"
  grep -q "By network namespace" "$work/report.$format" || fail "$format: no namespace section"
  for ns in "$ns_a" "$ns_b"; do
    grep -Eq "127.0.0.1:7104 \\\\?\\[.*inode $ns\\)\\\\?\\]" "$work/report.$format" ||
      fail "$format: 127.0.0.1:7104 in netns $ns is not an offender of its own"
  done
done

# --netns narrows the report to b: its overflow, no leak, no namespace section.
"$analyze" report "$work/r.netsnap" --netns "$ns_b" --format json >"$work/b-only.json" 2>"$work/err" ||
  [ $? -eq 3 ] || fail "report --netns $ns_b: $(cat "$work/err")"
jq -e --argjson b "$ns_b" '([.findings[].subject.netns] | unique) == [$b] and
    ([.findings[] | select(.kind == "accept_queue_overflow")] | length) == 1 and
    (.by_netns | length) == 0' "$work/b-only.json" >/dev/null ||
  fail "report --netns $ns_b: $(jq -c '[.findings[] | {kind, netns: .subject.netns}]' "$work/b-only.json")"
echo "report namespaces: 2 namespaces, findings kept apart and grouped"

#!/usr/bin/env bash
# Real sockets, the real recorder: netsnap-scenario runs each problem the report looks for (a
# CLOSE_WAIT leak, TIME_WAIT buildup, Recv-Q/Send-Q backlogs, an accept-queue overflow) next
# to healthy traffic in a private network namespace and records 40 s of it. Then: nothing is
# left running, the recording verifies, the netstat table shows each problem where the
# scenario put it, and - once `netsnap-analyze report` exists - the report names each problem
# with the right kind and subject and says nothing about the healthy programs.
# Needs root (skips, saying so, without it) and jq. About 60 s.
set -euo pipefail
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
analyze="$bin/netsnap-analyze"
recording="$work/scenario.netsnap"
manifest="$work/manifest.json"

[ -x "$bin/netsnap-scenario" ] || fail "$bin/netsnap-scenario missing (tests/scenarios not built)"
command -v jq >/dev/null || fail "jq is needed to read the manifest and the report"

# 5 s warm-up + 40 s recording + setup and teardown; the timeout is a backstop only (on
# SIGTERM the scenario stops its programs and the recorder by itself).
set +e
timeout -k 10 80 "$bin/netsnap-scenario" --scenario all --warmup 5s --duration 40s \
  --record-with "$bin/netsnap-record" -o "$recording" --manifest "$manifest" \
  >"$work/scenario.out" 2>&1
rc=$?
set -e
if [ $rc -eq 77 ]; then
  echo "SKIP: no private network namespace here: $(tail -1 "$work/scenario.out")"
  exit 0
fi
[ $rc -eq 0 ] || fail "netsnap-scenario: exit $rc:"$'\n'"$(cat "$work/scenario.out")"
jq -e '.schema_version == 1' "$manifest" >/dev/null || fail "manifest: $(cat "$manifest")"

# Nothing left behind: every program it started is gone, and so is its namespace.
while read -r pid program; do
  if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$program" ]; then
    fail "$program (pid $pid) still running after the scenario ended"
  fi
done < <(jq -r '.programs[] | "\(.pid) \(.program)"' "$manifest")
netns="net:[$(jq -r .netns_inode "$manifest")]"
for link in /proc/[0-9]*/ns/net; do
  [ "$(readlink "$link" 2>/dev/null)" != "$netns" ] ||
    fail "namespace $netns still held by ${link%/ns/net}"
done

# The listener's overflows counted while recording (the scenario reads its namespace's TcpExt).
overflows=$(sed -n 's/^TcpExt in the recorded window: ListenOverflows +\([0-9]*\),.*/\1/p' \
  "$work/scenario.out")
[ "${overflows:-0}" -ge 40 ] ||
  fail "ListenOverflows rose by ${overflows:-nothing} while recording (expected > 1/s)"

"$analyze" verify "$recording" >"$work/out" 2>&1 || fail "verify: exit $?: $(cat "$work/out")"
"$analyze" info "$recording" >"$work/info" || fail "info: exit $?"
snapshots=$(sed -n 's/^snapshots *\([0-9]*\),.*/\1/p' "$work/info")
[ "${snapshots:-0}" -ge 30 ] || fail "only ${snapshots:-0} snapshots:"$'\n'"$(cat "$work/info")"

echo "recording: $snapshots snapshots, verify ok, ListenOverflows +$overflows while recording"

pid_of() { jq -r --arg p "$1" '.programs[] | select(.program == $p) | .pid' "$manifest"; }
port_of() {
  jq -r --arg p "$1" '.programs[] | select(.program == $p) | .listen_port // .remote_port' \
    "$manifest"
}

# Which commands this netsnap-analyze has (read whole: grep -q would end the pipe early and
# pipefail would count the writer's SIGPIPE as a failure).
commands=$("$analyze" --help 2>/dev/null || true)
has_command() { grep -qE "^ +$1 " <<<"$commands"; }

# The netstat table (netsnap-analyze table) near the start and near the end of the recording.
if has_command table; then
  "$analyze" table -tanp --at +3s "$recording" >"$work/early" || fail "table --at +3s: exit $?"
  "$analyze" table -tanp --at -5s "$recording" >"$work/late" || fail "table --at -5s: exit $?"
  # count FILE CONDITION [PID] [PORT]: tcp rows where the awk CONDITION holds, over r=Recv-Q
  # s=Send-Q l=local f=foreign st=state o=PID/Program, cond_pid=PID and port=PORT.
  count() {
    awk -v cond_pid="${3:-}" -v port="${4:-}" '$1 == "tcp" {
      r = $2; s = $3; l = $4; f = $5; st = $6; o = $7
      if ('"$2"') n++ } END { print n + 0 }' "$1"
  }
  leaky=$(pid_of leaky-server) slow=$(pid_of slow-reader) sender=$(pid_of steady-sender)
  tiny=$(pid_of tiny-backlog) pool=$(pid_of pool-client)
  cw_rows='st == "CLOSE_WAIT" && o ~ "^" cond_pid "/"'
  cw_early=$(count "$work/early" "$cw_rows" "$leaky")
  cw_late=$(count "$work/late" "$cw_rows" "$leaky")
  [ "$cw_late" -ge 20 ] && [ "$cw_late" -ge $((cw_early + 100)) ] ||
    fail "CLOSE_WAIT owned by leaky-server: $cw_early at +3s, $cw_late at -5s (expected +10/s)"
  tw_rows='st == "TIME_WAIT" && f ~ ":" port "$"'
  churn_port=$(port_of churn-client) pool_port=$(port_of pool-client)
  tw_early=$(count "$work/early" "$tw_rows" "" "$churn_port")
  tw_late=$(count "$work/late" "$tw_rows" "" "$churn_port")
  [ "$tw_late" -ge $((tw_early + 300)) ] ||
    fail "TIME_WAIT to :$churn_port: $tw_early at +3s, $tw_late at -5s (expected +25/s)"
  pool_tw_early=$(count "$work/early" "$tw_rows" "" "$pool_port")
  pool_tw_late=$(count "$work/late" "$tw_rows" "" "$pool_port")
  [ "$pool_tw_late" -le 30 ] && [ $((pool_tw_late - pool_tw_early)) -le 3 ] &&
    [ $((pool_tw_early - pool_tw_late)) -le 3 ] ||
    fail "healthy TIME_WAIT to :$pool_port not flat: $pool_tw_early at +3s, $pool_tw_late at -5s"
  recvq=$(count "$work/late" 'st == "ESTABLISHED" && o ~ "^" cond_pid "/" && r > 0' "$slow")
  [ "$recvq" -ge 1 ] || fail "no slow-reader connection with Recv-Q > 0 at -5s"
  sendq_rows='st == "ESTABLISHED" && o ~ "^" cond_pid "/" && s > 0'
  [ "$(count "$work/late" "$sendq_rows" "$sender")" -ge 1 ] ||
    fail "no steady-sender connection with Send-Q > 0 at -5s"
  full=$(count "$work/late" 'st == "LISTEN" && o ~ "^" cond_pid "/" && r + 0 > s + 0' "$tiny")
  [ "$full" -eq 1 ] || fail "tiny-backlog's accept queue not over its backlog at -5s"
  pooled=$(count "$work/late" 'st == "ESTABLISHED" && o ~ "^" cond_pid "/"' "$pool")
  [ "$pooled" -ge 48 ] || fail "pool-client holds $pooled connections at -5s (expected 48)"
  # The healthy queue spikes drain: no socket of the pool keeps a queue for 3 snapshots in a
  # row (a listener's Send-Q is its backlog, not a queue).
  "$analyze" table -tan --all "$recording" >"$work/all" || fail "table --all: exit $?"
  read -r spikes longest < <(awk -v port="$pool_port" '
    /^Snapshot at / { snapshot++ }
    $1 == "tcp" && ($4 ~ ":" port "$" || $5 ~ ":" port "$") {
      queued = $6 == "LISTEN" ? $2 : $2 + $3
      if (queued == 0) next
      key = $4 " " $5 " " $6
      run[key] = last[key] == snapshot - 1 ? run[key] + 1 : 1
      last[key] = snapshot
      if (run[key] > longest) longest = run[key]
      if (seen != snapshot) { seen = snapshot; spikes++ }
    } END { print spikes + 0, longest + 0 }' "$work/all")
  [ "$longest" -le 2 ] || fail "a healthy pool socket kept a queue for $longest snapshots in a row"
  echo "table: CLOSE_WAIT (leaky-server) $cw_early -> $cw_late, TIME_WAIT to :$churn_port" \
       "$tw_early -> $tw_late, healthy TIME_WAIT to :$pool_port $pool_tw_early -> $pool_tw_late," \
       "backlogs and the full accept queue present, $pooled pooled connections," \
       "healthy queue spikes in $spikes snapshots (none lasting)"
else
  echo "NOTE: netsnap-analyze has no 'table' command yet: the recording was checked with" \
       "verify and info only"
fi

# The report. `report --help` alone proves nothing: CLI11 answers it with the top-level help
# and exit 0 while no such command exists, so the command must be listed in that help.
if ! has_command report || ! "$analyze" report --help >/dev/null 2>&1; then
  echo "NOTE: netsnap-analyze has no 'report' command yet: the findings were NOT checked" \
       "(expected: $(jq -r '[.expected_findings[].kind] | join(", ")' "$manifest"))"
  echo "scenarios record: ok (report checks skipped)"
  exit 0
fi
"$analyze" report --format json "$recording" >"$work/report.json" 2>"$work/report.err" ||
  fail "report --format json: exit $?: $(cat "$work/report.err")"
jq -e '(.schema_version != null) and (.findings | type == "array")' "$work/report.json" \
  >/dev/null ||
  fail "report --format json: no schema_version or findings array"
jq -r '.findings[] | "  found: \(.kind) [\(.severity)] \(.subject | tostring)"' "$work/report.json"
missing=0
while read -r want; do
  if ! jq -e --argjson want "$want" \
      'any(.findings[]; .kind == $want.kind and (.subject // {} | contains($want.subject)))' \
      "$work/report.json" >/dev/null; then
    echo "  MISSING: $(jq -r '"\(.kind) \(.subject | tostring) (\(.scenario))"' <<<"$want")" >&2
    missing=$((missing + 1))
  fi
done < <(jq -c '.expected_findings[]' "$manifest")
# Nothing about the healthy programs: their pids and names, their listener, the churn's ports.
flagged=$(jq -r --slurpfile m "$manifest" '$m[0].healthy as $h | .findings[]
  | select((.subject // {}) as $s
      | ($s.program // "" | IN($h.programs[]))
        or ($s.pid // -1 | IN($h.pids[]))
        or ($s.local_port // -1 | IN($h.ports[]))
        or ($s.remote_port // -1 | IN($h.ports[]))
        or ($h.local_ports != null and any($s.local_port // -1, $s.remote_port // -1;
              . >= $h.local_ports.first and . <= $h.local_ports.last)))
  | "\(.kind) \(.subject | tostring)"' "$work/report.json")
[ -z "$flagged" ] || echo "  FLAGGED healthy traffic: $flagged" >&2
[ "$missing" -eq 0 ] && [ -z "$flagged" ] || fail "report: $missing expected findings missing" \
  "$([ -z "$flagged" ] || echo "and healthy traffic flagged")"
echo "scenarios record: ok (report found every problem, nothing about the healthy traffic)"

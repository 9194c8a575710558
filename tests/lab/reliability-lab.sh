#!/usr/bin/env bash
# reliability-lab.sh -- 3 masters (hosts 1-3) and 3 agents (hosts 4-6) as real processes on namespace hosts,
# concurrent clients on host 7 deploying/scaling apps and submitting one-shot tasks through any master, while
# fault rounds run: kill -9 + restart of the leader, of a follower, of an agent; the leader cut off from the
# majority, then healed; an agent host cut off past the agent timeout, then healed; 20% packet loss on a master
# for a bounded time; a power cycle (all masters killed -9 and restarted).
# After each round (workload paused): every acknowledged app exists with its latest acknowledged spec and runs
# its instance count at its current version on connected agents (convergence time measured); every acknowledged
# task exists and settles; no one-shot task ran twice (each appends its marker to a file once); tasks on a
# silent agent are not left live past the agent timeout; at the end, at most one leader per term. Then partition
# rounds with two UNIQUE apps (partition-check.py): agents cut past the timeout (no free host; with the leader killed;
# two agents back in either order), an agent killed and restarted; the real processes must match the committed view
# after every round. At the end the masters are stopped and each one's raft.db is replayed by the binary
# (`minimesos debug check-history`), every committed state checked.
# Prints a table; exits 1 naming every violation. Needs root, iproute2, nftables, nsenter, cgroup v2, python3.
#
# Usage: tests/lab/reliability-lab.sh [path/to/minimesos]
#   default: out/minimesos if built, else the Debug apphost bin/Debug/net10.0/minimesos (dotnet build MiniMesos.csproj).
# Parameters (environment): LAB_CYCLES=1 (how many times the fault list runs), LAB_CLIENTS=2, LAB_HOLD=4
#   (seconds a short fault lasts), LAB_BOUND=45 (convergence bound, s), LAB_KEEP=dir (keep logs there),
#   LAB_SNAPSHOT_EVERY=500 (masters snapshot and compact that often, so restarts go through snapshot restore).
#   LAB_UPGRADE_FROM=path/to/older/minimesos: instead of the fault rounds, a rolling upgrade (docs/operations.md):
#   every node starts on the older build; the agents, then the followers, then the leader (last, handing over) are
#   stopped and started on the given build one at a time, then one follower goes back to the older build; the same
#   checks run after each step.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export NETLAB_PREFIX=mm$$
P=$NETLAB_PREFIX
START_MS=$(date +%s%3N)
CYCLES=${LAB_CYCLES:-1}
CLIENTS=${LAB_CLIENTS:-2}
HOLD=${LAB_HOLD:-4}
BOUND=${LAB_BOUND:-45}
SNAPSHOT_EVERY=${LAB_SNAPSHOT_EVERY:-500}
AGENT_TIMEOUT=10
PY=${PYTHON:-/usr/bin/python3}

target=${1:-}
if [ -z "$target" ]; then
  if [ -x "$ROOT/out/minimesos" ]; then target=$ROOT/out/minimesos
  elif [ -x "$ROOT/bin/Debug/net10.0/minimesos" ]; then target=$ROOT/bin/Debug/net10.0/minimesos
  else echo "reliability-lab: no binary: 'packaging/publish.sh linux-x64 out' or 'dotnet build MiniMesos.csproj'" >&2; exit 2; fi
fi
BIN=$(realpath "$target")
OLD=${LAB_UPGRADE_FROM:+$(realpath "$LAB_UPGRADE_FROM")}
declare -A RUNS=()   # node (m1.., a4..) -> the binary it runs; the lab's binary when not set
for tool in ip nsenter nft; do command -v $tool >/dev/null || { echo "reliability-lab: needs $tool" >&2; exit 2; }; done
[ "$(id -u)" = 0 ] || { echo "reliability-lab: needs root (network namespaces, cgroups)" >&2; exit 2; }
CGMOUNT=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") { print $5; exit } break } }' /proc/self/mountinfo)
CGOWN=$(sed -n 's/^0:://p' /proc/self/cgroup)
[ -n "$CGMOUNT" ] || { echo "reliability-lab: needs a cgroup v2 mount (agents run in their own cgroups)" >&2; exit 2; }

T=$(mktemp -d /run/reliability-lab.XXXXXX)   # not /tmp: every task has its own /tmp
chmod 755 "$T"
: >"$T/ran"; chmod 666 "$T/ran"   # tasks run as nobody and append their marker here
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$T/token"; chmod 600 "$T/token"
TOKEN=$(cat "$T/token")
declare -A PID=()
BG=()
CGS=()
failed=0
JOBS=0

log() { printf '%6.1fs %s\n' "$(( $(date +%s%3N) - START_MS ))e-3" "$*"; }
violation() { echo "$*" >>"$T/violations"; log "VIOLATION: $*"; failed=1; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  touch "$T/stop" 2>/dev/null || true
  exec 3>&2 2>/dev/null   # no "Killed" job notices for the processes ended below
  for p in "${BG[@]}"; do kill "$p" 2>/dev/null || true; done
  for i in "${!PID[@]}"; do kill -9 "${PID[$i]}" 2>/dev/null || true; done
  # Tasks outlive a killed agent by design: every agent and its tasks live in the lab's own cgroups.
  for cg in "${CGS[@]}"; do [ -f "$cg/cgroup.kill" ] && echo 1 >"$cg/cgroup.kill" 2>/dev/null || true; done
  for cg in "${CGS[@]}"; do
    for _ in $(seq 1 50); do [ -z "$(find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null)" ] && break
      find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -9 2>/dev/null || true; sleep 0.1; done
    find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  wait 2>/dev/null || true
  exec 2>&3 3>&-
  if [ "$rc" != 0 ] || [ "$failed" != 0 ]; then
    for f in "$T"/m*.log "$T"/a*.log; do [ -f "$f" ] && { echo "---- tail of $(basename "$f")"; tail -n 25 "$f"; }; done
    keep=${LAB_KEEP:-/tmp/reliability-lab-failed.$$}
    mkdir -p "$keep" && cp -r "$T"/. "$keep"/ 2>/dev/null && echo "reliability-lab: logs and records kept in $keep"
  elif [ -n "${LAB_KEEP:-}" ]; then mkdir -p "$LAB_KEEP" && cp -r "$T"/. "$LAB_KEEP"/; fi
  "$HERE/netlab.sh" down >/dev/null 2>&1 || true
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ns() { echo "/run/netns/$P-ns$1"; }
ip_of() { echo "198.18.0.$1"; }
URLS="https://198.18.0.1:5050,https://198.18.0.2:5050,https://198.18.0.3:5050"
# HTTPS with the cluster CA for every client here: curl reads CURL_CA_BUNDLE, Python SSL_CERT_FILE. Each master writes
# it to its data dir once the cluster has elected its first leader.
export SSL_CERT_FILE="$T/ca.pem" CURL_CA_BUNDLE="$T/ca.pem"
. "$HERE/ca-sync.sh"
on7() { nsenter --net="$(ns 7)" "$@"; }
# check ARGS...: runs reliability-check.py on host 7; its violations go to the violations file too
check() {
  local out; out=$(on7 "$PY" "$HERE/reliability-check.py" "$@" 2>&1) || true
  printf '%s\n' "$out" | sed 's/^/         /'
  grep '^VIOLATION: ' <<<"$out" | sed 's/^VIOLATION: //' >>"$T/violations" && failed=1 || true
}

# check_history I: replays stopped master I's raft.db with the binary (`minimesos debug check-history`: its snapshot,
# then every committed entry decoded and applied to the state machine one by one) and checks every committed state: no
# app above its bound (its count, plus what its upgradeStrategy allows during a deployment), no live instance against
# its constraints; the return of an already replaced instance is the one exception, measured (extra_live_ms). Run
# before every restart of a master and on all three at the end; the entries each run covered go to history-ranges.
check_history() {
  local i=$1 hrc=0 hout range
  hout=$("$BIN" debug check-history --data-dir "$T/d$i" --cluster lab 2>&1) || hrc=$?
  printf '%s\n' "$hout" >>"$T/history-m$i.txt"
  printf '%s\n' "$hout" | grep -v '^state at' | sed "s/^/         m$i: /" || true
  grep '^VIOLATION: ' <<<"$hout" | sed "s/^VIOLATION: /history of master $i: /" >>"$T/violations" && failed=1 || true
  [ "$hrc" = 0 ] || grep -q '^VIOLATION: ' <<<"$hout" || violation "check-history of master $i exited $hrc: $(tail -n 3 <<<"$hout")"
  range=$(sed -n 's/^check-history: .*snapshot at entry \([0-9]*\), applied through entry \([0-9]*\) .*extra_live_ms (longest) \([0-9]*\)$/\1 \2 \3/p' <<<"$hout")
  [ -z "$range" ] || echo "$range" >>"$T/history-ranges"
  HOUT=$hout
}
start_master() {
  local i=$1 every=$SNAPSHOT_EVERY
  [ -f "$T/d$i/raft.db" ] && check_history "$i"
  mkdir -p "$T/d$i"
  # Master 3 keeps its whole log (unless a leader sends it a snapshot because it fell behind the leader's log), so the
  # history check covers the run from its start; masters 1 and 2 compact often, so their restarts go through snapshots.
  [ "$i" = 3 ] && every=10000000
  nsenter --net="$(ns "$i")" "${RUNS[m$i]:-$BIN}" master --listen "$(ip_of "$i")" --port 5050 --cluster-port 5051 --no-mdns \
    --data-dir "$T/d$i" --token-file "$T/token" --cluster lab --join 198.18.0.1:5051,198.18.0.2:5051,198.18.0.3:5051 \
    --bootstrap-expect 3 --advertise-addr "$(ip_of "$i")" --raft-snapshot-every "$every" >>"$T/m$i.log" 2>&1 &
  PID[m$i]=$!
}
start_agent() {
  local i=$1 cg="$CGMOUNT$CGOWN/$P-a$1"
  mkdir -p "$cg" "$T/a$i"
  [[ " ${CGS[*]} " == *" $cg "* ]] || CGS+=("$cg")
  # The agent enters its own cgroup first, so its tasks (which outlive it) can be found and ended at cleanup.
  sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$cg" nsenter --net="$(ns "$i")" "${RUNS[a$i]:-$BIN}" agent \
    --master 198.18.0.1:5051,198.18.0.2:5051,198.18.0.3:5051 --no-mdns --work-dir "$T/a$i" --token-file "$T/token" \
    --cluster lab --resources 'cpus=4;mem=4096' --attributes "labhost=$i" >>"$T/a$i.log" 2>&1 &
  PID[a$i]=$!
}
kill9() { kill -9 "${PID[$1]}" 2>/dev/null || true; wait "${PID[$1]}" 2>/dev/null || true; unset "PID[$1]"; }
# status I FIELD: a field of master I's own /v1/status, asked from inside its host
status_field() {
  ca_sync || true
  nsenter --net="$(ns "$1")" "$PY" -c 'import sys, json
sys.path.insert(0, sys.argv[1]); from reliability_http import Api
code, s = Api([sys.argv[2]], sys.argv[3], 1.0).once(sys.argv[2], "GET", "/v1/status")
print(s.get(sys.argv[4]) if code == 200 else "")' "$HERE" "https://$(ip_of "$1"):5050" "$TOKEN" "$2" 2>/dev/null || true
}
leader() { local i; for i in 1 2 3; do [ -n "${PID[m$i]:-}" ] && [ "$(status_field "$i" role)" = leader ] && { echo "$i"; return; }; done; echo ""; }
wait_leader() {
  local deadline=$(( $(date +%s) + $1 )) l
  while [ "$(date +%s)" -lt "$deadline" ]; do l=$(leader); [ -n "$l" ] && { echo "$l"; return; }; sleep 0.2; done
  echo ""
}
need_leader() { local l; l=$(wait_leader 30); [ -n "$l" ] || violation "$1: no leader within 30 s"; echo "$l"; }

pause_workload() {
  touch "$T/pause"
  for _ in $(seq 1 100); do
    local n; n=$(find "$T" -maxdepth 1 -name 'ops-*.jsonl.paused' | wc -l)
    [ "$n" -ge "$CLIENTS" ] && return
    sleep 0.1
  done
  violation "the workload did not pause within 10 s"
}
resume_workload() { rm -f "$T/pause"; }
# round_check NAME: the fault has been healed (at HEAL_MS); pause the workload, check everything, resume
round_check() {
  pause_workload
  check round "$1" "$URLS" "$TOKEN" "$T" "$BOUND" "${HEAL_MS:-$(date +%s%3N)}"
  echo "$1" >>"$T/faults"
  resume_workload
}
hold() { sleep "$HOLD"; }
healed() { HEAL_MS=$(date +%s%3N); }

# unknown_versions I: how many masters master I's /v1/status lists without a version
unknown_versions() {
  nsenter --net="$(ns "$1")" curl -s -m 2 -H "Authorization: Bearer $TOKEN" "https://$(ip_of "$1"):5050/v1/status" \
    | "$PY" -c 'import json, sys; print(sum(1 for m in json.load(sys.stdin)["masters"] if not m.get("version")))' 2>/dev/null || echo "?"
}
# upgrade NODE BINARY: stops the node gracefully (a leader hands over first), starts it on BINARY
upgrade() {
  local node=$1
  kill -TERM "${PID[$node]}" 2>/dev/null || true; wait "${PID[$node]}" 2>/dev/null || true; unset "PID[$node]"
  RUNS[$node]=$2
  case $node in m*) start_master "${node#m}" ;; a*) start_agent "${node#a}" ;; esac
}
if [ -n "$OLD" ]; then for n in m1 m2 m3 a4 a5 a6; do RUNS[$n]=$OLD; done; fi

"$HERE/netlab.sh" up 7
for i in 1 2 3; do start_master "$i"; done
for _ in $(seq 1 400); do ca_sync && break; sleep 0.1; done
for i in 1 2 3; do
  nsenter --net="$(ns "$i")" "$PY" "$HERE/api-client.py" poll "https://$(ip_of "$i"):5050" "$TOKEN" "$T/status.jsonl" 1800 "$T/stop" &
  BG+=($!)
done
for i in 4 5 6; do start_agent "$i"; done
L=$(need_leader "start")
[ -n "$L" ] || exit 1
log "master $L leads; binary $BIN"
for _ in $(seq 1 150); do [ "$(status_field "$L" agents)" = 3 ] && break; sleep 0.2; done
[ "$(status_field "$L" agents)" = 3 ] || { violation "start: 3 agents not registered within 30 s"; exit 1; }

jobs_code=$(on7 "$PY" -c 'import sys; sys.path.insert(0, sys.argv[1]); from reliability_http import Api
print(Api(sys.argv[2].split(","), sys.argv[3]).get("/v1/jobs")[0])' "$HERE" "$URLS" "$TOKEN")
if [ "$jobs_code" = 200 ]; then JOBS=1; log "jobs workload: enabled (GET /v1/jobs answered 200)"
else log "jobs workload: not run (GET /v1/jobs answered $jobs_code)"; fi
for c in $(seq 1 "$CLIENTS"); do
  on7 "$PY" "$HERE/reliability-workload.py" "$URLS" "$TOKEN" "$T/ops-$c.jsonl" "$T/ran" "$c" 1800 "$T/stop" "$T/pause" \
    $([ "$JOBS" = 1 ] && echo jobs) &
  BG+=($!)
done
sleep "$HOLD"; healed
round_check start

if [ -n "$OLD" ]; then
  CYCLES=0
  log "rolling upgrade from $("$OLD" version) to $("$BIN" version)"
  for i in 4 5 6; do
    log "upgrade of the agent on host $i"; upgrade "a$i" "$BIN"; sleep "$HOLD"; healed
    round_check "agent upgraded"
  done
  L=$(need_leader "upgrade"); [ -n "$L" ] || exit 1
  for i in 1 2 3; do
    [ "$i" = "$L" ] && continue
    log "upgrade of follower master $i"; upgrade "m$i" "$BIN"; sleep "$HOLD"; healed
    round_check "follower master upgraded"
  done
  log "upgrade of leader master $L (last; it hands over)"; upgrade "m$L" "$BIN"; sleep "$HOLD"; healed
  L=$(need_leader "after the leader's upgrade"); round_check "leader master upgraded"
  # Every master now tells its version in the handshake (an older build tells none: "None" here).
  v=$(unknown_versions "$L"); [ "$v" = 0 ] || violation "after the upgrade, $v masters report no version in /v1/status"
  F=$(( L % 3 + 1 ))
  log "downgrade of follower master $F back to the older build"; upgrade "m$F" "$OLD"; sleep "$HOLD"; healed
  round_check "follower master downgraded"
  v=$(unknown_versions "$L"); [ "$v" = 1 ] || violation "after the downgrade, $v masters (not 1) report no version in /v1/status"
fi

for cycle in $(seq 1 "$CYCLES"); do
  log "== cycle $cycle of $CYCLES"
  L=$(need_leader "cycle $cycle"); [ -n "$L" ] || break
  log "kill -9 of leader $L"; kill9 "m$L"; hold; start_master "$L"; healed
  round_check "kill -9 + restart of the leader"

  L=$(need_leader "follower kill"); F=$(( ${L:-1} % 3 + 1 ))
  log "kill -9 of follower $F"; kill9 "m$F"; hold; start_master "$F"; healed
  round_check "kill -9 + restart of a follower"

  A=$(( (cycle - 1) % 3 + 4 ))
  log "kill -9 of agent on host $A"; kill9 "a$A"; hold; start_agent "$A"; healed
  round_check "kill -9 + restart of an agent"

  L=$(need_leader "partition")
  if [ -n "$L" ]; then
    others=(); for i in 1 2 3; do [ "$i" != "$L" ] && others+=("$i"); done
    log "partition: leader $L cut from masters ${others[*]}"
    for i in "${others[@]}"; do "$HERE/netlab.sh" cut "$L" "$i"; done
    L2=$(wait_leader 20); [ -n "$L2" ] && [ "$L2" != "$L" ] || { sleep 2; L2=$(leader); }
    [ -n "$L2" ] && [ "$L2" != "$L" ] || violation "partition: the majority elected no other leader than $L within 20 s"
    hold; "$HERE/netlab.sh" heal; healed; log "healed (majority leader ${L2:-none})"
    round_check "partition of the leader, healed"
  fi

  A=$(( cycle % 3 + 4 ))
  log "agent host $A cut off for $((AGENT_TIMEOUT + 6)) s"
  "$HERE/netlab.sh" isolate "$A"; CUT_MS=$(date +%s%3N)
  sleep $((AGENT_TIMEOUT + 5))
  check dead-agent "$URLS" "$TOKEN" "$A"
  sleep 1; "$HERE/netlab.sh" heal; healed; log "agent host $A plugged back after $(( ($(date +%s%3N) - CUT_MS) / 1000 )) s"
  round_check "agent host cut off, healed"

  M=$(( (cycle - 1) % 3 + 1 ))
  log "20% packet loss on master host $M for $((HOLD * 2)) s"
  "$HERE/netlab.sh" loss "$M" 20; sleep $((HOLD * 2)); "$HERE/netlab.sh" heal; healed
  round_check "20% packet loss on a master host"

  log "power cycle: all masters killed -9"
  for i in 1 2 3; do kill9 "m$i"; done
  sleep 1; for i in 1 2 3; do start_master "$i"; done; healed
  L=$(need_leader "power cycle"); log "power cycle: leader ${L:-none}"
  round_check "power cycle of all masters"
done

# Partition rounds (issue 22; docs/scheduling.md "Unreachable instances and the instance count"): two apps with
# ["labhost", "UNIQUE"] and inactiveAfterSeconds 1: /lab-pinned needs all three agent hosts (a cut agent's instance has
# no free host), /lab-uniq two (its instance is replaced, and one too many when the agent returns). After each round the
# processes really running must match the committed view; at the end each master's raft.db is replayed and checked.
pcheck() {
  local out; out=$(on7 "$PY" "$HERE/partition-check.py" "$@" 2>&1) || true
  printf '%s\n' "$out" | sed 's/^/         /'
  grep '^VIOLATION: ' <<<"$out" | sed 's/^VIOLATION: //' >>"$T/violations" && failed=1 || true
}
settle() { pcheck settle "$URLS" "$TOKEN" "$BOUND" "$1"; echo "$1" >>"$T/faults"; }
PAST=$((AGENT_TIMEOUT + 3))
if [ -z "$OLD" ]; then
PSTART=$(date +%s)
log "== partition rounds: /lab-uniq (2) and /lab-pinned (3), [labhost, UNIQUE], cuts of $PAST s (timeout $AGENT_TIMEOUT s)"
pcheck deploy "$URLS" "$TOKEN"
settle "partition: apps deployed"
H=$(on7 "$PY" "$HERE/partition-check.py" where "$URLS" "$TOKEN" 2>/dev/null || true); [[ "$H" =~ ^[456]$ ]] || H=4
log "agent host $H cut past the timeout (its /lab-pinned instance has no free host, its /lab-uniq one is replaced)"
# Long enough for the replacement to be placed and start (unreachable at the timeout, inactive 1 s later, then a pass).
"$HERE/netlab.sh" isolate "$H"; sleep $((PAST + 6)); "$HERE/netlab.sh" plug "$H"
settle "partition: agent cut past the timeout, no free host"
L=$(need_leader "partition + leader kill")
log "agent host 5 cut past the timeout, leader ${L:-none} killed -9 meanwhile"
"$HERE/netlab.sh" isolate 5; sleep $((AGENT_TIMEOUT + 1))
[ -n "$L" ] && kill9 "m$L"
sleep 2; "$HERE/netlab.sh" plug 5; [ -n "$L" ] && start_master "$L"
settle "partition: agent cut plus leader kill"
log "agent on host 6 killed -9 for $PAST s, restarted (its tasks keep running)"
kill9 a6; sleep "$PAST"; start_agent 6
settle "partition: agent killed past the timeout and restarted"
log "agent hosts 4 and 5 cut, back 4 then 5"
"$HERE/netlab.sh" isolate 4; "$HERE/netlab.sh" isolate 5; sleep "$PAST"; "$HERE/netlab.sh" plug 4; sleep 3; "$HERE/netlab.sh" plug 5
settle "partition: two agents cut, back in one order"
log "agent hosts 4 and 5 cut, back 5 then 4"
"$HERE/netlab.sh" isolate 4; "$HERE/netlab.sh" isolate 5; sleep "$PAST"; "$HERE/netlab.sh" plug 5; sleep 3; "$HERE/netlab.sh" plug 4
settle "partition: two agents cut, back in the other order"
log "partition rounds took $(( $(date +%s) - PSTART )) s"
else
  # Their apps use unreachableStrategy, which a cluster with an older master refuses (409) until every master reads it.
  log "partition rounds: not in the upgrade lab (a downgraded master is in the cluster: the apps' unreachableStrategy is refused with 409)"
  code=$(on7 curl -s -o /dev/null -w '%{http_code}' -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"id":"/gated","cmd":"sleep 1","instances":0,"unreachableStrategy":{"inactiveAfterSeconds":1,"expungeAfterSeconds":600}}' \
    "https://198.18.0.$(need_leader "gated app"):5050/v2/apps/gated" || true)
  [ "$code" = 409 ] || violation "an app with unreachableStrategy in a cluster with an older master got $code, not 409"
fi

touch "$T/stop"
for p in "${BG[@]}"; do wait "$p" 2>/dev/null || true; done; BG=()
for i in 1 2 3; do
  n=$(grep -c 'forming a new cluster' "$T/m$i.log" || true)
  [ "$n" = 1 ] || violation "master $i bootstrapped $n times (must be exactly once)"
done
# The masters stopped, each one's history is checked (check_history), the masters that applied the same entries must
# agree on the state, and every committed entry must have been covered by some check (the lab fails naming the gaps).
for i in 1 2 3; do
  [ -n "${PID[m$i]:-}" ] || continue
  kill -TERM "${PID[m$i]}" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "${PID[m$i]}" 2>/dev/null || break; sleep 0.2; done
  kill9 "m$i"
done
declare -A DIGEST=()
for i in 1 2 3; do
  HOUT=""; check_history "$i"
  at=$(sed -n 's/^state at entry \([0-9]*\): sha256 \([0-9a-f]*\)$/\1 \2/p' <<<"$HOUT")
  if [ -n "$at" ]; then
    prev=${DIGEST[${at% *}]:-}
    [ -z "$prev" ] || [ "$prev" = "${at#* }" ] || violation "masters differ in their state at entry ${at% *} (replayed from their logs)"
    DIGEST[${at% *}]=${at#* }
  fi
done
touch "$T/history-ranges"
# Every committed entry, 1 to the last, must have been checked by at least one replay: master 3 keeps its whole log, and
# a leader keeps 5,000 entries below its snapshots, so master 3 catches up with entries after a restart or a cut.
cover=$("$PY" - "$T/history-ranges" <<'PYEOF'
import sys
ranges = sorted(tuple(map(int, line.split())) for line in open(sys.argv[1]) if line.strip())
last = max((a for _, a, _ in ranges), default=0)
gaps, upto = [], 0
for snap, applied, _ in ranges:
    if snap > upto:
        gaps.append(f"{upto + 1}..{snap}")
    upto = max(upto, applied, snap)
covered = last - sum(int(g.split("..")[1]) - int(g.split("..")[0]) + 1 for g in gaps)
longest = max((x for _, _, x in ranges), default=0)
print(f"history: {len(ranges)} replays (before each master restart and at the end); committed entries 1..{last}: "
      f"{covered} checked, not covered: {', '.join(gaps) if gaps else 'none'}; extra_live_ms (longest) {longest}")
PYEOF
)
printf '%s\n' "$cover" | sed 's/^/         /'
[[ "$cover" == *"not covered: none;"* ]] && [[ "$cover" != *"entries 1..0:"* ]] || violation "the history checks did not cover every committed entry: ${cover#history: }"

set +e
on7 "$PY" "$HERE/reliability-check.py" report "$T" "$(( ($(date +%s%3N) - START_MS) / 1000 ))" "$JOBS"
rc=$?
set -e
[ "$rc" = 0 ] || failed=1
[ "$failed" = 0 ] || exit 1

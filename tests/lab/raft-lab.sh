#!/usr/bin/env bash
# raft-lab.sh -- real `minimesos master` processes on 3 namespace hosts (198.18.0.1-3), real faults:
#   1. a client keeps submitting tasks through a follower; the leader is killed (-9) mid-loop; a new leader
#      takes over and EVERY acknowledged (201) task id is in GET /v1/tasks afterwards;
#   2. the old leader restarts on its data dir and catches up (applied index, task count);
#   3. the leader is isolated: it steps down (CheckQuorum), the majority elects a leader and takes writes;
#      after plug the cluster converges to one leader;
#   4. all three masters are killed at once and restarted: the cluster re-forms by itself, nothing acknowledged
#      is lost, and no master bootstraps a second time.
# Throughout, every master's /v1/status is polled and the masters' logs are read: no term may have two leaders.
# Prints a short report; exits non-zero on any violation. Needs root, iproute2, nsenter, curl, jq, python3. About 30 s.
#
# Usage: tests/lab/raft-lab.sh [path/to/minimesos | path/to/minimesos.dll]
#   default: out/minimesos if built (packaging/publish.sh linux-x64 out), else bin/Debug/net10.0/minimesos.dll
#   (dotnet build MiniMesos.csproj).
set -Eeuo pipefail
# A command that fails outside a check (set -e) names itself instead of ending the lab silently.
trap 'echo "raft-lab: stopped at line $LINENO: $BASH_COMMAND (exit $?)" >&2' ERR
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export NETLAB_PREFIX=mm$$
P=$NETLAB_PREFIX
START_MS=$(date +%s%3N)
MAX_SECONDS=170

target=${1:-}
if [ -z "$target" ]; then
  if [ -x "$ROOT/out/minimesos" ]; then target=$ROOT/out/minimesos
  elif [ -f "$ROOT/bin/Debug/net10.0/minimesos.dll" ]; then target=$ROOT/bin/Debug/net10.0/minimesos.dll
  else
    echo "raft-lab: no minimesos binary: build one with 'packaging/publish.sh linux-x64 out' or 'dotnet build MiniMesos.csproj'" >&2
    exit 2
  fi
fi
case "$target" in
*.dll) BIN=(dotnet "$(realpath "$target")") ;;
*) BIN=("$(realpath "$target")") ;;
esac
for tool in ip nsenter curl jq; do command -v $tool >/dev/null || { echo "raft-lab: needs $tool" >&2; exit 2; }; done
[ "$(id -u)" = 0 ] || { echo "raft-lab: needs root (network namespaces)" >&2; exit 2; }

T=$(mktemp -d /tmp/raft-lab.XXXXXX)
TOKEN="lab-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$TOKEN" >"$T/token"; chmod 600 "$T/token"
declare -A PID=()
POLLERS=()
CLIENT=""
failed=0
violations=()

log() { printf '%6.1fs %s\n' "$(( $(date +%s%3N) - START_MS ))e-3" "$*"; }
violation() { violations+=("$*"); log "VIOLATION: $*"; failed=1; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  touch "$T/stop" 2>/dev/null || true
  [ -n "$CLIENT" ] && kill "$CLIENT" 2>/dev/null || true
  for p in "${POLLERS[@]}"; do kill "$p" 2>/dev/null || true; done
  for i in "${!PID[@]}"; do kill -9 "${PID[$i]}" 2>/dev/null || true; done
  for i in "${!PID[@]}"; do wait "${PID[$i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$rc" != 0 ] || [ "$failed" != 0 ]; then
    for f in "$T"/m*.log; do [ -f "$f" ] && { echo "---- tail of $(basename "$f")"; tail -n 40 "$f"; }; done
    [ -f "$T/client.log" ] && { echo "---- tail of client.log"; tail -n 15 "$T/client.log"; }
  fi
  "$HERE/netlab.sh" down || true
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ns() { echo "$P-ns$1"; }
ip_of() { echo "198.18.0.$1"; }
# HTTPS with the cluster CA (curl --cacert $T/ca.pem): each master writes it to its data dir once the cluster has
# elected its first leader; until then calls fail and the loops retry.
. "$HERE/ca-sync.sh"
# api I METHOD PATH [BODY] -> prints "CODE BODY" (CODE 000 when unreachable); runs on host I against its own master.
api() {
  local i=$1 method=$2 path=$3 body=${4:-} out
  ca_sync || true
  local args=(-s -m "${API_TIMEOUT:-3}" --cacert "$T/ca.pem" -o - -w '\n%{http_code} %{time_total}' -X "$method" -H "Authorization: Bearer $TOKEN")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' -d "$body")
  # nsenter joins only the network namespace: ~10 ms, where `ip netns exec` (which remounts /sys) takes ~200 ms.
  out=$(nsenter --net="/run/netns/$(ns "$i")" curl "${args[@]}" "https://$(ip_of "$i"):5050$path" 2>/dev/null) || true
  local tail=${out##*$'\n'}
  printf '%s %s\n' "${tail%% *}" "${out%$'\n'*}"
}
status_field() { local r; r=$(API_TIMEOUT=1 api "$1" GET /v1/status); [ "${r%% *}" = 200 ] && jq -r "$2" <<<"${r#* }" || echo ""; }

start_master() {
  local i=$1
  mkdir -p "$T/d$i"
  ip netns exec "$(ns "$i")" "${BIN[@]}" master --listen "$(ip_of "$i")" --port 5050 --cluster-port 5051 \
    --data-dir "$T/d$i" --token-file "$T/token" --cluster lab --join 198.18.0.1:5051,198.18.0.2:5051,198.18.0.3:5051 \
    --bootstrap-expect 3 --advertise-addr "$(ip_of "$i")" >>"$T/m$i.log" 2>&1 &
  PID[$i]=$!
}

# leader_of I... -> index of the master that the first answering one of I... calls leader and that agrees, else "".
leader_index() {
  local i role
  for i in "$@"; do
    role=$(status_field "$i" .role)
    [ "$role" = leader ] && { echo "$i"; return; }
  done
  echo ""
}
# wait_leader SECONDS I... -> index of a leader among I... (empty on timeout)
wait_leader() {
  local deadline=$(( $(date +%s) + $1 )) l; shift
  while [ "$(date +%s)" -lt "$deadline" ]; do
    l=$(leader_index "$@"); [ -n "$l" ] && { echo "$l"; return; }
    sleep 0.1
  done
  echo ""
}

PY=${PYTHON:-/usr/bin/python3}
# Every 100 ms, each master's own view, asked from inside its host (so isolation does not hide it).
start_pollers() {
  local i
  for i in 1 2 3; do
    nsenter --net="/run/netns/$(ns "$i")" env SSL_CERT_FILE="$T/ca.pem" "$PY" "$HERE/api-client.py" poll "https://$(ip_of "$i"):5050" "$TOKEN" \
      "$T/status.jsonl" "$MAX_SECONDS" "$T/stop" &
    POLLERS+=($!)
  done
}
# client VIA MAX SECONDS: submits tasks through master VIA; client.log gets "ms code id seconds" per attempt.
client() {
  nsenter --net="/run/netns/$(ns "$1")" env SSL_CERT_FILE="$T/ca.pem" "$PY" "$HERE/api-client.py" submit "https://$(ip_of "$1"):5050" "$TOKEN" \
    "$T/client.log" "$2" "$3" "$T/stop"
}
acked_ids() { awk '$2 == 201 { print $3 }' "$T/client.log"; cat "$T/acked"; }

"$HERE/netlab.sh" up 3
: >"$T/acked"; : >"$T/client.log"; : >"$T/status.jsonl"
for i in 1 2 3; do start_master "$i"; done
# The pollers speak HTTPS (SSL_CERT_FILE): wait for the cluster CA, which the first leader creates (40 s, as for a leader).
for _ in $(seq 1 400); do ca_sync && break; sleep 0.1; done
start_pollers

L=$(wait_leader 40 1 2 3)
[ -n "$L" ] || { violation "no leader within 40 s of starting three masters"; exit 1; }
TERM1=$(status_field "$L" .term)
log "master $L ($(ip_of "$L")) leads term $TERM1"

# ---- 1. kill -9 the leader while a client writes through a follower
F=$(( L % 3 + 1 ))
client "$F" 400 20 & CLIENT=$!
for _ in $(seq 1 80); do [ "$(acked_ids | wc -l)" -ge 50 ] && break; sleep 0.1; done
before=$(acked_ids | wc -l)
[ "$before" -gt 0 ] || violation "no write acknowledged through follower $F before the kill"
KILL_MS=$(date +%s%3N)
kill -9 "${PID[$L]}"; wait "${PID[$L]}" 2>/dev/null || true; unset "PID[$L]"
log "killed leader $L (-9) after $before acknowledged writes"
survivors=(); for i in 1 2 3; do [ "$i" != "$L" ] && survivors+=("$i"); done
L2=$(wait_leader 15 "${survivors[@]}")
[ -n "$L2" ] || violation "no new leader among ${survivors[*]} within 15 s of the kill"
wait "$CLIENT" || true; CLIENT=""
first_ack=$(awk -v k="$KILL_MS" '$1 - $4 * 1000 > k && $2 == 201 { print $1; exit }' "$T/client.log")
if [ -n "$first_ack" ]; then FAILOVER_MS=$((first_ack - KILL_MS)); else FAILOVER_MS=""; violation "no write acknowledged after the kill"; fi
log "new leader ${L2:-none}; first write acknowledged $FAILOVER_MS ms after the kill; $(acked_ids | wc -l) acknowledged so far"

# check_acked VIA: every acknowledged id is in GET /v1/tasks (asked through master VIA); prints the lost count.
check_acked() {
  local r="" try
  # A leader elected a moment ago may answer 503 until it has committed in its term: a few tries, then say so.
  for try in 1 2 3 4 5 6 7 8 9 10; do
    r=$(API_TIMEOUT=5 api "$1" GET /v1/tasks)
    [ "${r%% *}" = 200 ] && jq -e '.tasks' <<<"${r#* }" >/dev/null 2>&1 && break
    r=""; sleep 0.5
  done
  [ -n "$r" ] || { echo "unreadable"; return; }
  jq -r '.tasks[].id' <<<"${r#* }" | sort -u >"$T/present"
  acked_ids | sort -u | comm -23 - "$T/present" | tee "$T/lost" | wc -l
}
[ -n "$L2" ] && { lost=$(check_acked "$L2"); [ "$lost" = 0 ] || violation "after failover $lost acknowledged task(s) missing: $(head -3 "$T/lost" | tr '\n' ' ')"; }

# ---- 2. the old leader restarts on its data dir and catches up
start_master "$L"
leader_commit=$(status_field "${L2:-$F}" .commit)
leader_tasks=$(status_field "${L2:-$F}" '[.tasks[]] | add // 0')
caught=""
for _ in $(seq 1 200); do
  applied=$(status_field "$L" .applied); tasks=$(status_field "$L" '[.tasks[]] | add // 0')
  if [ -n "$applied" ] && [ "$applied" -ge "${leader_commit:-0}" ] && [ "$tasks" = "$leader_tasks" ]; then caught=1; break; fi
  sleep 0.1
done
[ -n "$caught" ] || violation "restarted master $L did not catch up within 20 s (applied ${applied:-?} < ${leader_commit:-?} or tasks ${tasks:-?} != $leader_tasks)"
log "restarted master $L caught up: applied ${applied:-?} >= leader commit $leader_commit, $tasks tasks"

# ---- 3. isolate the leader: it steps down, the majority elects a leader and takes writes; plug heals
L3=$(wait_leader 10 1 2 3)
[ -n "$L3" ] || violation "no leader before the partition"
OLDTERM=$(status_field "$L3" .term)
ISO_MS=$(date +%s%3N)
"$HERE/netlab.sh" isolate "$L3"
log "isolated leader $L3 (term $OLDTERM)"
majority=(); for i in 1 2 3; do [ "$i" != "$L3" ] && majority+=("$i"); done
# A write sent to the isolated leader must not be acknowledged (it cannot reach a quorum); if it is, the
# id goes into acked and must survive like any other.
( r=$(API_TIMEOUT=4 api "$L3" POST /v1/tasks '{"args":["true"],"cpus":0.01,"mem":1}')
  [ "${r%% *}" = 201 ] && jq -r .id <<<"${r#* }" >>"$T/acked"
  echo "${r%% *}" >"$T/isolated-write" ) &
ISOWRITE=$!
# A read from the isolated leader must not be answered from its possibly stale state (ReadIndex needs a quorum).
( r=$(API_TIMEOUT=8 api "$L3" GET /v1/tasks); echo "${r%% *}" >"$T/isolated-read" ) &
ISOREAD=$!
STEP_MS=""
for _ in $(seq 1 100); do
  role=$(status_field "$L3" .role)
  [ -n "$role" ] && [ "$role" != leader ] && { STEP_MS=$(( $(date +%s%3N) - ISO_MS )); break; }
  sleep 0.1
done
[ -n "$STEP_MS" ] || violation "isolated leader $L3 still says it leads 10 s after the partition"
L4=$(wait_leader 15 "${majority[@]}")
NEWLEADER_MS=$(( $(date +%s%3N) - ISO_MS ))
[ -n "$L4" ] || violation "the majority (${majority[*]}) elected no leader within 15 s"
log "isolated master stepped down after ${STEP_MS:-?} ms; majority leader ${L4:-none} after $NEWLEADER_MS ms"
part_acked=0
if [ -n "$L4" ]; then
  for _ in $(seq 1 60); do
    r=$(api "${majority[1]}" POST /v1/tasks '{"args":["true"],"cpus":0.01,"mem":1}')
    [ "${r%% *}" = 201 ] && { jq -r .id <<<"${r#* }" >>"$T/acked"; part_acked=$((part_acked + 1)); }
    [ $part_acked -ge 20 ] && break
  done
  [ $part_acked -ge 20 ] || violation "majority side acknowledged only $part_acked of 20 writes"
fi
"$HERE/netlab.sh" plug "$L3"
log "plugged $L3 back"
converged=""
for _ in $(seq 1 200); do
  a=$(for i in 1 2 3; do status_field "$i" '"\(.leader) \(.term) \(.applied)"'; done | sort -u)
  if [ "$(wc -l <<<"$a")" = 1 ] && [ "${a%% *}" != null ] && [ -n "${a%% *}" ]; then converged=1; break; fi
  sleep 0.1
done
[ -n "$converged" ] || violation "masters did not converge to one leader and one applied index within 20 s: $(tr '\n' ';' <<<"$a")"
FINAL_LEADER=$(leader_index 1 2 3)
log "converged: leader ${FINAL_LEADER:-?}, leader/term/applied $a"
wait "$ISOWRITE" 2>/dev/null || true
wait "$ISOREAD" 2>/dev/null || true
[ "$(cat "$T/isolated-read" 2>/dev/null)" != 200 ] || violation "the isolated leader answered a read (GET /v1/tasks) from its own, possibly stale, state"

# ---- 4. power cycle: every master killed at once, then all restarted: the cluster re-forms by itself,
#         keeps every acknowledged write, and no master bootstraps a second time
for i in 1 2 3; do kill -9 "${PID[$i]}" 2>/dev/null || true; done
for i in 1 2 3; do wait "${PID[$i]}" 2>/dev/null || true; done
CYCLE_MS=$(date +%s%3N)
log "power cycle: all masters killed"
for i in 1 2 3; do start_master "$i"; done
L5=$(wait_leader 20 1 2 3)
REFORM_MS=$(( $(date +%s%3N) - CYCLE_MS ))
[ -n "$L5" ] || violation "after the power cycle no leader within 20 s"
log "power cycle: leader ${L5:-none} after $REFORM_MS ms"
for i in 1 2 3; do
  n=$(grep -c 'forming a new cluster' "$T/m$i.log" || true)
  [ "$n" = 1 ] || violation "master $i bootstrapped $n times (must be exactly once)"
done
FINAL_LEADER=$(leader_index 1 2 3)

# ---- final checks
lost=$(check_acked "${FINAL_LEADER:-1}")
[ "$lost" = 0 ] || violation "$lost acknowledged task(s) missing at the end: $(head -3 "$T/lost" | tr '\n' ' ')"
touch "$T/stop"; for p in "${POLLERS[@]}"; do wait "$p" 2>/dev/null || true; done; POLLERS=()
samples=$(wc -l <"$T/status.jsonl")
dup_polled=$(jq -r 'select(.role == "leader") | "\(.term) \(.id)"' "$T/status.jsonl" | sort -u | awk '{ n[$1]++ } END { for (t in n) if (n[t] > 1) print t }')
[ -z "$dup_polled" ] || violation "two leaders seen in term(s) $dup_polled (status polls)"
grep -ho 'became the leader (term [0-9]*)' "$T"/m*.log | grep -o '[0-9]*' >"$T/terms" || true
# A master that never led has no such line: grep's "no match" must not end the lab (pipefail).
dup_logged=$(for i in 1 2 3; do { grep -ho 'became the leader (term [0-9]*)' "$T/m$i.log" | grep -o '[0-9]*' | sort -u | sed "s/$/ $i/"; } || true; done |
  awk '{ n[$1]++ } END { for (t in n) if (n[t] > 1) print t }')
[ -z "$dup_logged" ] || violation "two masters logged 'became the leader' in term(s) $dup_logged"

echo
echo "raft-lab report ($(( ($(date +%s%3N) - START_MS) / 1000 )) s, binary ${BIN[*]})"
echo "  acknowledged writes:   $(acked_ids | sort -u | wc -l) ($(awk '$2 != 201' "$T/client.log" | wc -l) client attempts refused or timed out during failover)"
echo "  lost acknowledged:     $lost"
echo "  client POST latency:   median $(awk '$2 == 201 { print $4 }' "$T/client.log" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }') s ($(wc -l <"$T/client.log") attempts through a follower)"
echo "  kill -9 failover:      ${FAILOVER_MS:-?} ms (kill of leader to first acknowledged write through a survivor)"
echo "  isolated leader:       stepped down after ${STEP_MS:-?} ms (a write sent to it got HTTP $(cat "$T/isolated-write" 2>/dev/null || echo '?'), a read HTTP $(cat "$T/isolated-read" 2>/dev/null || echo '?')); majority leader after $NEWLEADER_MS ms; $part_acked writes on the majority side"
echo "  power cycle:           all 3 masters killed -9 and restarted: leader again after ${REFORM_MS:-?} ms, one bootstrap per master"
echo "  leaders by term:       $(sort -nu "$T/terms" | wc -l) terms with a leader, none with two ($samples status samples)"
if [ "$failed" != 0 ]; then
  echo "FAILED:"; printf '  %s\n' "${violations[@]}"; exit 1
fi
echo "raft-lab: ok"

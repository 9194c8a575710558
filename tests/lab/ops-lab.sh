#!/usr/bin/env bash
# ops-lab.sh -- backups and lost-quorum recovery with real processes on namespace hosts (masters on 198.18.0.1-3,
# an agent on 198.18.0.4; docs/operations.md):
#   1. backup under load: a client keeps writing role weights through a follower while `minimesos snapshot save`
#      runs; an app (2 instances) and a one-shot task run on the agent. Then everything is killed -9, the masters'
#      data dirs are wiped, three fresh masters form a new cluster, `minimesos snapshot restore` brings the backup
#      back and the agent restarts: every write acknowledged before the save began is there, and the app's two
#      instances and the task are RUNNING with their old ids, each as exactly one process (nothing started twice);
#      the agent is then stopped (SIGTERM) and started again, as in an upgrade: its tasks keep running.
#   2. lost quorum: the leader and a follower are killed -9 for good (their data dirs wiped), the third master is
#      stopped, `minimesos master recover` makes it the only member, it leads alone, and two fresh masters join with
#      `minimesos master add`: three voters that all applied the log, and the restored writes are still there.
# Exits non-zero on any violation; cleans up its namespaces, processes and task cgroups. Needs root, iproute2,
# nsenter, curl, jq. About 90 s.
# Usage: tests/lab/ops-lab.sh path/to/minimesos
set -Eeuo pipefail
trap 'echo "ops-lab: stopped at line $LINENO: $BASH_COMMAND (exit $?)" >&2' ERR
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=$(realpath "${1:?usage: ops-lab.sh path/to/minimesos}")
for tool in ip nsenter curl jq; do command -v $tool >/dev/null || { echo "ops-lab: needs $tool" >&2; exit 2; }; done
[ "$(id -u)" = 0 ] || { echo "ops-lab: needs root (network namespaces)" >&2; exit 2; }
export NETLAB_PREFIX=mm$$
P=$NETLAB_PREFIX
T=$(mktemp -d /run/ops-lab.XXXXXX)   # not /tmp: every task has its own /tmp
chmod 755 "$T"
TOKEN="lab-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$TOKEN" >"$T/token"; chmod 600 "$T/token"
declare -A PID=()
WRITER=""
TASK_IDS=()
START_MS=$(date +%s%3N)

log() { printf '%6.1fs %s\n' "$(( $(date +%s%3N) - START_MS ))e-3" "$*"; }
fail() { log "VIOLATION: $*"; exit 1; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  touch "$T/stop" 2>/dev/null || true
  [ -n "$WRITER" ] && kill "$WRITER" 2>/dev/null || true
  for i in "${!PID[@]}"; do kill -9 "${PID[$i]}" 2>/dev/null || true; done
  for i in "${!PID[@]}"; do wait "${PID[$i]}" 2>/dev/null || true; done
  # Tasks outlive a killed agent by design: end this lab's own tasks (only those) through their cgroups.
  local cg d id
  cg=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") { print $5; exit } break } }' /proc/self/mountinfo)
  if [ -n "$cg" ]; then
    for id in "${TASK_IDS[@]}"; do
      for d in $(find "$cg" -maxdepth 6 -type d -name "$id" 2>/dev/null); do echo 1 >"$d/cgroup.kill" 2>/dev/null || true; done
    done
    sleep 0.3
    for id in "${TASK_IDS[@]}"; do find "$cg" -maxdepth 6 -type d -name "$id" -exec rmdir {} \; 2>/dev/null || true; done
    rmdir "$cg/minimesos" 2>/dev/null || true
  fi
  if [ "$rc" != 0 ]; then for f in "$T"/*.log; do [ -f "$f" ] && { echo "---- tail of $(basename "$f")"; tail -n 30 "$f"; }; done; fi
  "$HERE/netlab.sh" down >/dev/null 2>&1 || true
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ns() { echo "/run/netns/$P-ns$1"; }
ip_of() { echo "198.18.0.$1"; }
# HTTPS with the cluster CA (curl --cacert $T/ca.pem): each master writes it to its data dir once the cluster has
# elected its first leader; until then calls fail and the loops retry.
. "$HERE/ca-sync.sh"
# api I METHOD PATH [BODY] -> the body; API_CODE holds the status (000 unreachable). Runs on host I against its own master.
api() {
  local i=$1 method=$2 path=$3 body=${4:-} out
  ca_sync || true
  local args=(-s -m 3 --cacert "$T/ca.pem" -o - -w '\n%{http_code}' -X "$method" -H "Authorization: Bearer $TOKEN")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' -d "$body")
  out=$(nsenter --net="$(ns "$i")" curl "${args[@]}" "https://$(ip_of "$i"):5050$path" 2>/dev/null) || true
  API_CODE=${out##*$'\n'}
  printf '%s\n' "${out%$'\n'*}"
}
# The CLI pins the CA it meets first in its config dir: this lab's own.
cli() { local i=$1; shift; XDG_CONFIG_HOME="$T/cli-config" nsenter --net="$(ns "$i")" "$BIN" "$@" --master "$(ip_of "$i"):5050" --token-file "$T/token"; }
start_master() { # start_master I EXPECT
  mkdir -p "$T/d$1"
  nsenter --net="$(ns "$1")" "$BIN" master --listen "$(ip_of "$1")" --data-dir "$T/d$1" --token-file "$T/token" --cluster lab \
    --join 198.18.0.1:5051,198.18.0.2:5051,198.18.0.3:5051 --bootstrap-expect "$2" --advertise-addr "$(ip_of "$1")" --no-mdns \
    >>"$T/m$1.log" 2>&1 &
  PID[m$1]=$!
}
start_agent() {
  nsenter --net="$(ns 4)" "$BIN" agent --master 198.18.0.1,198.18.0.2,198.18.0.3 --work-dir "$T/a" --token-file "$T/token" \
    --cluster lab --no-mdns >>"$T/agent.log" 2>&1 &
  PID[agent]=$!
}
kill9() { kill -9 "${PID[$1]}" 2>/dev/null || true; wait "${PID[$1]}" 2>/dev/null || true; unset "PID[$1]"; }
role_of() { api "$1" GET /v1/status | jq -r '.role // empty' 2>/dev/null || true; }
wait_leader() { # wait_leader SECONDS I... -> the leader's index
  local deadline=$(( $(date +%s) + $1 )) i; shift
  while [ "$(date +%s)" -lt "$deadline" ]; do
    for i in "$@"; do [ "$(role_of "$i")" = leader ] && { echo "$i"; return; }; done
    sleep 0.2
  done
  fail "no leader among masters $* within the time allowed"
}
wait_for() { # wait_for SECONDS WHAT COMMAND...
  local deadline=$(( $(date +%s) + $1 )) what=$2; shift 2
  until ca_sync; "$@"; do [ "$(date +%s)" -lt "$deadline" ] || fail "waited for $what"; sleep 0.2; done
}
# Every 50 ms a role weight through host 2; acks.log gets "n http-code sent-ms answered-ms" per write.
writer() {
  local n=0 t0 code
  while [ ! -e "$T/stop-writer" ] && [ "$n" -lt 2000 ]; do
    n=$((n + 1)); t0=$(date +%s%3N)
    code=$(nsenter --net="$(ns 2)" curl -s -m 3 --cacert "$T/ca.pem" -o /dev/null -w '%{http_code}' -X PUT -H "Authorization: Bearer $TOKEN" \
      -d '{"weight":2}' "https://198.18.0.2:5050/v1/roles/w$n" 2>/dev/null || true)
    echo "$n $code $t0 $(date +%s%3N)" >>"$T/acks.log"
    sleep 0.05
  done
}
app_tasks() { api "$1" GET /v2/apps/lab-web/tasks | jq -r '.tasks[] | select(.state == "TASK_RUNNING") | .id' 2>/dev/null | sort || true; }
processes() { pgrep -fxc "$1" || true; }
# This lab's task commands: unique to the run, so counting their processes cannot see another run's.
APP_CMD="sleep $((1000000 + $$))"
TASK_ARG=$((2000000 + $$))

"$HERE/netlab.sh" up 4 >/dev/null
for i in 1 2 3; do start_master "$i" 3; done
L=$(wait_leader 40 1 2 3)
start_agent
wait_for 30 "the agent to register" bash -c "[ \"\$(nsenter --net=$(ns 1) curl -s -m 2 --cacert $T/ca.pem -H 'Authorization: Bearer $TOKEN' https://198.18.0.1:5050/v1/status | jq .agents)\" = 1 ]"
log "round 1: 3 masters (leader $L) and an agent; an app of 2 instances, a task and a writer through master 2"
api "$L" POST /v2/apps "{\"id\":\"/lab-web\",\"cmd\":\"$APP_CMD\",\"instances\":2,\"cpus\":0.1,\"mem\":16}" >/dev/null
[ "$API_CODE" = 201 ] || fail "POST /v2/apps answered $API_CODE"
task=$(api "$L" POST /v1/tasks "{\"args\":[\"sleep\",\"$TASK_ARG\"],\"cpus\":0.1,\"mem\":16}" | jq -r .id)
TASK_IDS+=("$task")
wait_for 30 "the app's 2 instances to run" bash -c "[ \$(nsenter --net=$(ns $L) curl -s -m 2 --cacert $T/ca.pem -H 'Authorization: Bearer $TOKEN' https://$(ip_of "$L"):5050/v2/apps/lab-web/tasks | jq '[.tasks[] | select(.state == \"TASK_RUNNING\")] | length') = 2 ]"
before_app=$(app_tasks "$L")
mapfile -t app_ids <<<"$before_app"; TASK_IDS+=("${app_ids[@]}")
writer & WRITER=$!
sleep 2
save_ms=$(date +%s%3N)
cli 2 snapshot save "$T/backup.mmsnap" >"$T/save.out" || fail "snapshot save: $(cat "$T/save.out")"
log "$(cat "$T/save.out")"
sleep 1
touch "$T/stop-writer"; wait "$WRITER" || true; WRITER=""
"$BIN" snapshot inspect "$T/backup.mmsnap" --json >"$T/inspect.json"
[ "$(jq -r .counts.apps "$T/inspect.json")" = 1 ] || fail "the backup holds $(jq .counts.apps "$T/inspect.json") apps, not 1"
acked_before=$(awk -v s="$save_ms" '$2 == 200 && $4 < s { print $1 }' "$T/acks.log" | wc -l)
[ "$acked_before" -gt 5 ] || fail "only $acked_before writes were acknowledged before the save"
log "round 1: backup at index $(jq .index "$T/inspect.json") after $acked_before acknowledged writes; killing everything -9 and wiping the masters"

for i in 1 2 3; do kill9 "m$i"; done
kill9 agent
rm -rf "$T/d1" "$T/d2" "$T/d3"
for i in 1 2 3; do start_master "$i" 3; done
L=$(wait_leader 40 1 2 3)
# The new cluster made a CA of its own, so the CLI that pinned the old one refuses it (a different cluster, as far as it can
# tell): the restore goes through the new cluster's mm1 token, which pins the new CA (docs/operations.md). The restored
# state brings the backup's CA back, and the masters switch to it: the old pins hold again from then on.
wait_for 20 "the new leader's ca.pem" test -s "$T/d$L/ca.pem"
"$BIN" token show --data-dir "$T/d$L" --token-file "$T/token" >"$T/token.new" 2>/dev/null || fail "token show on the new leader failed"
if cli 2 status >"$T/restore.out" 2>&1; then  # host 2: where the CLI pinned the old CA (the save above)
  fail "the CLI accepted the new cluster's CA although it pinned the old cluster's"
fi
grep -q "pinned in" "$T/restore.out" || fail "the refusal of the new CA does not name the pin: $(cat "$T/restore.out")"
XDG_CONFIG_HOME="$T/cli-config" nsenter --net="$(ns "$L")" "$BIN" snapshot restore "$T/backup.mmsnap" --master "$(ip_of "$L"):5050" \
  --token-file "$T/token.new" >"$T/restore.out" 2>&1 || fail "snapshot restore: $(cat "$T/restore.out")"
log "round 1: $(cat "$T/restore.out")"
start_agent
wait_for 20 "the masters to switch back to the backup's CA (the old pin holds)" bash -c "XDG_CONFIG_HOME='$T/cli-config' nsenter --net='$(ns 2)' '$BIN' status --master '$(ip_of 2):5050' --token-file '$T/token' >/dev/null 2>&1"
roles=$(api "$L" GET /v1/roles | jq -r '.roles[].name')
missing=0
for n in $(awk -v s="$save_ms" '$2 == 200 && $4 < s { print $1 }' "$T/acks.log"); do grep -qx "w$n" <<<"$roles" || missing=$((missing + 1)); done
[ "$missing" = 0 ] || fail "$missing writes acknowledged before the save are missing after the restore"
wait_for 30 "the agent to register with the restored cluster" bash -c "[ \"\$(nsenter --net=$(ns $L) curl -s -m 2 --cacert $T/ca.pem -H 'Authorization: Bearer $TOKEN' https://$(ip_of "$L"):5050/v1/agents | jq -r '.agents[0].connected')\" = true ]"
sleep 3 # reconciliation and a few rounds of the apps loop: nothing may start a second copy meanwhile
after_app=$(app_tasks "$L")
[ "$after_app" = "$before_app" ] || fail "the app's running tasks changed across the restore: before [$before_app], after [$after_app]"
[ "$(api "$L" GET "/v1/tasks/$task" | jq -r .state)" = TASK_RUNNING ] || fail "task $task is not RUNNING after the restore"
[ "$(processes "$APP_CMD")" = 2 ] || fail "$(processes "$APP_CMD") app processes run, not 2"
[ "$(processes "sleep $TASK_ARG")" = 1 ] || fail "$(processes "sleep $TASK_ARG") task processes run, not 1"
log "round 1: all $acked_before writes acknowledged before the save are there; the app's 2 instances and the task run with their old ids, once each"

# The agent's upgrade step (docs/operations.md): stopped with SIGTERM and started again, its tasks keep running.
kill -TERM "${PID[agent]}"; wait "${PID[agent]}" 2>/dev/null || true; unset "PID[agent]"
[ "$(processes "$APP_CMD")" = 2 ] || fail "stopping the agent (SIGTERM) ended app processes: $(processes "$APP_CMD") left"
start_agent
wait_for 30 "the agent to register again" bash -c "[ \"\$(nsenter --net=$(ns $L) curl -s -m 2 --cacert $T/ca.pem -H 'Authorization: Bearer $TOKEN' https://$(ip_of "$L"):5050/v1/agents | jq -r '.agents[0].connected')\" = true ]"
sleep 2
[ "$(app_tasks "$L")" = "$before_app" ] || fail "the app's running tasks changed across an agent restart"
[ "$(processes "$APP_CMD")" = 2 ] && [ "$(processes "sleep $TASK_ARG")" = 1 ] || fail "an agent restart changed the task processes"
[ "$(api "$L" GET /v1/agents | jq -r '.agents[0].version')" = "$("$BIN" version | awk '{print $2}')" ] || fail "/v1/agents does not report the agent's version"
log "round 1: the agent stopped (SIGTERM) and restarted: its tasks kept running, reattached, and it reports its version"

# ---- round 2: lost quorum
S=$(( L % 3 + 1 ))
lost=()
for i in 1 2 3; do [ "$i" != "$S" ] && lost+=("$i"); done
sleep 2 # each master rewrites its peers file once a second
log "round 2: killing masters ${lost[*]} (leader $L among them) for good; master $S survives"
for i in "${lost[@]}"; do kill9 "m$i"; rm -rf "$T/d$i"; done
kill -TERM "${PID[m$S]}"; wait "${PID[m$S]}" 2>/dev/null || true; unset "PID[m$S]"
if nsenter --net="$(ns "$S")" "$BIN" master recover --data-dir "$T/d$S" --cluster lab >"$T/recover.out" 2>&1; then
  fail "master recover ran without --yes-i-lost-quorum"
fi
nsenter --net="$(ns "$S")" "$BIN" master recover --data-dir "$T/d$S" --cluster lab --yes-i-lost-quorum >"$T/recover.out" 2>&1 \
  || fail "master recover: $(cat "$T/recover.out")"
log "round 2: $(tail -n 1 "$T/recover.out")"
start_master "$S" 3
[ "$(wait_leader 30 "$S")" = "$S" ] || fail "the recovered master does not lead"
for i in "${lost[@]}"; do start_master "$i" 0; done
for i in "${lost[@]}"; do
  wait_for 20 "master $i's node id" test -s "$T/d$i/node-id"
  cli "$S" master add "$(cat "$T/d$i/node-id")" "$(ip_of "$i"):5051" >/dev/null || fail "master add of host $i failed"
done
wait_for 30 "three voters" bash -c "[ \$(nsenter --net=$(ns $S) curl -s -m 2 --cacert $T/ca.pem -H 'Authorization: Bearer $TOKEN' https://$(ip_of "$S"):5050/v1/masters | jq '[.masters[] | select(.role == \"leader\" or .role == \"follower\")] | length') = 3 ]"
api "$S" PUT /v1/roles/after-recovery '{"weight":3}' >/dev/null
[ "$API_CODE" = 200 ] || fail "a write after the recovery answered $API_CODE"
commit=$(api "$S" GET /v1/status | jq .commit)
for i in "${lost[@]}"; do
  wait_for 30 "fresh master $i to apply the log" bash -c "[ \$(nsenter --net=$(ns $i) curl -s -m 2 --cacert $T/ca.pem -H 'Authorization: Bearer $TOKEN' https://$(ip_of "$i"):5050/v1/status | jq .applied) -ge $commit ]"
done
roles=$(api "${lost[0]}" GET /v1/roles | jq -r '.roles[].name')
for n in $(awk -v s="$save_ms" '$2 == 200 && $4 < s { print $1 }' "$T/acks.log") ; do grep -qx "w$n" <<<"$roles" || fail "role w$n is missing after the recovery"; done
grep -qx after-recovery <<<"$roles" || fail "the write after the recovery is missing"
log "round 2: master $S recovered alone, two fresh masters added (3 voters, all applied up to $commit), nothing lost"
log "ops-lab: passed"

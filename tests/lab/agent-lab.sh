#!/usr/bin/env bash
# agent-lab.sh -- a real master (host 1) and agent (host 2) on namespace hosts, real faults on the agent:
#   1. kill -9 of the agent while a task runs and another is about to end: after a restart the running task is
#      reattached and keeps running, the one that ended meanwhile is reported with its real exit code;
#   2. the agent's host is cut off for less than the unreachable timeout (10 s): its task is still RUNNING after heal;
#   3. cut off for longer: the agent is unreachable and its task TASK_UNREACHABLE; after heal the agent re-registers
#      and the task, which kept running, is TASK_RUNNING again;
#   4. cut off past the gone timeout (here 8 s after unreachable): the agent is removed, its task TASK_GONE; after
#      heal the agent comes back and the master has it kill the task's process, which the cluster no longer places there.
# Exits non-zero on any violation; cleans up everything. Needs root, iproute2, curl, python3. About 70 s.
# Usage: tests/lab/agent-lab.sh path/to/minimesos
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
BIN="$(realpath "${1:?usage: agent-lab.sh path/to/minimesos}")"
export NETLAB_PREFIX="${NETLAB_PREFIX:-mm$$}"
T="$(mktemp -d /run/minimesos-agent-lab-XXXXXX)"   # not /tmp: every task has its own /tmp
chmod 755 "$T"   # tasks run as nobody and read the gate file below
pids=()
tasks=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  # Tasks outlive a killed agent by design: end this lab's own tasks (only those) through their cgroups.
  cg=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") { print $5; exit } break } }' /proc/self/mountinfo)
  if [ -n "$cg" ]; then
    for id in "${tasks[@]}"; do
      for d in $(find "$cg" -maxdepth 6 -type d -name "$id" 2>/dev/null); do echo 1 >"$d/cgroup.kill" 2>/dev/null || true; done
    done
    sleep 0.3
    for id in "${tasks[@]}"; do find "$cg" -maxdepth 6 -type d -name "$id" -exec rmdir {} \; 2>/dev/null || true; done
    # The agent's task-cgroup group (empty once its tasks are gone); rmdir refuses anything still in use.
    for d in "$cg"/minimesos; do rmdir "$d" 2>/dev/null || true; done
  fi
  if [ "$rc" != 0 ]; then for f in "$T"/*.log; do echo "--- $(basename "$f")"; tail -n 20 "$f"; done; fi
  "$HERE/netlab.sh" down >/dev/null 2>&1 || true
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT INT TERM
"$HERE/netlab.sh" up 2 >/dev/null
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$T/token"; chmod 600 "$T/token"
TOKEN=$(cat "$T/token")

ip netns exec "$NETLAB_PREFIX-ns1" "$BIN" master --listen 198.18.0.1 --data-dir "$T/m" --token-file "$T/token" --no-mdns \
  --agent-unreachable-timeout 10 --agent-gone-timeout 8 >>"$T/master.log" 2>&1 &
pids+=($!)
start_agent() {
  # nsenter joins only the network namespace; `ip netns exec` would remount /sys and hide the cgroup2 mount.
  nsenter --net="/run/netns/$NETLAB_PREFIX-ns2" "$BIN" agent --master 198.18.0.1 --work-dir "$T/a" --token-file "$T/token" --no-mdns >>"$T/agent.log" 2>&1 &
  AGENT=$!; pids+=($AGENT)
}
start_agent
# HTTPS, trusting the cluster CA the master writes to its data dir (there once the master has been elected).
api() { ip netns exec "$NETLAB_PREFIX-ns1" curl -s -m 3 --cacert "$T/m/ca.pem" -H "Authorization: Bearer $TOKEN" "$@"; }
field() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(d.get(sys.argv[1]))" "$1"; }
submit() { api -X POST "https://198.18.0.1:5050/v1/tasks" -d "{\"args\":[\"/bin/sh\",\"-c\",\"$1\"],\"cpus\":0.1,\"mem\":32}" | field id; }
agent_state() { api "https://198.18.0.1:5050/v1/agents" | /usr/bin/python3 -c "import json,sys; a=json.load(sys.stdin)['agents']; print(a[0]['state'] if a else 'none')"; }
state() { api "https://198.18.0.1:5050/v1/tasks/$1" | field "${2:-state}"; }
wait_state() { # wait_state ID STATE SECONDS
  for _ in $(seq 1 $(( $3 * 10 ))); do [ "$(state "$1")" = "$2" ] && return 0; sleep 0.1; done
  echo "agent-lab: task $1 is $(state "$1"), expected $2 within $3 s"; return 1
}
for _ in $(seq 1 100); do [ "$(api https://198.18.0.1:5050/v1/status | field agents 2>/dev/null)" = 1 ] && break; sleep 0.1; done

# ---- 1. kill -9 of the agent
long=$(submit "i=0; while [ ! -e $T/gate2 ]; do i=\$((i+1)); echo tick \$i; sleep 0.2; done; exit 4")
quick=$(submit "while [ ! -e $T/gate1 ]; do sleep 0.05; done; exit 5")
tasks+=("$long" "$quick")
wait_state "$long" TASK_RUNNING 15; wait_state "$quick" TASK_RUNNING 15
kill -9 "$AGENT"; wait "$AGENT" 2>/dev/null || true
touch "$T/gate1"; sleep 1
start_agent
wait_state "$quick" TASK_FAILED 20
[ "$(state "$quick" exit_code)" = 5 ] || { echo "agent-lab: the task that ended while the agent was down reported exit $(state "$quick" exit_code), not 5"; exit 1; }
echo "agent-lab: after kill -9 + restart, the task that ended meanwhile was reported with its real exit code 5"
before=$(api "https://198.18.0.1:5050/v1/tasks/$long/logs/stdout" | grep -c tick || true); sleep 1
after=$(api "https://198.18.0.1:5050/v1/tasks/$long/logs/stdout" | grep -c tick || true)
[ "$(state "$long")" = TASK_RUNNING ] && [ "$after" -gt "$before" ] || { echo "agent-lab: the running task was not reattached (state $(state "$long"), ticks $before -> $after)"; exit 1; }
echo "agent-lab: the running task was reattached and kept running ($before -> $after lines of output)"
touch "$T/gate2"
wait_state "$long" TASK_FAILED 20
[ "$(state "$long" exit_code)" = 4 ] || { echo "agent-lab: reattached task ended with $(state "$long" exit_code), not 4"; exit 1; }
echo "agent-lab: the reattached task's end was reported with its real exit code 4"

# ---- 2. a short cut: under the unreachable timeout the task survives
held=$(submit "i=0; while true; do i=\$((i+1)); echo held \$i; sleep 0.2; done")
tasks+=("$held")
wait_state "$held" TASK_RUNNING 15
"$HERE/netlab.sh" isolate 2; sleep 4; "$HERE/netlab.sh" plug 2; sleep 6
[ "$(state "$held")" = TASK_RUNNING ] || { echo "agent-lab: after a 4 s cut the task is $(state "$held"), not RUNNING"; exit 1; }
echo "agent-lab: a 4 s cut of the agent's host left its task RUNNING"

# ---- 3. a long cut: unreachable, then back
"$HERE/netlab.sh" isolate 2
wait_state "$held" TASK_UNREACHABLE 25
[ "$(agent_state)" = unreachable ] || { echo "agent-lab: the cut-off agent is $(agent_state), not unreachable"; exit 1; }
echo "agent-lab: a cut longer than the unreachable timeout marked the agent unreachable and its task UNREACHABLE ($(state "$held" message))"
"$HERE/netlab.sh" plug 2
wait_state "$held" TASK_RUNNING 25
[ "$(agent_state)" = active ] || { echo "agent-lab: the returned agent is $(agent_state), not active"; exit 1; }
echo "agent-lab: after heal the agent re-registered and its task, still running, is RUNNING again"

# ---- 4. a cut past the gone timeout: removed, its task GONE; on return the process is killed
"$HERE/netlab.sh" isolate 2
wait_state "$held" TASK_UNREACHABLE 25
wait_state "$held" TASK_GONE 20
[ "$(agent_state)" = none ] || { echo "agent-lab: the gone agent is still listed ($(agent_state))"; exit 1; }
echo "agent-lab: unreachable past the gone timeout, the agent was removed and its task is GONE"
"$HERE/netlab.sh" plug 2
for _ in $(seq 1 200); do [ "$(agent_state)" = active ] && break; sleep 0.1; done
[ "$(agent_state)" = active ] || { echo "agent-lab: the agent did not come back after heal ($(agent_state))"; exit 1; }
ticks() { api "https://198.18.0.1:5050/v1/tasks/$held/logs/stdout" | grep -c held || true; }
sleep 6; t1=$(ticks); sleep 1.5; t2=$(ticks)
[ "$t1" -gt 0 ] && [ "$t1" = "$t2" ] || { echo "agent-lab: the GONE task's process still runs on the returned agent ($t1 -> $t2 lines)"; exit 1; }
[ "$(state "$held")" = TASK_GONE ] || { echo "agent-lab: the GONE task is $(state "$held") after the agent returned"; exit 1; }
echo "agent-lab: the returned agent killed the process of the GONE task"
echo "agent-lab: ok"

#!/usr/bin/env bash
# agent-lab.sh -- a real master (host 1) and agent (host 2) on namespace hosts, real faults on the agent:
#   1. kill -9 of the agent while a task runs and another is about to end: after a restart the running task is
#      reattached and keeps running, the one that ended meanwhile is reported with its real exit code;
#   2. the agent's host is cut off for less than the agent timeout (10 s): its task is still RUNNING after heal;
#   3. cut off for longer: its task is marked LOST.
# Exits non-zero on any violation; cleans up everything. Needs root, iproute2, curl, python3. About 40 s.
# Usage: tests/lab/agent-lab.sh path/to/minimesos
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
BIN="$(realpath "${1:?usage: agent-lab.sh path/to/minimesos}")"
export NETLAB_PREFIX="mm$$"
T="$(mktemp -d /tmp/minimesos-agent-lab-XXXXXX)"
chmod 755 "$T"   # tasks run as nobody and read the gate file below
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  # Tasks outlive a killed agent by design: end them through their cgroups' init processes.
  pkill -9 -f "minimesos __task-init" 2>/dev/null || true
  # The agent's task-cgroup group (empty once its tasks are gone); rmdir refuses anything still in use.
  sleep 0.3; cg=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") { print $5; exit } break } }' /proc/self/mountinfo)
  [ -n "$cg" ] && for d in "$cg"/minimesos/*/ "$cg"/minimesos; do rmdir "$d" 2>/dev/null || true; done
  if [ "$rc" != 0 ]; then for f in "$T"/*.log; do echo "--- $(basename "$f")"; tail -n 20 "$f"; done; fi
  "$HERE/netlab.sh" down >/dev/null 2>&1 || true
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT INT TERM
"$HERE/netlab.sh" up 2 >/dev/null
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$T/token"; chmod 600 "$T/token"
TOKEN=$(cat "$T/token")

ip netns exec "$NETLAB_PREFIX-ns1" "$BIN" master --listen 198.18.0.1 --data-dir "$T/m" --token-file "$T/token" --no-mdns >>"$T/master.log" 2>&1 &
pids+=($!)
start_agent() {
  # nsenter joins only the network namespace; `ip netns exec` would remount /sys and hide the cgroup2 mount.
  nsenter --net="/run/netns/$NETLAB_PREFIX-ns2" "$BIN" agent --master 198.18.0.1 --work-dir "$T/a" --token-file "$T/token" --no-mdns >>"$T/agent.log" 2>&1 &
  AGENT=$!; pids+=($AGENT)
}
start_agent
api() { ip netns exec "$NETLAB_PREFIX-ns1" curl -s -m 3 -H "Authorization: Bearer $TOKEN" "$@"; }
field() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(d.get(sys.argv[1]))" "$1"; }
submit() { api -X POST "http://198.18.0.1:5050/v1/tasks" -d "{\"args\":[\"/bin/sh\",\"-c\",\"$1\"],\"cpus\":0.1,\"mem\":32}" | field id; }
state() { api "http://198.18.0.1:5050/v1/tasks/$1" | field "${2:-state}"; }
wait_state() { # wait_state ID STATE SECONDS
  for _ in $(seq 1 $(( $3 * 10 ))); do [ "$(state "$1")" = "$2" ] && return 0; sleep 0.1; done
  echo "agent-lab: task $1 is $(state "$1"), expected $2 within $3 s"; return 1
}
for _ in $(seq 1 100); do [ "$(api http://198.18.0.1:5050/v1/status | field agents 2>/dev/null)" = 1 ] && break; sleep 0.1; done

# ---- 1. kill -9 of the agent
long=$(submit "i=0; while [ ! -e $T/gate2 ]; do i=\$((i+1)); echo tick \$i; sleep 0.2; done; exit 4")
quick=$(submit "while [ ! -e $T/gate1 ]; do sleep 0.05; done; exit 5")
wait_state "$long" TASK_RUNNING 15; wait_state "$quick" TASK_RUNNING 15
kill -9 "$AGENT"; wait "$AGENT" 2>/dev/null || true
touch "$T/gate1"; sleep 1
start_agent
wait_state "$quick" TASK_FAILED 20
[ "$(state "$quick" exit_code)" = 5 ] || { echo "agent-lab: the task that ended while the agent was down reported exit $(state "$quick" exit_code), not 5"; exit 1; }
echo "agent-lab: after kill -9 + restart, the task that ended meanwhile was reported with its real exit code 5"
before=$(api "http://198.18.0.1:5050/v1/tasks/$long/logs/stdout" | grep -c tick || true); sleep 1
after=$(api "http://198.18.0.1:5050/v1/tasks/$long/logs/stdout" | grep -c tick || true)
[ "$(state "$long")" = TASK_RUNNING ] && [ "$after" -gt "$before" ] || { echo "agent-lab: the running task was not reattached (state $(state "$long"), ticks $before -> $after)"; exit 1; }
echo "agent-lab: the running task was reattached and kept running ($before -> $after lines of output)"
touch "$T/gate2"
wait_state "$long" TASK_FAILED 20
[ "$(state "$long" exit_code)" = 4 ] || { echo "agent-lab: reattached task ended with $(state "$long" exit_code), not 4"; exit 1; }
echo "agent-lab: the reattached task's end was reported with its real exit code 4"

# ---- 2. a short cut: under the agent timeout the task survives; 3. a long cut: it is LOST
held=$(submit "while true; do sleep 1; done")
wait_state "$held" TASK_RUNNING 15
"$HERE/netlab.sh" isolate 2; sleep 4; "$HERE/netlab.sh" plug 2; sleep 6
[ "$(state "$held")" = TASK_RUNNING ] || { echo "agent-lab: after a 4 s cut the task is $(state "$held"), not RUNNING"; exit 1; }
echo "agent-lab: a 4 s cut of the agent's host left its task RUNNING"
"$HERE/netlab.sh" isolate 2
wait_state "$held" TASK_LOST 25
echo "agent-lab: a cut longer than the agent timeout marked its task LOST ($(state "$held" message))"
"$HERE/netlab.sh" plug 2
echo "agent-lab: ok"

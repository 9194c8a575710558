#!/usr/bin/env bash
# mesh-lab.sh -- service ports and the routing mesh on namespace hosts, the issue's layout: three real masters (hosts
# 1-3, one Raft group, the API asked on host 1 whether it leads or forwards) and three agents (hosts 4-6, attribute
# labhost=N, virtual hosts on port 8080); mesh-check.py (run on host 4, which never runs the lab's instances) then checks:
#   1. a service port answers on an agent that runs no instance, and on the shared HTTP port by virtual host;
#   2. the instance that served is killed: every later connection is served (another instance is tried), and from 1 s
#      after the kill none reaches the killed one;
#   3. an instance whose health check fails leaves the rotation;
#   4. bad input: a service port outside the range (422) or taken (409) is refused, naming the port;
#   5. a deleted app's service port is closed on every agent.
# Exits non-zero on any violation; cleans up everything. Needs root, iproute2, python3. About 70 s.
# Usage: tests/lab/mesh-lab.sh path/to/minimesos
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
BIN="$(realpath "${1:?usage: mesh-lab.sh path/to/minimesos}")"
export NETLAB_PREFIX="${NETLAB_PREFIX:-mm$$}"
T="$(mktemp -d /run/minimesos-mesh-lab-XXXXXX)"   # not /tmp: every task has its own /tmp
chmod 755 "$T"   # tasks run as their own users and read the server script below
pids=()
cleanup() {
  local rc=$?
  # The lab's apps first, so their agents kill the instances; then the processes this script started.
  if [ -s "$T/token" ]; then
    for app in meshlab-one meshlab-two; do api -X DELETE "https://198.18.0.1:5050/v2/apps/$app" >/dev/null 2>&1 || true; done
    for _ in $(seq 1 50); do
      live=$(api "https://198.18.0.1:5050/v1/tasks" 2>/dev/null | /usr/bin/python3 -c \
        "import json,sys; print(sum(1 for t in json.load(sys.stdin)['tasks'] if t['state'] in ('TASK_STAGING','TASK_STARTING','TASK_RUNNING')))" 2>/dev/null || echo 0)
      [ "$live" = 0 ] && break; sleep 0.2
    done
  fi
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # Anything of this lab's apps still alive (an agent killed first): found by its app id, ended through its cgroup.
  cg=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") { print $5; exit } break } }' /proc/self/mountinfo)
  for env in /proc/[0-9]*/environ; do
    if { tr '\0' '\n' <"$env"; } 2>/dev/null | grep -qx "MINIMESOS_APP_ID=/meshlab-\(one\|two\)"; then
      pid=${env#/proc/}; pid=${pid%/environ}
      task=$({ tr '\0' '\n' <"$env"; } 2>/dev/null | sed -n 's/^MINIMESOS_TASK_ID=//p')
      kill -9 "$pid" 2>/dev/null || true
      [ -n "$cg" ] && [ -n "$task" ] && find "$cg" -maxdepth 6 -type d -name "$task" -exec rmdir {} \; 2>/dev/null || true
    fi
  done
  [ -n "$cg" ] && for d in "$cg"/minimesos; do rmdir "$d" 2>/dev/null || true; done
  if [ "$rc" != 0 ]; then for f in "$T"/*.log; do echo "--- $(basename "$f")"; tail -n 25 "$f"; done; fi
  "$HERE/netlab.sh" down >/dev/null 2>&1 || true
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT INT TERM
api() { ip netns exec "$NETLAB_PREFIX-ns1" curl -s -m 3 --cacert "$T/m1/ca.pem" -H "Authorization: Bearer $(cat "$T/token")" "$@"; }
"$HERE/netlab.sh" up 6 >/dev/null
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$T/token"; chmod 600 "$T/token"
cp "$HERE/mesh-server.py" "$T/server.py"; chmod 644 "$T/server.py"

for i in 1 2 3; do
  ip netns exec "$NETLAB_PREFIX-ns$i" "$BIN" master --listen "198.18.0.$i" --data-dir "$T/m$i" --token-file "$T/token" --no-mdns \
    --bootstrap-expect 3 --join 198.18.0.1,198.18.0.2,198.18.0.3 --service-port-range 10000-10999 >>"$T/master$i.log" 2>&1 &
  pids+=($!)
done
for i in 4 5 6; do
  # nsenter joins only the network namespace; `ip netns exec` would remount /sys and hide the cgroup2 mount.
  nsenter --net="/run/netns/$NETLAB_PREFIX-ns$i" "$BIN" agent --master 198.18.0.1,198.18.0.2,198.18.0.3 --work-dir "$T/a$i" \
    --token-file "$T/token" --no-mdns --attributes "labhost=$i" --http-port 8080 >>"$T/agent$i.log" 2>&1 &
  pids+=($!)
done
ip netns exec "$NETLAB_PREFIX-ns4" env MESH_TOKEN="$(cat "$T/token")" MESH_CA="$T/m1/ca.pem" MESH_SERVER="$T/server.py" /usr/bin/python3 "$HERE/mesh-check.py"
echo "mesh-lab: ok"

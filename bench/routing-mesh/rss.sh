#!/usr/bin/env bash
# rss.sh -- the agent's memory with 100 service ports open: a master and an agent (no isolation, no virtual hosts) on
# loopback, the agent's RSS/PSS (/proc/PID/smaps_rollup) once registered, then after 100 apps (0 instances, one service
# port each) are listened on by its routing mesh. Cleans up its processes and temp dir.
# Usage: bench/routing-mesh/rss.sh path/to/minimesos
set -euo pipefail
BIN="$(realpath "${1:?usage: rss.sh path/to/minimesos}")"
T="$(mktemp -d)"
TOKEN="bench-token-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT INT TERM
"$BIN" master --listen 127.0.0.1 --port 25050 --cluster-port 25051 --data-dir "$T/m" --token "$TOKEN" --no-mdns >"$T/master.log" 2>&1 &
pids+=($!)
"$BIN" agent --master 127.0.0.1:25051 --work-dir "$T/a" --token "$TOKEN" --no-mdns --isolation none --http-port 0 >"$T/agent.log" 2>&1 &
AGENT=$!; pids+=($AGENT)
api() { curl -s -m 5 --cacert "$T/m/ca.pem" -H "Authorization: Bearer $TOKEN" "$@"; }
listening() { api https://127.0.0.1:25050/v1/agents | python3 -c "import json,sys; a=json.load(sys.stdin)['agents']; print(a[0].get('mesh',{}).get('listening',-1) if a else -1)" 2>/dev/null || echo -1; }
rss() { awk '/^Rss:/ {r=$2} /^Pss:/ {p=$2} END {printf "%.1f / %.1f MB", r/1024, p/1024}' "/proc/$AGENT/smaps_rollup"; }
for _ in $(seq 1 300); do [ "$(listening)" = 0 ] && break; sleep 0.1; done
[ "$(listening)" = 0 ] || { echo "the agent did not register"; tail "$T"/*.log; exit 1; }
sleep 5
echo "agent RSS / PSS, registered, no service port: $(rss)"
for i in $(seq 1 100); do
  api -X POST https://127.0.0.1:25050/v2/apps -d "{\"id\":\"/bench/s$i\",\"cmd\":\"sleep 1\",\"instances\":0,\"portDefinitions\":[{\"port\":0}]}" >/dev/null
done
for _ in $(seq 1 300); do [ "$(listening)" = 100 ] && break; sleep 0.1; done
[ "$(listening)" = 100 ] || { echo "the agent listens on $(listening) service ports, not 100"; tail "$T"/*.log; exit 1; }
sleep 5
echo "agent RSS / PSS, 100 service ports listened on: $(rss)"

#!/usr/bin/env bash
# Idle memory of the daemons: a master alone, and an agent with 10 running tasks (`sleep`), given SETTLE seconds
# (default 30) once the tasks run, as RSS and PSS (/proc/PID/smaps_rollup). Not less than ~20 s: a daemon drops
# start-up's code pages 5 s after it starts (Net/Hosts/ResidentPages.cs) and what it still runs comes back within
# seconds; measured right after that drop, the figures would flatter it. With a second binary (e.g. the previous build), the same
# figures for it in the same run, as the baseline. Goals (issue 23): master <= 32 MB, agent <= 20 MB RSS.
# Usage (root): bench/idle-rss/run.sh path/to/minimesos [path/to/previous/minimesos]
set -euo pipefail
tmp="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/smaps_rollup"; }
wait_for() { for _ in $(seq 1 150); do grep -q "$2" "$1" && return 0; sleep 0.1; done; echo "timed out waiting for '$2' in $1"; cat "$1"; exit 1; }
measure() {
  local bin; bin="$(realpath "$1")"; local name="$2" d="$tmp/$2"
  local token="rss-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')" api=$(( 20000 + RANDOM % 10000 ))
  mkdir -p "$d"
  "$bin" master --no-mdns --listen 127.0.0.1 --port "$api" --cluster-port $((api + 1)) --data-dir "$d/master" --token "$token" >"$d/master.log" 2>&1 &
  local master=$!; pids+=("$master")
  wait_for "$d/master.log" "became the leader"
  # A build with TLS writes its CA there once elected: then HTTPS with it; an older baseline build serves plain HTTP.
  local url="http://127.0.0.1:$api" capem=()
  for _ in $(seq 1 30); do [ -s "$d/master/ca.pem" ] && break; sleep 0.1; done
  if [ -s "$d/master/ca.pem" ]; then url="https://127.0.0.1:$api"; capem=(--cacert "$d/master/ca.pem"); fi
  "$bin" agent --no-mdns --master "127.0.0.1:$((api + 1))" --work-dir "$d/agent" --token "$token" >"$d/agent.log" 2>&1 &
  local agent=$!; pids+=("$agent")
  wait_for "$d/agent.log" "registered"
  for i in $(seq 1 10); do "$bin" run --detach --token "$token" --master "127.0.0.1:$api" --cpus 0.01 --mem 8 -- sleep 600 >/dev/null; done
  for _ in $(seq 1 100); do
    [ "$(curl -s "${capem[@]}" -H "Authorization: Bearer $token" "$url/v1/tasks" | grep -o TASK_RUNNING | wc -l)" -ge 10 ] && break; sleep 0.1; done
  sleep "${SETTLE:-30}"
  printf '  %-10s master RSS %6.1f MB  PSS %6.1f MB   agent (10 tasks) RSS %6.1f MB  PSS %6.1f MB\n' "$name" \
    "$(echo "scale=1; $(kb $master Rss) / 1024" | bc)" "$(echo "scale=1; $(kb $master Pss) / 1024" | bc)" \
    "$(echo "scale=1; $(kb $agent Rss) / 1024" | bc)" "$(echo "scale=1; $(kb $agent Pss) / 1024" | bc)"
  # Tasks outlive an agent's restart by design: kill them through the API before stopping the daemons.
  for id in $(curl -s "${capem[@]}" -H "Authorization: Bearer $token" "$url/v1/tasks" | jq -r '.tasks[].id'); do
    curl -s "${capem[@]}" -o /dev/null -X POST -H "Authorization: Bearer $token" "$url/v1/tasks/$id/kill"; done
  for _ in $(seq 1 100); do
    curl -s "${capem[@]}" -H "Authorization: Bearer $token" "$url/v1/tasks" | grep -q TASK_RUNNING || break; sleep 0.1; done
  kill -TERM "$agent" "$master"; wait "$agent" "$master" 2>/dev/null || true
}
echo "idle memory after ${SETTLE:-30} s, load average $(cut -d' ' -f1 /proc/loadavg) ($(nproc) cores); goals: master <= 32 MB, agent <= 20 MB RSS"
measure "$1" this
[ -n "${2:-}" ] && measure "$2" baseline
exit 0

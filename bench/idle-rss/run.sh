#!/usr/bin/env bash
# Idle memory of the daemons: a master alone, and an agent with 10 running tasks (`sleep`), as RSS and PSS
# (/proc/PID/smaps_rollup), sampled at SAMPLES seconds after the tasks run (default "30 60 120 300"; each 10-900,
# ascending; each sample the largest of 5 reads 1 s apart), then the max and median of the samples from 60 s on: the
# steady state, which the goals are about.
# Not less than ~20 s: a daemon drops start-up's code pages 5 s after it starts (Net/Hosts/ResidentPages.cs) and what
# it still runs comes back within seconds; measured right after that drop, the figures would flatter it.
# With a second binary (e.g. the previous build), its master and agent run at the same time (started right after the
# first's), sampled at the same moments: the baseline of the same run. SMAPS_DIR=dir keeps each sample's
# /proc/PID/smaps there (per-mapping diffs between samples). Goals (issue 23): master <= 32 MB, agent <= 20 MB RSS.
# Usage (root): bench/idle-rss/run.sh path/to/minimesos [path/to/previous/minimesos]
set -euo pipefail
samples="${SAMPLES:-30 60 120 300}"
prev=0
for s in $samples; do
  [[ $s =~ ^[0-9]+$ ]] && (( s >= 10 && s <= 900 && s > prev )) || { echo "SAMPLES: ascending seconds, 10-900" >&2; exit 2; }
  prev=$s
done
tmp="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/smaps_rollup"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
wait_for() { for _ in $(seq 1 150); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "timed out waiting for '$2' in $1"; cat "$1"; exit 1; }
declare -A MASTER AGENT URL CAPEM TOKEN
start() {
  local bin; bin="$(realpath "$1")"; local name="$2" d="$tmp/$2"
  local token="rss-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')" api=$(( 20000 + RANDOM % 10000 ))
  mkdir -p "$d"
  "$bin" master --no-mdns --listen 127.0.0.1 --port "$api" --cluster-port $((api + 1)) --data-dir "$d/master" --token "$token" >"$d/master.log" 2>&1 &
  MASTER[$name]=$!; pids+=("$!")
  wait_for "$d/master.log" "became the leader"
  # A build with TLS writes its CA there once elected: then HTTPS with it; an older baseline build serves plain HTTP.
  local url="http://127.0.0.1:$api" capem=""
  for _ in $(seq 1 30); do [ -s "$d/master/ca.pem" ] && break; sleep 0.1; done
  if [ -s "$d/master/ca.pem" ]; then url="https://127.0.0.1:$api"; capem="$d/master/ca.pem"; fi
  URL[$name]=$url; CAPEM[$name]=$capem; TOKEN[$name]=$token
  "$bin" agent --no-mdns --master "127.0.0.1:$((api + 1))" --work-dir "$d/agent" --token "$token" >"$d/agent.log" 2>&1 &
  AGENT[$name]=$!; pids+=("$!")
  wait_for "$d/agent.log" "registered"
  for _ in $(seq 1 10); do "$bin" run --detach --token "$token" --master "127.0.0.1:$api" --cpus 0.01 --mem 8 -- sleep 1200 >/dev/null; done
}
api() { local name=$1; shift; curl -s ${CAPEM[$name]:+--cacert "${CAPEM[$name]}"} -H "Authorization: Bearer ${TOKEN[$name]}" "$@"; }
running() { api "$1" "${URL[$1]}/v1/tasks" | grep -o TASK_RUNNING | wc -l; }
stop() {
  local name=$1
  # Tasks outlive an agent's restart by design: kill them through the API before stopping the daemons.
  for id in $(api "$name" "${URL[$name]}/v1/tasks" | jq -r '.tasks[].id'); do api "$name" -o /dev/null -X POST "${URL[$name]}/v1/tasks/$id/kill"; done
  for _ in $(seq 1 100); do api "$name" "${URL[$name]}/v1/tasks" | grep -q TASK_RUNNING || break; sleep 0.1; done
  kill -TERM "${AGENT[$name]}" "${MASTER[$name]}"; wait "${AGENT[$name]}" "${MASTER[$name]}" 2>/dev/null || true
}

names=(this); start "$1" this
if [ -n "${2:-}" ]; then names+=(baseline); start "$2" baseline; fi
for name in "${names[@]}"; do
  for _ in $(seq 1 100); do [ "$(running "$name")" -ge 10 ] && break; sleep 0.1; done
  [ "$(running "$name")" -ge 10 ] || { echo "$name: 10 tasks did not reach RUNNING" >&2; exit 1; }
done
t0=$(date +%s)
echo "idle memory at ${samples// /, } s after 10 tasks run, load average $(cut -d' ' -f1 /proc/loadavg) ($(nproc) cores); goals: master <= 32 MB, agent <= 20 MB RSS"
printf '  %5s  %-9s %18s %18s\n' s build "master RSS / PSS" "agent RSS / PSS"
declare -A later
for s in $samples; do
  sleep $(( t0 + s - $(date +%s) > 0 ? t0 + s - $(date +%s) : 0 ))
  # Each sample is the largest of 5 reads 1 s apart: a daemon drops pages right after its rare work (every 30 s in an
  # agent) and runs them back in within ~2 s, so one read on a 30 s grid can land in that dip.
  declare -A peak=()
  for r in 1 2 3 4 5; do
    for name in "${names[@]}"; do
      for role in master agent; do
        if [ "$role" = master ]; then p=${MASTER[$name]}; else p=${AGENT[$name]}; fi
        if [ "$r" = 1 ] && [ -n "${SMAPS_DIR:-}" ]; then mkdir -p "$SMAPS_DIR"; cp "/proc/$p/smaps" "$SMAPS_DIR/$name-$role-$s"; fi
        v=$(kb "$p" Rss) w=$(kb "$p" Pss)
        (( v > ${peak[$name-$role-rss]:-0} )) && peak[$name-$role-rss]=$v
        (( w > ${peak[$name-$role-pss]:-0} )) && peak[$name-$role-pss]=$w
      done
    done
    [ "$r" = 5 ] || sleep 1
  done
  for name in "${names[@]}"; do
    printf '  %5s  %-9s %8s / %6s MB %8s / %6s MB   load %s\n' "$s" "$name" "$(mb "${peak[$name-master-rss]}")" "$(mb "${peak[$name-master-pss]}")" \
      "$(mb "${peak[$name-agent-rss]}")" "$(mb "${peak[$name-agent-pss]}")" "$(cut -d' ' -f1 /proc/loadavg)"
    if (( s >= 60 )); then later[$name-master]+="${peak[$name-master-rss]} "; later[$name-agent]+="${peak[$name-agent-rss]} "; fi
  done
  unset peak
done
stat() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "max %.1f MB, median %.1f MB (%d samples)", v[NR] / 1024, v[int((NR + 1) / 2)] / 1024, NR; else printf "no sample >= 60 s" }'; }
echo "steady state (samples from 60 s on), RSS:"
for name in "${names[@]}"; do
  printf '  %-9s master %s   agent (10 tasks) %s\n' "$name" "$(stat "${later[$name-master]:-}")" "$(stat "${later[$name-agent]:-}")"
done
for name in "${names[@]}"; do stop "$name"; done
exit 0

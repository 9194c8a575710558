#!/usr/bin/env bash
# Status updates of many tasks ending at once on one agent: K one-shot tasks (`run --detach`) wait for a flag file, which
# is then created, so they all end within a few ms; from the dev log, how long after the last end the last TASK_FINISHED
# is committed. Each build against its own `dev`, the builds alternating round by round when a previous build is given.
# Usage (root): bench/run-e2e/end-burst.sh path/to/minimesos [K=40] [ROUNDS=3] [path/to/previous/minimesos]
set -euo pipefail
. "$(dirname "$0")/../common/bench.sh"
bin="$(realpath "${1:?usage: end-burst.sh path/to/minimesos [K] [ROUNDS] [previous]}")"; k="${2:-40}"; rounds="${3:-3}"
prev="${4:+$(realpath "$4")}"
token="$(bench_token)"; flag="/run/minimesos-end-burst-$$"; logs=(); devs=()
cleanup() { kill -TERM "${devs[@]}" 2>/dev/null || true; wait "${devs[@]}" 2>/dev/null || true; rm -f "$flag" "${logs[@]}"; }
trap cleanup EXIT
start_dev() { # BIN PORT LOG
  "$1" dev --token "$token" --port "$2" --cluster-port "$(( $2 + 1 ))" --insecure-http >"$3" 2>&1 &
  devs+=($!); logs+=("$3"); wait_dev_ready "$3"
}
burst() { # NAME BIN PORT LOG ROUND
  local i from
  rm -f "$flag"
  for i in $(seq "$k"); do
    "$2" run -d --token "$token" --master "http://127.0.0.1:$3" --cpus 0.04 --mem 16 -- sh -c "while [ ! -e $flag ]; do sleep 0.005; done" >/dev/null
  done
  for i in $(seq 600); do [ "$(grep -c 'is TASK_RUNNING' "$4")" -ge $(( k * $5 )) ] && break; sleep 0.05; done
  from=$(wc -l <"$4"); touch "$flag"
  for i in $(seq 600); do [ "$(grep -c 'is TASK_FINISHED' "$4")" -ge $(( k * $5 )) ] && break; sleep 0.05; done
  tail -n +"$(( from + 1 ))" "$4" | awk -v name="$1" '{ split($1, d, "T"); split(d[2], h, ":"); sub("Z", "", h[3]); t = (h[1] * 3600 + h[2] * 60 + h[3]) * 1000 }
    / ended: / { if (!first) first = t; last = t; ended++ } / is TASK_FINISHED/ { committed = t; n++ }
    END { printf "  %-8s %d ended within %d ms; the last TASK_FINISHED committed %d ms after the last end (%d committed)\n", name, ended, last - first, committed - last, n }'
}
port=$(( 20000 + RANDOM % 10000 ))
start_dev "$bin" "$port" "$(mktemp)"; log="${logs[-1]}"
if [ -n "$prev" ]; then start_dev "$prev" "$(( port + 2 ))" "$(mktemp)"; prev_log="${logs[-1]}"; fi
echo "end burst: $k tasks on one agent, $rounds rounds, load average $(cut -d' ' -f1 /proc/loadavg) ($(nproc) cores)"
for r in $(seq "$rounds"); do
  burst "this" "$bin" "$port" "$log" "$r"
  if [ -n "$prev" ]; then burst "previous" "$prev" "$(( port + 2 ))" "$prev_log" "$r"; fi
done
echo "load average now $(cut -d' ' -f1 /proc/loadavg)"

#!/usr/bin/env bash
# `minimesos run -- true` end to end (CLI start, POST, commit, offer, launch, exit, status commit, result) against
# a fresh `minimesos dev`, N times: median and p99 beside `unshare --pid --fork --mount-proc --uts --ipc true` and
# `sh -c true` measured in the same run, interleaved so load hits all three alike; then the phases of one run
# from the dev log's timestamps. A second dev with --insecure-http (plain HTTP API; its cluster port is TLS like every
# node's) is measured in the same loop, so the cost of HTTPS on the API is seen beside it. Prints the 1-minute load average so quiet and loaded runs can be told apart.
# With a previous build as the third argument, its `run` against its own dev (HTTPS and plain) is measured in the same loop.
# Usage (root): bench/run-e2e/run.sh path/to/minimesos [N=100] [path/to/previous/minimesos]
set -euo pipefail
. "$(dirname "$0")/../common/bench.sh"
bin="$(realpath "${1:?usage: run.sh path/to/minimesos [N] [previous]}")"; n="${2:-100}"
prev="${3:+$(realpath "$3")}"
token="$(bench_token)"
api_port=$(( 20000 + RANDOM % 10000 )); cluster_port=$(( api_port + 1 ))
log="$(mktemp)"; times="$(mktemp -d)"
plain_port=$(( api_port + 2 )); plain_cluster_port=$(( api_port + 3 )); plain_log="$(mktemp)"
"$bin" dev --token "$token" --port "$api_port" --cluster-port "$cluster_port" >"$log" 2>&1 &
dev=$!
"$bin" dev --token "$token" --port "$plain_port" --cluster-port "$plain_cluster_port" --insecure-http >"$plain_log" 2>&1 &
plain_dev=$!
devs=("$dev" "$plain_dev"); prev_log="$(mktemp)"; prev_plain_log="$(mktemp)"
prev_port=$(( api_port + 4 )); prev_plain_port=$(( api_port + 6 ))
if [ -n "$prev" ]; then
  "$prev" dev --token "$token" --port "$prev_port" --cluster-port "$(( prev_port + 1 ))" >"$prev_log" 2>&1 &
  devs+=($!)
  "$prev" dev --token "$token" --port "$prev_plain_port" --cluster-port "$(( prev_plain_port + 1 ))" --insecure-http >"$prev_plain_log" 2>&1 &
  devs+=($!)
fi
cleanup() {
  kill -TERM "${devs[@]}" 2>/dev/null || true; wait "${devs[@]}" 2>/dev/null || true
  rm -rf "$log" "$plain_log" "$prev_log" "$prev_plain_log" "$times"
}
trap cleanup EXIT
wait_dev_ready "$log"
wait_dev_ready "$plain_log" "dev --insecure-http"
if [ -n "$prev" ]; then wait_dev_ready "$prev_log" "previous dev"; wait_dev_ready "$prev_plain_log" "previous dev --insecure-http"; fi
BENCH_LOG="$log"
run() { "$bin" run --token "$token" --master "127.0.0.1:$api_port" -- true >/dev/null; }
run_plain() { "$bin" run --token "$token" --master "http://127.0.0.1:$plain_port" -- true >/dev/null; }
run_prev() { "$prev" run --token "$token" --master "127.0.0.1:$prev_port" -- true >/dev/null; }
run_prev_plain() { "$prev" run --token "$token" --master "http://127.0.0.1:$prev_plain_port" -- true >/dev/null; }
run_plain; run_plain
run; run   # warm up: the first task starts the pool of waiting inits
if [ -n "$prev" ]; then run_prev; run_prev; run_prev_plain; run_prev_plain; fi
load_before=$(cut -d' ' -f1 /proc/loadavg)
inodes_before=$(inode_cost "${TMPDIR:-/tmp}")
for _ in $(seq 1 "$n"); do
  ms run >>"$times/run"
  ms run_plain >>"$times/plain"
  if [ -n "$prev" ]; then ms run_prev >>"$times/prev"; ms run_prev_plain >>"$times/prev_plain"; fi
  ms unshare --pid --fork --mount-proc --uts --ipc true >>"$times/unshare"
  ms sh -c true >>"$times/sh"
done
echo "run end to end, $n runs each, load average ${load_before} -> $(cut -d' ' -f1 /proc/loadavg) ($(nproc) cores)," \
  "a new directory in ${TMPDIR:-/tmp} ${inodes_before} -> $(inode_cost "${TMPDIR:-/tmp}") us (bench/common/bench.sh, inode_cost)"
summary "$times/run" "minimesos run -- true" 34 p99
summary "$times/plain" "... with --insecure-http (plain API)" 34 p99
if [ -n "$prev" ]; then
  summary "$times/prev" "previous build: run -- true" 34 p99
  summary "$times/prev_plain" "previous build, plain API" 34 p99
  echo "  TLS costs (median over plain): this build $(awk -v a="$(median "$times/run")" -v b="$(median "$times/plain")" 'BEGIN { printf "%+.1f", a - b }') ms," \
    "previous $(awk -v a="$(median "$times/prev")" -v b="$(median "$times/prev_plain")" 'BEGIN { printf "%+.1f", a - b }') ms; run this/previous: $(ratio "$(median "$times/run")" "$(median "$times/prev")")x"
fi
summary "$times/unshare" "unshare --pid --fork ... true" 34 p99
summary "$times/sh" "sh -c true" 34 p99
echo "  ratio run/unshare: $(ratio "$(median "$times/run")" "$(median "$times/unshare")")x   (goal: run median <= 20 ms on a quiet box)"

# One more run, traced through the dev log (timestamps in ms): where its time goes.
start_ns=$(date +%s%N); run; end_ns=$(date +%s%N)
task=$(grep -oE "task [^ ]+ submitted" "$log" | tail -1 | awk '{print $2}')
echo "phases of one run (task $task, $(( (end_ns - start_ns) / 1000000 )) ms measured by the caller), from the dev log:"
grep -F "$task" "$log" | awk -v t0="$start_ns" '{
  split($1, d, "T"); split(d[2], hms, ":"); sub("Z", "", hms[3]);
  ms = (hms[1] * 3600 + hms[2] * 60 + hms[3]) * 1000; if (!base) base = ms;
  $1 = ""; printf "  +%6.1f ms %s\n", ms - base, $0 }'

#!/usr/bin/env bash
# End to end: from starting `minimesos run -- sh -c 'echo first; ...'` to the task's first output line on the
# CLI's stdout, against a `minimesos dev` cluster (master + agent in one process) on loopback. Baseline in the
# same run: `minimesos agent list`, i.e. CLI start plus one authenticated API round trip.
# Usage: bench/launch-latency/run-to-output.sh path/to/minimesos [N=20]
set -euo pipefail
bin=${1:?usage: run-to-output.sh path/to/minimesos [N]}
n=${2:-20}
(( n >= 1 && n <= 500 )) || { echo "N must be 1-500" >&2; exit 2; }
token=bench-token-0123456789abcdef0123
port=$((25000 + RANDOM % 2000)); cport=$((port + 1))
api=127.0.0.1:$port
dir=$(mktemp -d)
"$bin" dev --listen 127.0.0.1 --port "$port" --cluster-port "$cport" --token "$token" >"$dir/dev.log" 2>&1 &
dev=$!
trap 'kill "$dev" 2>/dev/null; wait "$dev" 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do
  "$bin" agent list --master "$api" --token "$token" 2>/dev/null | grep -q ' yes ' && break
  sleep 0.1
done
"$bin" agent list --master "$api" --token "$token" | grep -q ' yes ' || { echo "no agent came up:" >&2; cat "$dir/dev.log" >&2; exit 1; }

ms() { echo $(( ($2 - $1) / 1000000 )).$(( ($2 - $1) / 100000 % 10 )); }
: >"$dir/run"; : >"$dir/base"
for i in $(seq -2 "$n"); do   # 3 warm-up rounds, not counted
  t0=$(date +%s%N)
  {
    IFS= read -r line; t1=$(date +%s%N); cat >/dev/null
  } < <("$bin" run --master "$api" --token "$token" --name bench -- sh -c 'echo first; sleep 0.1')
  [[ $line == first ]] || { echo "unexpected first line '$line'" >&2; exit 1; }
  t2=$(date +%s%N)
  "$bin" agent list --master "$api" --token "$token" >/dev/null
  t3=$(date +%s%N)
  (( i >= 1 )) || continue
  ms "$t0" "$t1" >>"$dir/run"
  ms "$t2" "$t3" >>"$dir/base"
done

stats() {
  sort -n "$1" | awk -v name="$2" '{ v[NR] = $1 } END {
    p90 = int(NR * 0.9 + 0.999); if (p90 < 1) p90 = 1
    printf "%-44s median %7.1f ms   p90 %7.1f ms   (n=%d)\n", name, v[int((NR + 1) / 2)], v[p90], NR }'
}
stats "$dir/run" "minimesos run -> first output line"
stats "$dir/base" "baseline: minimesos agent list (CLI + API)"

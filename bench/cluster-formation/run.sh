#!/usr/bin/env bash
# Cluster formation time: from starting 3 masters + 3 agents on namespace hosts until both agents are
# registered with the elected leader. Median of N runs found over mDNS (no addresses), beside the same
# formation with static --join/--master addresses measured in the same run (the baseline). With a previous build as
# the third argument, its mDNS formation too, interleaved (so load hits both alike).
# Usage: bench/cluster-formation/run.sh path/to/minimesos [N=10] [path/to/previous/minimesos]   (root)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:?usage: run.sh path/to/minimesos [runs] [previous]}"; runs="${2:-10}"; previous="${3:-}"
lab="$here/../../tests/lab/discovery-lab.sh"
measure() { local b="$1"; shift; "$lab" "$b" --formation-only "$@" | sed -nE 's/.* in ([0-9]+) ms .*/\1/p'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
mdns=(); static=(); prev=(); load_before=$(cut -d" " -f1 /proc/loadavg)
for _ in $(seq 1 "$runs"); do
  mdns+=("$(measure "$bin")"); static+=("$(measure "$bin" --static)")
  if [ -n "$previous" ]; then prev+=("$(measure "$previous")"); fi
done
m=$(printf '%s\n' "${mdns[@]}" | median); s=$(printf '%s\n' "${static[@]}" | median)
echo "cluster formation, 3 masters + 3 agents, $runs runs each, load average $load_before -> $(cut -d" " -f1 /proc/loadavg) ($(nproc) cores)"
echo "  mDNS (no addresses): median ${m} ms  all: ${mdns[*]}"
echo "  static --join:       median ${s} ms  all: ${static[*]}"
if [ -n "$previous" ]; then echo "  previous build, mDNS: median $(printf '%s\n' "${prev[@]}" | median) ms  all: ${prev[*]}"; fi
echo "  ratio mDNS/static:   $(awk -v a="$m" -v b="$s" 'BEGIN {printf "%.2f", a/b}')   (goal, issue 23: mDNS median <= 2000 ms on a quiet box)"

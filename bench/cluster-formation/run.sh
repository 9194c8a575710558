#!/usr/bin/env bash
# Cluster formation time: from starting 3 masters + 3 agents on namespace hosts until both agents are
# registered with the elected leader. Median of N runs found over mDNS (no addresses), beside the same
# formation with static --join/--master addresses measured in the same run (the baseline).
# Usage: bench/cluster-formation/run.sh path/to/minimesos [N=10]   (root)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:?usage: run.sh path/to/minimesos [runs]}"; runs="${2:-10}"
lab="$here/../../tests/lab/discovery-lab.sh"
measure() { "$lab" "$bin" --formation-only "$@" | sed -nE 's/.* in ([0-9]+) ms .*/\1/p'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
mdns=(); static=()
for _ in $(seq 1 "$runs"); do mdns+=("$(measure)"); static+=("$(measure --static)"); done
m=$(printf '%s\n' "${mdns[@]}" | median); s=$(printf '%s\n' "${static[@]}" | median)
echo "cluster formation, 3 masters + 3 agents, $runs runs each"
echo "  mDNS (no addresses): median ${m} ms  all: ${mdns[*]}"
echo "  static --join:       median ${s} ms  all: ${static[*]}"
echo "  ratio mDNS/static:   $(awk -v a="$m" -v b="$s" 'BEGIN {printf "%.2f", a/b}')   (target: mDNS median <= 3000 ms)"

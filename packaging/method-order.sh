#!/usr/bin/env bash
# Writes the method order the AOT compiler lays the code out in (packaging/method-order.txt, the csproj's IlcOrderFile):
# every function of the executable seen in the given profiles (samples and their call chains), the first profile's
# first, each profile's by how often seen. Code that runs together then shares pages, so the 64 KiB the kernel maps
# around each page a process runs (fault-around) bring in less of what it does not run: task init's start-up faults,
# and what an idle agent maps back after each drop of its code pages (docs/size.md, "Idle memory").
# Record the profiles with call chains from a build of the same sources, e.g. (as root):
#   perf record -F 20000 --call-graph fp -o init.perf -- dotnet run -c Release --project bench/launch-latency -- --init out/minimesos --n 40 --no-load
#   perf record -F 15000 --call-graph fp -p "$(pgrep -f 'minimesos agent')" -o agent.perf -- sleep 90    # an idle agent with tasks
# Usage: packaging/method-order.sh out/minimesos init.perf agent.perf > packaging/method-order.txt
# Names the compiler does not know (code changed since) are ignored: a stale list costs locality, never correctness.
set -euo pipefail
bin=$(realpath "${1:?usage: method-order.sh path/to/minimesos profile.perf...}"); shift
(( $# >= 1 )) || { echo "method-order.sh: give at least one profile" >&2; exit 2; }
for data in "$@"; do
  perf script -i "$data" -F ip,sym,dso 2>/dev/null |
    awk -v bin="($bin)" '$3 == bin && $2 != "[unknown]" { sub(/\+0x[0-9a-f]+$/, "", $2); n[$2]++ }
      END { for (s in n) printf "%d %s\n", n[s], s }' | sort -k1,1nr -k2 | cut -d' ' -f2
done | awk '!seen[$0]++'

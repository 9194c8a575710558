#!/bin/bash
# run.sh [RUNS] -- benchmark: time from an advertiser starting on lab host 2 until a browser on lab host 1 has
# resolved it (address, port, TXT). Ours (MdnsAdvertiser -> MdnsBrowser) next to the baseline measured in the
# same run (python-zeroconf register -> python-zeroconf browse+resolve). Both include probing (RFC 6762 §8.1).
# Needs root, iproute2, dotnet, python3-zeroconf (Debian, /usr/bin/python3). Not a test: prints figures only.
set -euo pipefail
RUNS=${1:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$ROOT/out/bench-discovery"
dotnet build "$ROOT/bench/Discovery/DiscoveryBench.csproj" -c Release -o "$OUT" -v quiet -nologo >/dev/null
"$ROOT/tests/lab/netlab.sh" cleanup-all
exec "$ROOT/tests/lab/netlab.sh" run 2 -- /usr/bin/python3 "$ROOT/bench/Discovery/measure.py" \
  --runs "$RUNS" --tool "$OUT/MiniMesos.Bench.dll" --oracles "$ROOT/tests/oracles"

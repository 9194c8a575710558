#!/usr/bin/env bash
# bench/soak/run.sh [--cycles N] [--clients N] [--hold S] [binary]: the reliability lab for longer: the same
# masters, agents, workload, fault rounds and checks as tests/lab/reliability-lab.sh, with the fault list
# repeated N times (default 5; each cycle is ~2-3 minutes on a loaded 2-core machine) and more clients.
# Prints the same table; exits non-zero on any violation. Logs are kept on failure (the path is printed).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cycles=5 clients=3 hold=6
while [ $# -gt 0 ]; do
  case "$1" in
  --cycles) cycles=$2; shift 2 ;;
  --clients) clients=$2; shift 2 ;;
  --hold) hold=$2; shift 2 ;;
  -*) echo "soak: unknown option $1" >&2; exit 2 ;;
  *) break ;;
  esac
done
[[ $cycles =~ ^[0-9]+$ && $clients =~ ^[1-9][0-9]?$ && $hold =~ ^[0-9]+$ ]] || { echo "soak: --cycles, --clients and --hold take whole numbers" >&2; exit 2; }
LAB_CYCLES=$cycles LAB_CLIENTS=$clients LAB_HOLD=$hold exec "$HERE/../../tests/lab/reliability-lab.sh" "$@"

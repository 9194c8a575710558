#!/usr/bin/env bash
# bench/failover/run.sh [--trials N] [binary]: how long writes stop when the leader of 3 masters dies.
#   kill -9 of the leader   -> first write (POST /v1/tasks) acknowledged by a survivor
#   SIGTERM to the leader   -> same (graceful: the leader hands leadership over before it stops)
# Each trial restarts the stopped master on its data dir and waits until it has caught up.
# Baselines from the same run: the configured election timeout range (10-20 ticks x tick) and the latency of
# a write when nothing fails. Targets (issue): median <= 1.5 s (kill -9), <= 0.3 s (graceful).
# Masters run on loopback (different ports); binary: out/minimesos if built, else bin/Debug/net10.0/minimesos.dll.
# Bounded: at most ~6 minutes (each wait is bounded); cleans up its processes and temp dir.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TRIALS=20
if [ "${1:-}" = --trials ]; then TRIALS=$2; shift 2; fi
target=${1:-}
if [ -z "$target" ]; then
  if [ -x "$ROOT/out/minimesos" ]; then target=$ROOT/out/minimesos
  elif [ -f "$ROOT/bin/Debug/net10.0/minimesos.dll" ]; then target=$ROOT/bin/Debug/net10.0/minimesos.dll
  else echo "failover bench: build first: packaging/publish.sh linux-x64 out (or dotnet build MiniMesos.csproj)" >&2; exit 2; fi
fi
case "$target" in *.dll) BIN=(dotnet "$(realpath "$target")") ;; *) BIN=("$(realpath "$target")") ;; esac
PY=${PYTHON:-/usr/bin/python3}
TICK_MS=100
DEADLINE=$(( $(date +%s) + 420 ))

T=$(mktemp -d /tmp/failover-bench.XXXXXX)
TOKEN="bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$TOKEN" >"$T/token"; chmod 600 "$T/token"
BASE=$(( 21000 + RANDOM % 4000 * 2 ))
declare -A PID=()
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for i in "${!PID[@]}"; do kill -9 "${PID[$i]}" 2>/dev/null || true; done
  for i in "${!PID[@]}"; do wait "${PID[$i]}" 2>/dev/null || true; done
  if [ "$rc" != 0 ]; then for i in 1 2 3; do [ -f "$T/m$i.log" ] && { echo "---- tail of m$i.log"; tail -n 20 "$T/m$i.log"; }; done; fi
  [ -n "${FAILOVER_KEEP_LOGS:-}" ] && cp "$T"/m*.log "$FAILOVER_KEEP_LOGS"/ 2>/dev/null || true
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

api_port() { echo $(( BASE + $1 * 2 )); }
cluster_port() { echo $(( BASE + $1 * 2 + 1 )); }
url() { echo "https://127.0.0.1:$(api_port "$1")"; }
JOIN="127.0.0.1:$(cluster_port 1),127.0.0.1:$(cluster_port 2),127.0.0.1:$(cluster_port 3)"
start_master() {
  "${BIN[@]}" master --listen 127.0.0.1 --port "$(api_port "$1")" --cluster-port "$(cluster_port "$1")" \
    --data-dir "$T/d$1" --token-file "$T/token" --cluster bench --join "$JOIN" --bootstrap-expect 3 \
    --advertise-addr 127.0.0.1 --raft-tick-ms "$TICK_MS" >>"$T/m$1.log" 2>&1 &
  PID[$1]=$!
}
# HTTPS: master I's own CA file (written once the cluster has a CA; until then the call fails and the caller retries).
status() { curl -s -m 1 --cacert "$T/d$1/ca.pem" -H "Authorization: Bearer $TOKEN" "$(url "$1")/v1/status" 2>/dev/null || true; }
# settle: wait (bounded 30 s) until all three masters agree on one leader and the same applied index; prints the leader's index.
settle() {
  local k i s views leader_id
  for k in $(seq 1 300); do
    views=""
    for i in 1 2 3; do s=$(status "$i"); views+="$(jq -r '"\(.leader) \(.term) \(.applied)"' <<<"${s:-null}" 2>/dev/null || echo x)"$'\n'; done
    if [ "$(sort -u <<<"${views%$'\n'}" | wc -l)" = 1 ] && [ "${views%% *}" != null ] && [ "${views%% *}" != x ]; then
      leader_id=${views%% *}
      for i in 1 2 3; do [ "$(status "$i" | jq -r .id)" = "$leader_id" ] && { echo "$i"; return; }; done
    fi
    sleep 0.1
  done
  echo "failover bench: the masters did not settle on one leader within 30 s" >&2; return 1
}
stats() {  # stdin: seconds, one per line -> "median X s, max Y s (n=N)"
  sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) { print "no data"; exit }
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    printf "median %.3f s, max %.3f s (n=%d)", m, a[NR], NR }'
}

for i in 1 2 3; do start_master "$i"; done
L=$(settle)
echo "3 masters on 127.0.0.1 ports $(api_port 1)-$(cluster_port 3), tick $TICK_MS ms, binary ${BIN[*]}"
SSL_CERT_FILE="$T/d$L/ca.pem" "$PY" "$HERE/measure.py" writes 50 "$TOKEN" "$(url "$L")" >"$T/steady"
if grep -q failed "$T/steady"; then echo "failover bench: writes fail when nothing fails:"; sort | uniq -c <"$T/steady"; exit 1; fi

trial() {  # trial KILL|TERM -> appends the seconds to $T/<sig>
  local sig=$1 L others=() i r
  L=$(settle)
  for i in 1 2 3; do [ "$i" != "$L" ] && others+=("$(url "$i")"); done
  r=$(SSL_CERT_FILE="$T/d$L/ca.pem" "$PY" "$HERE/measure.py" fault "$sig" "${PID[$L]}" "$TOKEN" "${others[@]}") || true
  wait "${PID[$L]}" 2>/dev/null || true
  unset "PID[$L]"
  echo "$r" >>"$T/$sig"
  start_master "$L"
}
for sig in KILL TERM; do
  : >"$T/$sig"
  for n in $(seq 1 "$TRIALS"); do
    [ "$(date +%s)" -lt "$DEADLINE" ] || { echo "failover bench: time bound reached after $n trials of $sig"; break; }
    trial "$sig"
    printf '%s trial %d: %s s\n' "$sig" "$n" "$(tail -n 1 "$T/$sig")" >&2
  done
done

timeouts=$(cat "$T/KILL" "$T/TERM" | grep -c timeout || true)
echo
echo "failover (3 masters, loopback, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
printf '  %-44s %s\n' "baseline: election timeout (10-20 ticks)" "$(( 10 * TICK_MS )) - $(( 20 * TICK_MS )) ms"
printf '  %-44s %s\n' "baseline: write latency, nothing failing" "$(stats <"$T/steady")"
printf '  %-44s %s   (target median <= 1.5 s)\n' "kill -9 of the leader -> first write" "$(grep -v timeout "$T/KILL" | stats)"
printf '  %-44s %s   (target median <= 0.3 s)\n' "SIGTERM to the leader -> first write" "$(grep -v timeout "$T/TERM" | stats)"
[ "$timeouts" = 0 ] || { echo "  $timeouts trial(s) saw no acknowledged write within 15 s"; exit 1; }

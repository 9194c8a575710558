#!/usr/bin/env bash
# Discovery lab: real minimesos processes on network-namespace hosts find each other over mDNS with no
# addresses given. Checks: 3 masters + 3 agents of cluster "alpha" form one cluster (one leader, every agent
# registered with it); a master of cluster "beta" on the same bridge stays apart; an agent with a wrong
# secret is seen but never admitted. Also reports the time from start until every agent is registered.
# Usage: tests/lab/discovery-lab.sh path/to/minimesos [--static] [--formation-only] [--keep-logs DIR]   (root; iproute2, curl)
#   --static          give every node the others' addresses (--join/--master, --no-mdns): the baseline
#   --formation-only  stop after the formation check (what bench/cluster-formation repeats)
#   --keep-logs DIR   copy every node's log to DIR at the end, and the start time (ns) to DIR/start (for a phase trace)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$(realpath "${1:?usage: discovery-lab.sh path/to/minimesos [--static] [--formation-only]}")"
static=0; formation_only=0; keep_logs=""
set -- "${@:2}"
while [ $# -gt 0 ]; do
  case "$1" in
    --static) static=1 ;; --formation-only) formation_only=1 ;;
    --keep-logs) keep_logs="$(realpath -m "${2:?--keep-logs needs a directory}")"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
export NETLAB_PREFIX="mm$$"
work="$(mktemp -d /tmp/minimesos-lab-XXXXXX)"
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$keep_logs" ]; then mkdir -p "$keep_logs"; cp "$work"/*.log "$keep_logs"/ 2>/dev/null || true; echo "$start" > "$keep_logs/start"; fi
  if [ "$rc" != 0 ]; then
    echo "discovery-lab: FAILED; last log lines of every node:"
    for f in "$work"/*.log; do echo "--- $(basename "$f")"; tail -n 15 "$f"; done
  fi
  "$here/netlab.sh" down >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$rc"
}
start=""
trap cleanup EXIT INT TERM
"$here/netlab.sh" up 8 >/dev/null

head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/token"; chmod 600 "$work/token"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/wrong"; chmod 600 "$work/wrong"

node() { # node HOST NAME ARGS... : run minimesos on lab host HOST, log to NAME.log
  local host=$1 name=$2; shift 2
  ip netns exec "$NETLAB_PREFIX-ns$host" "$bin" "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
}
masters_arg=(); join_arg=()
if [ "$static" = 1 ]; then
  masters_arg=(--no-mdns --master 198.18.0.1,198.18.0.2,198.18.0.3); join_arg=(--no-mdns --join 198.18.0.1,198.18.0.2,198.18.0.3)
fi
start=$(date +%s%N)
for i in 1 2 3; do
  node "$i" "master$i" master --data-dir "$work/m$i" --token-file "$work/token" --cluster alpha --bootstrap-expect 3 "${join_arg[@]}"
done
node 4 agent4 agent --work-dir "$work/a4" --token-file "$work/token" --cluster alpha --isolation none "${masters_arg[@]}"
node 5 agent5 agent --work-dir "$work/a5" --token-file "$work/token" --cluster alpha --isolation none "${masters_arg[@]}"
node 8 agent8 agent --work-dir "$work/a8" --token-file "$work/token" --cluster alpha --isolation none "${masters_arg[@]}"
if [ "$formation_only" = 0 ]; then
  node 6 beta6 master --data-dir "$work/b6" --token-file "$work/token" --cluster beta
  node 7 intruder7 agent --work-dir "$work/a7" --token-file "$work/wrong" --cluster alpha --isolation none
fi

status() { # status HOST: /v1/status JSON of the master on that host, or nothing
  local data="$work/m$1"; [ "$1" = 6 ] && data="$work/b6"
  ip netns exec "$NETLAB_PREFIX-ns$1" curl -s --max-time 2 --cacert "$data/ca.pem" -H "Authorization: Bearer $(cat "$work/token")" "https://198.18.0.$1:5050/v1/status" || true
}
field() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

ready=""
for _ in $(seq 1 150); do
  s="$(status 1)"
  if [ -n "$s" ] && [ "$(echo "$s" | field 'd["agents"]')" = 3 ] && [ "$(echo "$s" | field 'd.get("leader") is not None')" = True ]; then
    ready=$(date +%s%N); break
  fi
  sleep 0.1
done
[ -n "$ready" ] || { echo "discovery-lab: alpha did not form with 3 agents within 15 s"; exit 1; }
echo "discovery-lab: 3 masters + 3 agents formed one cluster in $(( (ready - start) / 1000000 )) ms ($([ "$static" = 1 ] && echo "static addresses" || echo "no addresses given: mDNS"))"
[ "$formation_only" = 1 ] && exit 0

# A follower serves HTTPS once the replicated CA reached it and it wrote ca.pem: ask each master until all three
# answer (at most 10 s), then they must name one leader.
leaders=""
for _ in $(seq 1 100); do
  leaders=""
  for i in 1 2 3; do s="$(status "$i")"; [ -n "$s" ] && leaders+="$(echo "$s" | field 'd.get("leader")') "; done
  [ "$(echo $leaders | wc -w)" = 3 ] && [ "$(echo $leaders | tr ' ' '\n' | sort -u | wc -l)" = 1 ] && break
  sleep 0.1
done
[ "$(echo $leaders | wc -w)" = 3 ] || { echo "discovery-lab: not every master answered /v1/status within 10 s: $leaders"; exit 1; }
[ "$(echo $leaders | tr ' ' '\n' | sort -u | wc -l)" = 1 ] || { echo "discovery-lab: masters disagree on the leader: $leaders"; exit 1; }
masters=$(status 1 | field 'len([m for m in d["masters"] if m["role"] in ("leader","follower")])')
[ "$masters" = 3 ] || { echo "discovery-lab: expected 3 voting masters, saw $masters"; exit 1; }
echo "discovery-lab: all 3 masters agree on leader $(echo $leaders | cut -d' ' -f1)"

cli="$(ip netns exec "$NETLAB_PREFIX-ns8" env -u MINIMESOS_MASTER XDG_CONFIG_HOME="$work/cli-config" MINIMESOS_TOKEN="$(cat "$work/token")" MINIMESOS_CLUSTER=alpha "$bin" status --json)"
[ "$(echo "$cli" | field 'len(d["masters"])')" = 3 ] || { echo "discovery-lab: the CLI did not find alpha's masters over mDNS: $cli"; exit 1; }
echo "discovery-lab: the CLI found a master over mDNS with no --master"

beta="$(status 6)"
[ "$(echo "$beta" | field 'len(d["masters"])')" = 1 ] || { echo "discovery-lab: beta joined alpha's masters: $beta"; exit 1; }
[ "$(echo "$beta" | field 'd["agents"]')" = 0 ] || { echo "discovery-lab: beta got alpha's agents"; exit 1; }
echo "discovery-lab: cluster beta on the same bridge stays apart"

sleep 1
[ "$(status 1 | field 'd["agents"]')" = 3 ] || { echo "discovery-lab: the intruder was admitted"; exit 1; }
grep -q "wrong cluster secret\|refused" "$work"/master*.log "$work/intruder7.log" || { echo "discovery-lab: no refusal logged for the intruder"; exit 1; }
echo "discovery-lab: the agent with the wrong secret was refused and not admitted"
echo "discovery-lab: ok"

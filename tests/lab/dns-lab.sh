#!/usr/bin/env bash
# dns-lab.sh -- the app DNS and the apps' DNS-SD announcements with real processes on namespace hosts (docs/dns.md):
# 3 masters (198.18.0.1-3, each resolving the agents' host names pi4-pi6 through its own /etc/hosts) and 3 agents
# (198.18.0.4-6, --hostname pi4..pi6, mDNS on). An app /web with one port, the MINIMESOS_DNSSD=_http._tcp label and
# a hostname UNIQUE constraint is scaled 1 -> 3 -> 1 -> 0:
#   1. `dig @master -p 8600` over UDP and TCP: web.<zone> A records and _web._tcp.<zone> SRV records (host ports of the
#      running instances, targets that resolve) follow each scale, on the leader and on a follower; leader and masters
#      names; NXDOMAIN in the zone, REFUSED outside it, AA set and RA clear;
#   2. python-zeroconf on another host sees "web (pi4)._http._tcp.local." etc. with TXT app=/web and the app version,
#      and their goodbyes (Removed) when the app scales down;
#   3. an app /api whose instance fails its COMMAND health check leaves the leader's answers and the LAN (goodbye) while
#      still running, and comes back when it passes again;
#   4. a bad MINIMESOS_DNSSD label is refused with 422 naming it;
#   5. a burst of malformed DNS messages (random and mutated, UDP and TCP) leaves the master's DNS answering;
#   6. dnsmasq on host 2 with docs/dns.md's forwarding recipe (server=/<zone>/<master>#8600 for each master) answers the
#      app's A and SRV records to another host;
#   7. avahi-browse -rpt, through a private avahi-daemon and D-Bus on host 2, resolves the three instances (address,
#      host port, TXT app=/web) and sees two leave with the scale-down.
# Exits non-zero on any violation; cleans up its namespaces, /etc/netns entries, processes and tasks.
# Needs root, iproute2, nsenter, curl, jq, dig (bind9-dnsutils), python3-zeroconf, dnsmasq (dnsmasq-base), avahi-daemon,
# avahi-browse (avahi-utils), dbus-daemon and dbus-send. About 65 s.
# Usage: tests/lab/dns-lab.sh path/to/minimesos
set -Eeuo pipefail
trap 'echo "dns-lab: stopped at line $LINENO: $BASH_COMMAND (exit $?)" >&2' ERR
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=$(realpath "${1:?usage: dns-lab.sh path/to/minimesos}")
for tool in ip nsenter curl jq dig dnsmasq avahi-daemon avahi-browse dbus-daemon dbus-send; do command -v $tool >/dev/null || { echo "dns-lab: needs $tool" >&2; exit 2; }; done
/usr/bin/python3 -c 'import zeroconf' 2>/dev/null || { echo "dns-lab: needs python3-zeroconf" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "dns-lab: needs root (network namespaces)" >&2; exit 2; }
export NETLAB_PREFIX=mm$$
P=$NETLAB_PREFIX
T=$(mktemp -d /run/dns-lab.XXXXXX)
chmod 755 "$T"
TOKEN="lab-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$TOKEN" >"$T/token"; chmod 600 "$T/token"
CLUSTER=lab$$
ZONE=$CLUSTER.minimesos
BUS="unix:abstract=minimesos-dns-lab-$$"   # the private D-Bus of host 2's avahi-daemon (abstract: per network namespace)
pids=()
BROWSER=""
START_MS=$(date +%s%3N)
log() { printf '%6.1fs %s\n' "$(( $(date +%s%3N) - START_MS ))e-3" "$*"; }
fail() { log "VIOLATION: $*"; exit 1; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  touch "$T/stop"   # the app's instances end on their own (they run without isolation)
  exec 9>&- 2>/dev/null || true
  [ -n "$BROWSER" ] && { kill "$BROWSER" 2>/dev/null || true; wait "$BROWSER" 2>/dev/null || true; }
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "$rc" != 0 ]; then for f in "$T"/*.log; do echo "--- $(basename "$f")"; tail -n 20 "$f"; done; fi
  for i in 1 2 3; do rm -rf "/etc/netns/$P-ns$i"; done
  "$HERE/netlab.sh" down >/dev/null 2>&1 || true
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT INT TERM
"$HERE/netlab.sh" up 6 >/dev/null

for i in 1 2 3; do
  # `ip netns exec` puts /etc/netns/<ns>/hosts over /etc/hosts: how the masters resolve the agents' names.
  mkdir -p "/etc/netns/$P-ns$i"
  printf '127.0.0.1 localhost\n198.18.0.4 pi4\n198.18.0.5 pi5\n198.18.0.6 pi6\n' >"/etc/netns/$P-ns$i/hosts"
  ip netns exec "$P-ns$i" "$BIN" master --listen "198.18.0.$i" --data-dir "$T/m$i" --token-file "$T/token" --cluster "$CLUSTER" \
    --bootstrap-expect 3 --join 198.18.0.1,198.18.0.2,198.18.0.3 --no-mdns >"$T/master$i.log" 2>&1 &
  pids+=($!)
done

for i in 4 5 6; do
  # nsenter joins only the network namespace (ip netns exec would remount /sys).
  nsenter --net="/run/netns/$P-ns$i" "$BIN" agent --master 198.18.0.1,198.18.0.2,198.18.0.3 --work-dir "$T/a$i" --token-file "$T/token" \
    --cluster "$CLUSTER" --isolation none --hostname "pi$i" --interface "198.18.0.$i" >"$T/agent$i.log" 2>&1 &
  pids+=($!)
done

api() { # api METHOD PATH [BODY]: through master 1 (a follower forwards); sets API_CODE, prints the body
  local out
  out=$(ip netns exec "$P-ns1" curl -s -m 5 --cacert "$T/m1/ca.pem" -w '\n%{http_code}' -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    ${3:+-d "$3"} "https://198.18.0.1:5050$2" || true)
  API_CODE=${out##*$'\n'}
  printf '%s' "${out%$'\n'*}"
}
wait_for() { # wait_for SECONDS WHAT CMD...: polls every 0.2 s
  local seconds=$1 what=$2; shift 2
  for _ in $(seq 1 $(( seconds * 5 ))); do "$@" && return 0; sleep 0.2; done
  fail "$what: not within $seconds s"
}
q() { # q MASTER NAME TYPE [dig options]: dig from the master's own host at its app DNS
  ip netns exec "$P-ns$1" dig +time=2 +tries=2 -p 8600 "@198.18.0.$1" "$2" "$3" "${@:4}" 2>/dev/null || true
}
short() { q "$@" +short | sort; }
status_of() { q "$1" "$2" "$3" "${@:4}" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'; }
flags_of() { q "$1" "$2" "$3" | sed -n 's/.*;; flags: \([a-z ]*\);.*/\1/p'; }
leader() { api GET /v1/status | jq -r '.masters[] | select(.role == "leader") | .cluster_address' 2>/dev/null | cut -d: -f1 | sed 's/.*\.//'; }
running_ports() { api GET /v2/apps/web/tasks | jq -r '.tasks[] | select(.state == "TASK_RUNNING") | .ports[0]' 2>/dev/null | sort; }
running_hosts() { api GET /v2/apps/web/tasks | jq -r '.tasks[] | select(.state == "TASK_RUNNING") | .host' 2>/dev/null | sort; }

# Host 2 is also the LAN's resolver and an avahi host. dnsmasq: docs/dns.md's recipe, nothing else to resolve.
{ printf 'port=53\nlisten-address=198.18.0.2\nbind-interfaces\nno-resolv\nno-hosts\nno-poll\npid-file=\nlog-facility=-\n'
  for i in 1 2 3; do printf 'server=/%s/198.18.0.%s#8600\n' "$ZONE" "$i"; done; } >"$T/dnsmasq.conf"
ip netns exec "$P-ns2" dnsmasq --keep-in-foreground --conf-file="$T/dnsmasq.conf" >"$T/dnsmasq.log" 2>&1 &
pids+=($!)
# avahi-daemon on its own D-Bus (an abstract socket of host 2's network namespace: nothing in the host's /run/dbus), its
# configuration through ip netns exec's /etc/netns overlay, and its pid file and socket on a tmpfs over /run in a mount
# namespace of its own (the host's /run/avahi-daemon, and any avahi-daemon of the host, untouched).
printf '<busconfig><type>system</type><listen>%s</listen><auth>EXTERNAL</auth><policy context="default"><allow user="*"/><allow own="*"/><allow send_destination="*"/><allow receive_sender="*"/></policy></busconfig>\n' "$BUS" >"$T/dbus.conf"
ip netns exec "$P-ns2" dbus-daemon --config-file="$T/dbus.conf" --nofork --nopidfile >"$T/dbus.log" 2>&1 &
pids+=($!)
mkdir -p "/etc/netns/$P-ns2/avahi"
printf '[server]\nuse-ipv4=yes\nuse-ipv6=no\nenable-dbus=yes\n[publish]\npublish-addresses=no\npublish-hinfo=no\npublish-workstation=no\npublish-domain=no\n' \
  >"/etc/netns/$P-ns2/avahi/avahi-daemon.conf"
wait_for 5 "the lab's D-Bus to listen" bash -c "ip netns exec $P-ns2 dbus-send --bus=$BUS --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetId >/dev/null 2>&1"
ip netns exec "$P-ns2" unshare --mount --propagation private env DBUS_SYSTEM_BUS_ADDRESS="$BUS" sh -c \
  'mount -t tmpfs -o mode=755 tmpfs /run && mkdir /run/avahi-daemon && exec avahi-daemon --no-drop-root --no-chroot --no-rlimits --no-proc-title' \
  >"$T/avahi.log" 2>&1 &
pids+=($!)
avahi_browse() { # the resolved _http._tcp services avahi-browse lists on host 2, as "name|address|port|txt" lines
  ip netns exec "$P-ns2" env DBUS_SYSTEM_BUS_ADDRESS="$BUS" timeout 10 avahi-browse -rpt _http._tcp 2>/dev/null \
    | awk -F';' -v OFS='|' '$1 == "=" && $3 == "IPv4" { print $4, $8, $9, $10 }' | sort -u
}
unescape() { sed 's/\\032/ /g; s/\\040/(/g; s/\\041/)/g'; }   # avahi-browse -p writes a space and parentheses as \DDD (decimal)


wait_for 30 "3 agents registered with a leader" bash -c "[ \"\$(ip netns exec $P-ns1 curl -s -m 2 --cacert $T/m1/ca.pem -H 'Authorization: Bearer $TOKEN' https://198.18.0.1:5050/v1/status | jq -r '.agents')\" = 3 ]"
L=$(leader); [ -n "$L" ] || fail "no leader"
F=$(( L % 3 + 1 ))
log "cluster up: leader on 198.18.0.$L, follower 198.18.0.$F asked too"

# ---- leader and masters names, NXDOMAIN, REFUSED, flags
[ "$(short "$F" "leader.$ZONE" A)" = "198.18.0.$L" ] || fail "leader.$ZONE from the follower is '$(short "$F" "leader.$ZONE" A)', not 198.18.0.$L"
[ "$(short "$L" "masters.$ZONE" A | tr '\n' ' ')" = "198.18.0.1 198.18.0.2 198.18.0.3 " ] || fail "masters.$ZONE is '$(short "$L" "masters.$ZONE" A)'"
[ "$(status_of "$L" "nope.$ZONE" A)" = NXDOMAIN ] || fail "nope.$ZONE is $(status_of "$L" "nope.$ZONE" A), not NXDOMAIN"
[ "$(status_of "$L" example.org A)" = REFUSED ] || fail "example.org is $(status_of "$L" example.org A), not REFUSED"
flags=$(flags_of "$L" "leader.$ZONE" A)
[[ " $flags " == *" aa "* && " $flags " != *" ra "* ]] || fail "flags of an answer are '$flags' (want aa, no ra)"
log "leader, masters, NXDOMAIN, REFUSED and flags (aa, no ra) as expected"

# ---- a bad label is refused naming it
api POST /v2/apps '{"id":"/bad","cmd":"true","ports":[0],"labels":{"MINIMESOS_DNSSD":"http"}}' >"$T/bad.json"
[ "$API_CODE" = 422 ] && grep -q 'MINIMESOS_DNSSD' "$T/bad.json" || fail "a bad MINIMESOS_DNSSD label got $API_CODE: $(cat "$T/bad.json")"
log "bad MINIMESOS_DNSSD label: 422 naming it"

# ---- zeroconf browses _http._tcp from host 1 while the app scales
# The browser stops when its stdin closes: a fifo this shell holds open (fd 9) until cleanup, or after 100 s.
mkfifo "$T/zc.in"
ip netns exec "$P-ns1" /usr/bin/python3 "$HERE/../oracles/zc_browse.py" 198.18.0.1 100 _http._tcp.local. >"$T/zc.jsonl" 2>"$T/zc.err" <"$T/zc.in" &
BROWSER=$!
exec 9>"$T/zc.in"
wait_for 10 "python-zeroconf to start browsing" grep -q READY "$T/zc.jsonl"

CMD="while [ ! -e $T/stop ]; do sleep 0.2; done"
api POST /v2/apps "{\"id\":\"/web\",\"cmd\":\"$CMD\",\"instances\":1,\"cpus\":0.1,\"mem\":16,\"ports\":[0],\"constraints\":[[\"hostname\",\"UNIQUE\"]],\"labels\":{\"MINIMESOS_DNSSD\":\"_http._tcp\"}}" >/dev/null
[ "$API_CODE" = 201 ] || fail "POST /v2/apps answered $API_CODE"

check_scale() { # check_SCALE N: A and SRV on the leader and the follower match the running instances
  local n=$1 hosts ports m
  hosts=$(running_hosts | sed 's/^pi/198.18.0./')
  ports=$(running_ports)
  [ "$(echo "$hosts" | grep -c .)" = "$n" ] || return 1
  for m in "$L" "$F"; do
    [ "$(short "$m" "web.$ZONE" A)" = "$hosts" ] || return 1
    [ "$(short "$m" "web.$ZONE" A +tcp)" = "$hosts" ] || return 1
    [ "$(short "$m" "_web._tcp.$ZONE" SRV | awk '{print $3}' | sort)" = "$ports" ] || return 1
  done
}
for n in 1 3 1; do
  [ "$n" = 1 ] || api PUT /v2/apps/web "{\"instances\":$n}" >/dev/null
  [ "$n" = 1 ] && [ -e "$T/scaled" ] && api PUT /v2/apps/web '{"instances":1}' >/dev/null
  touch "$T/scaled"
  wait_for 40 "web.$ZONE A and _web._tcp SRV to show $n instance(s) on leader and follower" check_scale "$n"
  log "scaled to $n: A $(short "$L" "web.$ZONE" A | tr '\n' ' ')SRV ports $(running_ports | tr '\n' ' ')on leader and follower (UDP and TCP)"
  # Each agent probes the instance's name (RFC 6762, ~750 ms) before announcing it: keep the three running until
  # python-zeroconf has seen them, or a fast scale-down ends them before they were ever announced.
  if [ "$n" = 3 ]; then
    wait_for 20 "python-zeroconf to see web (pi4), web (pi5), web (pi6)" bash -c "[ \$(jq -r 'select(.event == \"Added\") | .name' $T/zc.jsonl | grep -c '^web (pi[456])._http._tcp.local.\$') = 3 ]"
    check_avahi() { # avahi-browse resolves each instance: its agent's address, its host port, TXT app=/web
      local seen ports; seen=$(avahi_browse); ports=$(running_ports | paste -sd'|')
      for h in 4 5 6; do
        echo "$seen" | grep -Eq "^web[^|]*pi$h[^|]*\|198\.18\.0\.$h\|($ports)\|.*\"app=/web\"" || return 1
      done
    }
    wait_for 30 "avahi-browse -rpt _http._tcp to resolve web (pi4), web (pi5), web (pi6)" check_avahi
    log "avahi-browse -rpt _http._tcp resolved: $(avahi_browse | awk -F'|' '{ print $1, $2 ":" $3 }' | unescape | paste -sd, -)"
    # docs/dns.md's dnsmasq recipe, from host 5 (TTL 5 s: asked once at this scale)
    [ "$(ip netns exec "$P-ns5" dig +short +time=2 +tries=2 @198.18.0.2 "web.$ZONE" A | sort)" = "$(running_hosts | sed 's/^pi/198.18.0./')" ] \
      || fail "dnsmasq's answer for web.$ZONE is '$(ip netns exec "$P-ns5" dig +short @198.18.0.2 "web.$ZONE" A)'"
    [ "$(ip netns exec "$P-ns5" dig +short +time=2 +tries=2 @198.18.0.2 "_web._tcp.$ZONE" SRV | awk '{print $3}' | sort)" = "$(running_ports)" ] \
      || fail "dnsmasq's SRV answer for _web._tcp.$ZONE does not carry the instances' host ports"
    log "dnsmasq forwarding $ZONE to the three masters (docs/dns.md's recipe) answers web A and _web._tcp SRV to host 5"
  fi
done
target=$(short "$L" "_web._tcp.$ZONE" SRV | awk '{print $4}' | head -1)
[ "$(short "$L" "$target" A)" = "$(running_hosts | sed 's/^pi/198.18.0./')" ] || fail "SRV target $target does not resolve to the instance's agent"
log "SRV target $target resolves to the instance's agent"

# ---- zeroconf saw all three instances with their TXT, and the goodbyes of the two that went
zc_names() { jq -r "select(.event == \"$1\") | .name" "$T/zc.jsonl" 2>/dev/null | sort -u; }
wait_for 20 "python-zeroconf to see web (pi4), web (pi5), web (pi6)" bash -c "[ \$(jq -r 'select(.event == \"Added\") | .name' $T/zc.jsonl | grep -c '^web (pi[456])._http._tcp.local.\$') = 3 ]"
version=$(api GET /v2/apps/web | jq -r '.app.version')
jq -se "map(select(.event == \"Added\" and .name == \"web (pi4)._http._tcp.local.\" and .txt.app == \"/web\" and .txt.version != null and (.addresses | any(. == \"198.18.0.4\")))) | length > 0" "$T/zc.jsonl" >/dev/null \
  || fail "web (pi4) seen without TXT app=/web and version, or without 198.18.0.4: $(grep 'pi4' "$T/zc.jsonl" | head -2)"
wait_for 20 "python-zeroconf to see the goodbyes of the two instances scaled away" bash -c "[ \$(jq -r 'select(.event == \"Removed\") | .name' $T/zc.jsonl | sort -u | grep -c '^web (pi[456])') -ge 2 ]"
log "python-zeroconf: Added $(zc_names Added | tr '\n' ',') TXT app=/web (version $version); Removed $(zc_names Removed | tr '\n' ',')"
avahi_one_left() { [ "$(avahi_browse | grep -c '^web')" = 1 ]; }
wait_for 20 "avahi-browse to list only the remaining instance" avahi_one_left
log "avahi-browse: the two instances scaled away are gone, $(avahi_browse | cut -d'|' -f1 | unescape) left"

# ---- an instance that fails its health check leaves the leader's answers and the LAN, and comes back when it passes
api POST /v2/apps "{\"id\":\"/api\",\"cmd\":\"$CMD\",\"instances\":1,\"cpus\":0.1,\"mem\":16,\"ports\":[0],\"labels\":{\"MINIMESOS_DNSSD\":\"_http._tcp\"},\"healthChecks\":[{\"protocol\":\"COMMAND\",\"command\":{\"value\":\"test ! -e $T/sick\"},\"gracePeriodSeconds\":0,\"intervalSeconds\":1,\"timeoutSeconds\":5,\"maxConsecutiveFailures\":100000}]}" >/dev/null
[ "$API_CODE" = 201 ] || fail "POST /v2/apps /api answered $API_CODE"
wait_for 30 "the healthy api instance in the leader's answers" bash -c "[ -n \"\$(ip netns exec $P-ns$L dig +short +time=2 -p 8600 @198.18.0.$L api.$ZONE A)\" ]"
wait_for 20 "python-zeroconf to see the api instance" bash -c "[ \$(jq -r 'select(.event == \"Added\") | .name' $T/zc.jsonl | grep -c '^api (pi') -ge 1 ]"
touch "$T/sick"
wait_for 20 "the failing api instance to leave the leader's answers" bash -c "[ -z \"\$(ip netns exec $P-ns$L dig +short +time=2 -p 8600 @198.18.0.$L api.$ZONE A)\" ]"
wait_for 20 "python-zeroconf to see the failing api instance's goodbye" bash -c "[ \$(jq -r 'select(.event == \"Removed\") | .name' $T/zc.jsonl | grep -c '^api (pi') -ge 1 ]"
[ "$(api GET /v2/apps/api/tasks | jq -r '[.tasks[] | select(.state == "TASK_RUNNING")] | length')" = 1 ] || fail "the failing api instance is not running any more"
[ -n "$(short "$F" "api.$ZONE" A)" ] || fail "the follower (no health reports) should still serve the running api instance"
log "api instance failing its check: gone from the leader's answers and from the LAN (goodbye), still TASK_RUNNING, still on the follower"
rm -f "$T/sick"
wait_for 20 "the api instance back in the leader's answers" bash -c "[ -n \"\$(ip netns exec $P-ns$L dig +short +time=2 -p 8600 @198.18.0.$L api.$ZONE A)\" ]"
wait_for 20 "python-zeroconf to see the api instance again" bash -c "[ \$(jq -r 'select(.event == \"Added\") | .name' $T/zc.jsonl | grep -c '^api (pi') -ge 2 ]"
log "api instance healthy again: back in the leader's answers and announced again"

# ---- scale to 0: NXDOMAIN, and the last goodbye
api PUT /v2/apps/web '{"instances":0}' >/dev/null
wait_for 30 "web.$ZONE to be NXDOMAIN at 0 instances" bash -c "[ \"\$(ip netns exec $P-ns$L dig +time=2 -p 8600 @198.18.0.$L web.$ZONE A | sed -n 's/.*status: \([A-Z]*\),.*/\1/p')\" = NXDOMAIN ]"
wait_for 20 "python-zeroconf to see the last goodbye" bash -c "[ \$(jq -r 'select(.event == \"Removed\") | .name' $T/zc.jsonl | sort -u | grep -c '^web (pi[456])') = 3 ]"
log "scaled to 0: NXDOMAIN, and every announcement withdrawn"

# ---- malformed DNS at the leader's DNS, then it still answers
ip netns exec "$P-ns$L" /usr/bin/python3 - "198.18.0.$L" <<'PY'
import os, random, socket, struct, sys
host = sys.argv[1]
rng = random.Random(int.from_bytes(os.urandom(4), "big"))
q = bytes.fromhex("abcd01000001000000000001") + b"\x03web\x05lab00\x09minimesos\x00\x00\x21\x00\x01" + bytes.fromhex("0000291000000000000000")
def packet():
    if rng.random() < 0.3:
        return os.urandom(rng.randrange(0, 300))
    b = bytearray(q)
    for _ in range(rng.randrange(1, 5)):
        i = rng.randrange(len(b))
        b[i] = rng.choice([0xC0, 0x3F, 0xFF, rng.randrange(256)])
    return bytes(b[: rng.randrange(1, len(b) + 1)]) if rng.random() < 0.3 else bytes(b)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(5000):
    u.sendto(packet(), (host, 8600))
for _ in range(50):
    t = socket.create_connection((host, 8600), timeout=2)
    try:
        for _ in range(3):
            p = packet()
            t.sendall(struct.pack(">H", len(p) + rng.choice([0, 0, 7])) + p)
    except OSError:
        pass
    t.close()
PY
[ "$(short "$L" "leader.$ZONE" A)" = "198.18.0.$L" ] && [ "$(short "$L" "leader.$ZONE" A +tcp)" = "198.18.0.$L" ] \
  || fail "after the malformed burst the DNS does not answer"
log "5000 malformed UDP messages and 50 TCP connections of garbage: still answering over UDP and TCP"
echo "dns-lab: PASS"

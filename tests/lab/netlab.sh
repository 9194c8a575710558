#!/bin/bash
# netlab.sh -- N test "hosts" on one Linux machine: network namespaces $P-ns1..N, each with eth0 = 198.18.0.<i>/24,
# joined by a bridge that lives in its own namespace $P-br (the root namespace is never touched).
# Multicast (mDNS 224.0.0.251:5353) reaches every host: route 224.0.0.0/4 via eth0, bridge mcast_snooping 0.
#
# The prefix P comes from NETLAB_PREFIX (default mm<pid of this shell>). Embedding the owner's pid lets
# cleanup-all tell stale labs (owner gone) from labs other runs are still using.
#
#   netlab.sh up N                 create N hosts (1..200)
#   netlab.sh down                 delete this prefix's hosts and bridge (stop your processes first)
#   netlab.sh run N -- CMD...      up, run CMD with NETLAB_PREFIX exported, down on exit/INT/TERM
#   netlab.sh cleanup-all          delete labs (mm<pid>-*) whose owner pid is no longer alive
#   netlab.sh isolate I | plug I   unplug / replug host I (bridge port down/up)
#   netlab.sh cut I J              drop frames between hosts I and J (needs nftables)
#   netlab.sh loss I PCT           drop PCT% of packets arriving at host I (needs nftables)
#   netlab.sh heal                 remove cut/loss rules and replug every host
set -euo pipefail
P=${NETLAB_PREFIX:-mm$$}
cmd=${1:-}; shift || true

hosts() { ip netns list | awk '{print $1}' | grep -E "^$P-ns[0-9]+$" | sed "s/^$P-ns//" | sort -n; }
need_nft() { command -v nft >/dev/null || { echo "netlab: this fault needs nftables (apt-get install nftables)" >&2; exit 3; }; }
bridge_table() {
  need_nft
  ip netns exec "$P-br" nft list table bridge lab >/dev/null 2>&1 && return
  ip netns exec "$P-br" nft add table bridge lab
  ip netns exec "$P-br" nft add chain bridge lab fw '{ type filter hook forward priority 0; policy accept; }'
}
host_table() {
  need_nft
  ip netns exec "$P-ns$1" nft list table inet lab >/dev/null 2>&1 && return
  ip netns exec "$P-ns$1" nft add table inet lab
  ip netns exec "$P-ns$1" nft add chain inet lab in '{ type filter hook input priority 0; policy accept; }'
}
down() {
  for i in $(hosts); do ip netns del "$P-ns$i" 2>/dev/null || true; done
  ip netns del "$P-br" 2>/dev/null || true
}
up() {
  local n=$1
  [[ $n =~ ^[0-9]+$ ]] && (( n >= 1 && n <= 200 )) || { echo "netlab: N must be 1..200" >&2; exit 2; }
  ip netns add "$P-br"
  ip -n "$P-br" link add br0 type bridge
  ip -n "$P-br" link set br0 type bridge mcast_snooping 0   # flood multicast to every port
  ip -n "$P-br" link set br0 up
  ip -n "$P-br" link set lo up
  for i in $(seq 1 "$n"); do
    ip netns add "$P-ns$i"
    # The veth is created inside the host namespace so it never appears in the root namespace.
    ip -n "$P-ns$i" link add eth0 type veth peer name "b$i" netns "$P-br"
    ip -n "$P-br" link set "b$i" master br0 up
    ip -n "$P-ns$i" link set lo up
    ip -n "$P-ns$i" addr add "198.18.0.$i/24" dev eth0
    ip -n "$P-ns$i" link set eth0 up
    # Without a multicast route, sendto(224.0.0.251) fails with ENETUNREACH.
    ip -n "$P-ns$i" route add 224.0.0.0/4 dev eth0
  done
}

case "$cmd" in
up) up "${1:-3}" ;;
down) down ;;
run)
  n=${1:-3}; shift; [ "${1:-}" = "--" ] && shift
  trap down EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  up "$n"
  export NETLAB_PREFIX=$P
  "$@" ;;
cleanup-all)
  for ns in $(ip netns list | awk '{print $1}' | grep -E '^mm[0-9]+-(br|ns[0-9]+)$' || true); do
    owner=${ns%%-*}; owner=${owner#mm}
    kill -0 "$owner" 2>/dev/null || { echo "removing stale $ns"; ip netns del "$ns" 2>/dev/null || true; }
  done ;;
isolate) ip -n "$P-br" link set "b$1" down ;;
plug) ip -n "$P-br" link set "b$1" up ;;
cut)
  bridge_table
  ip netns exec "$P-br" nft add rule bridge lab fw iifname "b$1" oifname "b$2" drop
  ip netns exec "$P-br" nft add rule bridge lab fw iifname "b$2" oifname "b$1" drop ;;
loss)
  host_table "$1"
  ip netns exec "$P-ns$1" nft add rule inet lab in numgen random mod 100 lt "$2" drop ;;
heal)
  if command -v nft >/dev/null; then
    ip netns exec "$P-br" nft delete table bridge lab 2>/dev/null || true
    for i in $(hosts); do ip netns exec "$P-ns$i" nft delete table inet lab 2>/dev/null || true; done
  fi
  for i in $(hosts); do ip -n "$P-br" link set "b$i" up; done ;;
*) sed -n '2,17p' "$0"; exit 2 ;;
esac

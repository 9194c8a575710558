#!/bin/bash
# selftest.sh -- checks netlab.sh end to end on 3 hosts: multicast fan-out, isolate/plug, cut, loss, heal and
# cleanup. Needs root, iproute2, nftables and python3. About 15 s.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
export NETLAB_PREFIX=mm$$
PY=${PYTHON:-python3}
T=$(mktemp -d)
fails=0
trap '"$HERE/netlab.sh" down; rm -rf "$T"' EXIT
check() { if eval "$2"; then echo "PASS $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }
ns() { echo "$NETLAB_PREFIX-ns$1"; }
mc() {  # mc SENDER -> "n2 n3": datagrams hosts 2 and 3 received from 5 sent
  for i in 2 3; do ip netns exec "$(ns $i)" timeout 10 $PY "$HERE/mcast.py" recv 1.5 > "$T/mc$i" 2>&1 & done
  sleep 0.4; ip netns exec "$(ns $1)" timeout 10 $PY "$HERE/mcast.py" send 5; wait
  echo "$(grep -c RECV "$T/mc2") $(grep -c RECV "$T/mc3")"; }
udp() {  # udp FROM TO -> datagrams TO received from 20 unicast ones
  ip netns exec "$(ns $2)" timeout 10 $PY -c "
import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('', 9999)); s.settimeout(1.5); n = 0
try:
    while True: s.recv(64); n += 1
except socket.timeout: print(n)" > "$T/udp" & sleep 0.4
  ip netns exec "$(ns $1)" timeout 10 $PY -c "
import socket, time; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(${3:-20}): s.sendto(b'x', ('198.18.0.$2', 9999)); time.sleep(0.005)"
  wait; cat "$T/udp"; }

"$HERE/netlab.sh" up 3
R=$(mc 1); check "multicast 1 -> 2,3 ($R of 5 each)" '[ "$R" = "5 5" ]'
"$HERE/netlab.sh" isolate 2; R=$(mc 1); check "isolate 2 ($R)" '[ "$R" = "0 5" ]'
"$HERE/netlab.sh" heal; R=$(mc 1); check "heal ($R)" '[ "$R" = "5 5" ]'
"$HERE/netlab.sh" cut 1 2
R=$(udp 1 2); check "cut 1-2: 1 -> 2 lost ($R of 20)" '[ "$R" = 0 ]'
R=$(udp 1 3); check "cut 1-2: 1 -> 3 ok ($R of 20)" '[ "$R" = 20 ]'
"$HERE/netlab.sh" heal
"$HERE/netlab.sh" loss 2 50; R=$(udp 1 2 200); check "loss 50% at 2 ($R of 200 arrived)" '[ "$R" -ge 60 ] && [ "$R" -le 140 ]'
"$HERE/netlab.sh" heal; R=$(udp 1 2); check "heal ($R of 20)" '[ "$R" = 20 ]'
"$HERE/netlab.sh" down
check "no namespaces left" '! ip netns list | grep -q "^$NETLAB_PREFIX-"'
echo "$fails failed"; exit $((fails > 0))

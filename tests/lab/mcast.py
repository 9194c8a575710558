#!/usr/bin/python3
# mcast.py send <count> | recv <seconds> -- plain multicast to 224.0.0.251:5353 on eth0 of a lab host.
# recv prints one RECV line per datagram; both stop by themselves.
import socket, struct, sys, time
GROUP, PORT = "224.0.0.251", 5353
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
if sys.argv[1] == "send":
    for i in range(min(int(sys.argv[2]), 100)):
        s.sendto(b"lab-probe-%d" % i, (GROUP, PORT))
        time.sleep(0.02)
else:
    s.bind(("", PORT))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, struct.pack("4s4s", socket.inet_aton(GROUP), socket.inet_aton("0.0.0.0")))
    end = time.time() + min(float(sys.argv[2]), 30)
    while (left := end - time.time()) > 0:
        s.settimeout(left)
        try:
            data, src = s.recvfrom(2048)
        except socket.timeout:
            break
        if data.startswith(b"lab-probe"):
            print("RECV", src[0], flush=True)

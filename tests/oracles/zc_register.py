#!/usr/bin/python3
# zc_register.py <ifaddr> <instance> <port> <max-seconds> [key=value...] -- python-zeroconf publishes one
# _minimesos._tcp.local. instance with host <instance>.local. at <ifaddr>. Prints {"event": "REGISTERED", "t"}
# after probing, or {"event": "CONFLICT"} if another responder defends the name; unregisters (goodbye) when
# stdin closes or after max-seconds, then prints UNREGISTERED.
import json, socket, sys, threading, time
from zeroconf import IPVersion, NonUniqueNameException, ServiceInfo, Zeroconf

ifaddr, name, port, max_seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), min(float(sys.argv[4]), 120.0)
props = dict(arg.split("=", 1) for arg in sys.argv[5:])
zc = Zeroconf(interfaces=[ifaddr], ip_version=IPVersion.V4Only)
info = ServiceInfo("_minimesos._tcp.local.", f"{name}._minimesos._tcp.local.", addresses=[socket.inet_aton(ifaddr)],
                   port=port, properties=props, server=f"{name.replace(' ', '-')}.local.")
t0 = time.time()
try:
    zc.register_service(info)
except NonUniqueNameException:
    print(json.dumps({"event": "CONFLICT", "t": time.time()}), flush=True)
    zc.close()
    sys.exit(0)
print(json.dumps({"event": "REGISTERED", "t": time.time(), "took": time.time() - t0}), flush=True)
done = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
done.wait(max_seconds)
zc.unregister_service(info)
zc.close()
print(json.dumps({"event": "UNREGISTERED", "t": time.time()}), flush=True)

#!/usr/bin/python3
# zc_browse.py <ifaddr> <max-seconds> [service-type] -- python-zeroconf browses a DNS-SD type (default
# _minimesos._tcp.local.) on one interface and
# prints one JSON line per change: {"t": epoch seconds, "event": "Added|Updated|Removed", "name", "addresses",
# "port", "txt"}. Prints {"event": "READY"} as it starts browsing (before any "Added"). Stops after max-seconds or when stdin closes.
import json, socket, sys, threading, time
from zeroconf import IPVersion, ServiceBrowser, ServiceStateChange, Zeroconf

ifaddr, max_seconds = sys.argv[1], min(float(sys.argv[2]), 120.0)
service_type = sys.argv[3] if len(sys.argv) > 3 else "_minimesos._tcp.local."
zc = Zeroconf(interfaces=[ifaddr], ip_version=IPVersion.V4Only)
lock = threading.Lock()

def emit(**fields):
    with lock:
        print(json.dumps(fields), flush=True)

def on_change(zeroconf, service_type, name, state_change):
    line = {"t": time.time(), "event": state_change.name, "name": name}
    if state_change is not ServiceStateChange.Removed:
        info = zeroconf.get_service_info(service_type, name, timeout=3000)
        if info is not None:
            line.update(t=time.time(), addresses=[socket.inet_ntoa(a) for a in info.addresses], port=info.port,
                        txt={k.decode(): (v.decode() if v is not None else None) for k, v in info.properties.items()})
    emit(**line)

# READY first: the browser may resolve a service before this line would be printed after it, and readers take the
# lines in order.
emit(event="READY", t=time.time())
browser = ServiceBrowser(zc, service_type, handlers=[on_change])
done = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
done.wait(max_seconds)
browser.cancel()
zc.close()
emit(event="DONE", t=time.time())

#!/usr/bin/python3
"""An external MiniMesos framework written from docs/protocol.md alone ("TLS", "Handshake", "Framework API").

Usage: mesos_framework.py <host> <port> <cluster> <token-file>
The token file holds the bare secret or an mm1.<CA fingerprint>.<secret> token; with the latter the master's
certificate must come from that CA (found in the certificate's CA extension, docs/protocol.md "TLS"); with a bare
secret the certificate is accepted as it is (the proofs are bound to it either way).
Runs one scenario against the leader and prints one JSON object with what it saw:
subscribe -> accept an offer to run a task -> acknowledge its updates until TASK_FINISHED -> a refused accept
(reused offer id) -> an invalid message -> decline the next offer with a one-hour filter and check no offer
for that agent follows -> reconcile (known and unknown task) -> teardown.
Exit code 0 when the scenario ran to the end, 1 with a message otherwise.
"""
import hashlib
import hmac
import json
import os
import socket
import ssl
import struct
import sys
import threading
import time

try:
    import msgpack
except ImportError:
    sys.stderr.write("python3-msgpack is missing: install python3-msgpack\n")
    sys.exit(3)


class Conn:
    def __init__(self, host, port):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_3
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # checked below against the pinned CA fingerprint, as the protocol says
        self.sock = context.wrap_socket(socket.create_connection((host, port), timeout=20), server_hostname=host)
        self.certificate = self.sock.getpeercert(binary_form=True)
        self.binding = hashlib.sha256(self.certificate).digest()
        self.lock = threading.Lock()

    def send(self, message):
        payload = msgpack.packb(message, use_bin_type=True)
        with self.lock:
            self.sock.sendall(struct.pack(">I", len(payload)) + payload)

    def _exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def recv(self):
        header = self._exact(4)
        if header is None:
            return None
        (length,) = struct.unpack(">I", header)
        return msgpack.unpackb(self._exact(length), raw=False)


def lp(b):
    return struct.pack(">I", len(b)) + b


def transcript(label, v, cluster, cnode, crole, snode, srole, nc, ns, binding):
    return (lp(label.encode()) + struct.pack(">I", v) + lp(cluster.encode()) + lp(cnode.encode()) + lp(crole.encode())
            + lp(snode.encode()) + lp(srole.encode()) + lp(nc) + lp(ns) + lp(binding))


CA_EXTENSION_ARC = 950670774711717453033604505605424122  # the OID is 2.25.<this>


def ca_extension_oid():
    """DER of the OID 2.25.CA_EXTENSION_ARC: first byte 2*40+25, then the arc in base 128."""
    body, n = [], CA_EXTENSION_ARC
    while True:
        body.insert(0, (n & 0x7F) | (0x80 if body else 0))
        n >>= 7
        if n == 0:
            break
    content = bytes([2 * 40 + 25] + body)
    return bytes([0x06, len(content)]) + content


def carried_ca_fingerprint(der):
    """SHA-256 of the CA certificate a server certificate carries in its extension (a DER scan, no X.509 library)."""
    oid = ca_extension_oid()
    at = der.find(oid)
    if at < 0:
        return None
    at += len(oid)
    if der[at] == 0x01:  # the optional critical BOOLEAN
        at += 3
    if der[at] != 0x04:  # OCTET STRING holding the CA certificate
        return None
    length, at = der_length(der, at + 1)
    return hashlib.sha256(der[at:at + length]).hexdigest()


def der_length(der, at):
    first = der[at]
    if first < 0x80:
        return first, at + 1
    count = first & 0x7F
    return int.from_bytes(der[at + 1:at + 1 + count], "big"), at + 1 + count


def handshake(conn, cluster, secret, node="py-framework", role="framework"):
    nc = os.urandom(32)
    conn.send({"t": "hello", "v": 1, "cluster": cluster, "node": node, "role": role, "nonce": nc})
    ch = conn.recv()
    if ch is None or ch.get("t") != "challenge":
        raise SystemExit("handshake: expected challenge, got %r" % (ch,))
    args = (1, cluster, node, role, ch["node"], ch["role"], nc, ch["nonce"], conn.binding)
    expected = hmac.new(secret, transcript("minimesos/handshake/v1/server-proof", *args), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, ch["proof"]):
        raise SystemExit("handshake: wrong server proof")
    conn.send({"t": "proof", "proof": hmac.new(secret, transcript("minimesos/handshake/v1/client-proof", *args), hashlib.sha256).digest()})
    welcome = conn.recv()
    if welcome is None or welcome.get("t") != "welcome":
        raise SystemExit("handshake: expected welcome, got %r" % (welcome,))


def main():
    host, port, cluster, token_file = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    token = open(token_file, "rb").read().strip()
    pinned = None
    if token.startswith(b"mm1."):
        _, pinned, token = token.decode().split(".")
        token = token.encode()
    secret = token
    conn = Conn(host, port)
    if pinned is not None and carried_ca_fingerprint(conn.certificate) != pinned:
        raise SystemExit("the master's certificate is not from the pinned cluster CA %s" % pinned)
    handshake(conn, cluster, secret)
    conn.send({"t": "subscribe", "name": "py-oracle", "role": "*", "failover_timeout": 30.0})
    subscribed = conn.recv()
    if subscribed.get("t") != "subscribed":
        raise SystemExit("expected subscribed, got %r" % (subscribed,))
    interval = subscribed["heartbeat_interval"]
    stop = threading.Event()

    def beat():
        while not stop.wait(interval / 2):
            conn.send({"t": "heartbeat"})
    threading.Thread(target=beat, daemon=True).start()

    seen = {"framework_id": subscribed["framework_id"], "states": [], "acks": 0, "heartbeats": 0}
    pending = []

    def next_message(types, timeout=30):
        """The next message of one of these types; others wait in `pending` for a later call."""
        for i, m in enumerate(pending):
            if m.get("t") in types:
                return pending.pop(i)
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = conn.recv()
            if m is None:
                raise SystemExit("connection closed while waiting for %s" % (types,))
            t = m.get("t")
            if os.environ.get("FRAMEWORK_TRACE"):
                sys.stderr.write("received %r\n" % (m,))
            if t == "heartbeat":
                seen["heartbeats"] += 1
                continue
            if t == "update" and m["uuid"]:
                conn.send({"t": "acknowledge", "uuid": m["uuid"], "task_id": m["task_id"]})
                seen["acks"] += 1
            if t in types:
                return m
            pending.append(m)
        raise SystemExit("timed out waiting for %s" % (types,))

    offers = next_message(["offers"])["offers"]
    offer = offers[0]
    seen["offer"] = {k: offer[k] for k in ("agent_id", "hostname", "cpus", "mem", "disk")}
    task = {"task_id": "py-task-1", "name": "py-task", "argv": ["/bin/sh", "-c", "sleep 2; echo from-python-framework"],
            "env": {"FROM": "python"}, "cpus": 0.1, "mem": 32, "disk": 0, "ports": []}
    conn.send({"t": "accept", "offer_ids": [offer["offer_id"]], "tasks": [task], "refuse_seconds": 0})
    while True:
        u = next_message(["update"])
        if u["task_id"] == "py-task-1" and u["uuid"]:
            seen["states"].append(u["state"])
            if u["state"] in ("TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST"):
                seen["exit_code"] = u.get("exit_code")
                break

    conn.send({"t": "accept", "offer_ids": [offer["offer_id"]], "tasks": [dict(task, task_id="py-task-2")]})
    seen["refused"] = next_message(["accept_refused"])["reason"]

    conn.send({"t": "accept", "offer_ids": "not-a-list", "tasks": []})
    err = next_message(["error"])
    seen["error"] = {"message_type": err["message_type"], "field": err["field"], "reason": err["reason"]}

    again = next_message(["offers"])["offers"][0]
    pending[:] = [m for m in pending if m.get("t") != "offers"]
    conn.send({"t": "decline", "offer_ids": [again["offer_id"]], "refuse_seconds": 3600})
    filtered_until = time.time() + 4
    seen["offers_after_decline"] = 0
    conn.sock.settimeout(1)
    while time.time() < filtered_until:
        try:
            m = conn.recv()
        except socket.timeout:
            continue
        if m and m.get("t") == "offers" and any(o["agent_id"] == again["agent_id"] for o in m["offers"]):
            seen["offers_after_decline"] += 1
        elif m and m.get("t") != "heartbeat":
            pending.append(m)
    conn.sock.settimeout(20)

    conn.send({"t": "reconcile", "task_ids": ["py-task-1", "no-such-task"]})
    answers = {}
    while len(answers) < 2:
        u = next_message(["update"])
        if not u["uuid"]:
            answers[u["task_id"]] = u["state"]
    seen["reconciled"] = answers

    stop.set()
    conn.send({"t": "teardown"})
    seen["closed_after_teardown"] = next_closed(conn)
    print(json.dumps(seen, sort_keys=True))


def next_closed(conn):
    conn.sock.settimeout(10)
    try:
        while True:
            m = conn.recv()
            if m is None:
                return True
    except (socket.timeout, ConnectionError):
        return False


if __name__ == "__main__":
    main()

"""Load and observation helper for raft-lab.sh: one process per loop, so a request costs no fork (on a busy
2-core machine, a curl + jq per request costs ~1 s of scheduling). Standard library only.

  api-client.py submit URL TOKEN OUT MAX SECONDS STOPFILE   POST tasks until MAX attempts, SECONDS or STOPFILE;
                                                            one line per attempt: "ms code id seconds"
  api-client.py poll URL TOKEN OUT SECONDS STOPFILE         GET /v1/status every 100 ms: one JSON line per answer
"""
import http.client
import json
import os
import sys
import time
import urllib.parse

BODY = json.dumps({"args": ["true"], "cpus": 0.01, "mem": 1})


def request(url, token, method, path, body=None, timeout=3.0):
    parts = urllib.parse.urlsplit(url)
    # https: the default context verifies against SSL_CERT_FILE (the lab's cluster CA) and checks the address.
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = kind(parts.hostname, parts.port, timeout=timeout)
    try:
        headers = {"Authorization": "Bearer " + token}
        if body is not None:
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    except (OSError, http.client.HTTPException):
        return 0, b""
    finally:
        conn.close()


def now_ms():
    return int(time.time() * 1000)


def submit(url, token, out, max_attempts, seconds, stopfile):
    end = time.monotonic() + seconds
    with open(out, "a", buffering=1) as f:
        for _ in range(max_attempts):
            if time.monotonic() >= end or os.path.exists(stopfile):
                break
            t0 = time.monotonic()
            code, body = request(url, token, "POST", "/v1/tasks", BODY)
            task_id = ""
            if code == 201:
                task_id = json.loads(body)["id"]
            f.write(f"{now_ms()} {code:03d} {task_id or '-'} {time.monotonic() - t0:.4f}\n")
            if code != 201:
                time.sleep(0.02)


def poll(url, token, out, seconds, stopfile):
    end = time.monotonic() + seconds
    with open(out, "a", buffering=1) as f:
        while time.monotonic() < end and not os.path.exists(stopfile):
            code, body = request(url, token, "GET", "/v1/status", timeout=0.5)
            if code == 200:
                s = json.loads(body)
                f.write(json.dumps({"ms": now_ms(), "id": s["id"], "role": s["role"], "term": s["term"],
                                    "leader": s.get("leader")}) + "\n")
            time.sleep(0.1)


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "submit":
        submit(args[0], args[1], args[2], int(args[3]), float(args[4]), args[5])
    elif mode == "poll":
        poll(args[0], args[1], args[2], float(args[3]), args[4])
    else:
        sys.exit(f"unknown mode {mode}")

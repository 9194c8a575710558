"""Failover timing for bench/failover/run.sh. Standard library only; one process per trial, so the clock
starts at the signal itself, not at a process start.

  measure.py fault SIGNAL PID TOKEN URL...   send SIGNAL (KILL or TERM) to PID, then POST tasks round-robin to
                                             the URLs (the survivors) until one is acknowledged (201); print
                                             the seconds from the signal to that acknowledgement (bounded: 15 s)
  measure.py writes N TOKEN URL              N sequential POSTs to URL when nothing fails: print each latency
"""
import http.client
import json
import os
import signal
import sys
import time
import urllib.parse

BODY = json.dumps({"args": ["true"], "cpus": 0.01, "mem": 1})
LIMIT_SECONDS = 15.0


def post(url, token, timeout):
    parts = urllib.parse.urlsplit(url)
    # https: the default context verifies against SSL_CERT_FILE (the cluster CA, set by run.sh).
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = kind(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("POST", "/v1/tasks", body=BODY,
                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        return resp.status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        conn.close()


def fault(sig, pid, token, urls):
    start = time.monotonic()
    os.kill(pid, signal.SIGKILL if sig == "KILL" else signal.SIGTERM)
    i = 0
    while time.monotonic() - start < LIMIT_SECONDS:
        if post(urls[i % len(urls)], token, timeout=1.0) == 201:
            print(f"{time.monotonic() - start:.4f}")
            return 0
        i += 1
        time.sleep(0.005)
    print("timeout")
    return 1


def writes(n, token, url):
    for _ in range(n):
        t0 = time.monotonic()
        code = post(url, token, timeout=3.0)
        print(f"{time.monotonic() - t0:.4f}" if code == 201 else f"failed {code}")


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "fault":
        sys.exit(fault(args[0], int(args[1]), args[2], args[3:]))
    elif mode == "writes":
        writes(int(args[0]), args[1], args[2])
    else:
        sys.exit(f"unknown mode {mode}")

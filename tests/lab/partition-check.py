"""Partition rounds of reliability-lab.sh (issue 22): two apps with ["labhost", "UNIQUE"] (standard library only).

  partition-check.py deploy URLS TOKEN            creates /lab-uniq (2 instances) and /lab-pinned (3: one per agent host)
  partition-check.py settle URLS TOKEN BOUND NAME  waits up to BOUND s until both run their instance counts and the
      processes really running on the agents (found in /proc by MINIMESOS_TASK_ID, on the lab host of their cgroup)
      are exactly the instances the masters have RUNNING, on the same hosts; prints the time or the violation.
  partition-check.py where URLS TOKEN             prints the lab host of a running /lab-uniq instance
  partition-check.py history URLS TOKEN           replays the masters' committed history (/v1/events?since=0, the
      events each master derives from the entries it applied) command by command and checks at every step that no
      instance became live above its app's count or on a host another live instance holds, except one that resumes
      in the very entry its agent returns (the inherent window, measured: extra_live_ms).
"""
import http.client
import json
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reliability_http import Api  # noqa: E402

APPS = {"/lab-uniq": 2, "/lab-pinned": 3}
LIVE = {"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING"}


def violation(text):
    print("VIOLATION: " + text, flush=True)


def deploy(api):
    for app_id, n in APPS.items():
        body = {"id": app_id, "cmd": "exec sleep 100000", "cpus": 0.05, "mem": 16, "instances": n,
                "constraints": [["labhost", "UNIQUE"]], "backoffSeconds": 0.5,
                "unreachableStrategy": {"inactiveAfterSeconds": 1, "expungeAfterSeconds": 600}}
        for _ in range(10):
            code, answer = api.call("PUT", "/v2/apps" + app_id, body)
            if code in (200, 201):
                break
            time.sleep(0.5)
        else:
            violation(f"could not deploy {app_id}: {code} {answer}")


def labhosts(api):
    code, agents = api.get("/v1/agents")
    out = {}
    for a in (agents or {}).get("agents", agents if isinstance(agents, list) else []):
        out[a.get("id")] = (a.get("attributes") or {}).get("labhost")
    return out


def committed(api):
    """task id -> labhost of its agent, for the lab apps' RUNNING instances as the leader has them."""
    hosts = labhosts(api)
    out, counts = {}, {}
    for app_id in APPS:
        code, body = api.get("/v2/apps" + app_id + "?embed=app.tasks")
        tasks = ((body or {}).get("app") or {}).get("tasks") or []
        running = [t for t in tasks if t.get("state") == "TASK_RUNNING"]
        counts[app_id] = len(running)
        for t in running:
            out[t["id"]] = hosts.get(t.get("slaveId"))
    return out, counts


def processes():
    """task id -> set of lab hosts whose agent cgroup holds a live process of that lab-app task."""
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                env = dict(kv.split(b"=", 1) for kv in f.read().split(b"\0") if b"=" in kv)
            with open(f"/proc/{pid}/cgroup") as f:
                cgroup = f.read()
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    continue
        except OSError:
            continue
        if env.get(b"MINIMESOS_APP_ID", b"").decode() not in APPS:
            continue
        m = re.search(r"-a(\d+)(/|$)", cgroup)
        out.setdefault(env.get(b"MINIMESOS_TASK_ID", b"?").decode(), set()).add(m.group(1) if m else "?")
    return out


def settle(api, bound, name):
    start = time.time()
    why = ""
    while time.time() - start < bound:
        view, counts = committed(api)
        real = processes()
        why = ""
        if any(counts.get(a) != n for a, n in APPS.items()):
            why = f"running {counts}, expected {APPS}"
        elif set(real) != set(view):
            why = f"processes {sorted(real)} but the masters have {sorted(view)} RUNNING"
        elif any(real[t] != {view[t]} for t in view):
            why = "a process runs on another host than its agent: " + str({t: (sorted(real[t]), view[t]) for t in view if real[t] != {view[t]}})
        if not why:
            print(f"{name}: both apps at their count, processes match the committed view after {time.time() - start:.1f} s", flush=True)
            return
        time.sleep(0.5)
    violation(f"{name}: not settled within {bound} s: {why}")


def events(url, token):
    """Every event the master holds up to now: the stream is read until an event newer than the request arrives, it stays
    quiet for 1.5 s, or 30 s pass (the workload keeps it busy)."""
    parts = urllib.parse.urlsplit(url)
    # https: the default context verifies against SSL_CERT_FILE (the lab's cluster CA) and checks the address.
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = kind(parts.hostname, parts.port, timeout=1.5)
    lines = []
    asked_ms = time.time() * 1000
    deadline = time.time() + 30
    try:
        conn.request("GET", "/v1/events?since=0", headers={"Authorization": "Bearer " + token})
        resp = conn.getresponse()
        if resp.status != 200:
            return []
        buf = b""
        while True:
            try:
                chunk = resp.read1(65536)
            except (OSError, http.client.HTTPException):
                break
            if not chunk:
                break
            buf += chunk
            *done, buf = buf.split(b"\n")
            lines.extend(json.loads(x) for x in done if x.strip())
            if (lines and lines[-1].get("at_ms", 0) > asked_ms + 1000) or time.time() > deadline:
                break
    except (OSError, http.client.HTTPException):
        pass
    finally:
        conn.close()
    return lines


def app_of(task_id):
    for app_id in APPS:
        if task_id.startswith(app_id.strip("/") + "."):
            return app_id
    return None


def history(urls, token, hosts):
    logs = [events(u, token) for u in urls]
    # The master that holds the lab apps' first launch and the most events after it (a restarted master holds only
    # what it applied since its latest snapshot).
    def first(log):
        return next((i for i, e in enumerate(log) if e.get("kind") == "task" and app_of(e.get("id", ""))), None)
    usable = [(len(log) - first(log), log) for log in logs if first(log) is not None]
    if not usable:
        violation("history: no master holds the lab apps' events")
        return
    log = max(usable, key=lambda x: x[0])[1]
    state, unreachable, agent_host = {}, set(), {}
    steps = windows = 0
    longest = 0
    over_since = {}
    i = 0
    while i < len(log):
        j = i
        while j < len(log) and log[j]["at_ms"] == log[i]["at_ms"]:
            j += 1
        group = log[i:j]
        i = j
        steps += 1
        before = dict(state)
        returned = set()
        for e in group:
            kind, ident = e["kind"], e["id"]
            if kind == "agent_registered":
                if ident in unreachable:
                    returned.add(ident)
                unreachable.discard(ident)
            elif kind == "agent_unreachable":
                unreachable.add(ident)
            elif kind == "agent_removed":
                unreachable.discard(ident)
            elif kind == "task" and app_of(ident):
                state[ident] = (e["state"], e.get("agent_id"))
        at = group[0]["at_ms"]
        for app_id, n in APPS.items():
            live = {t: s for t, s in state.items() if app_of(t) == app_id and s[0] in LIVE}
            fresh = [t for t in live if t not in before or before[t][0] not in LIVE]
            excused = [t for t in fresh if before.get(t, ("", None))[0] == "TASK_UNREACHABLE" and live[t][1] in returned]
            placed = [t for t in fresh if t not in excused]
            if placed and len(live) > n:
                violation(f"history: {app_id} has {len(live)} live instances, more than {n}, after {placed} (at {at})")
            for t in placed:
                host = hosts.get(live[t][1], live[t][1])
                others = [o for o in live if o != t and hosts.get(live[o][1], live[o][1]) == host]
                if others:
                    violation(f"history: {app_id}: {t} live on labhost {host} with {others} (UNIQUE labhost), at {at}")
            if len(live) > n:
                if excused and app_id not in over_since:
                    over_since[app_id] = at
                    windows += 1
            elif app_id in over_since:
                longest = max(longest, at - over_since.pop(app_id))
    print(f"history: {steps} committed steps replayed from {len(log)} events; returns of replaced instances: {windows}, "
          f"extra_live_ms (longest) {longest}", flush=True)


def main():
    mode, urls, token = sys.argv[1], sys.argv[2].split(","), sys.argv[3]
    api = Api(urls, token)
    if mode == "deploy":
        deploy(api)
    elif mode == "settle":
        settle(api, float(sys.argv[4]), sys.argv[5])
    elif mode == "where":
        view, _ = committed(api)
        print(next((host for task, host in sorted(view.items()) if app_of(task) == "/lab-uniq" and host), ""))
    elif mode == "history":
        history(urls, token, labhosts(api))
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()

"""Partition rounds of reliability-lab.sh (issue 22): two apps with ["labhost", "UNIQUE"] (standard library only).

  partition-check.py deploy URLS TOKEN            creates /lab-uniq (2 instances) and /lab-pinned (3: one per agent host)
  partition-check.py settle URLS TOKEN BOUND NAME  waits up to BOUND s until both run their instance counts and the
      processes really running on the agents (found in /proc by MINIMESOS_TASK_ID, on the lab host of their cgroup)
      are exactly the instances the masters have RUNNING, on the same hosts; prints the time or the violation.
  partition-check.py where URLS TOKEN             prints the lab host of a running /lab-uniq instance
The committed history is checked at the end of the lab by the binary itself (`minimesos debug check-history` on
each stopped master's data dir: its raft.db replayed entry by entry, docs/scheduling.md).
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lab_processes import processes  # noqa: E402
from reliability_http import Api  # noqa: E402

APPS = {"/lab-uniq": 2, "/lab-pinned": 3}


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


def settle(api, bound, name):
    start = time.time()
    why = ""
    while time.time() - start < bound:
        view, counts = committed(api)
        real = processes(APPS)
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


def app_of(task_id):
    for app_id in APPS:
        if task_id.startswith(app_id.strip("/") + "."):
            return app_id
    return None


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
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()

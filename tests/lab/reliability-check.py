"""Checks and report of reliability-lab.sh (standard library only).

  reliability-check.py round NAME URLS TOKEN DIR BOUND HEALED_MS     after a fault round, with the workload paused:
      waits up to BOUND s until every app runs its instance count at its current version on connected agents
      and every acknowledged task has settled (convergence time counted from HEALED_MS), then (up to 15 s more)
      until the task processes really running on the agents (found in /proc by MINIMESOS_TASK_ID, on the lab host of
      their agent's cgroup) are exactly the tasks the leader has RUNNING, on the same hosts; then checks every acknowledged operation (DIR/ops-*.jsonl) and
      the run markers (DIR/ran); appends one JSON line to DIR/rounds.jsonl and prints the violations.
  reliability-check.py dead-agent URLS TOKEN HOST          no task on the agent of lab host HOST (attribute
      labhost) may still be STAGING/STARTING/RUNNING; prints the violations.
  reliability-check.py report DIR SECONDS JOBS              the table; exit 1 naming every violation.

Task states accepted: a task on a live agent must end FINISHED (its marker written exactly once) or FAILED/KILLED;
a task on an agent that went silent may end LOST or GONE, or stay UNREACHABLE while that agent is disconnected;
no task marker may appear twice (a one-shot task never runs twice); a job's marker no more often than the attempts
its history records, at most 1 + maxRetries (a job runs again only when its retry policy allows it).
"""
import collections
import glob
import json
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lab_processes import processes  # noqa: E402
from reliability_http import Api  # noqa: E402

ENDED_TASKS_KEPT = 10_000  # the masters' bound on ended tasks kept (ClusterState.MaxEndedTasks)
LIVE = {"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING"}
TERMINAL = {"TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST", "TASK_GONE", "TASK_ERROR", "TASK_DROPPED",
            "TASK_GONE_BY_OPERATOR"}


def read_ops(d):
    ops = []
    for path in sorted(glob.glob(os.path.join(d, "ops-*.jsonl"))):
        with open(path) as f:
            ops.extend(json.loads(line) for line in f if line.strip())
    return ops


def ran_counts(d):
    try:
        with open(os.path.join(d, "ran")) as f:
            return collections.Counter(line.strip() for line in f if line.strip())
    except FileNotFoundError:
        return collections.Counter()


def app_expectations(ops):
    """id -> (last acknowledged (rev, instances) or None, allowed set): a later unanswered write may have landed."""
    out = {}
    for op in ops:
        if op["kind"] != "app":
            continue
        acked, allowed = out.get(op["id"], (None, set()))
        spec = (op["rev"], op["instances"])
        if op["acked"]:
            acked, allowed = spec, {spec}
        else:
            allowed = allowed | {spec}
        out[op["id"]] = (acked, allowed)
    return out


def snapshot(api):
    code_a, apps = api.get("/v2/apps")
    code_t, mtasks = api.get("/v2/tasks")
    code_v, tasks = api.get("/v1/tasks")
    code_g, agents = api.get("/v1/agents")
    if 200 != code_a or 200 != code_t or 200 != code_v or 200 != code_g:
        return None
    connected = {a["id"] for a in agents["agents"] if a.get("connected")}
    hosts = {a["id"]: (a.get("attributes") or {}).get("labhost") for a in agents["agents"]}
    return {"apps": {a["id"]: a for a in apps["apps"]}, "mtasks": mtasks["tasks"],
            "tasks": {t["id"]: t for t in tasks["tasks"]}, "connected": connected, "hosts": hosts}


def process_mismatch(snap):
    """How the task processes really running on the agents differ from the tasks the leader has RUNNING (and where);
    empty when they match. A task just launched or just ended differs for a moment: callers wait."""
    real = processes()
    view = {t: snap["hosts"].get(x.get("agent_id")) for t, x in snap["tasks"].items() if x["state"] == "TASK_RUNNING"}
    bad = []
    extra = sorted(set(real) - set(view))
    if extra:
        states = [f"{t} ({snap['tasks'][t]['state'] if t in snap['tasks'] else 'unknown'})" for t in extra[:5]]
        bad.append("processes of tasks the leader does not have RUNNING: " + ", ".join(states))
    missing = sorted(set(view) - set(real))
    if missing:
        bad.append(f"RUNNING in the committed view but no process: {', '.join(missing[:5])}")
    moved = [t for t in view if t in real and real[t] != {view[t]}]
    if moved:
        bad.append("processes on another host than their agent: " + ", ".join(f"{t} on {sorted(real[t])}, agent on {view[t]}" for t in moved[:5]))
    return bad


def unconverged(snap):
    """Apps whose RUNNING instances at the current version on connected agents differ from their count (or that
    still have other live instances on connected agents)."""
    bad = []
    for app_id, app in snap["apps"].items():
        mine = [t for t in snap["mtasks"] if t["appId"] == app_id and t.get("slaveId") in snap["connected"]]
        good = [t for t in mine if t["state"] == "TASK_RUNNING" and t["version"] == app["version"]]
        if len(good) != app["instances"] or len(mine) != len(good):
            other = collections.Counter(f"{t['state']}@{'current' if t['version'] == app['version'] else 'old'}"
                                        for t in mine if t not in good)
            bad.append(f"{app_id} {len(good)}/{app['instances']} running at the current version, also {dict(other)}")
    return bad


def unsettled(snap, acked_tasks):
    bad = []
    for task_id in acked_tasks:
        t = snap["tasks"].get(task_id)
        if t is None:
            continue  # reported as lost
        state = t["state"]
        if state in TERMINAL:
            continue
        if state == "TASK_UNREACHABLE" and t.get("agent_id") not in snap["connected"]:
            continue
        bad.append(f"{task_id} {state}")
    return bad


def check_round(name, urls, token, d, bound, healed_ms):
    api = Api(urls.split(","), token)
    ops = read_ops(d)
    acked_tasks = {op["task_id"]: op["marker"] for op in ops if op["kind"] == "task" and op["acked"]}
    start = time.monotonic()
    snap, waiting = None, ["no answer from any master"]
    while time.monotonic() - start < bound:
        snap = snapshot(api)
        if snap is not None:
            waiting = unconverged(snap) + unsettled(snap, acked_tasks)
            if not waiting:
                break
        time.sleep(0.25)
    converge_ms = int(time.time() * 1000) - healed_ms
    violations = []
    if waiting:
        violations.append(f"{name}: not converged within {bound:.0f} s: {'; '.join(waiting[:5])}")
    elif snap is not None:
        # Converged: the processes really running on the agents must be exactly the tasks the leader has RUNNING, on
        # the same hosts (a task just launched or just ended differs for a moment: up to 15 s more).
        deadline = time.monotonic() + 15
        mismatch = process_mismatch(snap)
        while mismatch and time.monotonic() < deadline:
            time.sleep(0.5)
            snap = snapshot(api) or snap
            mismatch = process_mismatch(snap)
        if mismatch:
            violations.append(f"{name}: real processes differ from the committed view: {'; '.join(mismatch)}")
    lost = 0
    if snap is not None:
        for app_id, (acked, allowed) in app_expectations(ops).items():
            app = snap["apps"].get(app_id)
            if app is None:
                if acked is not None:
                    lost += 1
                    violations.append(f"{name}: acknowledged app {app_id} (rev {acked[0]}) is missing")
                continue
            rev = int(app.get("labels", {}).get("rev", "0"))
            env_rev = app.get("env", {}).get("REV")
            have = (rev, app["instances"])
            if env_rev != str(rev):
                violations.append(f"{name}: app {app_id} has label rev {rev} but env REV {env_rev}")
            if have not in allowed and (acked is not None or allowed):
                lost += 1
                violations.append(f"{name}: app {app_id} has rev/instances {have}, acknowledged {acked}, "
                                  f"allowed {sorted(allowed)}")
        # The masters keep the most recent ENDED_TASKS_KEPT ended tasks; only once that many are listed may an
        # acknowledged task be missing because it ended long ago (a long soak), and then it is said, not hidden.
        ended = sum(1 for t in snap["tasks"].values() if t["state"] in TERMINAL)
        for task_id, marker in acked_tasks.items():
            if task_id not in snap["tasks"]:
                if ended >= ENDED_TASKS_KEPT:
                    print(f"{name}: acknowledged task {task_id} ({marker}) ended and was dropped by the ended-task bound")
                    continue
                lost += 1
                violations.append(f"{name}: acknowledged task {task_id} ({marker}) is missing from /v1/tasks")
        ran = ran_counts(d)
        job_markers = {op["marker"] for op in ops if op["kind"] == "job"}
        for marker, n in ran.items():
            if n > 1 and marker not in job_markers:
                violations.append(f"{name}: one-shot task {marker} ran {n} times")
        for task_id, marker in acked_tasks.items():
            t = snap["tasks"].get(task_id)
            if t is not None and t["state"] == "TASK_FINISHED" and ran[marker] != 1:
                violations.append(f"{name}: task {task_id} ({marker}) FINISHED but its marker was written {ran[marker]} times")
        violations += check_jobs(api, ops, name, ran)
    states = collections.Counter(snap["tasks"][t]["state"] for t in acked_tasks if snap and t in snap["tasks"])
    acked = sum(1 for op in ops if op["acked"])
    result = {"round": name, "converge_ms": converge_ms, "acked": acked, "attempts": len(ops), "lost": lost,
              "violations": violations, "states": dict(states),
              "apps": len(snap["apps"]) if snap else 0}
    with open(os.path.join(d, "rounds.jsonl"), "a") as f:
        f.write(json.dumps(result) + "\n")
    for v in violations:
        print("VIOLATION: " + v)
    print(f"{name}: converged in {converge_ms} ms; {acked} acknowledged of {len(ops)} attempts; lost {lost}; "
          f"tasks {dict(states)}")


def check_jobs(api, ops, name, ran):
    """Every acknowledged job exists, and its command ran no more often than the attempts its history shows, which
    the retry policy bounds (1 + maxRetries): a one-shot job never runs twice unless a retry allowed it."""
    acked_jobs = {op["job_id"]: op["marker"] for op in ops if op["kind"] == "job" and op["acked"]}
    if not acked_jobs:
        return []
    code, body = api.get("/v1/jobs")
    if code != 200:
        return [f"{name}: GET /v1/jobs answered {code}"]
    jobs = body.get("jobs", []) if isinstance(body, dict) else body
    present = {j.get("id") for j in jobs if isinstance(j, dict)}
    violations = [f"{name}: acknowledged job {j} is missing from /v1/jobs" for j in acked_jobs if j not in present]
    for job_id, marker in acked_jobs.items():
        if job_id not in present or ran[marker] <= 1:
            continue
        code, job = api.get(f"/v1/jobs/{job_id}")
        if code != 200 or not isinstance(job, dict):
            violations.append(f"{name}: GET /v1/jobs/{job_id} answered {code}")
            continue
        attempts = sum(len(r.get("attempts", [])) for r in job.get("runs", []))
        allowed = 1 + int(job.get("retry", {}).get("maxRetries", 0))
        if ran[marker] > min(attempts, allowed):
            violations.append(f"{name}: job {job_id} ran {ran[marker]} times with {attempts} attempt(s) recorded, "
                              f"at most {allowed} allowed")
    return violations


def dead_agent(urls, token, host):
    api = Api(urls.split(","), token)
    code_g, agents = api.get("/v1/agents")
    code_v, tasks = api.get("/v1/tasks")
    if code_g != 200 or code_v != 200:
        print(f"VIOLATION: dead-agent check: no answer from the masters ({code_g}, {code_v})")
        return
    ids = {a["id"] for a in agents["agents"] if a.get("attributes", {}).get("labhost") == host}
    stuck = [f"{t['id']} {t['state']}" for t in tasks["tasks"] if t.get("agent_id") in ids and t["state"] in LIVE]
    if stuck:
        print(f"VIOLATION: tasks on the silent agent of host {host} still live past the agent timeout: {'; '.join(stuck[:5])}")
    states = collections.Counter(t["state"] for t in tasks["tasks"] if t.get("agent_id") in ids)
    print(f"dead agent {host}: its tasks are {dict(states)}")


def leader_violations(d):
    out = []
    seen = collections.defaultdict(set)
    try:
        with open(os.path.join(d, "status.jsonl")) as f:
            for line in f:
                s = json.loads(line)
                if s["role"] == "leader":
                    seen[s["term"]].add(s["id"])
    except FileNotFoundError:
        out.append("no status samples")
    out += [f"two leaders in term {t} (status polls: masters {sorted(ids)})" for t, ids in seen.items() if len(ids) > 1]
    logged = collections.defaultdict(set)
    for path in glob.glob(os.path.join(d, "m*.log")):
        with open(path, errors="replace") as f:
            for m in re.finditer(r"became the leader \(term (\d+)\)", f.read()):
                logged[int(m.group(1))].add(os.path.basename(path))
    out += [f"two masters logged 'became the leader' in term {t}: {sorted(n)}" for t, n in logged.items() if len(n) > 1]
    return out, len(seen), len(logged)


def report(d, seconds, jobs):
    rounds = []
    with open(os.path.join(d, "rounds.jsonl")) as f:
        rounds = [json.loads(line) for line in f if line.strip()]
    faults = collections.Counter()
    if os.path.exists(os.path.join(d, "faults")):
        with open(os.path.join(d, "faults")) as f:
            faults.update(line.strip() for line in f if line.strip())
    violations = [v for r in rounds for v in r["violations"]]
    if os.path.exists(os.path.join(d, "violations")):
        with open(os.path.join(d, "violations")) as f:
            violations += [line.strip() for line in f if line.strip()]
    leaders, polled_terms, logged_terms = leader_violations(d)
    violations += leaders
    ops = read_ops(d)
    by_kind = collections.Counter(op["kind"] for op in ops if op["acked"])
    conv = [r["converge_ms"] for r in rounds if r["round"] != "start"]
    last = rounds[-1] if rounds else {"lost": "?", "states": {}}
    print()
    print(f"reliability-lab report ({seconds} s; {len(rounds)} checks)")
    print(f"  {'fault':<34}{'rounds':>7}")
    for kind, n in sorted(faults.items()):
        print(f"  {kind:<34}{n:>7}")
    print(f"  {'operations acknowledged':<34}{sum(by_kind.values()):>7}  "
          f"({', '.join(f'{k} {n}' for k, n in sorted(by_kind.items()))}; {len(ops)} attempts)")
    print(f"  {'acknowledged but lost':<34}{max([r['lost'] for r in rounds] or [0]):>7}  (must be 0; checked after every round)")
    if conv:
        print(f"  {'convergence after a fault':<34}{'':>7}  median {statistics.median(conv) / 1000:.1f} s, "
              f"max {max(conv) / 1000:.1f} s")
    print(f"  {'one-shot tasks, final states':<34}{'':>7}  {last['states']}")
    print(f"  {'terms with a leader':<34}{max(polled_terms, logged_terms):>7}  (none with two)" if not leaders else "")
    print(f"  jobs workload: {'ran' if jobs == '1' else 'not run (the binary does not answer /v1/jobs)'}")
    if violations:
        print("FAILED:")
        for v in violations:
            print("  " + v)
        sys.exit(1)
    print("reliability-lab: ok")


if __name__ == "__main__":
    mode, a = sys.argv[1], sys.argv[2:]
    if mode == "round":
        check_round(a[0], a[1], a[2], a[3], float(a[4]), int(a[5]))
    elif mode == "dead-agent":
        dead_agent(a[0], a[1], a[2])
    elif mode == "report":
        report(a[0], a[1], a[2])
    else:
        sys.exit(__doc__)

"""Workload client of reliability-lab.sh: one process deploys and updates apps and submits one-shot tasks through
any master (it moves to the next master when one does not answer), and records every attempt as a JSON line.
Standard library only.

  reliability-workload.py URLS TOKEN OUT RANFILE CLIENT SECONDS STOPFILE PAUSEFILE [jobs]

URLS is a comma-separated list of master API URLs. While PAUSEFILE exists the client sends nothing (it writes
OUT.paused once it has stopped between two operations, so the checker reads a stable set of acknowledged specs).

Kinds of operation (WORKLOADS below; a kind is a function that returns one record): "app" creates an app
(POST /v2/apps) or updates one (PUT /v2/apps/ID: a new instance count and a label/env "rev" per update);
"task" submits a one-shot task that appends its marker to RANFILE once; "job" (only with the `jobs` argument,
which the lab passes when the binary answers /v1/jobs) submits a one-shot job with a retry policy.
Record fields: ms, kind, op, code (0 = no answer), acked, and what the checker needs (id, rev, instances,
marker, task_id).
"""
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reliability_http import Api  # noqa: E402

APPS_PER_CLIENT = 3


class Client:
    def __init__(self, api, client, ranfile):
        self.api = api
        self.client = client
        self.ranfile = ranfile
        self.apps = {}  # id -> {"rev": n, "instances": k}, the last spec sent (acknowledged or not)
        self.seq = 0
        self.rng = random.Random(client)

    def app(self):
        if len(self.apps) < APPS_PER_CLIENT:
            app_id = f"/lab/c{self.client}-app{len(self.apps) + 1}"
            spec = {"rev": 1, "instances": self.rng.randint(1, 2)}
            self.apps[app_id] = spec
            code, _ = self.api.call("POST", "/v2/apps", self.body(app_id, spec))
            # 409 after an unanswered create of the same id: our earlier attempt created it.
            return {"op": "create", "id": app_id, **spec, "code": code, "acked": code == 201}
        app_id = self.rng.choice(sorted(self.apps))
        spec = {"rev": self.apps[app_id]["rev"] + 1, "instances": self.rng.randint(1, 3)}
        self.apps[app_id] = spec
        code, _ = self.api.call("PUT", "/v2/apps" + app_id, self.body(app_id, spec))
        return {"op": "update", "id": app_id, **spec, "code": code, "acked": code in (200, 201)}

    @staticmethod
    def body(app_id, spec):
        rev = str(spec["rev"])
        return {"id": app_id, "cmd": "sleep 3600", "cpus": 0.01, "mem": 8, "instances": spec["instances"],
                "labels": {"rev": rev}, "env": {"REV": rev}}

    def task(self):
        self.seq += 1
        marker = f"c{self.client}-t{self.seq}-{os.getpid()}"
        body = {"args": ["/bin/sh", "-c", f"echo {marker} >> {self.ranfile}"], "cpus": 0.01, "mem": 8,
                "name": marker}
        code, answer = self.api.call("POST", "/v1/tasks", body)
        task_id = answer.get("id") if code == 201 and isinstance(answer, dict) else None
        return {"op": "submit", "marker": marker, "task_id": task_id, "code": code, "acked": task_id is not None}

    def job(self):
        # A one-shot job (POST /v1/jobs, no schedule) with a retry policy whose runs append the job's marker to
        # RANFILE. The checker asks GET /v1/jobs for every acknowledged id.
        self.seq += 1
        marker = f"c{self.client}-j{self.seq}-{os.getpid()}"
        body = {"id": marker, "args": ["/bin/sh", "-c", f"echo {marker} >> {self.ranfile}"], "cpus": 0.01, "mem": 8,
                "retry": {"maxRetries": 1, "backoffSeconds": 1}}
        code, answer = self.api.call("POST", "/v1/jobs", body)
        job_id = answer.get("id", marker) if code in (200, 201) and isinstance(answer, dict) else None
        return {"op": "submit", "marker": marker, "job_id": job_id, "code": code, "acked": job_id is not None}


WORKLOADS = {"app": Client.app, "task": Client.task, "job": Client.job}


def main(urls, token, out, ranfile, client, seconds, stopfile, pausefile, extra=()):
    kinds = ["app", "task", "task"] + (["job"] if "jobs" in extra else [])
    c = Client(Api(urls.split(","), token), int(client), ranfile)
    end = time.monotonic() + float(seconds)
    paused_mark = out + ".paused"
    i = 0
    with open(out, "a", buffering=1) as f:
        while time.monotonic() < end and not os.path.exists(stopfile):
            if os.path.exists(pausefile):
                if not os.path.exists(paused_mark):
                    open(paused_mark, "w").close()
                time.sleep(0.05)
                continue
            if os.path.exists(paused_mark):
                os.remove(paused_mark)
            kind = kinds[i % len(kinds)]
            i += 1
            t0 = time.monotonic()
            record = WORKLOADS[kind](c)
            record.update({"ms": int(time.time() * 1000), "kind": kind, "client": c.client,
                           "seconds": round(time.monotonic() - t0, 4)})
            f.write(json.dumps(record) + "\n")
            time.sleep(0.05 if record["acked"] else 0.2)


if __name__ == "__main__":
    if len(sys.argv) < 9:
        sys.exit(__doc__)
    main(*sys.argv[1:9], extra=sys.argv[9:])

"""The task processes really running on the lab's agents (standard library only), for the lab checks."""
import os
import re


def processes(app_ids=None):
    """task id -> set of lab hosts whose agent cgroup ($NETLAB_PREFIX-aN, this lab's own) holds a live (not zombie)
    process of that task; only app instances of APP_IDS when given. Tasks are found by the MINIMESOS_TASK_ID their
    processes inherit; processes of other labs or test runs on the same machine are not this lab's."""
    mine = re.compile(re.escape(os.environ.get("NETLAB_PREFIX", "")) + r"-a(\d+)(/|$)", re.M)
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
        task_id = env.get(b"MINIMESOS_TASK_ID")
        if task_id is None:
            continue
        if app_ids is not None and env.get(b"MINIMESOS_APP_ID", b"").decode() not in app_ids:
            continue
        m = mine.search(cgroup)
        if m is None:
            continue
        out.setdefault(task_id.decode(), set()).add(m.group(1))
    return out

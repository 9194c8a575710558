#!/usr/bin/python3
"""Debian's python3-marathon (a Marathon client library not written here) against `minimesos dev`.

Usage: python-client.py URL TOKEN. It authenticates the DC/OS way (Authorization: token=...), builds every answer
into the library's own model objects, and exits non-zero with the failing step on any error.
"""
import http.server
import os
import sys
import tarfile
import tempfile
import threading
import time

from marathon import MarathonClient
from marathon.models import MarathonApp
from marathon.models.constraint import MarathonConstraint

url, token = sys.argv[1], sys.argv[2]
c = MarathonClient(url, auth_token=token, timeout=10)
# The library sends auth_token on REST calls but not on its event stream session: give that session the header.
c.sse_session.headers["Authorization"] = f"token={token}"


def wait(what, check, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    sys.exit(f"python-client: {what}: not reached in {seconds} s")


def step(name):
    print(f"python-client: {name}", flush=True)


step("ping, info, leader")
assert c.ping().strip() in (b"pong", "pong", '"pong"'), c.ping()
info = c.get_info()
assert info.name == "minimesos" and info.elected, info
assert ":" in c.get_leader()["leader"], c.get_leader()

step("event stream, attached before the app exists")
seen = []
def listen():
    for event in c.event_stream(event_types=["status_update_event", "api_post_event", "deployment_success"]):
        seen.append(event)
threading.Thread(target=listen, daemon=True).start()

step("create, list, get (apps, counts, tasks embedded)")
app = MarathonApp(cmd="sleep 300", cpus=0.1, mem=16, instances=2, labels={"team": "edge"},
                  constraints=[MarathonConstraint("hostname", "LIKE", ".*")])
created = c.create_app("/pyclient/web", app)
assert created.id == "/pyclient/web", created
wait("2 running", lambda: c.get_app("/pyclient/web").tasks_running == 2)
apps = c.list_apps(embed_tasks=True, embed_counts=True, label="team==edge")
assert [a.id for a in apps] == ["/pyclient/web"], apps
assert len(apps[0].tasks) == 2 and apps[0].tasks[0].started_at is not None, apps[0].tasks
assert c.list_apps(app_id="nothing-like-it") == []
assert c.get_app("/pyclient/web").version_info.last_config_change_at is not None

step("scale, versions, tasks, kill one task and scale down in one step")
c.scale_app("/pyclient/web", instances=3)
wait("3 running", lambda: c.get_app("/pyclient/web").tasks_running == 3)
assert len(c.list_versions("/pyclient/web")) >= 1
tasks = c.list_tasks("/pyclient/web")
assert len(tasks) == 3, tasks
c.kill_task("/pyclient/web", tasks[0].id, scale=True)
wait("scaled to 2 by the kill", lambda: c.get_app("/pyclient/web").instances == 2 and len(c.list_tasks("/pyclient/web")) == 2)
c.kill_given_tasks([c.list_tasks("/pyclient/web")[0].id], scale=True)
wait("scaled to 1 by tasks/delete", lambda: c.get_app("/pyclient/web").instances == 1)

step("groups, deployments, queue")
assert c.get_group("/pyclient").apps[0].id == "/pyclient/web"
assert isinstance(c.list_deployments(), list)
assert isinstance(c.list_queue(), list)

step("restart, update, versions kept, delete")
c.restart_app("/pyclient/web")
c.update_app("/pyclient/web", MarathonApp(cmd="sleep 301", cpus=0.1, mem=16, instances=1))
wait("updated", lambda: c.get_app("/pyclient/web").cmd == "sleep 301")
versions = c.list_versions("/pyclient/web")
assert len(versions) >= 3, versions
assert c.get_version("/pyclient/web", versions[-1]).cmd == "sleep 300", versions

step("rollback: to a listed version, and by deleting a deployment without force")
rolled = c.rollback_app("/pyclient/web", versions[-1])
assert rolled["deploymentId"] and rolled["version"], rolled
wait("rolled back", lambda: c.get_app("/pyclient/web").cmd == "sleep 300")
stuck = c.update_app("/pyclient/web", MarathonApp(cmd="sleep 302", cpus=0.1, mem=16, instances=1, constraints=[["hostname", "LIKE", "nowhere"]]))
assert any(d.id == stuck["deploymentId"] for d in c.list_deployments()), stuck
reverted = c.delete_deployment(stuck["deploymentId"])
assert reverted["deploymentId"] != stuck["deploymentId"], reverted
wait("the deployment reverted", lambda: c.get_app("/pyclient/web").cmd == "sleep 300"
     and [str(x.value) for x in c.get_app("/pyclient/web").constraints] == [".*"])
c.delete_app("/pyclient/web")
wait("deleted", lambda: all(a.id != "/pyclient/web" for a in c.list_apps()))

step("fetch: archives (.tgz, .tar.xz) served on loopback are unpacked into the sandbox before the command runs")
files = tempfile.mkdtemp()
with open(os.path.join(files, "app.conf"), "w") as f:
    f.write("v42\n")
with tarfile.open(os.path.join(files, "conf.tgz"), "w:gz") as tar:
    tar.add(os.path.join(files, "app.conf"), arcname="conf/app.conf")
with tarfile.open(os.path.join(files, "more.tar.xz"), "w:xz") as tar:
    tar.add(os.path.join(files, "app.conf"), arcname="more/app.conf")
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
handler = lambda *a, **k: Quiet(*a, directory=files, **k)
httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
threading.Thread(target=httpd.serve_forever, daemon=True).start()
fetch_url = f"http://127.0.0.1:{httpd.server_address[1]}/conf.tgz"
c.create_app("/pyclient/fetch", MarathonApp(cmd="grep -q v42 conf/app.conf && grep -q v42 more/app.conf && exec sleep 300", cpus=0.1, mem=16, instances=1,
                                            fetch=[{"uri": fetch_url, "extract": True, "executable": False, "cache": True},
                                                   {"uri": fetch_url.replace("conf.tgz", "more.tar.xz")}]))
wait("the fetching app runs", lambda: c.get_app("/pyclient/fetch").tasks_running == 1)
assert c.get_app("/pyclient/fetch").fetch[0]["uri"] == fetch_url
c.delete_app("/pyclient/fetch")
httpd.shutdown()

step("events seen")
wait("status updates and api posts on the event stream",
     lambda: any(e.event_type == "status_update_event" for e in seen) and any(e.event_type == "api_post_event" for e in seen)
     and any(e.event_type == "deployment_success" for e in seen))
print("python-client: ok")

# The checks of mesh-lab.sh, run on host 4 (an agent that never runs the lab's instances; they run on hosts 5 and 6).
# The API is asked on master 1, leader or follower (a follower forwards). Every wait is bounded.
import http.client
import json
import os
import ssl
import sys
import time

MASTER = ("198.18.0.1", 5050)
TOKEN = os.environ["MESH_TOKEN"]
SERVER = os.environ["MESH_SERVER"]
CA = os.environ["MESH_CA"]  # the cluster CA (ca.pem in master 1's data dir, once the CA replicated to it)
ME = "198.18.0.4"


def fail(message):
    print(f"mesh-lab: FAIL: {message}")
    sys.exit(1)


def api(method, path, body=None):
    """(status, JSON body); (None, None) while the master does not answer (starting)."""
    try:
        if not os.path.exists(CA):
            return None, None
        c = http.client.HTTPSConnection(*MASTER, timeout=5, context=ssl.create_default_context(cafile=CA))
        c.request(method, path, body=None if body is None else json.dumps(body),
                  headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, (json.loads(data) if data else None)
    except (OSError, http.client.HTTPException):
        return None, None


def get(host, port, path="/", headers=None, timeout=2):
    """The body of GET host:port/path, or None when the connection fails."""
    try:
        c = http.client.HTTPConnection(host, port, timeout=timeout)
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        body = r.read().decode().strip()
        c.close()
        return r.status, body
    except (OSError, http.client.HTTPException):
        return None, None


def wait(what, check, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    fail(f"{what} not within {seconds} s")


def app(id, instances, constraints, port, health=False, vhost=None):
    spec = {"id": id, "cmd": f"exec python3 {SERVER}", "instances": instances, "cpus": 0.1, "mem": 64,
            "constraints": constraints, "portDefinitions": [{"port": port}]}
    if health:
        spec["healthChecks"] = [{"protocol": "HTTP", "path": "/health", "portIndex": 0, "gracePeriodSeconds": 10,
                                 "intervalSeconds": 1, "timeoutSeconds": 1, "maxConsecutiveFailures": 30}]
    if vhost:
        spec["labels"] = {"MINIMESOS_VHOST": vhost}
    return spec


def tasks(id):
    status, body = api("GET", f"/v2/apps{id}/tasks")
    return body["tasks"] if status == 200 else []


def agent_hosts():
    """agent id -> the address of its lab host (from its labhost attribute)."""
    status, body = api("GET", "/v1/agents")
    if status != 200:
        return {}
    return {a["id"]: f"198.18.0.{a['attributes']['labhost']}" for a in body["agents"]}


def healthy(id, count):
    _, body = api("GET", f"/v2/apps{id}")
    a = body["app"]
    return a["tasksHealthy"] == count and a["tasksRunning"] == count and all(t["state"] == "TASK_RUNNING" for t in a["tasks"])


wait("3 agents registered with a leader", lambda: len(agent_hosts()) == 3, 60)

# ---- 1. a service port answers on an agent without an instance; a virtual host answers on the shared HTTP port
status, body = api("POST", "/v2/apps", app("/meshlab-one", 1, [["labhost", "LIKE", "5"]], 10080, vhost="one.lab.arpa"))
if status != 201 or body["portDefinitions"][0]["port"] != 10080:
    fail(f"POST /meshlab-one answered {status} {body}")
one = wait("/meshlab-one running", lambda: [t for t in tasks("/meshlab-one") if t["state"] == "TASK_RUNNING"], 60)[0]
if one["servicePorts"] != [10080]:
    fail(f"the task shows servicePorts {one['servicePorts']}, not [10080]")
served = wait("service port 10080 answering on host 4", lambda: get(ME, 10080, "/id")[1], 10)
if served != one["id"]:
    fail(f"service port 10080 on host 4 answered {served!r}, not the instance {one['id']}")
print(f"mesh-lab: service port 10080 on host 4 (no instance there) reached {served} on host 5")
if get("198.18.0.6", 10080, "/id")[1] != one["id"]:
    fail("service port 10080 on host 6 did not reach the instance")
vhost = wait("virtual host on port 8080", lambda: get("198.18.0.6", 8080, "/id", {"Host": "one.lab.arpa"})[1], 10)
if vhost != one["id"] or get(ME, 8080, "/", {"Host": "none.lab.arpa"})[0] != 404:
    fail(f"virtual host one.lab.arpa on port 8080 answered {vhost!r}; an unknown host must get 404")
print("mesh-lab: Host one.lab.arpa on the shared HTTP port 8080 reached it too; an unknown host got 404")

# ---- 2. kill the instance that served: later connections reach the other one
status, body = api("POST", "/v2/apps", app("/meshlab-two", 2, [["labhost", "LIKE", "[56]"], ["labhost", "UNIQUE"]], 0, health=True))
if status != 201:
    fail(f"POST /meshlab-two answered {status} {body}")
port = body["portDefinitions"][0]["port"]
if not 10000 <= port <= 10999 or port == 10080:
    fail(f"/meshlab-two got service port {port}, outside 10000-10999 or taken")
wait("/meshlab-two's 2 instances healthy", lambda: healthy("/meshlab-two", 2), 90)
ids = {t["id"] for t in tasks("/meshlab-two")}
seen = wait("both instances served through the mesh", lambda: ids <= {get(ME, port, "/id")[1] for _ in range(6)}, 10)
victim = get(ME, port, "/id")[1]
status, _ = api("DELETE", f"/v2/apps/meshlab-two/tasks/{victim}")
killed_at = time.monotonic()
if status != 200:
    fail(f"killing {victim} answered {status}")
failures, late = 0, []
while time.monotonic() - killed_at < 3:
    code, who = get(ME, port, "/id")
    if who is None:
        failures += 1
    elif who == victim and time.monotonic() - killed_at > 1:
        late.append(round(time.monotonic() - killed_at, 2))
    time.sleep(0.02)
if failures or late:
    fail(f"after killing {victim}: {failures} connections failed, and it still served at {late} s after the kill")
print(f"mesh-lab: killed {victim}: every connection in the next 3 s was served, none by it after 1 s")

# ---- 3. an instance whose health check fails leaves the rotation
wait("/meshlab-two healthy again (2 instances)", lambda: healthy("/meshlab-two", 2), 90)
hosts = agent_hosts()
sick = tasks("/meshlab-two")[0]
get(hosts[sick["slaveId"]], sick["ports"][0], "/sick")
sick_at = time.monotonic()


def out_of_rotation():
    return all(get(ME, port, "/id")[1] not in (None, sick["id"]) for _ in range(10))


wait(f"{sick['id']} (health check failing) out of the rotation", out_of_rotation, 5)
print(f"mesh-lab: {sick['id']} failed its health check and left the rotation within {time.monotonic() - sick_at:.1f} s")

# ---- 4. bad input names the port
status, body = api("POST", "/v2/apps", app("/meshlab-bad", 1, [], 30000))
if status != 422 or "30000" not in body["message"] or "outside the service port range" not in body["message"]:
    fail(f"a service port outside the range answered {status} {body}")
status, body = api("POST", "/v2/apps", app("/meshlab-bad", 1, [], 10080))
if status != 409 or "10080" not in body["message"] or "/meshlab-one" not in body["message"]:
    fail(f"a taken service port answered {status} {body}")
if api("GET", "/v2/apps/meshlab-bad")[0] != 404:
    fail("a refused app was created anyway")
print("mesh-lab: a service port outside the range got 422 and a taken one 409, each naming the port")

# ---- 5. a deleted app's port closes everywhere; the agents report their listeners
api("DELETE", "/v2/apps/meshlab-one")
wait("port 10080 closed on host 4", lambda: get(ME, 10080, "/id", timeout=1)[0] is None, 10)
def meshes():
    _, body = api("GET", "/v1/agents")
    return [a.get("mesh") for a in (body or {}).get("agents", [])]


# The agents' reports (mesh_status) follow their listeners; they reach the master a moment after the port closed.
deadline = time.monotonic() + 10
while not ((reports := meshes()) and len(reports) == 3 and all(m is not None and m["listening"] == 1 for m in reports)):
    if time.monotonic() > deadline:
        fail(f"agents' mesh reports {reports}, expected 1 service port each within 10 s")
    time.sleep(0.1)
print("mesh-lab: the deleted app's service port closed; each agent reports 1 service port listened on")

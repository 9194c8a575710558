#!/usr/bin/python3
# measure.py -- driven by run.sh inside a netlab run (NETLAB_PREFIX set): alternates our implementation and
# python-zeroconf, RUNS times each, and prints the median time-to-resolve of both.
import argparse, json, os, statistics, subprocess, time

p = argparse.ArgumentParser()
p.add_argument("--runs", type=int, default=5)
p.add_argument("--tool", required=True)
p.add_argument("--oracles", required=True)
a = p.parse_args()
prefix = os.environ["NETLAB_PREFIX"]
PY = "/usr/bin/python3"

def spawn(host, *cmd):
    return subprocess.Popen(["ip", "netns", "exec", f"{prefix}-ns{host}", "timeout", "60", *cmd],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)

def wait_for(proc, event, deadline_s=30, match=None):
    end = time.time() + deadline_s
    while time.time() < end:
        line = proc.stdout.readline()
        if not line:
            break
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("event") == event and (match is None or match(msg)):
            return msg
    raise RuntimeError(f"no {event}")

def finish(*procs):
    for proc in procs:
        try:
            proc.stdin.close()
        except OSError:
            pass
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

def ours(i):
    name = f"bench-ours-{i}"
    browser = spawn(1, "dotnet", a.tool, "browse", "198.18.0.1", name, "30")
    wait_for(browser, "READY")
    advertiser = spawn(2, "dotnet", a.tool, "advertise", "198.18.0.2", name, "30")
    started = wait_for(advertiser, "STARTED")["t"]
    found = wait_for(browser, "FOUND")["t"]
    finish(advertiser, browser)
    return found - started

def baseline(i):
    name = f"bench-py-{i}"
    browser = spawn(1, PY, f"{a.oracles}/zc_browse.py", "198.18.0.1", "30")
    wait_for(browser, "READY")
    register = spawn(2, PY, f"{a.oracles}/zc_register.py", "198.18.0.2", name, "5051", "30", "cluster=bench")
    reg = wait_for(register, "REGISTERED")
    added = wait_for(browser, "Added", match=lambda m: m.get("name", "").startswith(name + "."))
    finish(register, browser)
    return added["t"] - (reg["t"] - reg["took"])

mine, theirs = [], []
for i in range(a.runs):
    mine.append(ours(i))
    theirs.append(baseline(i))
    print(f"run {i + 1}: ours {mine[-1] * 1000:.0f} ms, python-zeroconf {theirs[-1] * 1000:.0f} ms", flush=True)
print(f"time until found (median of {a.runs}): ours {statistics.median(mine) * 1000:.0f} ms, "
      f"baseline python-zeroconf {statistics.median(theirs) * 1000:.0f} ms")
print("note: ours follows RFC 6762 §8.1 (0-250 ms random delay, then 3 probes 250 ms apart: >= 750 ms before the "
      "first announcement); python-zeroconf probes faster. Ours also includes the helper's JIT warm-up.")

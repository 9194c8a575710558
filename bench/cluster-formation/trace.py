#!/usr/bin/python3
# trace.py -- the phases of one formation: runs tests/lab/discovery-lab.sh --formation-only once (as root), keeps the
# nodes' logs and prints when each phase happened, in ms from the start of the run, from the logs' timestamps.
# Usage: bench/cluster-formation/trace.py path/to/minimesos [--static]
import datetime, os, re, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
lab = os.path.join(here, "..", "..", "tests", "lab", "discovery-lab.sh")
if len(sys.argv) < 2:
    sys.exit("usage: trace.py path/to/minimesos [--static]")
logs = tempfile.mkdtemp(prefix="formation-trace-")
out = subprocess.run([lab, sys.argv[1], "--formation-only", "--keep-logs", logs, *sys.argv[2:]],
                     capture_output=True, text=True)
print(out.stdout.strip())
if out.returncode != 0:
    sys.exit(out.stdout + out.stderr)
start = int(open(os.path.join(logs, "start")).read()) / 1e6  # ms since the epoch


def at(line):
    stamp = datetime.datetime.strptime(line[:23], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
    return stamp.timestamp() * 1000 - start


# phase name, which logs, the line's pattern
phases = [
    ("first log line (process start-up)", "", r""),
    ("mDNS advertising", "master", r"mDNS: advertising"),
    ("first peer learned", "master", r"learned master"),
    ("forming a new cluster (all masters known)", "master", r"bootstrap: forming"),
    ("leader elected", "master", r"became the leader"),
    ("cluster CA written (ca.pem)", "master", r"TLS: cluster CA"),
    ("API serving", "master", r"serving the API"),
    ("agent registered with the leader", "agent", r"registered with master"),
]
nodes = sorted(f[:-4] for f in os.listdir(logs) if f.endswith(".log"))
print(f"{'phase':<44} " + " ".join(f"{n:>8}" for n in nodes))
for name, role, pattern in phases:
    cells = []
    for n in nodes:
        t = ""
        if n.startswith(role):
            for line in open(os.path.join(logs, n + ".log")):
                if re.match(r"\d{4}-", line) and re.search(pattern, line):
                    t = f"{at(line):.0f}"
                    break
        cells.append(f"{t:>8}")
    print(f"{name:<44} " + " ".join(cells))
subprocess.run(["rm", "-rf", logs])

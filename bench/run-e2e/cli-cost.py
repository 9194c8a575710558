#!/usr/bin/env python3
"""What a CLI command costs over HTTPS against the plain API (--insecure-http), interleaved in one run, as wall time
and as the CPU time (user + sys) of the CLI process, which a loaded box inflates far less than wall time. With a
previous build as the second binary, its figures beside: each build's CLI against that build's own `minimesos dev` (one
with HTTPS, one with the plain API), so a change on either side of the API shows. Starts the four devs on loopback and
stops them. Usage (root): bench/run-e2e/cli-cost.py path/to/minimesos path/to/previous/minimesos [N=20]
"""
import os, random, signal, statistics as st, subprocess, sys, tempfile, time

new, base = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2])
n = min(int(sys.argv[3]) if len(sys.argv) > 3 else 20, 1000)
token = "bench-" + os.urandom(8).hex()
p = random.randint(20000, 29000)
d = tempfile.mkdtemp()
devs, logs = [], []
for i, (binary, extra) in enumerate([(new, []), (new, ["--insecure-http"]), (base, []), (base, ["--insecure-http"])]):
    logs.append(f"{d}/dev{i}.log")
    devs.append(subprocess.Popen([binary, "dev", "--token", token, "--port", str(p + 2*i), "--cluster-port", str(p + 2*i + 1)] + extra,
                                 stdout=open(logs[-1], "w"), stderr=subprocess.STDOUT))
try:
    for _ in range(600):
        if all("dev is ready" in open(f).read() for f in logs):
            break
        time.sleep(0.1)
    else:
        sys.exit("dev did not become ready within 60 s")
    def m(args):
        t0 = time.perf_counter(); pr = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(pr.pid, 0); wall = (time.perf_counter()-t0)*1000
        if status != 0: raise SystemExit(f"{args} exited {status}")
        return wall, (ru.ru_utime+ru.ru_stime)*1000
    def master(i): return f"127.0.0.1:{p + 2*i}" if i % 2 == 0 else f"http://127.0.0.1:{p + 2*i}"
    cases = {}
    for cmd in ("status", "run"):
        for i, (name, binary) in enumerate([("https (new)", new), ("plain (new)", new), ("https (base)", base), ("plain (base)", base)]):
            cases[f"{cmd} {name}"] = [binary, cmd, "--token", token, "--master", master(i)] + (["--", "true"] if cmd == "run" else [])
    for args in cases.values(): m(args)  # warm up
    res = {k: [] for k in cases}
    load0 = open("/proc/loadavg").read().split()[0]
    for _ in range(n):
        for k, args in cases.items(): res[k].append(m(args))
    print(f"CLI over HTTPS and plain HTTP, {n} runs each, interleaved; load average {load0} -> {open('/proc/loadavg').read().split()[0]}")
    for k, v in res.items():
        print(f"  {k:22s} wall median {st.median(x[0] for x in v):7.1f} ms   CPU (user+sys) median {st.median(x[1] for x in v):6.1f} ms")
    for cmd in ("status", "run"):
        for b in ("new", "base"):
            tls, plain = res[f"{cmd} https ({b})"], res[f"{cmd} plain ({b})"]
            print(f"  TLS costs {cmd} ({b}): wall {st.median(x[0] for x in tls) - st.median(x[0] for x in plain):+.1f} ms, "
                  f"CPU {st.median(x[1] for x in tls) - st.median(x[1] for x in plain):+.1f} ms")
finally:
    for dev in devs: dev.send_signal(signal.SIGTERM)
    for dev in devs: dev.wait()
    subprocess.run(["rm", "-rf", d], check=False)

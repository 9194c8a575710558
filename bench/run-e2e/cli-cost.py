#!/usr/bin/env python3
"""What a CLI command costs over HTTPS against the plain API (--insecure-http), interleaved in one run, as wall time
and as the CPU time (user + sys) of the CLI process, which a loaded box inflates far less than wall time. With a
previous build as the second binary, its HTTPS figures beside. Starts two `minimesos dev` of the first binary on
loopback and stops them. Usage (root): bench/run-e2e/cli-cost.py path/to/minimesos path/to/previous/minimesos [N=20]
"""
import os, random, signal, statistics as st, subprocess, sys, tempfile, time

new, base = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2])
n = min(int(sys.argv[3]) if len(sys.argv) > 3 else 20, 1000)
token = "bench-" + os.urandom(8).hex()
p = random.randint(20000, 29000); q = p + 2
d = tempfile.mkdtemp()
a = subprocess.Popen([new, "dev", "--token", token, "--port", str(p), "--cluster-port", str(p+1)], stdout=open(d+"/tls.log","w"), stderr=subprocess.STDOUT)
b = subprocess.Popen([new, "dev", "--token", token, "--port", str(q), "--cluster-port", str(q+1), "--insecure-http"], stdout=open(d+"/plain.log","w"), stderr=subprocess.STDOUT)
try:
    for _ in range(600):
        if all("dev is ready" in open(d + f).read() for f in ("/tls.log", "/plain.log")):
            break
        time.sleep(0.1)
    else:
        sys.exit("dev did not become ready within 60 s")
    def m(args):
        t0 = time.perf_counter(); pr = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(pr.pid, 0); wall = (time.perf_counter()-t0)*1000
        if status != 0: raise SystemExit(f"{args} exited {status}")
        return wall, (ru.ru_utime+ru.ru_stime)*1000
    cases = {
        "status https (new)": [new, "status", "--token", token, "--master", f"127.0.0.1:{p}"],
        "status https (base)": [base, "status", "--token", token, "--master", f"127.0.0.1:{p}"],
        "status plain (new)": [new, "status", "--token", token, "--master", f"http://127.0.0.1:{q}"],
        "run https (new)": [new, "run", "--token", token, "--master", f"127.0.0.1:{p}", "--", "true"],
        "run https (base)": [base, "run", "--token", token, "--master", f"127.0.0.1:{p}", "--", "true"],
        "run plain (new)": [new, "run", "--token", token, "--master", f"http://127.0.0.1:{q}", "--", "true"],
    }
    for args in cases.values(): m(args)  # warm up
    res = {k: [] for k in cases}
    load0 = open("/proc/loadavg").read().split()[0]
    for _ in range(n):
        for k, args in cases.items(): res[k].append(m(args))
    print(f"CLI over HTTPS and plain HTTP, {n} runs each, interleaved; load average {load0} -> {open('/proc/loadavg').read().split()[0]}")
    for k, v in res.items():
        print(f"  {k:22s} wall median {st.median(x[0] for x in v):7.1f} ms   CPU (user+sys) median {st.median(x[1] for x in v):6.1f} ms")
finally:
    a.send_signal(signal.SIGTERM); b.send_signal(signal.SIGTERM); a.wait(); b.wait()
    subprocess.run(["rm", "-rf", d], check=False)

# Shell helpers shared by the end-to-end benchmarks (bench/run-e2e, bench/image-launch): source it, it defines
# functions only. Timings are wall-clock milliseconds with three decimals, one per line in a file.

# bench_token: a fresh random API token for a throw-away `minimesos dev`.
bench_token() { echo "bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }

# wait_dev_ready LOG [WHAT]: waits (at most 10 s) for a `minimesos dev` writing LOG to say it is ready; else prints
# the log and exits 1.
wait_dev_ready() {
  local i
  for i in $(seq 1 100); do grep -q "minimesos dev is ready" "$1" && return 0; sleep 0.1; done
  echo "${2:-dev} did not become ready:"; cat "$1"; exit 1
}

# ms COMMAND...: runs COMMAND (its output discarded) and prints how long it took in ms. A failing command ends the
# benchmark (a failure is no timing), with the tail of $BENCH_LOG when that is set.
ms() {
  local s e
  s=$(date +%s%N)
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; [ -n "${BENCH_LOG:-}" ] && tail -5 "$BENCH_LOG" >&2; exit 1; }
  e=$(date +%s%N)
  echo "scale=3; ($e - $s) / 1000000" | bc
}

# median FILE: the median of the numbers in FILE, one a line.
median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR%2?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2)}'; }

# summary FILE NAME WIDTH p99|max: one line "NAME median X ms  p99|max Y ms".
summary() {
  sort -n "$1" | awk -v name="$2" -v w="$3" -v tail="$4" '{a[NR]=$1} END {
    m = (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2); t = (tail == "p99" ? a[int(NR*0.99+0.999)] : a[NR]);
    printf "  %-*s median %8.2f ms  %s %8.2f ms\n", w, name, m, tail, t }'
}

# ratio A B: A / B with two decimals.
ratio() { echo "scale=2; $1 / $2" | bc; }

# inode_cost DIR: the median time of making an empty directory in DIR (30 of them, removed again), in microseconds.
# Every task makes a dozen new files and directories; on an ext4 without a journal (the VMs these figures come from) a new
# inode costs ~40 us normally but ~350 us within about a minute of many deletions (the allocator skips every inode
# deleted in the last minute, reading each one's deletion time): a previous run's clean-up, or the test suite, slows
# the next run by several ms. Printed beside the figures so such a run can be told apart.
inode_cost() {
  python3 - "$1" <<'PY'
import os, statistics, sys, tempfile, time
d = tempfile.mkdtemp(prefix="inode-cost-", dir=sys.argv[1]); t = []
for i in range(30):
    s = time.perf_counter(); os.mkdir(os.path.join(d, str(i))); t.append((time.perf_counter() - s) * 1e6)
for i in range(30): os.rmdir(os.path.join(d, str(i)))
os.rmdir(d); print("%.0f" % statistics.median(t))
PY
}

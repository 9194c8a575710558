#!/bin/busybox sh
# PID 1 of the arm64 test VM (initramfs of mkinitrd-arm64.sh). Mounts what a host has (proc, sys, devtmpfs, tmpfs,
# cgroup2 with cpu/memory/pids delegated), brings up lo, and checks /bin/minimesos end to end:
#   version     --version starts the .NET runtime at all
#   doctor      `doctor` finds nothing that blocks a master or an agent here (exit 0), the memory controller among them
#   dev         `dev` (master + agent in one process) listens on 5050 and its agent registered
#   run         `run` streams the task's output back, passes its exit code 3 through, and it ran on aarch64
#   oom         `run --mem 32`: a child of the task's shell is OOM-killed, the shell exits 0: run exits 137 and says why
#   image       `run --image oci-archive:/img/multi.oci.tar --mem 32`: of the multi-arch image (amd64 + arm64, zstd and
#               gzip layers) the agent picks arm64, stacks it with overlayfs and runs the task in it as aarch64
#   dev-stop    dev stops on SIGTERM and removes its throw-away data dir
#   reattach    a separate master and agent: the agent is killed -9 and restarted; its running task is reattached
#               (RUNNING, its output keeps growing) and its end is still reported with the real exit code
# Each check prints `CHECK name PASS|FAIL detail`; the verdict is `VM-ARM64-VERDICT PASS|FAIL pass=N fail=M`.
# key=value on the kernel command line reach this script as environment: MM_TIMEOUT=90 (s per command).
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm && mount -t devpts devpts /dev/pts && mount -t tmpfs shm /dev/shm
mount -t tmpfs tmp /tmp && chmod 1777 /tmp
mkdir -p /run && chmod 755 /run   # gate files live here: every task has its own /tmp
mkdir -p /sys/fs/cgroup
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
echo "+cpu +memory +pids" > /sys/fs/cgroup/cgroup.subtree_control
ip link set lo up
hostname vm-arm64
up() { cut -d' ' -f1 /proc/uptime; }
echo "GUEST: kernel $(uname -r) $(uname -m), $(nproc) cpus, controllers '$(cat /sys/fs/cgroup/cgroup.subtree_control)', /init at $(up)s"

PASS=0; FAIL=0
check() {  # check NAME STATUS(0 = pass) DETAIL
  if [ "$2" = 0 ]; then PASS=$((PASS + 1)); echo "CHECK $1 PASS $3"; else FAIL=$((FAIL + 1)); echo "CHECK $1 FAIL $3"; fi
}
show() { sed "s/^/GUEST:   $1| /" "$2"; }
M=/bin/minimesos
export MINIMESOS_TOKEN=vm-token-0123456789abcdef
T=${MM_TIMEOUT:-90}
listening() { grep -q " 0100007F:$1 00000000:0000 0A " /proc/net/tcp; }   # 127.0.0.1:port (hex) in LISTEN
wait_for() {  # wait_for SECONDS PID COMMAND...: until COMMAND succeeds while PID lives
  local n=0 limit=$(($1 * 5)) pid=$2; shift 2
  while [ $n -lt $limit ] && kill -0 "$pid" 2>/dev/null; do "$@" && return 0; sleep 0.2; n=$((n + 1)); done
  "$@"
}
field() {  # field TASK NAME: a line of `task show`; a few tries (a CLI call can time out on a slow emulated guest)
  local n=0 v=
  while [ $n -lt 5 ]; do
    v=$($M task show "$1" 2>>/tmp/cli.err | sed -n "s/^$2: *//p"); [ -n "$v" ] && break; sleep 0.5; n=$((n + 1))
  done
  echo "$v"
}

# version
t0=$(up); timeout $T $M --version >/tmp/version.out 2>&1; RC=$?; show version /tmp/version.out
check version $([ $RC = 0 ] && [ -s /tmp/version.out ]; echo $?) "rc=$RC '$(head -1 /tmp/version.out)' (${t0}s -> $(up)s)"

# doctor: here nothing blocks either role (cgroup v2 with cpu/memory/pids, root, namespaces, libssl, free ports);
# no NTP and no LAN (-nic none) are warnings, so it exits 0
t0=$(up); timeout $T $M doctor >/tmp/doctor.out 2>&1; RC=$?; show doctor /tmp/doctor.out
[ $RC = 0 ] && grep -q '^OK  *cgroup-memory' /tmp/doctor.out && grep -q '^OK  *libssl' /tmp/doctor.out && grep -q '^WARN  *mdns' /tmp/doctor.out
check doctor $? "rc=$RC $(tail -1 /tmp/doctor.out) (${t0}s -> $(up)s)"

# dev
t0=$(up); $M dev >/tmp/dev.log 2>&1 &
DEV=$!
dev_ready() { listening 13BA && grep -q 'registered with master' /tmp/dev.log; }
wait_for $T $DEV dev_ready; RC=$?
check dev $RC "port 5050 listening, agent registered (${t0}s -> $(up)s)"

# run
t0=$(up)
timeout $T $M run -- sh -c 'echo hello-arm64; uname -m; exit 3' >/tmp/run.out 2>&1; RC=$?; show run /tmp/run.out
grep -q '^hello-arm64$' /tmp/run.out && grep -q '^aarch64$' /tmp/run.out && [ $RC = 3 ]
check run $? "rc=$RC (${t0}s -> $(up)s)"

# oom: awk doubles a string past 32 MiB and is SIGKILLed by the memcg OOM killer; its shell carries on and exits 0.
# --cpus 1: at the default 0.1 CPU the hog needs ~8 s under TCG.
t0=$(up)
timeout $T $M run --name oomhog --mem 32 --cpus 1 -- \
  sh -c 'awk "BEGIN { s = \"x\"; for (i = 0; i < 28; i++) s = s s; print length(s) }"; echo shell-goes-on; exit 0' \
  >/tmp/oom.out 2>&1; RC=$?; show oom /tmp/oom.out
[ $RC = 137 ] && grep -q 'killed by the OOM killer' /tmp/oom.out && grep -q 'shell-goes-on' /tmp/oom.out
check oom $? "rc=$RC $(grep -m1 -o 'TASK_FAILED: killed by the OOM killer' /tmp/oom.out) (${t0}s -> $(up)s)"

# image: the multi-arch oci-archive made by run-arm64-vm.sh; overlayfs is a module here
t0=$(up)
insmod /lib/modules/overlay.ko 2>/tmp/insmod.err || show insmod /tmp/insmod.err
timeout $T $M run --master 127.0.0.1 --name img --mem 32 --image oci-archive:/img/multi.oci.tar -- \
  sh -c 'uname -m; cat /etc/motd; [ -e /bin/minimesos ] || echo not-the-host; (echo x > /bin/w) 2>/dev/null || echo image-read-only' \
  >/tmp/image.out 2>&1; RC=$?; show image /tmp/image.out
[ $RC = 0 ] && grep -q '^aarch64$' /tmp/image.out && grep -q '^from the image$' /tmp/image.out && grep -q '^not-the-host$' /tmp/image.out \
  && grep -q '^image-read-only$' /tmp/image.out
check image $? "rc=$RC (${t0}s -> $(up)s)"

# dev-stop
t0=$(up); kill -TERM $DEV
n=0; while [ $n -lt 150 ] && kill -0 $DEV 2>/dev/null; do sleep 0.2; n=$((n + 1)); done
kill -0 $DEV 2>/dev/null; ALIVE=$?
[ $ALIVE != 0 ] && ! ls -d /tmp/minimesos-dev-* >/dev/null 2>&1
check dev-stop $? "exited=$([ $ALIVE != 0 ] && echo yes || echo no) (${t0}s -> $(up)s)"
kill -KILL $DEV 2>/dev/null
grep -E 'WARN|ERROR|FAIL' /tmp/dev.log | head -20 >/tmp/dev.warn; show dev /tmp/dev.warn

# reattach
t0=$(up)
$M master --data-dir /tmp/m --no-mdns >/tmp/master.log 2>&1 &
MASTER=$!
start_agent() { $M agent --master 127.0.0.1 --work-dir /tmp/a --no-mdns >>/tmp/agent.log 2>&1 & AGENT=$!; }
start_agent
registered() { [ "$(grep -c 'registered with master' /tmp/agent.log)" -ge "$1" ]; }
wait_for $T $AGENT registered 1
ID=$(timeout $T $M run --detach --name ticker -- sh -c 'i=0; while [ ! -e /run/stop-ticker ]; do i=$((i+1)); echo tick $i; sleep 0.2; done; exit 4' 2>/tmp/ticker.err)
running() { [ "$(field "$ID" state)" = TASK_RUNNING ]; }
ticks() {  # lines of the ticker's output so far (the highest of a few reads: one may fail while the agent is away)
  local n=0 best=0 v
  while [ $n -lt 3 ]; do
    v=$($M task logs "$ID" 2>>/tmp/cli.err | grep -c tick); [ "$v" -gt "$best" ] && best=$v; n=$((n + 1))
  done
  echo $best
}
wait_for $T $MASTER running
kill -KILL $AGENT; wait $AGENT 2>/dev/null
before=$(ticks)
start_agent
wait_for $T $AGENT registered 2
sleep 1
s1=$(field "$ID" state); a=$(ticks); sleep 1; b=$(ticks)
touch /run/stop-ticker
ended() { [ "$(field "$ID" state)" = TASK_FAILED ]; }
wait_for $T $MASTER ended
code=$(field "$ID" exit)
[ -n "$ID" ] && [ "$s1" = TASK_RUNNING ] && [ "$b" -gt "$a" ] && [ "$a" -ge "$before" ] && [ "$code" = 4 ]
check reattach $? "task '$ID' after agent kill -9 + restart: $s1, ticks $before -> $a -> $b, ended with exit $code (${t0}s -> $(up)s)"
[ $FAIL = 0 ] || { show master /tmp/master.log; show agent /tmp/agent.log; show ticker /tmp/ticker.err; show cli /tmp/cli.err; }
kill -TERM $AGENT $MASTER 2>/dev/null
n=0; while [ $n -lt 50 ] && { kill -0 $AGENT || kill -0 $MASTER; } 2>/dev/null; do sleep 0.2; n=$((n + 1)); done

[ $FAIL = 0 ] && [ $PASS -gt 0 ] && V=PASS || V=FAIL
echo "VM-ARM64-VERDICT $V pass=$PASS fail=$FAIL uptime=$(up)s"
sync
poweroff -f

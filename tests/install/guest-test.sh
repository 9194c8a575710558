#!/bin/sh
# Runs inside the install-test VM as a systemd service (systemd is PID 1): installs the minimesos .deb,
# starts both units, runs tasks with the CLI, upgrades to a newer build, removes and purges the package.
# Prints CHECK lines and RESULT pass=N fail=M on the serial console, then reports through isa-debug-exit
# (qemu exits 1 = all passed, 3 = a check failed).
set -u
D=/root/install-test
V1=$(cat $D/v1)
V2=$(cat $D/v2)
export MINIMESOS_MASTER=127.0.0.1:5050 MINIMESOS_TOKEN_FILE=/etc/minimesos/token
pass=0
fail=0

check() { # check NAME DETAIL: the status of the last command decides
  if [ "$?" = 0 ]; then echo "CHECK $1 PASS $2"; pass=$((pass + 1)); else echo "CHECK $1 FAIL $2"; fail=$((fail + 1)); fi
}
wait_for() { # wait_for SECONDS COMMAND...: polls every 0.5 s, bounded
  n=$(($1 * 2)); shift
  while [ $n -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; n=$((n - 1)); done
  return 1
}
state() { minimesos task show "$1" 2>/dev/null | sed -n 's/^state: *//p'; }
state_is() { [ "$(state "$1")" = "$2" ]; }
main_pid() { systemctl show -P MainPID "$1"; }
agent_procs() { grep -lE 'minimesos-(agent|tasks|master)\.service' /proc/[0-9]*/cgroup 2>/dev/null | wc -l; }
no_agent_procs() { [ "$(agent_procs)" = 0 ]; }
t0=$(cut -d' ' -f1 /proc/uptime)
echo "GUEST: systemd $(systemctl --version | head -1 | cut -d' ' -f2), kernel $(uname -r), up ${t0}s"

# 1. install
dpkg -i "$D/minimesos_${V1}_amd64.deb" > /tmp/dpkg.log 2>&1
check install "dpkg -i $V1: $(tail -1 /tmp/dpkg.log)"
[ "$(stat -c %a /etc/minimesos/token 2>&1)" = 600 ] && [ "$(wc -c < /etc/minimesos/token)" -ge 40 ]
check token "/etc/minimesos/token $(stat -c '%a %s bytes' /etc/minimesos/token 2>&1)"
[ "$(systemctl is-enabled minimesos-master minimesos-agent | tr '\n' ' ')" = "disabled disabled " ] \
  && ! systemctl is-active --quiet minimesos-master && ! systemctl is-active --quiet minimesos-agent \
  && ! systemctl is-active --quiet minimesos-tasks
check not-started "units installed, neither enabled nor started: $(systemctl is-enabled minimesos-master minimesos-agent | tr '\n' ' ')"
[ -s /usr/share/man/man1/minimesos.1.gz ] && grep -q '^complete ' /usr/share/bash-completion/completions/minimesos
check docs "man page and bash completion installed"

# 2. configure (no network in the VM: loopback, no mDNS) and start
printf 'MINIMESOS_LISTEN=127.0.0.1\nMINIMESOS_OPTS="--no-mdns"\n' >> /etc/minimesos/master.env
printf 'MINIMESOS_MASTER=127.0.0.1:5051\nMINIMESOS_OPTS="--no-mdns"\n' >> /etc/minimesos/agent.env
systemctl enable --now minimesos-master minimesos-agent > /tmp/enable.log 2>&1 \
  && wait_for 30 systemctl is-active minimesos-master && wait_for 30 systemctl is-active minimesos-agent
check start "systemctl enable --now: $(systemctl is-active minimesos-master minimesos-agent | tr '\n' ' ')"

finish() {
  if [ "$fail" != 0 ]; then
    echo "GUEST: journal of the units:"
    journalctl --no-pager -o short-monotonic -u minimesos-master -u minimesos-agent | tail -60
  fi
  echo "GUEST: done in $(cut -d' ' -f1 /proc/uptime)s of uptime"
  echo "RESULT pass=$pass fail=$fail"
  [ "$fail" = 0 ] && v=0 || v=1
  printf "\\$(printf %o $v)" | dd of=/dev/port bs=1 seek=$((0xf4)) count=1 2>/dev/null
  systemctl poweroff --force --force
  exit 0
}
wait_for 60 minimesos status
check master-up "the API answers: $(minimesos status 2>&1 | head -1)"
[ "$fail" = 0 ] || finish

# 3. a task with the CLI: output and exit code
# A task that names no user runs as a uid of its own from --task-uid-range (default 1879048192-1879113727).
out=$(timeout 120 minimesos run --name hello -- sh -c 'echo hello from $(hostname) as uid $(id -u); exit 3' 2>&1)
rc=$?
[ "$rc" = 3 ] && echo "$out" | grep -q '^hello from hello.* as uid 1879[01][0-9]*$'
check run "exit $rc, output: $(echo "$out" | tail -2 | tr '\n' ' ')"
[ "$fail" = 0 ] || finish
hello=$(minimesos task list 2>/dev/null | awk '$1 ~ /^hello/ {print $1; exit}')
hello_state=$(state "$hello")
# The task's cgroup is in minimesos-tasks' delegated cgroup and has the task's memory limit (64 MiB default).
out=$(timeout 60 minimesos run -- sh -c 'cg=$(sed -n "s/^0:://p" /proc/self/cgroup); echo "$cg"; cat "/sys/fs/cgroup$cg/memory.max"' 2>&1)
echo "$out" | head -1 | grep -q '^/system.slice/minimesos-tasks.service/minimesos/' && [ "$(echo "$out" | sed -n 2p)" = 67108864 ]
check cgroup "task cgroup and memory.max: $(echo "$out" | tr '\n' ' ')"

# 4. upgrade while a task runs: both units restart on the new binary, the agent reattaches the task
survivor=$(timeout 60 minimesos run --detach --name survivor -- sh -c 'sleep 15; echo survived' 2>/dev/null)
wait_for 60 state_is "$survivor" TASK_RUNNING
check survivor-running "task $survivor: $(state "$survivor")"
mpid=$(main_pid minimesos-master) apid=$(main_pid minimesos-agent)
dpkg -i "$D/minimesos_${V2}_amd64.deb" > /tmp/dpkg.log 2>&1
check upgrade "dpkg -i $V2: $(tail -1 /tmp/dpkg.log)"
[ "$(dpkg-query -W -f '${Version}' minimesos)" = "$V2" ] \
  && wait_for 30 systemctl is-active minimesos-master && wait_for 30 systemctl is-active minimesos-agent \
  && [ "$(main_pid minimesos-master)" != "$mpid" ] && [ "$(main_pid minimesos-agent)" != "$apid" ]
check restarted "version $(dpkg-query -W -f '${Version}' minimesos), master pid $mpid -> $(main_pid minimesos-master), agent pid $apid -> $(main_pid minimesos-agent)"
[ -n "$hello" ] && wait_for 30 state_is "$hello" "$hello_state"
check state-kept "task $hello still $(state "$hello") (was $hello_state)"
wait_for 90 state_is "$survivor" TASK_FINISHED && minimesos task logs "$survivor" 2>/dev/null | grep -qx survived
check reattached "task $survivor across the agent restart: $(state "$survivor"), output: $(minimesos task logs "$survivor" 2>&1 | tail -1)"
out=$(timeout 60 minimesos run -- echo after upgrade 2>&1)
[ "$?" = 0 ] && [ "$out" = "after upgrade" ]
check run-after-upgrade "output: $out"

# 5. remove: units and running tasks stopped, config and data kept
orphan=$(timeout 60 minimesos run --detach --name orphan -- sleep 600 2>/dev/null)
wait_for 60 state_is "$orphan" TASK_RUNNING
dpkg -r minimesos > /tmp/dpkg.log 2>&1
check remove "dpkg -r: $(tail -1 /tmp/dpkg.log)"
[ ! -e /usr/bin/minimesos ] && [ ! -e /lib/systemd/system/minimesos-agent.service ] \
  && ! systemctl is-active --quiet minimesos-master && ! systemctl is-active --quiet minimesos-agent \
  && ! systemctl is-active --quiet minimesos-tasks && wait_for 10 no_agent_procs
check removed "binary and units gone, units stopped, processes left in their cgroups: $(agent_procs)"
grep -q '^MINIMESOS_LISTEN=127.0.0.1' /etc/minimesos/master.env && [ -s /etc/minimesos/token ] \
  && [ -n "$(ls -A /var/lib/minimesos/master 2>/dev/null)" ] && [ -d /var/lib/minimesos/agent ]
check data-kept "config: $(ls /etc/minimesos | tr '\n' ' ')data: $(ls /var/lib/minimesos | tr '\n' ' ')"

# 6. purge: config and data gone
dpkg --purge minimesos > /tmp/dpkg.log 2>&1
check purge "dpkg --purge: $(tail -1 /tmp/dpkg.log)"
[ ! -e /etc/minimesos ] && [ ! -e /var/lib/minimesos ] && ! dpkg -s minimesos >/dev/null 2>&1
check purged "/etc/minimesos and /var/lib/minimesos gone"

# 7. the tarball's install.sh on the same system: units under /etc/systemd/system, binary in /usr/local
cd /root && tar xzf "$D"/minimesos-*-linux-amd64.tar.gz && ./minimesos-*-linux-amd64/install.sh > /tmp/install.log 2>&1
check tarball-install "$(tail -1 /tmp/install.log)"
printf 'MINIMESOS_LISTEN=127.0.0.1\nMINIMESOS_OPTS="--no-mdns"\n' >> /etc/minimesos/master.env
printf 'MINIMESOS_MASTER=127.0.0.1:5051\nMINIMESOS_OPTS="--no-mdns"\n' >> /etc/minimesos/agent.env
[ "$(stat -c %a /etc/minimesos/token 2>&1)" = 600 ] && systemctl enable --now minimesos-master minimesos-agent >/dev/null 2>&1 \
  && wait_for 60 minimesos status
hash -r
out=$(timeout 60 minimesos run -- sh -c 'echo from the tarball; exit 5' 2>&1)
rc=$?
[ "$rc" = 5 ] && [ "$out" = "from the tarball" ] && [ "$(command -v minimesos)" = /usr/local/bin/minimesos ]
check tarball-run "$(command -v minimesos), exit $rc, output: $out"
./minimesos-*-linux-amd64/install.sh uninstall > /tmp/install.log 2>&1 && [ ! -e /usr/local/bin/minimesos ] \
  && [ ! -e /etc/systemd/system/minimesos-agent.service ] && [ -e /etc/minimesos/master.env ] && wait_for 10 no_agent_procs
check tarball-uninstall "$(tail -1 /tmp/install.log)"

finish

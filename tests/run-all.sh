#!/usr/bin/env bash
# Every test: installs what the tests need, runs the xunit suite (unit, oracle, fuzz, simulation, headless-Chromium UI,
# in-process cluster, CLI, namespace lab), publishes the Native AOT binary with warnings as errors and
# smoke-runs it and checks its size budget, runs the discovery, DNS, Raft, agent, mesh, reliability and ops labs
# (tests/lab/) on it, the Marathon tools, then the cgroup v2 checks in a QEMU VM, cross-publishes
# linux-arm64 and runs it in an arm64 QEMU VM, and builds, lints and installs the packages in a booted Debian VM.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

apt_install() {
  # apt occasionally fails on a transient dpkg temp-file error: retry once.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || {
    sleep 3; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }
}
packages=(libsqlite3-dev clang zlib1g-dev python3-msgpack python3-zeroconf iproute2 nftables curl jq util-linux qemu-system-x86 busybox-static cpio gcc libc6-dev python3-marathon skopeo zstd chromium bind9-dnsutils dnsmasq-base avahi-daemon avahi-utils dbus-daemon dbus-bin xz-utils)
missing=()
# dpkg-query, not dpkg -s: once the arm64 cross-publish installed foo:arm64 beside foo:amd64, `dpkg -s foo` is ambiguous.
for p in "${packages[@]}"; do dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null | grep -qx installed || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  apt-get update -qq || true
  apt_install "${missing[@]}"
fi

step() { echo; echo "== $*"; }
size_check() {  # size_check BINARY MAX_BYTES: the binary budget (docs/size.md)
  local size; size=$(stat -c %s "$1")
  echo "$1: $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }') MiB), budget $2 bytes"
  [ "$size" -le "$2" ] || { echo "$1 is over its budget of $2 bytes by $(( size - $2 )) bytes (docs/size.md)"; exit 1; }
}

step "dotnet test"
rm -rf tests/artifacts/ui # the browser tests write this run's screenshots there
log="$(mktemp)"
set +e
dotnet test tests/MiniMesos.Tests -nologo 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
summary="$(grep -E -- "- Failed: +[0-9]+, Passed: +[0-9]+" "$log" | tail -1)"
passed="$(sed -nE 's/.*Passed: +([0-9]+).*/\1/p' <<<"$summary")"
failed="$(sed -nE 's/.*Failed: +([0-9]+),.*/\1/p' <<<"$summary")"
rm -f "$log"
if [ "$rc" != 0 ] || [ -z "$passed" ] || [ "$passed" = 0 ]; then
  echo "dotnet test failed (exit $rc): ${summary:-no summary}"; exit 1
fi
# Every page at desktop and phone width, shot by the browser tests in this run: the UI's CI artifacts (docs/ui.md).
for shot in {overview,agents,apps,tasks,task,jobs,job,frameworks,events}-{desktop,phone}; do
  [ -s "tests/artifacts/ui/$shot.png" ] || { echo "the browser tests wrote no tests/artifacts/ui/$shot.png"; exit 1; }
done
echo "UI screenshots: $(find tests/artifacts/ui -name '*.png' | wc -l) in tests/artifacts/ui"

step "publish (Native AOT, warnings are errors)"
packaging/publish.sh linux-x64 out
if ldd out/minimesos | grep -qi sqlite; then echo "the binary links a sqlite shared library"; ldd out/minimesos; exit 1; fi
echo "ldd: $(ldd out/minimesos | awk '{print $1}' | tr '\n' ' ')"
size_check out/minimesos $(( 20 * 1048576 ))  # 20 MiB, the issue-14 goal (docs/size.md)

step "benchmarks build (they are run by hand: figures are not test assertions)"
for project in bench/*/*.csproj; do
  out="$(dotnet build -c Release -nologo -v q "$project" 2>&1)" || { echo "$out" | tail -20; echo "benchmark $project does not build"; exit 1; }
done

step "smoke test of the published binary"
tests/smoke.sh out/minimesos

step "Marathon users' tools against dev: curl + jq, and Debian's python3-marathon client library"
tests/marathon/run.sh out/minimesos

tests/lab/netlab.sh cleanup-all >/dev/null 2>&1 || true
step "lab: discovery over mDNS with real processes on network-namespace hosts"
tests/lab/discovery-lab.sh out/minimesos

step "DNS lab: dig at the masters' app DNS follows scaling, python-zeroconf sees the apps' DNS-SD announcements and goodbyes"
tests/lab/dns-lab.sh out/minimesos

step "Raft lab: 3 published masters on namespace hosts, leader killed and isolated"
tests/lab/raft-lab.sh out/minimesos

step "agent lab: agent killed -9 and restarted, agent host cut off"
tests/lab/agent-lab.sh out/minimesos

step "mesh lab: service ports and the routing mesh on 3 masters + 3 agents (instance killed, health failing, bad ports)"
tests/lab/mesh-lab.sh out/minimesos

step "reliability lab: 3 masters + 3 agents under a workload, fault rounds, checks after each"
tests/lab/reliability-lab.sh out/minimesos

step "ops lab: backup under load, wipe and restore; lost quorum recovered, fresh masters added"
tests/lab/ops-lab.sh out/minimesos

# No rolling-upgrade lab step: every earlier commit speaks plain text on the cluster port, which is TLS-only now, so
# there is no older build a TLS cluster can be upgraded from one node at a time (docs/operations.md "Rolling
# upgrades"). The lab itself (LAB_UPGRADE_FROM, tests/lab/README.md) comes back here pinned to the first release with TLS.

if [ -x tests/vm/run-vm-tests.sh ]; then
  step "cgroup v2 checks in a VM"
  tests/vm/run-vm-tests.sh out/minimesos
fi

step "linux-arm64: cross-publish, size, then --version, dev + run, OOM, agent-restart reattach in an arm64 VM"
packaging/publish.sh linux-arm64 out-arm64
size_check out-arm64/minimesos $(( 21 * 1048576 ))  # 21 MiB, the issue-14 goal (docs/size.md)
# Debian's 6.1 kernel has a rare race between a memory cgroup going offline and a dentry joining that cgroup's LRU
# (a NULL list in list_lru_add from dput, seen once in ~15 arm64 runs, after the OOM check's cgroup was removed): the
# guest oopses and gives no verdict (exit 3). Only such a run is repeated, once and saying so; a verdict never is.
arm64_rc=0; tests/vm-arm64/run-arm64-vm.sh out-arm64/minimesos || arm64_rc=$?
if [ "$arm64_rc" = 3 ]; then
  echo "the arm64 guest's kernel oopsed (above): running the arm64 VM checks once more"
  arm64_rc=0; tests/vm-arm64/run-arm64-vm.sh out-arm64/minimesos || arm64_rc=$?
fi
[ "$arm64_rc" = 0 ] || { echo "arm64 VM checks failed (exit $arm64_rc)"; exit 1; }

step "packages: .deb + tarball (lintian; arm64 too when out-arm64/minimesos exists), the .deb installed, used, upgraded and purged under systemd in a VM"
tests/install/run-package-tests.sh out/minimesos

echo
echo "all tests passed"
echo "$passed passed, $failed failed"

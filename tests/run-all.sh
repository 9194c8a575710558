#!/usr/bin/env bash
# Every test: installs what the tests need, runs the xunit suite (unit, oracle, fuzz, simulation, headless-Chromium UI,
# in-process cluster, CLI, namespace lab), publishes the Native AOT binary with warnings as errors and
# smoke-runs it, runs the Raft, agent and reliability labs (tests/lab/) on it, then runs the cgroup v2 checks in a QEMU VM. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

apt_install() {
  # apt occasionally fails on a transient dpkg temp-file error: retry once.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || {
    sleep 3; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }
}
packages=(libsqlite3-dev clang zlib1g-dev python3-msgpack python3-zeroconf iproute2 nftables curl jq util-linux qemu-system-x86 busybox-static cpio gcc libc6-dev chromium)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  apt-get update -qq || true
  apt_install "${missing[@]}"
fi

step() { echo; echo "== $*"; }

step "dotnet test"
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

step "publish (Native AOT, warnings are errors)"
packaging/publish.sh linux-x64 out
if ldd out/minimesos | grep -qi sqlite; then echo "the binary links a sqlite shared library"; ldd out/minimesos; exit 1; fi
echo "ldd: $(ldd out/minimesos | awk '{print $1}' | tr '\n' ' ')"

step "benchmarks build (they are run by hand: figures are not test assertions)"
for project in bench/*/*.csproj; do
  out="$(dotnet build -c Release -nologo -v q "$project" 2>&1)" || { echo "$out" | tail -20; echo "benchmark $project does not build"; exit 1; }
done

step "smoke test of the published binary"
tests/smoke.sh out/minimesos

tests/lab/netlab.sh cleanup-all >/dev/null 2>&1 || true
step "lab: discovery over mDNS with real processes on network-namespace hosts"
tests/lab/discovery-lab.sh out/minimesos

step "Raft lab: 3 published masters on namespace hosts, leader killed and isolated"
tests/lab/raft-lab.sh out/minimesos

step "agent lab: agent killed -9 and restarted, agent host cut off"
tests/lab/agent-lab.sh out/minimesos

step "reliability lab: 3 masters + 3 agents under a workload, fault rounds, checks after each"
tests/lab/reliability-lab.sh out/minimesos

if [ -x tests/vm/run-vm-tests.sh ]; then
  step "cgroup v2 checks in a VM"
  tests/vm/run-vm-tests.sh out/minimesos
fi

echo
echo "all tests passed"
echo "$passed passed, $failed failed"

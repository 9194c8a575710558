#!/usr/bin/env bash
# The packaging checks CI runs (tests/run-all.sh, one step), as root:
#   tests/install/run-package-tests.sh out/minimesos [out-arm64/minimesos]
# Builds the amd64 .deb and tarball into out/packages and checks the .deb with lintian (every tag, info and
# pedantic included, fails the step; justified exceptions are in packaging/deb/lintian-overrides); does the
# same for arm64 when that binary exists (default out-arm64/minimesos, else skipped, said so); then installs,
# uses, upgrades, removes and purges the amd64 .deb in a systemd VM (run-install-test.sh; SKIP_INSTALL_TEST=1
# leaves it out, for a quick check of the packages alone).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
amd64="${1:?usage: run-package-tests.sh path/to/amd64/minimesos [path/to/arm64/minimesos]}"
arm64="${2:-$root/out-arm64/minimesos}"
out="$root/out/packages"

apt_install() {
  # apt occasionally fails on a transient dpkg temp-file error: retry once.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null || {
    sleep 3; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}
command -v lintian >/dev/null || { echo "installing lintian"; apt_install lintian; }

rm -rf "$out"
mkdir -p "$out"
archs=(amd64)
if [ -x "$arm64" ]; then archs+=(arm64); else echo "no arm64 binary at $arm64: arm64 packages skipped"; fi
for arch in "${archs[@]}"; do
  bin="$amd64"; [ "$arch" = arm64 ] && bin="$arm64"
  HELP_BINARY="$amd64" "$root/packaging/deb/build-deb.sh" "$arch" "$bin" "$out"
  HELP_BINARY="$amd64" "$root/packaging/tarball/build-tarball.sh" "$arch" "$bin" "$out"
  deb="$(ls "$out"/minimesos_*_"$arch".deb)"
  tags="$(lintian --pedantic --display-info --fail-on error,warning,info,pedantic "$deb" 2>&1 | grep -v 'running with root privileges' || true)"
  if [ -n "$tags" ]; then echo "$tags"; echo "lintian: $deb has tags (fix them or justify them in packaging/deb/lintian-overrides)"; exit 1; fi
  echo "lintian: $(basename "$deb") clean (pedantic, overrides in packaging/deb/lintian-overrides)"
done

[ "${SKIP_INSTALL_TEST:-0}" = 1 ] && { echo "install test skipped (SKIP_INSTALL_TEST=1)"; exit 0; }
"$here/run-install-test.sh" "$amd64"

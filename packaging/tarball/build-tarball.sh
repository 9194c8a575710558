#!/usr/bin/env bash
# Builds the plain tarball for distributions without .deb (systemd or not):
#   packaging/tarball/build-tarball.sh amd64|arm64 BINARY OUTDIR [VERSION]
# -> OUTDIR/minimesos-VERSION-linux-ARCH.tar.gz holding the binary, the systemd units, the environment
# files, the man page, bash completion and install.sh. VERSION and HELP_BINARY as for packaging/deb/build-deb.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pkgroot="$(cd "$here/.." && pwd)"
repo="$(cd "$pkgroot/.." && pwd)"
[ $# -ge 3 ] || { echo "usage: $0 amd64|arm64 BINARY OUTDIR [VERSION]" >&2; exit 2; }
arch="$1" binary="$2" outdir="$3"
case "$arch" in
  amd64) machine="Advanced Micro Devices X86-64" ;;
  arm64) machine="AArch64" ;;
  *) echo "build-tarball.sh: unsupported architecture '$arch' (amd64 or arm64)" >&2; exit 2 ;;
esac
readelf -h "$binary" | grep -q "Machine: *$machine" || { echo "build-tarball.sh: $binary is not an $arch executable" >&2; exit 2; }
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)}"
if [ -n "${4:-}" ]; then
  version="$4"
else
  base="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/MiniMesos.csproj" | head -1)"
  version="$base+git$(git -C "$repo" rev-list --count HEAD).$(git -C "$repo" rev-parse --short=7 HEAD)"
fi
help_bin="${HELP_BINARY:-}"
if [ -z "$help_bin" ]; then
  if "$binary" --version >/dev/null 2>&1; then help_bin="$binary"; else help_bin="$repo/out/minimesos"; fi
fi
"$help_bin" --version >/dev/null 2>&1 || { echo "build-tarball.sh: cannot run $help_bin: set HELP_BINARY to a native build" >&2; exit 2; }

name="minimesos-$version-linux-$arch"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
d="$stage/$name"
umask 022
install -d "$d/bin" "$d/systemd" "$d/etc" "$d/share/man/man1" "$d/share/bash-completion/completions"
install -m 0755 "$binary" "$d/bin/minimesos"
install -m 0644 "$pkgroot"/systemd/*.service "$d/systemd/"
install -m 0644 "$pkgroot/etc/master.env" "$pkgroot/etc/agent.env" "$d/etc/"
install -m 0755 "$here/install.sh" "$d/install.sh"
"$help_bin" completion bash > "$d/share/bash-completion/completions/minimesos"
"$pkgroot/make-manpage.sh" "$help_bin" "$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)" | gzip -9n > "$d/share/man/man1/minimesos.1.gz"
install -m 0644 "$repo/packaging/deb/copyright" "$d/COPYRIGHT"
mkdir -p "$outdir"
out="$outdir/$name.tar.gz"
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -cf - "$name" | gzip -9n > "$out"
echo "built $out ($(stat -c %s "$out") bytes)"

# Sourced by packaging/deb/build-deb.sh and packaging/tarball/build-tarball.sh: their shared arguments
# (amd64|arm64 BINARY OUTDIR [VERSION]) and what follows from them. Needs $here (the caller's folder) and $tool
# (its name, for messages). Sets pkgroot, repo, arch, binary, outdir, version, help_bin; exports SOURCE_DATE_EPOCH.
pkgroot="$(cd "$here/.." && pwd)"
repo="$(cd "$pkgroot/.." && pwd)"
[ $# -ge 3 ] || { echo "usage: $tool amd64|arm64 BINARY OUTDIR [VERSION]" >&2; exit 2; }
arch="$1" binary="$2" outdir="$3"
case "$arch" in
  amd64) machine="Advanced Micro Devices X86-64" ;;
  arm64) machine="AArch64" ;;
  *) echo "$tool: unsupported architecture '$arch' (amd64 or arm64)" >&2; exit 2 ;;
esac
[ -f "$binary" ] || { echo "$tool: no binary at $binary" >&2; exit 2; }
header="$(readelf -h "$binary")"
[[ "$header" =~ Machine:\ *$machine ]] \
  || { echo "$tool: $binary is not an $arch executable ($(sed -n 's/ *Machine: *//p' <<<"$header"))" >&2; exit 2; }

export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)}"
if [ -n "${4:-}" ]; then
  version="$4"
else
  base="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/MiniMesos.csproj")"
  base="${base%%$'\n'*}"
  version="$base+git$(git -C "$repo" rev-list --count HEAD).$(git -C "$repo" rev-parse --short=7 HEAD)"
fi

# The man page and completion come from the binary's own --help; a cross-built binary cannot run here.
help_bin="${HELP_BINARY:-}"
if [ -z "$help_bin" ]; then
  if "$binary" --version >/dev/null 2>&1; then help_bin="$binary"; else help_bin="$repo/out/minimesos"; fi
fi
"$help_bin" --version >/dev/null 2>&1 \
  || { echo "$tool: cannot run $help_bin for the man page and completion: set HELP_BINARY to a native build" >&2; exit 2; }

#!/usr/bin/env bash
# Publish the single-file Native AOT executable: packaging/publish.sh [linux-x64|linux-arm64] [outdir]
# Installs the build prerequisites it needs (Debian/Ubuntu): clang, zlib, and libsqlite3.a for the target.
set -euo pipefail
cd "$(dirname "$0")/.."
rid="${1:-linux-x64}"
out="${2:-out}"
case "$rid" in
  linux-x64)   triplet=x86_64-linux-gnu;  debarch=amd64 ;;
  linux-arm64) triplet=aarch64-linux-gnu; debarch=arm64 ;;
  *) echo "publish.sh: unsupported runtime '$rid' (linux-x64 or linux-arm64)" >&2; exit 2 ;;
esac

apt_install() {
  # apt occasionally fails on a transient dpkg temp-file error: retry once.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || {
    sleep 2; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }
}

need=()
command -v clang >/dev/null || need+=(clang)
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
if [ "$rid" = linux-arm64 ]; then
  dpkg --print-foreign-architectures | grep -qx arm64 || { dpkg --add-architecture arm64; apt-get update -qq; }
  [ -e "/usr/lib/$triplet/libsqlite3.a" ] || need+=("libsqlite3-dev:$debarch")
  [ -e "/usr/lib/$triplet/libz.a" ] || need+=("zlib1g-dev:$debarch")     # the linker needs the target's zlib
  command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu)
  command -v ld.lld >/dev/null || need+=(lld)
else
  [ -e "/usr/lib/$triplet/libsqlite3.a" ] || need+=(libsqlite3-dev)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "publish.sh: installing ${need[*]}"
  [ "$(id -u)" = 0 ] || { echo "publish.sh: need root to install ${need[*]}" >&2; exit 1; }
  apt-get update -qq || true
  apt_install "${need[@]}"
fi

extra=()
if [ "$rid" = linux-arm64 ]; then
  # clang links for aarch64 with lld against the multiarch libraries (/usr/lib/aarch64-linux-gnu) and the
  # cross toolchain's C runtime; StripSymbols needs an objcopy that understands arm64 objects.
  extra+=(-p:SysRoot=/ -p:LinkerFlavor=lld -p:ObjCopyName=aarch64-linux-gnu-objcopy)
fi
# Trim.Substitutions.xml is not an input of the AOT compile step: after an edit of it, an incremental publish would keep
# the old native object (docs/size.md), so that object goes when the file is newer.
native_obj="obj/Release/net10.0/$rid/native/minimesos.o"
if [ -e "$native_obj" ] && [ Trim.Substitutions.xml -nt "$native_obj" ]; then rm -f "$native_obj"; fi
dotnet publish MiniMesos.csproj -c Release -r "$rid" -o "$out" -p:TreatWarningsAsErrors=true "${extra[@]}" -nologo -v q
echo "published $out/minimesos ($(stat -c %s "$out/minimesos") bytes, $rid)"

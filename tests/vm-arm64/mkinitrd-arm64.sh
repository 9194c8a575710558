#!/bin/bash
# mkinitrd-arm64.sh <out.cpio.gz> <init-script> [arm64 binary...]
# An arm64 busybox initramfs built on any host: no arm64 code runs here, so libraries are found with readelf, not
# ldd. Each binary goes to /bin with its ELF interpreter and the closure of its DT_NEEDED libraries, plus the
# libraries .NET loads with dlopen (readelf cannot see them): libssl.so.3 and libcrypto.so.3.
# Env: SYSROOT (required) the unpacked arm64 packages: $SYSROOT/bin/busybox, libraries under
#      $SYSROOT/{usr/lib,lib}/aarch64-linux-gnu.   DLOPEN_LIBS (default "libssl.so.3 libcrypto.so.3").
#      EXTRA (optional) a directory whose contents are copied into the initramfs as they are (images, modules).
set -euo pipefail
OUT=$(realpath -m "$1"); INIT=$2; shift 2
: "${SYSROOT:?SYSROOT must point at the unpacked arm64 packages}"
R=$(mktemp -d)
trap 'rm -rf "$R"' EXIT
chmod 755 "$R"   # tasks run as nobody: / must be traversable
mkdir -p "$R"/{bin,sbin,proc,sys,dev,tmp,etc,run,root,usr/bin,usr/sbin,lib/aarch64-linux-gnu}
ln -s lib "$R/lib64"
cp "$SYSROOT/bin/busybox" "$R/bin/busybox"
cp "$INIT" "$R/init"; chmod +x "$R/init"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$R/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$R/etc/group"
printf '127.0.0.1 localhost vm-arm64\n::1 localhost\n' > "$R/etc/hosts"
printf 'hosts: files\npasswd: files\ngroup: files\n' > "$R/etc/nsswitch.conf"

find_lib() {
  local d
  for d in "$SYSROOT/usr/lib/aarch64-linux-gnu" "$SYSROOT/lib/aarch64-linux-gnu" "$SYSROOT/lib"; do
    [ -e "$d/$1" ] && { echo "$d/$1"; return; }
  done
}
declare -A DONE=()
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
add_lib() {
  local so=$1 f n
  [ -n "${DONE[$so]:-}" ] && return; DONE[$so]=1
  f=$(find_lib "$so")
  [ -n "$f" ] || { echo "mkinitrd-arm64: $so not found under $SYSROOT" >&2; return 1; }
  cp -L "$f" "$R/lib/aarch64-linux-gnu/$so"
  for n in $(needed "$f"); do add_lib "$n"; done
}
for f in "$@"; do
  readelf -h "$f" | grep -q AArch64 || { echo "mkinitrd-arm64: $f is not an AArch64 ELF" >&2; exit 1; }
  cp "$f" "$R/bin/"
  interp=$(readelf -l "$f" | sed -n 's/.*Requesting program interpreter: \(.*\)\]/\1/p')
  if [ -n "$interp" ]; then
    add_lib "$(basename "$interp")"
    mkdir -p "$R$(dirname "$interp")"
    [ -e "$R$interp" ] || ln -s "/lib/aarch64-linux-gnu/$(basename "$interp")" "$R$interp"
  fi
  for n in $(needed "$f"); do add_lib "$n"; done
done
for so in ${DLOPEN_LIBS-libssl.so.3 libcrypto.so.3}; do add_lib "$so"; done
[ -z "${EXTRA:-}" ] || { cp -a "$EXTRA/." "$R/"; chmod 755 "$R"; }   # cp -a gave / EXTRA's mode (mktemp's 0700)
(cd "$R" && find . -print0 | cpio --null -o -H newc --quiet -R 0:0 | gzip -1) > "$OUT"

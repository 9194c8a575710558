#!/bin/bash
# run-vm-tests.sh: boots Debian's kernel (real cgroup v2 controllers) under QEMU with a busybox initramfs
# holding the Native-AOT minimesos and a native memory hog, and runs `minimesos __isolation-selftest`,
# which drives IsolatedTaskLauncher: OOM kill reported as OOM, fork bomb held by pids.max, cpu.max share,
# cgroup.kill leaving nothing behind, and an image task (an oci-archive made here by mkimage.sh from busybox and
# the hog: a zstd and a gzip layer, stacked with overlayfs, the module loaded from Debian's kernel) OOM-killed
# under its memory limit. Prints each CHECK line; exits 0 only if the guest reported success
# through isa-debug-exit AND printed "RESULT ... fail=0" (a kernel panic also makes qemu exit 0).
# Usage: run-vm-tests.sh [path/to/minimesos]   (without it, publishes one)
# Env: VM_CACHE (kernel, builds; default tests/vm/.cache), SKIP_PUBLISH=1 (reuse the last AOT build),
#      VM_TIMEOUT (s, default 170), KVER (kernel version to use if several are cached).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${VM_CACHE:-$HERE/.cache}
mkdir -p "$CACHE"
T0=$(date +%s)

retry() { "$@" || { echo "retrying: $*" >&2; sleep 2; "$@"; }; }

need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 || need+=(busybox-static)
command -v cpio >/dev/null || need+=(cpio)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v zstd >/dev/null || need+=(zstd)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  retry apt-get install -y -q "${need[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "FAIL: dotnet SDK not found (needed to publish minimesos)"; exit 2; }

# Debian's kernel, unpacked but not installed (no hooks, nothing in /boot).
KROOT=$CACHE/kroot
if ! ls "$KROOT"/boot/vmlinuz-* >/dev/null 2>&1; then
  PKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ && !p {p = $2} END {print p}')
  [ -n "$PKG" ] || { echo "FAIL: apt-cache knows no linux-image-amd64 (run apt-get update)"; exit 2; }
  (cd "$CACHE" && retry apt-get download "$PKG" >/dev/null)
  rm -rf "$KROOT" && dpkg-deb -x "$CACHE/$PKG"_*.deb "$KROOT"
fi
KVER=${KVER:-$(ls "$KROOT/lib/modules" | sort -V | tail -1)}

gcc -O2 -static -o "$CACHE/hog" "$HERE/hog.c"
if [ -n "${1:-}" ]; then
  # A binary given on the command line (run-all.sh passes the one it just published): no second build.
  mkdir -p "$CACHE/publish"
  cp "$1" "$CACHE/publish/minimesos"
elif [ "${SKIP_PUBLISH:-0}" != 1 ] || [ ! -x "$CACHE/publish/minimesos" ]; then
  echo "publishing minimesos (Native AOT)..."
  dotnet publish "$ROOT/MiniMesos.csproj" -c Release -r linux-x64 -o "$CACHE/publish" -v q -nologo >"$CACHE/publish.log" 2>&1 \
    || { tail -20 "$CACHE/publish.log"; echo "FAIL: publish"; exit 2; }
fi

# initramfs: busybox, /init, minimesos + the shared libraries it needs, the hog, users for the task.
R=$(mktemp -d "$CACHE/rootfs.XXXX")
trap 'rm -rf "$R" "${IMG:-}"' EXIT
chmod 755 "$R"  # mktemp made it 0700: the task user must be able to traverse /
mkdir -p "$R"/{bin,sbin,proc,sys,dev,tmp,etc,usr/bin,usr/sbin}
cp /bin/busybox "$R/bin/busybox"
cp "$HERE/guest-init.sh" "$R/init"
cp "$CACHE/hog" "$R/bin/hog"
cp "$CACHE/publish/minimesos" "$R/bin/minimesos"
for lib in $(ldd "$CACHE/publish/minimesos" | grep -oE '/[^ ]+'); do
  mkdir -p "$R$(dirname "$lib")"; cp -L "$lib" "$R$lib"
done
# .NET's crypto (the image check's sha256) loads libssl and libcrypto with dlopen: ldd cannot see them.
for so in libssl.so.3 libcrypto.so.3; do
  lib=$(ldconfig -p | awk -v so="$so" '$1 == so && /x86-64/ && !p { p = $NF } END { print p }')
  [ -n "$lib" ] || { echo "FAIL: $so not found on this host (apt install libssl3)"; exit 2; }
  mkdir -p "$R$(dirname "$lib")"; cp -L "$lib" "$R$lib"
done
# The image task's image: busybox and the hog (zstd layer) plus etc/motd (gzip layer), as an oci-archive.
IMG=$(mktemp -d "$CACHE/image.XXXX")
mkdir -p "$IMG/bin" "$R/img" "$R/lib/modules"
cp /bin/busybox "$CACHE/hog" "$IMG/bin/"; ln -s busybox "$IMG/bin/sh"; ln -s busybox "$IMG/bin/cat"
"$HERE/mkimage.sh" "$R/img/hog.oci.tar" "amd64:$IMG"
rm -rf "$IMG"
# overlayfs is a module in Debian's kernel (uncompressed for busybox's insmod).
OVL=$(ls "$KROOT/lib/modules/$KVER/kernel/fs/overlayfs/"overlay.ko* | head -1)
case "$OVL" in
  *.xz) xz -dc "$OVL" >"$R/lib/modules/overlay.ko";;
  *.zst) zstd -dcq "$OVL" >"$R/lib/modules/overlay.ko";;
  *) cp "$OVL" "$R/lib/modules/overlay.ko";;
esac
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$R/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$R/etc/group"
INITRD=$CACHE/initrd.cpio.gz
(cd "$R" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) > "$INITRD"

LOG=$CACHE/vm.log
echo "booting $KVER (TCG)..."
T1=$(date +%s)
set +e
timeout "${VM_TIMEOUT:-170}" qemu-system-x86_64 -accel tcg -M pc -m 1024 -smp 1 -nographic -no-reboot \
  -kernel "$KROOT/boot/vmlinuz-$KVER" -initrd "$INITRD" \
  -append "console=ttyS0 panic=-1 quiet loglevel=3" \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 >"$LOG" 2>&1
QRC=$?
set -e
T2=$(date +%s)
grep -aE '^(GUEST|CHECK|RESULT)' "$LOG" | tr -d '\r' || true
echo "vm: qemu exit=$QRC vm_wall=$((T2 - T1))s total=$((T2 - T0))s log=$LOG"
if [ "$QRC" = 1 ] && grep -aqE '^RESULT pass=[1-9][0-9]* fail=0' "$LOG"; then
  echo "VM TESTS PASSED"; exit 0
fi
echo "VM TESTS FAILED (qemu exit $QRC: 1 = guest pass, 3 = guest fail, 124 = timeout, other = crash/panic)"
tail -30 "$LOG"
exit 1

#!/bin/bash
# run-arm64-vm.sh <linux-arm64 minimesos> [init-script]
# Boots Debian's arm64 kernel under qemu-system-aarch64 (TCG: no KVM, any x86-64 host) with a busybox initramfs
# holding the binary as /bin/minimesos, its arm64 glibc, and libssl.so.3/libcrypto.so.3 (.NET's crypto shim
# dlopens them: `dev` dies without them). The guest's /init is guest-init.sh unless another script is given; it
# prints `CHECK name PASS|FAIL detail` lines and one `VM-ARM64-VERDICT PASS|FAIL pass=N fail=M` line on the serial
# console, then powers off. The virt board has no isa-debug-exit and qemu exits 0 on power-off and on a panic
# alike, so only that line counts.
# Exit status: 0 verdict PASS, 1 verdict FAIL, 2 no verdict (timeout, crash, setup error), 3 no verdict because the
# guest's kernel oopsed (booted with oops=panic, so an oops ends the VM at once instead of a hang until the timeout).
# An image for the guest's image check is made here (tests/vm/mkimage.sh): a multi-arch oci-archive with an amd64
# image (the host's busybox) and an arm64 one (the arm64 busybox), at /img/multi.oci.tar; overlayfs, a module in
# Debian's kernel, is taken from the kernel package and put at /lib/modules/overlay.ko.
# Needs root. First run: installs qemu-system-arm, cpio, binutils, zstd; enables the arm64 dpkg architecture if it is
# not; downloads (apt-get download: nothing is installed) linux-image-*-arm64, busybox-static, libc6 and libssl3
# (arm64) and unpacks them into the cache (about 65 MB download, 350 MB unpacked).
# Env: VM_CACHE (default .cache next to this script), VM_TIMEOUT (s, default 300), VM_CPU (default
#      max,pauth-impdef=on: plain `max` emulates pointer authentication ~2.5x slower), VM_SMP (2), VM_MEM (MiB, 1024),
#      VM_APPEND (more kernel command line: key=value reach /init as environment), LOG (serial log).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${1:?usage: run-arm64-vm.sh <arm64-binary> [init-script]}
INIT=${2:-$HERE/guest-init.sh}
CACHE=${VM_CACHE:-$HERE/.cache}
mkdir -p "$CACHE" && CACHE=$(cd "$CACHE" && pwd)
T0=$(date +%s.%N)
secs() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
retry() { "$@" || { echo "retrying: $*" >&2; sleep 3; "$@"; }; }
die() { echo "run-arm64-vm: $*" >&2; exit 2; }

# 1. host tools
need=()
command -v qemu-system-aarch64 >/dev/null || need+=(qemu-system-arm)
command -v cpio >/dev/null || need+=(cpio)
command -v readelf >/dev/null || need+=(binutils)
command -v zstd >/dev/null || need+=(zstd)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  apt-cache show "${need[0]}" >/dev/null 2>&1 || apt-get update -qq || true
  retry env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null || die "apt-get install ${need[*]} failed"
fi

# 2. arm64 packages, downloaded and unpacked (never installed): kernel -> kroot/, userland -> sysroot/
KROOT=$CACHE/kroot; SYSROOT=$CACHE/sysroot
has_kernel() { ls "$KROOT"/boot/vmlinuz-* >/dev/null 2>&1 && [ -n "$(find "$KROOT" -name 'overlay.ko*' -print -quit)" ]; }
if ! has_kernel || [ ! -x "$SYSROOT/bin/busybox" ]; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "enabling the arm64 dpkg architecture (to download arm64 packages)"
    dpkg --add-architecture arm64 || die "dpkg --add-architecture arm64 failed"
  fi
  apt-cache show busybox-static:arm64 >/dev/null 2>&1 || retry apt-get update -qq || die "apt-get update failed"
  D=$(mktemp -d "$CACHE/debs.XXXX")
  if ! has_kernel; then
    PKG=$(apt-cache depends linux-image-arm64:arm64 | awk '/Depends: linux-image-[0-9]/ && !p {p = $2} END {print p}')
    [ -n "$PKG" ] || { rm -rf "$D"; die "apt knows no linux-image-arm64:arm64"; }
    echo "downloading $PKG"
    (cd "$D" && retry apt-get download "$PKG" >/dev/null 2>&1) || { rm -rf "$D"; die "apt-get download $PKG failed"; }
    # The kernel image, and overlayfs (a module; everything else the checks use is built in).
    rm -rf "$KROOT" && dpkg-deb --fsys-tarfile "$D"/linux-image-*.deb | (mkdir -p "$KROOT" && tar -x -C "$KROOT" --wildcards './boot/*' '*/fs/overlayfs/overlay.ko*')
  fi
  if [ ! -x "$SYSROOT/bin/busybox" ]; then
    echo "downloading busybox-static libc6 libssl3 (arm64)"
    (cd "$D" && retry apt-get download busybox-static:arm64 libc6:arm64 libssl3:arm64 >/dev/null 2>&1) \
      || { rm -rf "$D"; die "apt-get download of the arm64 userland failed"; }
    rm -rf "$SYSROOT" && mkdir -p "$SYSROOT"
    for deb in "$D"/busybox-static_*.deb "$D"/libc6_*.deb "$D"/libssl3_*.deb; do dpkg-deb -x "$deb" "$SYSROOT"; done
    rm -rf "$SYSROOT/usr/share"
  fi
  rm -rf "$D"
fi
KERNEL=$(ls "$KROOT"/boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
[ -f "$KERNEL" ] || die "no kernel under $KROOT/boot"

# 3. initramfs (temporary)
INITRD=$(mktemp --suffix=.cpio.gz); EXTRA=$(mktemp -d)
QPID=
trap 'rm -rf "$INITRD" "$EXTRA"; [ -n "$QPID" ] && kill -TERM "$QPID" 2>/dev/null' EXIT
trap 'exit 130' INT; trap 'exit 143' TERM   # the EXIT trap stops qemu
mkdir -p "$EXTRA/img" "$EXTRA/lib/modules" "$EXTRA/arm64/bin" "$EXTRA/amd64/bin"
cp "$SYSROOT/bin/busybox" "$EXTRA/arm64/bin/"; ln -s busybox "$EXTRA/arm64/bin/sh"
if [ -x /bin/busybox ]; then cp /bin/busybox "$EXTRA/amd64/bin/"; else cp "$SYSROOT/bin/busybox" "$EXTRA/amd64/bin/"; fi
ln -s busybox "$EXTRA/amd64/bin/sh"
"$HERE/../vm/mkimage.sh" "$EXTRA/img/multi.oci.tar" "amd64:$EXTRA/amd64" "arm64:$EXTRA/arm64" || die "mkimage.sh failed"
rm -rf "$EXTRA/arm64" "$EXTRA/amd64"
OVL=$(find "$KROOT" -name 'overlay.ko*' -print -quit)
case "$OVL" in
  *.xz) xz -dc "$OVL" >"$EXTRA/lib/modules/overlay.ko";;
  *.zst) zstd -dcq "$OVL" >"$EXTRA/lib/modules/overlay.ko";;
  *) cp "$OVL" "$EXTRA/lib/modules/overlay.ko";;
esac
SYSROOT=$SYSROOT EXTRA=$EXTRA "$HERE/mkinitrd-arm64.sh" "$INITRD" "$INIT" "$BIN" || die "mkinitrd-arm64.sh failed"
T1=$(date +%s.%N)
echo "initrd $(du -k "$INITRD" | cut -f1) KiB, setup $(secs "$T0")s; booting $(basename "$KERNEL") (qemu-system-aarch64, TCG, -cpu ${VM_CPU:-max,pauth-impdef=on})"

# 4. boot; the guest reports on the serial console
LOG=${LOG:-$CACHE/vm-arm64.log}
timeout -k 5 "${VM_TIMEOUT:-300}" qemu-system-aarch64 -M virt -accel tcg -cpu "${VM_CPU:-max,pauth-impdef=on}" \
  -smp "${VM_SMP:-2}" -m "${VM_MEM:-1024}" -nographic -no-reboot -nic none \
  -kernel "$KERNEL" -initrd "$INITRD" \
  -append "console=ttyAMA0 rdinit=/init oops=panic panic=-1 quiet loglevel=3 ${VM_APPEND:-}" \
  </dev/null >"$LOG" 2>&1 &
QPID=$!
wait "$QPID"; QRC=$?; QPID=
tr -d '\r' <"$LOG" | grep -aE '^(GUEST|CHECK|VM-ARM64-VERDICT)'
echo "qemu exit=$QRC (124 = timeout) vm_wall=$(secs "$T1")s total=$(secs "$T0")s log=$LOG"
V=$(tr -d '\r' <"$LOG" | grep -aoE '^VM-ARM64-VERDICT (PASS|FAIL)' | tail -1)
case "$V" in
  *PASS) exit 0;;
  *FAIL) exit 1;;
  *) if tr -d '\r' <"$LOG" | grep -aqE 'Internal error: Oops|Unable to handle kernel|BUG: soft lockup'; then
       echo "no verdict: the guest's kernel oopsed (a fault in the kernel, not a check's verdict); its report:"
       tr -d '\r' <"$LOG" | grep -aE 'Internal error: Oops|Unable to handle kernel|BUG: soft lockup|Comm:|pc : |^\[ *[0-9.]+\]  [a-z_0-9.]+\+0x' | head -25
       exit 3
     fi
     echo "no verdict from the guest; last lines of the serial log:"; tr -d '\r' <"$LOG" | tail -20; exit 2;;
esac

#!/usr/bin/env bash
# run-install-test.sh: the .deb in a real systemd system. Builds two packages of the given binary (the
# second with a higher version, for the upgrade), boots a Debian bookworm rootfs (debootstrap, cached in
# tests/install/.cache) with systemd as PID 1 in QEMU (TCG) on Debian's kernel, and runs guest-test.sh in
# it: install, start both units, run tasks with the CLI, upgrade with a task running, remove, purge; then
# the tarball's install.sh, a task, and its uninstall.
# Exits 0 only if the guest reported success through isa-debug-exit AND printed "RESULT ... fail=0".
# Usage: tests/install/run-install-test.sh path/to/minimesos     (as root; a linux-x64 build)
# Env: INSTALL_CACHE (default tests/install/.cache), VM_TIMEOUT (s, default 600; the guest's own waits are
# bounded, this only ends a hung boot).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${INSTALL_CACHE:-$here/.cache}"
binary="${1:?usage: run-install-test.sh path/to/minimesos}"
mkdir -p "$cache"
t0=$(date +%s)

apt_install() {
  # apt occasionally fails on a transient dpkg temp-file error: retry once.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null || {
    sleep 3; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}
need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v cpio >/dev/null || need+=(cpio)
if [ ${#need[@]} -gt 0 ]; then echo "installing ${need[*]}"; apt_install "${need[@]}"; fi

# Debian's kernel, unpacked, not installed (shared with tests/vm when it already fetched one).
kroot="$cache/kroot"
[ -d "$root/tests/vm/.cache/kroot/boot" ] && ! [ -d "$kroot/boot" ] && kroot="$root/tests/vm/.cache/kroot"
if ! ls "$kroot"/boot/vmlinuz-* >/dev/null 2>&1; then
  pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ && !p {p = $2} END {print p}')
  [ -n "$pkg" ] || { echo "FAIL: apt-cache knows no linux-image-amd64 (run apt-get update)"; exit 2; }
  (cd "$cache" && { apt-get download "$pkg" >/dev/null 2>&1 || { sleep 2; apt-get download "$pkg" >/dev/null; }; })
  rm -rf "$kroot" && dpkg-deb -x "$cache/$pkg"_*.deb "$kroot" && rm -f "$cache/$pkg"_*.deb
fi
kver=$(ls "$kroot/lib/modules" | sort -V | tail -1)

"$here/make-rootfs.sh" "$cache"

# The two packages and the test, as a second cpio archive appended to the cached rootfs.
work="$(mktemp -d "$cache/run.XXXX")"
trap 'rm -rf "$work"' EXIT
t="$work/root/root/install-test"
mkdir -p "$t" "$work/root/etc/systemd/system/multi-user.target.wants"
v1="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/MiniMesos.csproj" | head -1)+test1"
v2="${v1%1}2"
# gzip: quicker to pack here and to unpack under TCG than the release packages' xz.
DEB_COMPRESSION=gzip "$root/packaging/deb/build-deb.sh" amd64 "$binary" "$t" "$v1" >/dev/null
DEB_COMPRESSION=gzip "$root/packaging/deb/build-deb.sh" amd64 "$binary" "$t" "$v2" >/dev/null
"$root/packaging/tarball/build-tarball.sh" amd64 "$binary" "$t" "$v2" >/dev/null
echo "$v1" > "$t/v1"
echo "$v2" > "$t/v2"
install -m 0755 "$here/guest-test.sh" "$t/guest-test.sh"
cat > "$work/root/etc/systemd/system/minimesos-install-test.service" <<UNIT
[Unit]
Description=minimesos package install test
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/root/install-test/guest-test.sh
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0

[Install]
WantedBy=multi-user.target
UNIT
ln -s ../minimesos-install-test.service "$work/root/etc/systemd/system/multi-user.target.wants/"
(cd "$work/root" && find . -mindepth 1 -print0 | cpio --null -o -H newc --quiet) > "$work/test.cpio"
cat "$cache/rootfs.cpio" "$work/test.cpio" > "$work/initrd"

log="$cache/vm.log"
echo "booting $kver with systemd (TCG)..."
t1=$(date +%s)
set +e
timeout "${VM_TIMEOUT:-600}" qemu-system-x86_64 -accel tcg -M pc -m 2048 -smp 2 -nographic -no-reboot \
  -kernel "$kroot/boot/vmlinuz-$kver" -initrd "$work/initrd" \
  -append "console=ttyS0 panic=-1 quiet loglevel=3 rdinit=/lib/systemd/systemd systemd.show_status=0" \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 > "$log" 2>&1
qrc=$?
set -e
t2=$(date +%s)
grep -aE '^(GUEST|CHECK|RESULT)' "$log" | tr -d '\r' || true
echo "install test: qemu exit=$qrc vm=$((t2 - t1))s total=$((t2 - t0))s log=$log"
if [ "$qrc" = 1 ] && grep -aqE '^RESULT pass=[1-9][0-9]* fail=0' "$log"; then
  echo "INSTALL TEST PASSED"; exit 0
fi
echo "INSTALL TEST FAILED (qemu exit $qrc: 1 = guest pass, 3 = guest fail, 124 = timeout, other = crash/panic)"
tail -40 "$log"
exit 1

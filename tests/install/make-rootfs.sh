#!/usr/bin/env bash
# Builds (once) the Debian bookworm root filesystem the install test boots, packed as an uncompressed
# initramfs (newc cpio): tests/install/make-rootfs.sh CACHE_DIR -> CACHE_DIR/rootfs.cpio
# debootstrap minbase + systemd as PID 1 + libssl3 (the package's Depends), from the mirror apt uses here.
# Docs, man pages and locales are left out, gettys and the units a VM without network does not need masked.
set -euo pipefail
cache="$1"
out="$cache/rootfs.cpio"
[ -s "$out" ] && exit 0
# The Debian archive this machine's apt already uses (one-line or deb822 sources), unless DEBIAN_MIRROR says otherwise.
mirror="${DEBIAN_MIRROR:-$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
  | grep -oE '^(deb|URIs:)[[:space:]]+(\[[^]]*\][[:space:]]+)?https?://[^[:space:]]+/debian/?([[:space:]]|$)' \
  | grep -oE 'https?://[^[:space:]]+' | grep -v security | head -1 || true)}"
[ -n "$mirror" ] || { echo "make-rootfs: no Debian archive in apt's sources: set DEBIAN_MIRROR"; exit 1; }
dir="$cache/rootfs.tmp"
rm -rf "$dir"
mkdir -p "$dir"
echo "debootstrap bookworm from $mirror ..."
debootstrap --variant=minbase --include=systemd,systemd-sysv,libssl3,init-system-helpers \
  bookworm "$dir" "$mirror" > "$cache/debootstrap.log" 2>&1 \
  || { tail -20 "$cache/debootstrap.log"; echo "debootstrap failed (log: $cache/debootstrap.log)"; exit 1; }
rm -rf "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/usr/share/locale/* \
  "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*_Packages
echo minimesos-test > "$dir/etc/hostname"
: > "$dir/etc/fstab"
# Nothing but the test on the serial console; nothing that waits for hardware or a network the VM lacks.
for unit in serial-getty@ttyS0.service getty@tty1.service systemd-networkd-wait-online.service \
            apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer; do
  ln -sf /dev/null "$dir/etc/systemd/system/$unit"
done
(cd "$dir" && find . -print0 | cpio --null -o -H newc --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
rm -rf "$dir"
echo "rootfs: $out ($(du -m "$out" | cut -f1) MiB)"

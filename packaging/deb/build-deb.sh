#!/usr/bin/env bash
# Builds the minimesos .deb from a published binary (packaging/publish.sh linux-x64|linux-arm64 DIR):
#   packaging/deb/build-deb.sh amd64|arm64 BINARY OUTDIR [VERSION]
# VERSION defaults to the csproj version + the commit count and hash (0.1.0+git312.8435732): later
# commits sort higher, so a package built from them is an upgrade. The man page and bash completion
# come from the binary's own --help and `completion bash`; for a cross-built binary that cannot run here,
# HELP_BINARY names a native build of the same source (default: BINARY, else out/minimesos).
# Env: DEB_MAINTAINER ("Name <address>"), SOURCE_DATE_EPOCH (default: the last commit's time),
#      DEB_COMPRESSION (xz, the default, or gzip).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tool=build-deb.sh
# shellcheck source=../package-args.sh
. "$here/../package-args.sh"
[[ "$version" =~ ^[0-9][A-Za-z0-9.+~]*$ ]] || { echo "build-deb.sh: '$version' is not a native Debian version" >&2; exit 2; }
maintainer="${DEB_MAINTAINER:-MiniMesos maintainers <maintainers@minimesos.example>}"

# Depends: libc6 at least as new as the newest GLIBC_ symbol version the binary needs; libssl3 because the
# runtime dlopens libssl.so.3/libcrypto.so.3 (no DT_NEEDED entry, so no tool would find it); deb-systemd-helper.
needed="$(readelf -d "$binary" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | sort -u | tr '\n' ' ')"
for lib in $needed; do
  case "$lib" in libc.so.6|libm.so.6|ld-linux-*|libdl.so.2|libpthread.so.0|librt.so.1) ;;
    *) echo "build-deb.sh: the binary needs $lib, which Depends does not cover" >&2; exit 1 ;; esac
done
glibc="$(readelf --dyn-syms -W "$binary" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)"
depends="libc6 (>= $glibc), libssl3, init-system-helpers (>= 1.54~)"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/root"
umask 022
install -d "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/minimesos" \
  "$root/usr/share/bash-completion/completions" "$root/usr/share/man/man1" "$root/usr/share/doc/minimesos" \
  "$root/usr/share/lintian/overrides"
install -m 0755 "$binary" "$root/usr/bin/minimesos"
install -m 0644 "$pkgroot/systemd/minimesos-master.service" "$pkgroot/systemd/minimesos-agent.service" \
  "$pkgroot/systemd/minimesos-tasks.service" "$root/lib/systemd/system/"
install -m 0644 "$pkgroot/etc/master.env" "$pkgroot/etc/agent.env" "$root/etc/minimesos/"
"$help_bin" completion bash > "$root/usr/share/bash-completion/completions/minimesos"
date="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)"
"$pkgroot/make-manpage.sh" "$help_bin" "$date" | gzip -9n > "$root/usr/share/man/man1/minimesos.1.gz"
install -m 0644 "$here/copyright" "$root/usr/share/doc/minimesos/copyright"
install -m 0644 "$here/lintian-overrides" "$root/usr/share/lintian/overrides/minimesos"
{
  echo "minimesos ($version) unstable; urgency=medium"
  echo
  echo "  * Build of MiniMesos $("$help_bin" --version) for $arch."
  echo
  echo " -- $maintainer  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n > "$root/usr/share/doc/minimesos/changelog.gz"
install -m 0755 "$here/postinst" "$here/prerm" "$here/postrm" "$root/DEBIAN/"
printf '/etc/minimesos/master.env\n/etc/minimesos/agent.env\n' > "$root/DEBIAN/conffiles"
cat > "$root/DEBIAN/control" <<CONTROL
Package: minimesos
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends
Section: admin
Priority: optional
Description: single-binary cluster manager for edge and small clusters
 MiniMesos does the job of Apache Mesos and Marathon (masters with Raft
 failover, agents, one-shot tasks, long-running apps, batch jobs) as one
 executable, with no ZooKeeper, no JVM and no container engine. Tasks run in
 their own namespaces and cgroup v2.
 .
 The systemd units minimesos-master and minimesos-agent (with
 minimesos-tasks, which holds the tasks' cgroups) are installed but neither
 enabled nor started: configure /etc/minimesos/ first.
CONTROL
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
find "$root" -exec touch --no-dereference -d "@$SOURCE_DATE_EPOCH" {} +

mkdir -p "$outdir"
deb="$outdir/minimesos_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-xz}" --build "$root" "$deb" >/dev/null
echo "built $deb ($(stat -c %s "$deb") bytes; Depends: $depends)"

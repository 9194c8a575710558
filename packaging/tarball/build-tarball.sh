#!/usr/bin/env bash
# Builds the plain tarball for distributions without .deb (systemd or not):
#   packaging/tarball/build-tarball.sh amd64|arm64 BINARY OUTDIR [VERSION]
# -> OUTDIR/minimesos-VERSION-linux-ARCH.tar.gz holding the binary, the systemd units, the environment
# files, the man page, bash completion and install.sh. VERSION and HELP_BINARY as for packaging/deb/build-deb.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tool=build-tarball.sh
# shellcheck source=../package-args.sh
. "$here/../package-args.sh"

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

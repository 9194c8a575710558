#!/bin/bash
# mkimage.sh OUT.tar ARCH:DIR [ARCH:DIR...]: writes an oci-archive (a tar of an OCI image layout) for the VM tests,
# made with tar, zstd, gzip and sha256sum only. Each ARCH:DIR is one linux/ARCH image of two layers: DIR's files
# (zstd-compressed, owned by root) and etc/motd "from the image" (gzip). The layout's index.json names (tag latest)
# an image index listing one manifest per platform: with several, a multi-arch image (the agent picks its own).
# Config: PATH=/bin, Cmd ["/bin/sh"].
set -euo pipefail
OUT=${1:?usage: mkimage.sh OUT.tar ARCH:DIR [ARCH:DIR...]}; shift
[ $# -gt 0 ] || { echo "mkimage.sh: give at least one ARCH:DIR" >&2; exit 2; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
mkdir -p "$W/layout/blobs/sha256"
sha() { sha256sum "$1" | cut -d' ' -f1; }
blob() {  # blob FILE: moves FILE into the layout under its digest, prints the digest's hex
  local h; h=$(sha "$1"); mv "$1" "$W/layout/blobs/sha256/$h"; echo "$h"
}
tarof() { tar -C "$1" --numeric-owner --owner=0 --group=0 --mtime=@0 --sort=name -cf "$2" .; }
manifests=""
for spec in "$@"; do
  arch=${spec%%:*}; dir=${spec#*:}
  [ -d "$dir" ] || { echo "mkimage.sh: $dir is not a directory" >&2; exit 2; }
  tarof "$dir" "$W/l1.tar"
  mkdir -p "$W/motd/etc"; echo "from the image" >"$W/motd/etc/motd"; tarof "$W/motd" "$W/l2.tar"; rm -rf "$W/motd"
  d1=$(sha "$W/l1.tar"); d2=$(sha "$W/l2.tar")
  zstd -q -10 "$W/l1.tar" -o "$W/l1.tar.zst"; gzip -n -9 "$W/l2.tar"
  s1=$(stat -c %s "$W/l1.tar.zst"); s2=$(stat -c %s "$W/l2.tar.gz")
  b1=$(blob "$W/l1.tar.zst"); b2=$(blob "$W/l2.tar.gz"); rm -f "$W/l1.tar"
  printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s","sha256:%s"]}}' \
    "$arch" "$d1" "$d2" >"$W/config"
  cs=$(stat -c %s "$W/config"); c=$(blob "$W/config")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd","digest":"sha256:%s","size":%s},{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
    "$c" "$cs" "$b1" "$s1" "$b2" "$s2" >"$W/manifest"
  ms=$(stat -c %s "$W/manifest"); m=$(blob "$W/manifest")
  manifests="${manifests:+$manifests,}{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:$m\",\"size\":$ms,\"platform\":{\"architecture\":\"$arch\",\"os\":\"linux\"}}"
done
echo '{"imageLayoutVersion":"1.0.0"}' >"$W/layout/oci-layout"
# The platforms' index is a blob of its own, named by the layout's index.json (as skopeo and buildah write them).
echo "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[$manifests]}" >"$W/index"
is=$(stat -c %s "$W/index"); i=$(blob "$W/index")
echo "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"sha256:$i\",\"size\":$is,\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}}]}" >"$W/layout/index.json"
tar -C "$W/layout" --numeric-owner --owner=0 --group=0 -cf "$OUT" .

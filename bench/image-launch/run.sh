#!/usr/bin/env bash
# Image task launch against a fresh `minimesos dev`, in one run: cold (pull from a local registry + unpack + launch;
# each cold run pulls an image with a layer of its own), warm (the same image again: layers cached) and
# `minimesos run -- true` on the host rootfs, interleaved so load hits them alike; then the layer store's disk use
# beside the sum of the layer sizes. The registry is a static file tree served by python3's http.server on
# loopback (the distribution API's read paths are plain files: /v2/NAME/manifests/TAG, /v2/NAME/blobs/DIGEST).
# The images hold the host's static busybox. Usage (root): bench/image-launch/run.sh path/to/minimesos [N=10]
set -euo pipefail
. "$(dirname "$0")/../common/bench.sh"
bin="$(realpath "${1:?usage: run.sh path/to/minimesos [N]}")"; n="${2:-10}"
busybox="$(command -v busybox)"; file -L "$busybox" | grep -q "statically linked" || { echo "needs a static busybox (apt install busybox-static)"; exit 1; }
token="$(bench_token)"
api_port=$(( 20000 + RANDOM % 10000 )); cluster_port=$(( api_port + 1 )); reg_port=$(( api_port + 2 ))
work="$(mktemp -d)"; log="$work/dev.log"; times="$work/times"; mkdir -p "$times" "$work/reg/v2"
cleanup() { kill -TERM "${dev:-}" "${reg:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
sha() { sha256sum "$1" | cut -d' ' -f1; }

# image NAME MARKER: one gzip layer (busybox, sh and true links, a marker file) pushed into the static registry as NAME:1
image() {
  local name="$1" root="$work/root-$1" repo="$work/reg/v2/bench/$1"
  mkdir -p "$root/bin" "$repo/manifests" "$repo/blobs"
  cp "$busybox" "$root/bin/busybox"; ln -sf busybox "$root/bin/sh"; ln -sf busybox "$root/bin/true"; echo "$2" >"$root/marker"
  tar -C "$root" --numeric-owner --owner=0 --group=0 --mtime=@0 -cf "$work/$1.tar" .
  gzip -n -c "$work/$1.tar" >"$work/$1.tar.gz"
  local diff blob size cfg cfgsize
  diff=$(sha "$work/$1.tar"); blob=$(sha "$work/$1.tar.gz"); size=$(stat -c %s "$work/$1.tar.gz")
  printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/true"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$diff" >"$work/$1.config"
  cfg=$(sha "$work/$1.config"); cfgsize=$(stat -c %s "$work/$1.config")
  cp "$work/$1.tar.gz" "$repo/blobs/sha256:$blob"; cp "$work/$1.config" "$repo/blobs/sha256:$cfg"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
    "$cfg" "$cfgsize" "$blob" "$size" >"$repo/manifests/1"
  echo "$size $(stat -c %s "$work/$1.tar")" >>"$work/layer-sizes"
}
image warm warm
for i in $(seq 1 "$n"); do image "cold$i" "cold $i"; done

python3 -m http.server --bind 127.0.0.1 "$reg_port" --directory "$work/reg" >"$work/reg.log" 2>&1 &
reg=$!
"$bin" dev --token "$token" --port "$api_port" --cluster-port "$cluster_port" >"$log" 2>&1 &
dev=$!
wait_dev_ready "$log"
BENCH_LOG="$log"
run() { "$bin" run --token "$token" --master "127.0.0.1:$api_port" "$@" >/dev/null; }
reg_ref="127.0.0.1:$reg_port/bench"
run -- true; run -- true; run --image "$reg_ref/warm:1" -- true   # warm up: the pool of waiting inits; the warm image pulled once
load_before=$(cut -d' ' -f1 /proc/loadavg)
for i in $(seq 1 "$n"); do
  ms run --image "$reg_ref/cold$i:1" -- true >>"$times/cold"
  ms run --image "$reg_ref/warm:1" -- true >>"$times/warm"
  ms run -- true >>"$times/host"
done
echo "image launch, $n runs each, load average ${load_before} -> $(cut -d' ' -f1 /proc/loadavg) ($(nproc) cores)"
summary "$times/cold" "cold: pull + unpack + launch (own layer each)" 46 max
summary "$times/warm" "warm: the same image, layers cached" 46 max
summary "$times/host" "host rootfs: run -- true" 46 max
echo "  ratio warm/host: $(ratio "$(median "$times/warm")" "$(median "$times/host")")x   (goal: <= 2x)"
store="$(grep -oE "from [^ ]+ \(" "$log" | head -1 | awk '{print $2}')/images/store"
read -r gz tar < <(awk '{g+=$1; t+=$2} END {print g, t}' "$work/layer-sizes")
echo "layer store ($store): $(du -sb "$store" | cut -f1) bytes on disk (du) for $(wc -l <"$work/layer-sizes") layers: $gz bytes compressed, $tar bytes as tar"

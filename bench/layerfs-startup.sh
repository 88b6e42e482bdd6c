#!/usr/bin/env bash
# Time until a workload that reads a fixed 10% of an image's files finishes, when the image arrives through a
# throttled stream (default 100 Mbit/s): default tar order versus the order packed from the workload's own trace.
# Both streams carry the same table of contents (cairn layerfs pack with and without a ranking), so only order differs.
# Usage: bench/layerfs-startup.sh   (env IMAGE_MB=500 FILES=1000 RATE_MBIT=100; needs /dev/fuse, libfuse2)
set -euo pipefail
IMAGE_MB="${IMAGE_MB:-500}"; FILES="${FILES:-1000}"; RATE_MBIT="${RATE_MBIT:-100}"
source "$(cd "$(dirname "$0")" && pwd)/layerfs-common.sh"
work="$(mktemp -d /tmp/cairn-layerfs-startup.XXXXXX)"
pids=()
cleanup() {
  for m in "$work"/m-*; do [ -d "$m" ] && unmount "$m"; done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

echo "# image: $FILES files, $IMAGE_MB MiB; workload reads 10% of them; stream at $RATE_MBIT Mbit/s"
python3 - "$FILES" "$IMAGE_MB" <<'PY'
import os, random, sys
files, mb = int(sys.argv[1]), int(sys.argv[2])
size = mb * 1024 * 1024 // files
os.makedirs("gen/app/data", exist_ok=True)
for i in range(files):
    with open("gen/app/data/f%05d" % i, "wb") as f: f.write(os.urandom(size))
rnd = random.Random(42)
picked = rnd.sample(range(files), files // 10)   # a fixed 10%, in a fixed order
with open("workload.list", "w") as f:
    for i in picked: f.write("app/data/f%05d\n" % i)
PY
tar -cf image.tar -C gen . ; rm -rf gen

workload() { # <mountpoint>
  while read -r f; do cat "$1/$f" > /dev/null; done < workload.list
}

# 1. a traced run on the stored image
layerfs import image.tar --name startup > /dev/null
mkdir -p m-trace
layerfs mount --image startup --rw rw-trace --trace run1.trace m-trace > mount-trace.log 2>&1 & pids+=($!)
wait_mounted "$work/m-trace"
workload m-trace
unmount "$work/m-trace"; wait "${pids[-1]}" || true
layerfs optimize run1.trace --group startup --out startup.ranking
layerfs pack image.tar -o default.tar > /dev/null
layerfs pack image.tar --ranking startup.ranking -o ranked.tar > /dev/null

# 2. streamed mounts, default order vs traced order
rate=$(( RATE_MBIT * 1000 * 1000 / 8 ))
declare -A T
for kind in default ranked; do
  rm -f "stream-$kind.tar"; : > "stream-$kind.tar"
  start=$(now_ms)
  layerfs throttle "$kind.tar" "stream-$kind.tar" "$rate" & tp=$!; pids+=($tp)
  mkdir -p "m-$kind"
  layerfs mount --stream "stream-$kind.tar" --rw "rw-$kind" --wait-timeout 600s "m-$kind" > "mount-$kind.log" 2>&1 & pids+=($!)
  wait_mounted "$work/m-$kind" 60
  mounted=$(now_ms)
  workload "m-$kind"
  T[$kind]=$(( $(now_ms) - start ))
  T[$kind,mount]=$(( mounted - start ))
  unmount "$work/m-$kind"; kill "$tp" 2>/dev/null || true
  echo "# $kind order: mounted after ${T[$kind,mount]} ms, workload done after ${T[$kind]} ms"
done
full=$(awk -v b="$(stat -c %s image.tar)" -v r="$rate" 'BEGIN { printf "%.1f", b / r }')
echo "whole image at this rate: ${full} s"
awk -v a="${T[default]}" -v b="${T[ranked]}" 'BEGIN { printf "ratio default/traced order: %.2fx faster with the traced order (goal >= 2.5x)\n", a / b }'

#!/usr/bin/env bash
# layerfs versus fuse-overlayfs and kernel overlayfs over the SAME extracted layers (the layer store's rootfs dirs):
#   find+stat of a FILES-file tree, sequential read of a BIG_MB file, untar of an UNTAR-file archive into the mount.
# Usage: bench/layerfs.sh   (env FILES=20000 BIG_MB=1024 UNTAR=5000 ROUNDS=5 READS=3 LAYERFS_JAVA_OPTS=;
#                             needs /dev/fuse, libfuse2, fuse-overlayfs)
set -euo pipefail
FILES="${FILES:-20000}"; BIG_MB="${BIG_MB:-1024}"; UNTAR="${UNTAR:-5000}"
source "$(cd "$(dirname "$0")" && pwd)/layerfs-common.sh"
FUSE_OVERLAYFS="${FUSE_OVERLAYFS:-$(command -v fuse-overlayfs || true)}"
[ -x "$FUSE_OVERLAYFS" ] || { echo "fuse-overlayfs is not installed (apt-get install fuse-overlayfs, or set FUSE_OVERLAYFS=<binary>)" >&2; exit 1; }
work="$(mktemp -d /tmp/cairn-layerfs-bench.XXXXXX)"
pids=()
cleanup() {
  for m in "$work"/m-*; do [ -d "$m" ] && unmount "$m"; done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

echo "# generating layers: $FILES files + ${BIG_MB} MiB file (bottom), 200 changed files (top), $UNTAR-file archive"
mkdir -p gen/bottom/tree gen/top/tree gen/untar/pkg
python3 - "$FILES" "$UNTAR" <<'PY'
import os, sys
files, untar = int(sys.argv[1]), int(sys.argv[2])
for i in range(files):
    d = "gen/bottom/tree/d%03d" % (i // 100)
    if i % 100 == 0: os.makedirs(d, exist_ok=True)
    with open("%s/f%05d" % (d, i), "wb") as f: f.write(b"x" * (100 + i % 900))
for i in range(0, files, max(1, files // 200)):
    d = "gen/top/tree/d%03d" % (i // 100); os.makedirs(d, exist_ok=True)
    with open("%s/f%05d" % (d, i), "wb") as f: f.write(b"upper %d" % i)
for i in range(untar):
    d = "gen/untar/pkg/d%02d" % (i // 100)
    if i % 100 == 0: os.makedirs(d, exist_ok=True)
    with open("%s/u%04d" % (d, i), "wb") as f: f.write(b"y" * (200 + i % 3000))
PY
head -c "$((BIG_MB * 1024 * 1024))" /dev/urandom > gen/bottom/big
tar -cf bottom.tar -C gen/bottom . ; tar -cf top.tar -C gen/top . ; tar -cf untar.tar -C gen/untar pkg
rm -rf gen
make_layout layout bench bottom.tar top.tar
layerfs import layout > /dev/null
bottom_fs="$work/store/layers/sha256/$(sha256sum bottom.tar | cut -d' ' -f1)/rootfs"
top_fs="$work/store/layers/sha256/$(sha256sum top.tar | cut -d' ' -f1)/rootfs"
rm -f bottom.tar top.tar; rm -rf layout

declare -A T
mount_one() { # <kind>
  local m="$work/m-$1"; mkdir -p "$m" "$work/u-$1" "$work/w-$1"
  case "$1" in
    layerfs) layerfs mount --image bench --rw "$work/rw-layerfs" "$m" > "$work/layerfs.log" 2>&1 & pids+=($!); wait_mounted "$m" ;;
    fuse-overlayfs) "$FUSE_OVERLAYFS" -o "lowerdir=$top_fs:$bottom_fs,upperdir=$work/u-$1,workdir=$work/w-$1" "$m"; wait_mounted "$m" ;;
    overlay) mount -t overlay overlay -o "lowerdir=$top_fs:$bottom_fs,upperdir=$work/u-$1,workdir=$work/w-$1" "$m" 2>/dev/null || return 1 ;;
  esac
}
# Every round mounts each kind afresh (cold attribute caches, a new layerfs JVM) and the kinds alternate, so drift
# of this machine (page cache, other load) hits all of them alike; the tables show medians over ROUNDS rounds.
# Reads: the layer file is warm in the page cache and the merged file's pages are dropped (fadvise DONTNEED), so
# the file systems' own cost is timed, not the disk's (kernel overlayfs shares the lower page cache: its reads come
# from disk). "read1" is the first read after the mount (layerfs: a JVM whose JIT has not seen a read yet),
# "read" the median of the READS reads after it.
ROUNDS="${ROUNDS:-5}"; READS="${READS:-3}"
kinds=()
for k in layerfs fuse-overlayfs overlay; do
  if ! mount_one "$k"; then echo "# $k: cannot mount here, skipped"; continue; fi
  kinds+=("$k"); m="$work/m-$k"
  n=$(find "$m/tree" -type f | wc -l)
  [ "$n" -eq "$FILES" ] || { echo "$k shows $n files, expected $FILES" >&2; exit 1; }
  unmount "$m"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A S
timed_read() { # <file> -> ms
  cat "$bottom_fs/big" > /dev/null
  dd if="$1" iflag=nocache count=0 status=none
  local s; s=$(now_ms); dd if="$1" of=/dev/null bs=1M status=none; echo $(( $(now_ms) - s ))
}
for r in $(seq "$ROUNDS"); do
  echo "# round $r/$ROUNDS"
  for k in "${kinds[@]}"; do
    m="$work/m-$k"; mount_one "$k"
    s=$(now_ms); find "$m/tree" -printf '%i %s %m\n' > /dev/null; S[$k,stat]+="$(( $(now_ms) - s )) "
    S[$k,read1]+="$(timed_read "$m/big") "
    for i in $(seq "$READS"); do S[$k,read]+="$(timed_read "$m/big") "; done
    mkdir "$m/untar-$r"
    s=$(now_ms); tar -xf "$work/untar.tar" -C "$m/untar-$r"; sync -f "$m/untar-$r" 2>/dev/null || true
    S[$k,untar]+="$(( $(now_ms) - s )) "
    [ "$(find "$m/untar-$r" -type f | wc -l)" -eq "$UNTAR" ] || { echo "$k lost files in untar" >&2; exit 1; }
    unmount "$m"
  done
done
for k in "${kinds[@]}"; do for op in stat read1 read untar; do
  # shellcheck disable=SC2086
  T[$k,$op]=$(median ${S[$k,$op]}); done; done

printf '\n%-16s %14s %14s %14s %14s   (medians of %s rounds)\n' "" "find+stat ms" "read1 ms" "read ms" "untar ms" "$ROUNDS"
for k in "${kinds[@]}"; do printf '%-16s %14s %14s %14s %14s\n' "$k" "${T[$k,stat]}" "${T[$k,read1]}" "${T[$k,read]}" "${T[$k,untar]}"; done
echo "# all samples:"; for k in "${kinds[@]}"; do for op in stat read1 read untar; do echo "#   $k $op: ${S[$k,$op]}"; done; done
mb_s=$(( BIG_MB * 1000 / (T[layerfs,read] > 0 ? T[layerfs,read] : 1) ))
echo "layerfs sequential read: ${mb_s} MiB/s"
for peer in fuse-overlayfs overlay; do
  [[ " ${kinds[*]} " == *" $peer "* ]] || continue
  for op in stat read1 read untar; do
    awk -v a="${T[layerfs,$op]}" -v b="${T[$peer,$op]}" -v op="$op" -v p="$peer" \
      'BEGIN { printf "ratio layerfs/%s %-6s %.2fx\n", p, op, (b > 0 ? a / b : 0) }'
  done
done
echo "goals vs fuse-overlayfs: read <= 1.25x, metadata (stat) <= 2x, writes (untar) <= 2x (read1 is reported, not a goal)"

#!/usr/bin/env bash
# FileIoProcessor modes vs fio, and SEEK_DATA/SEEK_HOLE vs FIEMAP (JMH), printed as ratios:
#  - sequential write (+fsync) and read of a 1 GiB file in 1 MiB calls, buffered and direct (O_DIRECT), against
#    fio with the same pattern (ioengine=psync, bs=1M, end_fsync=1) (goal: >= 0.9 of fio);
#  - layout of a fragmented file (4 KiB data / 4 KiB hole repeated; 10k and 100k extents) by SEEK_DATA/SEEK_HOLE
#    by FIEMAP, and by AUTO (the default: seek for 64 extents, then FIEMAP).
# Usage: bench/file-io.sh [io|layout|all] [extra JMH args]   BENCH_DIR=/path picks the file system (default: bench/target,
# on the disk; tmpfs would measure memory). SIZE_MIB=1024 sets the file size.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
what="${1:-all}"
[ $# -gt 0 ] && shift
dir="${BENCH_DIR:-$here/target/file-io}"
size_mib="${SIZE_MIB:-1024}"
mkdir -p "$dir"
(cd "$root" && mvn -q -B -o -pl spi,file-io install -DskipTests) || (cd "$root" && mvn -q -B -pl spi,file-io install -DskipTests)
(cd "$here/file-io" && (mvn -q -B -o package || mvn -q -B package))
out="$(mktemp -d)"
trap 'rm -rf "$out"; rm -f "$dir"/fio-*.bin' EXIT
jar="$here/file-io/target/benchmarks.jar"
if [ "$what" = io ] || [ "$what" = all ]; then
  java -Djmh.ignoreLock=true -jar "$jar" -f 1 -wi 1 -i 3 -t 1 -p bytes=$((size_mib << 20)) -jvmArgsAppend "-Xmx1g -Dbench.dir=$dir" \
    -rf json -rff "$out/io.json" "$@" IoThroughputBenchmark > "$out/io.log"
  if command -v fio > /dev/null; then
    for direct in 0 1; do
      for rw in write read; do
        for i in 1 2 3; do
          # --invalidate=0: fio drops the file's page cache before each job by default, so its buffered read would
          # come from the disk while the JMH read (right after its write) comes from the page cache.
          fio --name=cairn --filename="$dir/fio-$direct.bin" --rw=$rw --bs=1M --size=${size_mib}M \
            --ioengine=psync --direct=$direct --end_fsync=1 --invalidate=0 --output-format=json \
            > "$out/fio-$direct-$rw-$i.json"
        done
      done
    done
  else
    echo "fio not installed (apt-get install fio): no fio column" >&2
  fi
fi
if [ "$what" = layout ] || [ "$what" = all ]; then
  java -Djmh.ignoreLock=true -jar "$jar" -f 1 -wi 2 -w 1s -i 3 -r 2s -t 1 -jvmArgsAppend "-Xmx1g -Dbench.dir=$dir" \
    -rf json -rff "$out/layout.json" "$@" LayoutBenchmark > "$out/layout.log"
fi
python3 - "$out" "$size_mib" <<'PY'
import glob, json, os, statistics, sys
out, size_mib = sys.argv[1], int(sys.argv[2])
if os.path.exists(os.path.join(out, "io.json")):
    cairn = {}
    for r in json.load(open(os.path.join(out, "io.json"))):
        op = r["benchmark"].rsplit(".", 1)[1]
        cairn[(r["params"]["mode"], op)] = size_mib / (r["primaryMetric"]["score"] / 1000.0)
    print()
    print("sequential 1 MiB calls, %d MiB file: MiB/s (higher is better)" % size_mib)
    print("%-9s %-6s %10s %10s %8s" % ("mode", "op", "cairn", "fio", "ratio"))
    for mode, direct in (("buffered", 0), ("direct", 1)):
        for op in ("write", "read"):
            runs = []
            for f in sorted(glob.glob(os.path.join(out, "fio-%d-%s-*.json" % (direct, op)))):
                job = json.load(open(f))["jobs"][0][op]
                runs.append(job["bw_bytes"] / 1048576.0)
            fio = statistics.median(runs) if runs else float("nan")
            c = cairn.get((mode, op), float("nan"))
            print("%-9s %-6s %10.0f %10.0f %8.2f" % (mode, op, c, fio, c / fio if runs else float("nan")))
if os.path.exists(os.path.join(out, "layout.json")):
    s = {}
    for r in json.load(open(os.path.join(out, "layout.json"))):
        s[(int(r["params"]["extents"]), r["params"]["method"])] = r["primaryMetric"]["score"]
    print()
    print("layout of a fragmented file: ms per call (lower is better)")
    print("%-9s %10s %10s %10s %14s %12s" % ("extents", "SEEK", "FIEMAP", "AUTO", "FIEMAP/SEEK", "AUTO/SEEK"))
    for e in sorted({k[0] for k in s}):
        a, b, c = s.get((e, "SEEK")), s.get((e, "FIEMAP")), s.get((e, "AUTO"), float("nan"))
        print("%-9d %10.2f %10.2f %10.2f %14.2f %12.2f" % (e, a, b, c, b / a, c / a))
PY

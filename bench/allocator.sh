#!/usr/bin/env bash
# Sector allocators and the block file pool (JMH), printed as ratios:
#  - allocate+free pairs/s of the bitmap allocator vs the example first-fit allocator, run lengths 1, 8, 256,
#    on an empty and on a 90%-full fragmented bitmap of 2^24 sectors (goal: bitmap >= 20M pairs/s for run 1,
#    fragmented no worse than 10x slower than empty);
#  - block pool sequential write/read of 1 GiB in 1 MiB calls vs FileChannel on a plain file (goal >= 0.9).
# Usage: bench/allocator.sh [alloc|pool|all] [extra JMH args]   BENCH_DIR=/path picks the file system for the pool.
# JAVA_OPTS goes to the JMH launcher JVM (e.g. -Djmh.ignoreLock=true while another JMH run holds /tmp/jmh.lock).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
what="${1:-all}"
[ $# -gt 0 ] && shift
(cd "$root" && mvn -q -B -o -pl spi,testkit,file-io,plugins/bitmap-allocator install -DskipTests) \
  || (cd "$root" && mvn -q -B -pl spi,testkit,file-io,plugins/bitmap-allocator install -DskipTests)
(cd "$root" && mvn -q -B -f examples/first-fit-allocator/pom.xml install -DskipTests)
(cd "$here/allocator" && (mvn -q -B -o package || mvn -q -B package))
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
jar="$here/allocator/target/benchmarks.jar"
if [ "$what" = alloc ] || [ "$what" = all ]; then
  java ${JAVA_OPTS:-} -jar "$jar" -f 1 -wi 2 -w 1s -i 3 -r 1s -t 1 -jvmArgsAppend "-Xmx2g" \
    -rf json -rff "$out/alloc.json" "$@" AllocatorBenchmark
fi
if [ "$what" = pool ] || [ "$what" = all ]; then
  java ${JAVA_OPTS:-} ${BENCH_DIR:+-Dbench.dir="$BENCH_DIR"} -jar "$jar" -f 1 -wi 1 -w 3s -i 3 -r 3s -t 1 \
    -jvmArgsAppend "-Xmx1g ${BENCH_DIR:+-Dbench.dir=$BENCH_DIR}" \
    -rf json -rff "$out/pool.json" "$@" PoolBenchmark
fi
python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
if os.path.exists(os.path.join(out, "alloc.json")):
    s = {}
    for r in json.load(open(os.path.join(out, "alloc.json"))):
        p = r["params"]
        s[(p["allocator"], p["run"], p["fill"])] = r["primaryMetric"]["score"]
    print()
    print("allocate+free pairs/s, 2^24 sectors")
    print("%-5s %-11s %14s %14s %10s %10s" % ("run", "fill", "bitmap", "first-fit", "bm/ff", "ns/pair bm"))
    for run in ("1", "8", "256"):
        for fill in ("empty", "fragmented"):
            b, f = s.get(("bitmap", run, fill)), s.get(("first-fit", run, fill))
            if b is None or f is None:
                continue
            print("%-5s %-11s %14.0f %14.0f %10.2f %10.1f" % (run, fill, b, f, b / f, 1e9 / b))
    for run in ("1", "8", "256"):
        for a in ("bitmap", "first-fit"):
            e, fr = s.get((a, run, "empty")), s.get((a, run, "fragmented"))
            if e and fr:
                print("%-9s run %-3s empty/fragmented slowdown: %.2fx" % (a, run, e / fr))
if os.path.exists(os.path.join(out, "pool.json")):
    s = {}
    for r in json.load(open(os.path.join(out, "pool.json"))):
        p = r["params"]
        s[(r["benchmark"].rsplit(".", 1)[1], p["allocator"], p.get("ioMode", "buffered"))] = (r["primaryMetric"]["score"], int(p["bytes"]))
    print()
    print("block pool vs FileChannel, sequential 1 MiB calls (time per pass; ratio = throughput pool/channel)")
    for op in ("Write", "Read"):
        for (name, a, mode) in sorted(k for k in s if k[0] == "pool" + op):
            (p, n), (c, _) = s[(name, a, mode)], s[("channel" + op, a, mode)]
            mibs = lambda ms: n / (1 << 20) / (ms / 1000)
            print("%-6s %-9s %-8s pool %8.0f MiB/s  channel %8.0f MiB/s  ratio %.2f"
                  % (op.lower(), a, mode, mibs(p), mibs(c), c / p))
PY

#!/usr/bin/env bash
# Put/get throughput of the disk store vs plain Files.write/Files.readAllBytes (JMH), printed as ratios.
# Usage: bench/disk-store.sh [extra JMH args]   (defaults: 1 fork, 1x1s warm-up, 3x2s measurement, 1 thread)
# BENCH_DIR=/path picks the file system to measure (default: java.io.tmpdir).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
(cd "$root" && mvn -q -B -o -pl spi,testkit,plugins/disk-cache install -DskipTests) \
  || (cd "$root" && mvn -q -B -pl spi,testkit,plugins/disk-cache install -DskipTests)
(cd "$here/disk-store" && (mvn -q -B -o package || mvn -q -B package))
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
jvm_args=()
if [[ -n "${BENCH_DIR:-}" ]]; then jvm_args=(-jvmArgsAppend "-Dbench.dir=$BENCH_DIR"); fi
# JMH allows one run per machine (/tmp/jmh.lock); wait for other benchmarks rather than measure alongside them.
for attempt in $(seq 1 40); do
  if java -jar "$here/disk-store/target/benchmarks.jar" \
      -f 1 -wi 1 -w 1s -i 3 -r 2s -t 1 "${jvm_args[@]}" \
      -rf json -rff "$out/result.json" "$@" DiskStoreBenchmark 2>&1 | tee "$out/log"; then :; fi
  if ! grep -q "Unable to acquire the JMH lock" "$out/log"; then break; fi
  echo "another JMH run holds /tmp/jmh.lock; retrying in 15 s ($attempt/40)" >&2
  sleep 15
done
[[ -s "$out/result.json" ]] || { echo "benchmark produced no results" >&2; exit 1; }
python3 - "$out/result.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
score = {}
for r in rows:
    name = r["benchmark"].rsplit(".", 1)[1]
    p = r.get("params", {})
    score[(name, p.get("size"), p.get("fsync"))] = r["primaryMetric"]["score"]
def label(size):
    return {"4096": "4 KiB", "1048576": "1 MiB"}.get(size, size + " B")
print()
print("%-6s %-6s %-6s %14s %14s %8s" % ("op", "size", "fsync", "disk store/s", "Files.*/s", "ratio"))
for op in ("put", "get"):
    for size in ("4096", "1048576"):
        b = score.get((op + "Files", size, None))
        for fsync in ("false", "true"):
            s = score.get((op + "Store", size, fsync))
            if s is None or b is None:
                continue
            print("%-6s %-6s %-6s %14.0f %14.0f %8.2f" % (op, label(size), fsync, s, b, s / b))
PY
echo
echo "Cross-check, interleaved 100 ms slices (both sides under the same machine load):"
java ${BENCH_DIR:+-Dbench.dir="$BENCH_DIR"} -cp "$here/disk-store/target/benchmarks.jar" \
  dev.cairn.bench.diskstore.InterleavedComparison "${ROUNDS:-15}"

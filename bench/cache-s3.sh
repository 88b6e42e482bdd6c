#!/usr/bin/env bash
# Put/get throughput (one thread) against s3proxy in-process: the AWS SDK directly (baseline), the s3 store, the
# disk+s3 tiered store and the disk store alone, for 4 KiB and 1 MiB blobs; prints ops/s and the ratios
# s3/sdk, tiered/sdk and tiered-with-warm-disk/disk (goal >= 0.95).
# Usage: bench/cache-s3.sh [rounds (default 5)] [slice ms (default 1000)]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
modules=spi,testkit,cache-tier,plugins/disk-cache,plugins/s3-cache
(cd "$root" && mvn -q -B -o -pl "$modules" install -DskipTests) \
  || (cd "$root" && mvn -q -B -pl "$modules" install -DskipTests)
(cd "$here/cache-s3" && (mvn -q -B -o package || mvn -q -B package))
cp="$here/cache-s3/target/classes:$(cat "$here/cache-s3/target/classpath.txt")"
exec java -Xmx1g -cp "$cp" dev.cairn.bench.caches3.CacheS3Bench "${1:-5}" "${2:-1000}"

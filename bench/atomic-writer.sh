#!/usr/bin/env bash
# Update latency of AtomicWriter (100- and 1,000-file payloads, median and p99) vs writing the files in place.
# Usage: bench/atomic-writer.sh [-Dbench.seconds=2 -Dbench.iterations=3 -Dbench.warmup=2 -Dbench.dir=/tmp]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
# The benchmark uses the installed cairn-projection; install it (without tests) from this checkout first.
(cd "$root" && mvn -q -B -o -pl projection install -DskipTests 2>/dev/null || mvn -q -B -pl projection install -DskipTests)
(cd "$here/atomic-writer" && { mvn -q -B -o package 2>/dev/null || mvn -q -B package; })
jar="$here/atomic-writer/target/atomic-writer-bench.jar"
# 1. JMH (SampleTime): the standard numbers.
java "$@" -jar "$jar"
# 2. The paired harness: atomic and naive updates interleaved, so machine load skews both alike.
java "$@" -cp "$jar" dev.cairn.bench.projection.PairedHarness

#!/usr/bin/env bash
# Stat and read every file of a 10,000-file input tree: the FUSE build directory (cairn builddir, through the
# shaded plugin jar) versus the same tree materialized on local disk, and versus bindfs (FUSE peer) over that copy.
# Usage: bench/builddir.sh [files]   (needs /dev/fuse, fusermount; bindfs optional: apt-get install fuse bindfs)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
files="${1:-10000}"
mvn -q -B -f "$root/pom.xml" -pl plugins/fuse-lazydir install -DskipTests
mvn -q -B -f "$here/builddir/pom.xml" package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
work="$(mktemp -d /tmp/cairn-builddir-bench.XXXXXX)"
cleanup() {
  for m in "$work/fuse" "$work/bindfs"; do
    if grep -q " $m " /proc/self/mountinfo 2>/dev/null; then fusermount -u -z "$m" || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT
java -Xmx2g -cp "$here/builddir/target/classes:$(cat "$here/builddir/target/classpath.txt")" \
  dev.cairn.bench.builddir.BuildDirBench "$work" "$files"

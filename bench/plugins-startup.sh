#!/usr/bin/env bash
# Start-up time of `cairn plugins` with every plugin of the distribution loaded, against the same command with an
# empty plugins folder and against a bare JVM (`java -version`), so the ratios show what plugin loading costs.
# Usage: bench/plugins-startup.sh [runs]   (build first: mvn -B -q install -DskipTests)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dist="$here/dist/target/cairn-0.1.0"
runs="${1:-15}"
[ -x "$dist/bin/cairn" ] || { echo "build the distribution first: mvn -B -q install -DskipTests" >&2; exit 1; }
empty="$(mktemp -d)"; trap 'rm -rf "$empty"' EXIT
printf 'plugins: {dir: %s}\n' "$empty" > "$empty/no-plugins.yaml"

median_ms() { # command...: median wall time in ms over $runs runs, after one warm-up
  "$@" >/dev/null 2>&1
  local times=()
  for _ in $(seq "$runs"); do
    local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

jvm=$(median_ms java -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -version)
none=$(median_ms "$dist/bin/cairn" plugins --config "$empty/no-plugins.yaml")
all=$(median_ms "$dist/bin/cairn" plugins)
count=$(ls "$dist/plugins" | wc -l)
echo "runs: $runs (median wall time)"
echo "bare JVM (java -version):             ${jvm} ms"
echo "cairn plugins, no plugins:            ${none} ms"
echo "cairn plugins, all $count plugins:          ${all} ms"
awk -v a="$all" -v n="$none" -v j="$jvm" 'BEGIN {
  printf "ratio all-plugins / no-plugins:        %.2f\n", a / n
  printf "ratio all-plugins / bare JVM:          %.2f\n", a / j
  printf "goal (< 1000 ms with all plugins):     %s\n", (a < 1000 ? "met" : "NOT met")
}'

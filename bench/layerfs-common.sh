# Shared by bench/layerfs.sh and bench/layerfs-startup.sh: builds the plugin and the launcher, and helpers.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
mvn -q -B -f "$root/pom.xml" -pl plugins/layerfs install -DskipTests
mvn -q -B -f "$here/layerfs/pom.xml" package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
CP="$here/layerfs/target/classes:$(cat "$here/layerfs/target/classpath.txt")"

# cairn layerfs <args...> (store in $work/store)
layerfs() { java -Xmx1g ${LAYERFS_JAVA_OPTS:-} -Dlayerfs.store="$work/store" -cp "$CP" dev.cairn.bench.layerfs.BenchCli "$@"; }

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

is_mounted() { grep -q " $1 " /proc/self/mountinfo; }

wait_mounted() { # <mountpoint> [timeout s]
  local deadline=$(( $(date +%s) + ${2:-30} ))
  until is_mounted "$1"; do
    if [ "$(date +%s)" -gt "$deadline" ]; then echo "mount of $1 did not appear" >&2; return 1; fi
    sleep 0.02
  done
}

unmount() { if is_mounted "$1"; then fusermount -u "$1" 2>/dev/null || umount "$1" 2>/dev/null || fusermount -u -z "$1" || umount -l "$1" || true; fi; }

# make_layout <dir> <name> <layer.tar>...   (OCI image layout, layers bottom first)
make_layout() {
  local dir="$1" name="$2"; shift 2
  mkdir -p "$dir/blobs/sha256"
  echo '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
  local layers="" sep="" f d s
  for f in "$@"; do
    d=$(sha256sum "$f" | cut -d' ' -f1); s=$(stat -c %s "$f")
    cp "$f" "$dir/blobs/sha256/$d"
    layers="$layers$sep{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:$d\",\"size\":$s}"; sep=","
  done
  printf '{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%064d","size":0},"layers":[%s]}' 0 "$layers" > "$dir/manifest.tmp"
  d=$(sha256sum "$dir/manifest.tmp" | cut -d' ' -f1); s=$(stat -c %s "$dir/manifest.tmp")
  mv "$dir/manifest.tmp" "$dir/blobs/sha256/$d"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' "$d" "$s" "$name" > "$dir/index.json"
}

#!/usr/bin/env bash
# cairn sync vs rsync --sparse and cp --sparse=always on a sparse image with ~10% data in scattered 1 MiB extents:
#  (a) first copy to an empty target, (b) re-sync after changing 1% of the data.
#  cairn:  local (cairn sync img path) and over HTTP to a sync-server on loopback;
#  rsync:  local (rsync --sparse) and to an rsync daemon on loopback (delta transfer for (b));
#  cp:     cp --sparse=always (no delta: (b) copies everything again).
# Every tool ends with the target fsynced (rsync --fsync, cp followed by sync FILE), as cairn sync's commit does.
# Prints wall times, ratios (peer time / cairn time; > 1 means cairn is faster) and each target's allocated size.
# Goals (issue 6): (a) >= 2x faster than rsync, (b) >= 3x, target allocated size within 1% of the source's.
# Usage: bench/sparse-sync.sh     SIZE_MIB=1024 (image size), BENCH_DIR=/path (default bench/target, on the disk).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
size_mib="${SIZE_MIB:-1024}"
dir="${BENCH_DIR:-$here/target/sparse-sync}"
for tool in rsync python3; do command -v $tool > /dev/null || { echo "$tool is needed (apt-get install $tool)" >&2; exit 1; }; done
(cd "$root" && mvn -q -B -o -pl spi,testkit,file-io,plugins/sparse-sync install -DskipTests) \
  || (cd "$root" && mvn -q -B -pl spi,testkit,file-io,plugins/sparse-sync install -DskipTests)
(cd "$here/sparse-sync" && (mvn -q -B -o package || mvn -q -B package))
jar="$here/sparse-sync/target/sparse-sync-bench.jar"
# No -XX:TieredStopAtLevel=1: SHA-256 is a C2 intrinsic (SHA-NI), C1 alone hashes several times slower.
cairn() { java -Xmx512m -XX:+UseSerialGC -jar "$jar" "$@"; }

rm -rf "$dir"; mkdir -p "$dir/srv" "$dir/rsyncd" "$dir/local"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done; }
trap cleanup EXIT
img="$dir/source.img"
echo "creating a ${size_mib} MiB sparse image with 10% data in 1 MiB extents at $img" >&2
python3 - "$img" "$size_mib" <<'PY'
import os, random, sys
path, size_mib = sys.argv[1], int(sys.argv[2])
random.seed(6)
blocks = sorted(random.sample(range(size_mib), size_mib // 10))
with open(path, "wb") as f:
    f.truncate(size_mib << 20)
    for b in blocks:
        f.seek(b << 20)
        f.write(os.urandom(1 << 20))
open(path + ".blocks", "w").write(" ".join(map(str, blocks)))
PY
sync
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 200); do (exec 3<> /dev/tcp/127.0.0.1/$1) 2> /dev/null && return 0; sleep 0.05; done; echo "port $1 never opened" >&2; exit 1; }

sport=$(free_port)
# Started directly (not through the function): killing a backgrounded function kills its subshell, not the JVM.
java -Xmx512m -XX:+UseSerialGC -jar "$jar" sync-server --root "$dir/srv" --port "$sport" --threads 8 2> "$dir/server.log" &
pids+=($!)
rport=$(free_port)
cat > "$dir/rsyncd.conf" <<CONF
use chroot = false
uid = $(id -u)
gid = $(id -g)
[bench]
  path = $dir/rsyncd
  read only = false
CONF
rsync --daemon --no-detach --port="$rport" --address=127.0.0.1 --config="$dir/rsyncd.conf" --log-file="$dir/rsyncd.log" &
pids+=($!)
wait_port "$sport"; wait_port "$rport"

# The sync server is a long-running service: warm it up (JIT) with a small file before measuring, as it would be
# after its first minutes of work. rsync's daemon forks a fresh process per connection and needs no warm-up.
head -c $((16 << 20)) /dev/urandom > "$dir/warmup.img"
for _ in 1 2 3; do cairn sync "$dir/warmup.img" "http://127.0.0.1:$sport/warmup.img" > /dev/null 2>&1; done

declare -A t
run() { # name, command...
  local name=$1; shift
  local s e
  s=$(date +%s.%N)
  "$@" > "$dir/$name.out" 2>&1 || { echo "$name failed:" >&2; cat "$dir/$name.out" >&2; exit 1; }
  e=$(date +%s.%N)
  t[$name]=$(python3 -c "print(round($e - $s, 3))")
  echo "$name: ${t[$name]} s" >&2
}

for phase in a b; do
  if [ $phase = b ]; then
    python3 - "$img" <<'PY'
import os, random, sys
path = sys.argv[1]
blocks = list(map(int, open(path + ".blocks").read().split()))
random.seed(7)
changed = random.sample(blocks, max(1, len(blocks) // 100))
with open(path, "r+b") as f:
    for b in changed:
        f.seek(b << 20)
        f.write(os.urandom(1 << 20))
print("changed %d of %d data extents" % (len(changed), len(blocks)), file=sys.stderr)
PY
    sync
  fi
  # Every tool ends with the target on stable storage, as cairn sync's close does: rsync --fsync, cp then sync(1).
  run cp_$phase sh -c 'cp --sparse=always "$1" "$2" && sync "$2"' sh "$img" "$dir/local/cp.img"
  run rsync_local_$phase rsync --sparse --fsync "$img" "$dir/local/rsync.img"
  run rsync_daemon_$phase rsync --sparse --fsync "$img" "rsync://127.0.0.1:$rport/bench/rsync.img"
  run cairn_local_$phase cairn sync "$img" "$dir/local/cairn.img"
  run cairn_http_$phase cairn sync --workers 4 "$img" "http://127.0.0.1:$sport/cairn.img"
done

for f in local/cp.img local/rsync.img rsyncd/rsync.img local/cairn.img srv/cairn.img; do
  cmp "$img" "$dir/$f" || { echo "$f differs from the source" >&2; exit 1; }
done
alloc() { echo $(( $(stat -c %b "$1") * $(stat -c %B "$1") )); }
src_alloc=$(alloc "$img")
echo
echo "image: ${size_mib} MiB, allocated $((src_alloc >> 20)) MiB; cairn http (a): $(tail -1 "$dir/cairn_http_a.out")"
echo "cairn http (b): $(tail -1 "$dir/cairn_http_b.out")"
printf "%-28s %10s %10s\n" "wall time (s)" "(a) first" "(b) 1% chg"
for n in cairn_http cairn_local rsync_daemon rsync_local cp; do
  printf "%-28s %10s %10s\n" "$n" "${t[${n}_a]}" "${t[${n}_b]}"
done
echo
python3 - <<PY
t = {k: float(v) for k, v in [$(for k in "${!t[@]}"; do printf '("%s", "%s"),' "$k" "${t[$k]}"; done)]}
def r(peer, mine, phase): return t[peer + "_" + phase] / t[mine + "_" + phase]
print("ratios (peer time / cairn time; goal (a) >= 2, (b) >= 3 vs rsync):")
for phase in "ab":
    print("  (%s) rsync daemon / cairn http  %6.2f   rsync local / cairn local %6.2f   cp / cairn local %6.2f"
          % (phase, r("rsync_daemon", "cairn_http", phase), r("rsync_local", "cairn_local", phase),
             r("cp", "cairn_local", phase)))
PY
echo
echo "allocated size of each target vs the source ($src_alloc bytes; goal within 1%):"
for f in srv/cairn.img local/cairn.img rsyncd/rsync.img local/rsync.img local/cp.img; do
  a=$(alloc "$dir/$f")
  python3 -c "print('  %-18s %12d bytes  %+.3f%%' % ('$f', $a, ($a - $src_alloc) * 100.0 / $src_alloc))"
done

#!/usr/bin/env bash
# Whole-process comparison of `cairn serve` (disk store) with nginx (WebDAV PUT) on loopback, both serving the same
# files: wrk with 32 connections for GET 4 KiB, GET 1 MiB and PUT 1 MiB. Prints requests/s and Cairn/nginx ratios.
#
#   bench/cache-http.sh                 # 10 s per run
#   DURATION=30s bench/cache-http.sh
#   CAIRN_FSYNC=false bench/cache-http.sh   # disk store without fsync, as nginx writes
#   CAIRN_MEMORY_CACHE=0 bench/cache-http.sh  # disk store without its heap cache of small entries (default 64MiB)
#   LOADS="get4k put" bench/cache-http.sh   # only some of get4k, get1m, put
#   ROUNDS=3 bench/cache-http.sh            # repeat each load, alternating cairn and nginx (the box is shared)
#
# Needs: the assembled distribution (mvn install), wrk, nginx (Debian nginx-light), curl.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
dist="${CAIRN_DIST:-$root/dist/target/cairn-0.1.0}"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-32}"
threads="${THREADS:-2}"
keys=100
fsync="${CAIRN_FSYNC:-true}"
memory_cache="${CAIRN_MEMORY_CACHE:-64MiB}"
loads="${LOADS:-get4k get1m put}"
rounds="${ROUNDS:-1}"

for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "missing $tool (apt-get install wrk nginx-light curl)" >&2; exit 2; }
done
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$dist/bin/cairn" ] || { echo "missing $dist/bin/cairn: run 'mvn -B install -DskipTests' first" >&2; exit 2; }

work="$(mktemp -d /tmp/cairn-bench-http.XXXXXX)"
cairn_pid=""
nginx_pid=""
cleanup() {
  [ -n "$cairn_pid" ] && kill "$cairn_pid" 2>/dev/null && wait "$cairn_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 130" INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# --- Cairn ---------------------------------------------------------------------------------------------------
cat > "$work/cairn.yaml" <<YAML
server: {host: 127.0.0.1, port: 0}
cache: {stores: [{type: disk, dir: $work/cairn-store, maxSize: 4GiB, fsync: $fsync, memoryCache: $memory_cache}]}
YAML
"$dist/bin/cairn" serve --config "$work/cairn.yaml" > "$work/cairn.log" 2>&1 &
cairn_pid=$!
cairn_url=""
for _ in $(seq 1 120); do
  cairn_url="$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$work/cairn.log" | head -1 | sed 's/listening on //')" || true
  [ -n "$cairn_url" ] && break
  kill -0 "$cairn_pid" 2>/dev/null || { cat "$work/cairn.log" >&2; exit 1; }
  sleep 0.5
done
[ -n "$cairn_url" ] || { echo "cairn serve did not start" >&2; cat "$work/cairn.log" >&2; exit 1; }

# --- nginx with WebDAV PUT -----------------------------------------------------------------------------------
nginx_port="$(free_port)"
mkdir -p "$work/nginx/root/cache" "$work/nginx/tmp" "$work/nginx/logs"
# nginx workers drop root for an unprivileged user: let them write the document root and the body buffers.
chmod 755 "$work" "$work/nginx"
chmod -R 777 "$work/nginx/root" "$work/nginx/tmp"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path $work/nginx/tmp;
  proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp;
  uwsgi_temp_path $work/nginx/tmp;
  scgi_temp_path $work/nginx/tmp;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/nginx/root;
    client_max_body_size 0;
    client_body_buffer_size 1m;
    location / {
      dav_methods PUT DELETE MKCOL;
      create_full_put_path on;
    }
  }
}
CONF
"$NGINX" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
nginx_url="http://127.0.0.1:$nginx_port"
for _ in $(seq 1 50); do
  curl -s -o /dev/null "$nginx_url/" && break
  sleep 0.2
done

# --- the same files in both ----------------------------------------------------------------------------------
head -c 4096 /dev/urandom > "$work/b4k"
head -c 1048576 /dev/urandom > "$work/b1m"
for url in "$cairn_url" "$nginx_url"; do
  for i in $(seq 0 $((keys - 1))); do
    printf 'url = "%s/cache/k4-%d"\nupload-file = "%s"\nurl = "%s/cache/k1m-%d"\nupload-file = "%s"\n' \
      "$url" "$i" "$work/b4k" "$url" "$i" "$work/b1m"
  done > "$work/upload.curl"
  curl -sS -f -K "$work/upload.curl" -o /dev/null
done

# --- load --------------------------------------------------------------------------------------------------
rps() { # url prefix method [body bytes] -> requests/s
  BENCH_PREFIX="$2" BENCH_KEYS="$keys" BENCH_METHOD="$3" BENCH_BODY_BYTES="${4:-0}" \
    wrk -t"$threads" -c"$connections" -d"$5" --latency -s "$here/cache-http/keys.lua" "$1" > "$work/wrk.out" 2>&1
  if grep -q 'Non-2xx' "$work/wrk.out"; then
    echo "non-2xx responses from $1 ($3 $2):" >&2
    cat "$work/wrk.out" >&2
  fi
  awk '/Requests\/sec/ {print $2}' "$work/wrk.out"
}

echo "warming up the JVM..." >&2
rps "$cairn_url" k4 GET 0 10s > /dev/null
rps "$cairn_url" k1m GET 0 5s > /dev/null
rps "$cairn_url" put PUT 1048576 3s > /dev/null

printf '%-12s %14s %14s %8s\n' "load" "cairn req/s" "nginx req/s" "ratio"
result() {
  local name="$1" c="$2" n="$3"
  awk -v name="$name" -v c="$c" -v n="$n" 'BEGIN { printf "%-12s %14.0f %14.0f %8.2f\n", name, c, n, c / n }'
}
for load in $loads; do
  case "$load" in
    get4k) name="GET 4KiB"; args=(k4 GET 0) ;;
    get1m) name="GET 1MiB"; args=(k1m GET 0) ;;
    put) name="PUT 1MiB"; args=(put PUT 1048576) ;;
    *) echo "unknown load $load (get4k, get1m, put)" >&2; exit 2 ;;
  esac
  for _ in $(seq 1 "$rounds"); do
    c=$(rps "$cairn_url" "${args[@]}" "$duration"); n=$(rps "$nginx_url" "${args[@]}" "$duration")
    result "$name" "$c" "$n"
  done
done
echo "(wrk -t$threads -c$connections -d$duration, $keys keys each, loopback, $(nproc) cores, disk store fsync=$fsync memoryCache=$memory_cache; goal: GET 4KiB >= 1.0, GET 1MiB >= 0.9, PUT >= 1.0)"

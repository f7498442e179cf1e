# Shared helpers for the benchmark scripts (sourced).
set -euo pipefail

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_port() {
  local port=$1
  for _ in $(seq 1 500); do
    if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then return 0; fi
    sleep 0.02
  done
  echo "port $port did not open" >&2
  return 1
}

machine_line() {
  echo "$(date -u +%Y-%m-%d) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
}

# start_lumadb BIN DATA_DIR REDIS_PORT MC_PORT ADMIN_PORT [extra args...]
start_lumadb() {
  local bin=$1 dir=$2 rport=$3 mport=$4 aport=$5
  shift 5
  "$bin" serve --data-dir "$dir" --port redis="$rport" --port memcached="$mport" --port admin="$aport" \
    --log-level warn "$@" > "$dir.log" 2>&1 &
  LUMADB_PID=$!
  wait_port "$rport"
}

# gen_sets N: SET commands for N small string keys (key:%012d -> value:%d), in RESP.
gen_sets() {
  /usr/bin/python3 -c '
import sys
n = int(sys.argv[1]); w = sys.stdout.buffer
for i in range(n):
    k = b"key:%012d" % i; v = b"value:%d" % i
    w.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))' "$1"
}

rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/"$1"/status; }

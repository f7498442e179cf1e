#!/usr/bin/env bash
# redis-benchmark against LumaDB and Debian's redis-server, same machine, same
# run, printing requests/second and the ratio per row.
# Usage: bench/redis_vs_lumadb.sh path/to/lumadb [requests]
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"
bin=${1:-build/bin/lumadb}
n=${2:-200000}
tests=${TESTS:-set,get,incr,lpush,lpop,sadd,hset,zadd,mset}
work=$(mktemp -d)
trap 'kill $LUMADB_PID $REDIS_PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

lport=$(free_port); mport=$(free_port); aport=$(free_port); rport=$(free_port)
start_lumadb "$bin" "$work/luma" "$lport" "$mport" "$aport" --durability everysec
# Redis with the same durability promise as LumaDB's default (fsync every second).
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly yes --appendfsync everysec \
  --dir "$work" --daemonize no > "$work/redis.log" 2>&1 &
REDIS_PID=$!
wait_port "$rport"

run() {  # port pipeline -> "test,rps" lines
  redis-benchmark -p "$1" -c 50 -n "$n" -P "$2" -t "$tests" --csv -q 2>/dev/null |
    tail -n +2 | awk -F'","' '{gsub(/"/,"",$1); gsub(/"/,"",$2); print $1","$2}'
}

echo "# redis-benchmark -c 50 -n $n, $(machine_line)"
printf "%-28s %6s %14s %14s %8s\n" test pipe lumadb redis ratio
for p in 1 16; do
  redis-cli -p "$lport" flushall > /dev/null; redis-cli -p "$rport" flushall > /dev/null
  luma=$(run "$lport" "$p")
  redis=$(run "$rport" "$p")
  while IFS=, read -r name lrps; do
    rrps=$(echo "$redis" | awk -F, -v t="$name" '$1==t {print $2}')
    ratio=$(awk -v a="$lrps" -v b="$rrps" 'BEGIN { if (b > 0) printf "%.2f", a/b; else print "-" }')
    printf "%-28s %6s %14s %14s %8s\n" "$name" "$p" "$lrps" "$rrps" "$ratio"
  done <<< "$luma"
done

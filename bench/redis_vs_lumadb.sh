#!/usr/bin/env bash
# redis-benchmark against LumaDB and Debian's redis-server, same machine, same
# run, printing requests/second, p99 latency and the throughput ratio per row.
# Usage: bench/redis_vs_lumadb.sh path/to/lumadb [requests]
# TESTS picks the built-in redis-benchmark tests; EXTRA=0 skips the scripted
# rows (EVALSHA, XADD, XREADGROUP, XACK, PFADD, GEOADD). LUMADB_ARGS adds
# arguments to lumadb serve (e.g. "--workers 2").
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"
bin=${1:-build/bin/lumadb}
n=${2:-200000}
tests=${TESTS:-set,get,incr,lpush,lpop,sadd,hset,zadd,mset}
extra=${EXTRA:-1}
work=$(mktemp -d)
trap 'kill $LUMADB_PID $REDIS_PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

lport=$(free_port); mport=$(free_port); aport=$(free_port); rport=$(free_port)
start_lumadb "$bin" "$work/luma" "$lport" "$mport" "$aport" --durability everysec ${LUMADB_ARGS:-}
# Redis with the same durability promise as LumaDB's default (fsync every second).
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly yes --appendfsync everysec \
  --dir "$work" --daemonize no > "$work/redis.log" 2>&1 &
REDIS_PID=$!
wait_port "$rport"

# bench PORT PIPELINE [command...] -> "name,rps,p99" lines
bench() {
  local port=$1 pipe=$2
  shift 2
  if [ $# -eq 0 ]; then
    redis-benchmark -p "$port" -c 50 -n "$n" -P "$pipe" -r 100000 -t "$tests" --csv 2>/dev/null | tail -n +2
  else
    redis-benchmark -p "$port" -c 50 -n "$n" -P "$pipe" -r 100000 --csv "$@" 2>/dev/null | tail -n +2
  fi | awk -F, '{for (i = 1; i <= NF; i++) gsub(/"/, "", $i); print $1","$2","$7}'
}

# Data the scripted rows need, the same on both servers.
prepare() {
  local port=$1
  redis-cli -p "$port" flushall > /dev/null
  redis-cli -p "$port" script load "return redis.call('incrby', KEYS[1], ARGV[1])" > /dev/null
  # A stream of n entries 0-1..0-n with a group that has read none of them.
  redis-cli -p "$port" eval "for i = 1, tonumber(ARGV[1]) do redis.call('xadd', 'rs', '0-' .. i, 'f', 'v') end" 0 "$n" > /dev/null
  redis-cli -p "$port" xgroup create rs g 0 > /dev/null
}

SHA=$(redis-cli -p "$rport" script load "return redis.call('incrby', KEYS[1], ARGV[1])")

rows() {  # port pipe
  local port=$1 pipe=$2
  bench "$port" "$pipe"
  if [ "$extra" = 1 ]; then
    prepare "$port"
    bench "$port" "$pipe" EVALSHA "$SHA" 1 counter:__rand_int__ 1 | sed 's/^[^,]*/EVALSHA (INCRBY script)/'
    bench "$port" "$pipe" XADD bs '*' field value | sed 's/^[^,]*/XADD/'
    bench "$port" "$pipe" XREADGROUP GROUP g c COUNT 1 STREAMS rs '>' | sed 's/^[^,]*/XREADGROUP COUNT 1/'
    bench "$port" "$pipe" XACK rs g 0-__rand_int__ | sed 's/^[^,]*/XACK/'
    bench "$port" "$pipe" PFADD hll __rand_int__ | sed 's/^[^,]*/PFADD/'
    bench "$port" "$pipe" GEOADD geo 13.361389 38.115556 m:__rand_int__ | sed 's/^[^,]*/GEOADD/'
  fi
}

echo "# redis-benchmark -c 50 -n $n -r 100000, $(machine_line)"
printf "%-28s %5s %12s %12s %7s %10s %10s\n" test pipe lumadb redis ratio p99-luma p99-redis
for p in 1 16; do
  redis-cli -p "$lport" flushall > /dev/null; redis-cli -p "$rport" flushall > /dev/null
  luma=$(rows "$lport" "$p")
  redis=$(rows "$rport" "$p")
  while IFS=, read -r name lrps lp99; do
    rrps=$(echo "$redis" | awk -F, -v t="$name" '$1==t {print $2}')
    rp99=$(echo "$redis" | awk -F, -v t="$name" '$1==t {print $3}')
    ratio=$(awk -v a="$lrps" -v b="$rrps" 'BEGIN { if (b > 0) printf "%.2f", a/b; else print "-" }')
    printf "%-28s %5s %12s %12s %7s %10s %10s\n" "$name" "$p" "$lrps" "$rrps" "$ratio" "$lp99" "$rp99"
  done <<< "$luma"
done

#!/usr/bin/env bash
# Restart time with N small string keys (default 10M): LumaDB stopped with
# SIGTERM (its data in RocksDB) and started again, next to redis-server
# saving an RDB file and loading it. Measured from exec until PING answers
# PONG and DBSIZE is N; RSS after the restart.
# Usage: bench/restart.sh path/to/lumadb [keys]
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"
bin=${1:-build/bin/lumadb}
keys=${2:-10000000}
work=$(mktemp -d)
LUMADB_PID= REDIS_PID=
trap 'kill $LUMADB_PID $REDIS_PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

now_ms() { date +%s%3N; }
# Waits until the server on port $1 answers PING with PONG (Redis answers
# LOADING while it reads its file) and holds $2 keys.
wait_ready() {
  until [ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ]; do sleep 0.01; done
  until [ "$(redis-cli -p "$1" dbsize 2>/dev/null)" = "$2" ]; do sleep 0.01; done
}

echo "# restart with $keys keys, $(machine_line)"
lport=$(free_port); mport=$(free_port); aport=$(free_port)
start_lumadb "$bin" "$work/luma" "$lport" "$mport" "$aport"
gen_sets "$keys" | redis-cli -p "$lport" --pipe > /dev/null
kill -TERM "$LUMADB_PID"; wait "$LUMADB_PID" || true
echo "lumadb: data dir $(du -sh "$work/luma" | cut -f1)"
t0=$(now_ms)
"$bin" serve --data-dir "$work/luma" --port redis="$lport" --port memcached="$mport" --port admin="$aport" \
  --log-level warn > "$work/luma.log" 2>&1 &
LUMADB_PID=$!
wait_ready "$lport" "$keys"
echo "lumadb: restart to $keys keys served: $(( $(now_ms) - t0 )) ms, RSS $(rss_mb "$LUMADB_PID") MB"
kill -TERM "$LUMADB_PID"; wait "$LUMADB_PID" || true
LUMADB_PID=

rport=$(free_port)
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" --daemonize no > /dev/null 2>&1 &
REDIS_PID=$!
wait_port "$rport"
gen_sets "$keys" | redis-cli -p "$rport" --pipe > /dev/null
redis-cli -p "$rport" save > /dev/null
redis-cli -p "$rport" shutdown nosave > /dev/null 2>&1 || true
wait "$REDIS_PID" || true
echo "redis-server: dump.rdb $(du -sh "$work/dump.rdb" | cut -f1)"
t0=$(now_ms)
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" --daemonize no > /dev/null 2>&1 &
REDIS_PID=$!
wait_port "$rport"
wait_ready "$rport" "$keys"
echo "redis-server: restart to $keys keys served: $(( $(now_ms) - t0 )) ms, RSS $(rss_mb "$REDIS_PID") MB"

#!/usr/bin/env bash
# Cold start (exec to every listener accepting), idle RSS, and memory for 1M
# small string keys next to redis-server's used_memory for the same keys.
# Usage: bench/startup_memory.sh path/to/lumadb [keys]
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"
bin=${1:-build/bin/lumadb}
keys=${2:-1000000}
work=$(mktemp -d)
trap 'kill $LUMADB_PID $REDIS_PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

echo "# startup and memory, $(machine_line)"
/usr/bin/python3 - "$bin" "$work" <<'PY'
import os, socket, subprocess, sys, time
bin, work = sys.argv[1], sys.argv[2]
def free():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
best = None
for i in range(5):
    ports = [free(), free(), free()]
    t0 = time.perf_counter()
    p = subprocess.Popen([bin, "serve", "--data-dir", "%s/cold%d" % (work, i), "--log-level", "warn",
                          "--port", "redis=%d" % ports[0], "--port", "memcached=%d" % ports[1],
                          "--port", "admin=%d" % ports[2]])
    for port in ports:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close(); break
            except OSError:
                time.sleep(0.0005)
    ms = (time.perf_counter() - t0) * 1000
    best = ms if best is None else min(best, ms)
    time.sleep(0.5)
    rss = int([l for l in open("/proc/%d/status" % p.pid) if l.startswith("VmRSS")][0].split()[1]) / 1024
    p.terminate(); p.wait()
print("cold start (exec to all 3 listeners accepting, best of 5): %.1f ms" % best)
print("idle RSS after start: %.1f MB" % rss)
PY


lport=$(free_port); mport=$(free_port); aport=$(free_port); rport=$(free_port)
start_lumadb "$bin" "$work/luma" "$lport" "$mport" "$aport"
base=$(rss_mb "$LUMADB_PID")
gen_sets "$keys" | redis-cli -p "$lport" --pipe > /dev/null
sleep 2
echo "lumadb: $keys keys, RSS $(rss_mb "$LUMADB_PID") MB 2 s after the load (was $base MB empty), dbsize $(redis-cli -p "$lport" dbsize)"
# After 5 s without writes the memtables go out to SST files.
sleep 6
echo "lumadb: RSS $(rss_mb "$LUMADB_PID") MB once writes have been quiet for 5 s"
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" --daemonize no > /dev/null 2>&1 &
REDIS_PID=$!
wait_port "$rport"
gen_sets "$keys" | redis-cli -p "$rport" --pipe > /dev/null
used=$(redis-cli -p "$rport" info memory | awk -F: '/^used_memory:/ {printf "%.1f", $2/1048576}')
echo "redis-server: $keys keys, used_memory $used MB, RSS $(rss_mb "$REDIS_PID") MB"

#!/usr/bin/env bash
# memcaslap (libmemcached-tools) against LumaDB and Debian's memcached: the
# same mixed get/set load for a fixed time, printing ops/second and the ratio.
# Usage: bench/memcached_vs_lumadb.sh path/to/lumadb [seconds]
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"
bin=${1:-build/bin/lumadb}
secs=${2:-10}
work=$(mktemp -d)
trap 'kill $LUMADB_PID $MC_PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

lport=$(free_port); mport=$(free_port); aport=$(free_port); rport=$(free_port)
start_lumadb "$bin" "$work/luma" "$rport" "$lport" "$aport" --durability everysec ${LUMADB_ARGS:-}
memcached -p "$mport" -l 127.0.0.1 -U 0 -u root -t 2 > "$work/mc.log" 2>&1 &
MC_PID=$!
wait_port "$mport"

run() {  # port -> ops/s
  memcaslap -s 127.0.0.1:"$1" -T 2 -c 50 -t "${secs}s" -X 64 2>/dev/null |
    awk '/^Run time/ {for (i=1;i<=NF;i++) if ($i=="Ops:") ops=$(i+1); for (i=1;i<=NF;i++) if ($i=="TPS:") tps=$(i+1)} END {print tps}'
}

echo "# memcaslap -T 2 -c 50 -t ${secs}s -X 64 (90% get / 10% set), $(machine_line)"
luma=$(run "$lport")
mc=$(run "$mport")
ratio=$(awk -v a="$luma" -v b="$mc" 'BEGIN { if (b > 0) printf "%.2f", a/b; else print "-" }')
printf "%-12s %14s %14s %8s\n" load lumadb memcached ratio
printf "%-12s %14s %14s %8s\n" get/set "$luma" "$mc" "$ratio"

#!/usr/bin/env bash
# Runs every benchmark (not part of make test). Usage: bench/run_all.sh path/to/lumadb
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-build/bin/lumadb}
bash "$here/redis_vs_lumadb.sh" "$bin"
echo
bash "$here/memcached_vs_lumadb.sh" "$bin"
echo
bash "$here/startup_memory.sh" "$bin"
echo
/usr/bin/python3 "$here/postgres_vs_lumadb.py" "$bin"
echo
/usr/bin/python3 "$here/postgres_connections.py" "$bin"
echo
/usr/bin/python3 "$here/postgres_catalog_start.py" "$bin"

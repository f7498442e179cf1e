#!/usr/bin/env bash
# Installs every build, test and benchmark dependency of LumaDB from Debian 12
# packages. Idempotent and non-interactive; safe to run on every `make`.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build ccache pkg-config git
  librocksdb-dev libabsl-dev libssl-dev
  liblua5.1-0-dev lua-cjson-dev lua-bitop-dev
  libpg-query-dev libprotobuf-c-dev
  # runtime: the tz database the SQL engine reads time zones from (/usr/share/zoneinfo)
  tzdata
  # tests
  libgtest-dev libgmock-dev clang libclang-rt-14-dev llvm
  redis-server redis-tools memcached
  python3 python3-redis python3-pymemcache nodejs node-redis
  python3-celery python3-rq
  postgresql-15 postgresql-client python3-psycopg2
  procps netcat-openbsd curl
  # benchmarks (bench/, not part of make test)
  libmemcached-tools
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo -E); fi
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}" >&2
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR/fuzz for SECONDS each, starting
# from the seeds in tests/fuzz/seeds/<target>/. Fails if any target finds a crash.
set -euo pipefail
build_dir=${1:-build-asan}
seconds=${2:-30}
here=$(cd "$(dirname "$0")" && pwd)
status=0
for fuzzer in "$build_dir"/fuzz/fuzz_*; do
  [ -x "$fuzzer" ] || continue
  name=$(basename "$fuzzer")
  corpus=$(mktemp -d)
  seeds="$here/seeds/$name"
  [ -d "$seeds" ] && cp -r "$seeds"/. "$corpus"/
  echo "fuzz: $name for ${seconds}s"
  if ! "$fuzzer" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$build_dir/fuzz/$name-" "$corpus" > "$build_dir/fuzz/$name.log" 2>&1; then
    echo "fuzz: $name FAILED; see $build_dir/fuzz/$name.log"
    tail -40 "$build_dir/fuzz/$name.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|Done" "$build_dir/fuzz/$name.log" | tail -2
  fi
  rm -rf "$corpus"
done
exit $status

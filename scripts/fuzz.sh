#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer + UndefinedBehaviorSanitizer; the
# build directory build-san is shared with scripts/sanitize.sh) and
# runs each over its seed corpus (fuzz/corpus, made from the Keras reference cases) for
# a bounded time. Usage: ./scripts/fuzz.sh [seconds per target, default 30]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
./scripts/install_deps.sh --fuzz
./scripts/configure_sanitized.sh  # the same build as scripts/sanitize.sh
cmake --build build-san -j "$(nproc)" --target fuzz_model_file fuzz_hdf5 fuzz_config fuzz_image fuzz_npy
for pair in model:fuzz_model_file hdf5:fuzz_hdf5 config:fuzz_config image:fuzz_image npy:fuzz_npy; do
  corpus=${pair%%:*}
  target=${pair##*:}
  work=build-san/corpus-$corpus
  mkdir -p "$work"
  echo "== $target for ${seconds}s"
  ./build-san/fuzz/$target -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
    "$work" "fuzz/corpus/$corpus" 2>&1 | grep -E "^(#|INFO: |==|SUMMARY|stat::number_of_executed_units)" | tail -n 4
  # libFuzzer exits non-zero on a crash, leak, timeout or out-of-memory; pipefail makes that fail the script.
done
echo "fuzzing passed"

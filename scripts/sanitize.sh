#!/usr/bin/env bash
# Builds the library, the whole test suite and the fuzz targets with clang under
# AddressSanitizer + UndefinedBehaviorSanitizer (one build, shared with scripts/fuzz.sh),
# and runs the tests. Our loops run without OpenMP in this build (single-threaded), which
# keeps libFuzzer and the sanitizers away from a second OpenMP runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install_deps.sh --fuzz
./scripts/configure_sanitized.sh
cmake --build build-san -j "$(nproc)"
cd build-san
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest -j "$(nproc)" --output-on-failure

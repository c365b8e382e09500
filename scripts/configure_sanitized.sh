#!/usr/bin/env bash
# Configures build-san: clang, ASan + UBSan, libFuzzer coverage, light debug info. Without
# the CUDA backend: its host code is compiled and tested in the release build (build/),
# and its kernels need a GPU that no sanitizer run here has.
set -euo pipefail
cd "$(dirname "$0")/.."
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S . -B build-san "${generator[@]}" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" \
  -DKERAS_SANITIZE=ON -DKERAS_FUZZ=ON -DKERAS_OPENMP=OFF -DKERAS_CUDA=OFF -DKERAS_BUILD_EXAMPLES=OFF -DKERAS_BUILD_BENCH=OFF -DKERAS_BUILD_SHARED=OFF > /dev/null

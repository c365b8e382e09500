#!/usr/bin/env bash
# Builds the library and the tests that start threads with clang under ThreadSanitizer
# (build-tsan), and runs them: concurrent predict on every reference model from 4 threads,
# PyDataset workers, the threaded all-reduce of distributed training, .npy from pipes,
# the remote monitor. The rest of the suite runs on one thread in this build (our loops
# without OpenMP, as in the ASan build), so ThreadSanitizer would have nothing to watch
# there. oneDNN and libgomp are not instrumented: a race inside them is not seen, a race
# on our side of their calls (shared caches, scratchpads, buffers) is.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install_deps.sh --fuzz
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
threaded_tests='concurrent_predict_test|py_dataset_test|train_step_test|image_dataset_test|npy_test|device_test|remote_monitor_test'
cmake -S . -B build-tsan "${generator[@]}" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" -DKERAS_TSAN=ON -DKERAS_OPENMP=OFF -DKERAS_CUDA=OFF \
  -DKERAS_TEST_ONLY="$threaded_tests" -DKERAS_BUILD_EXAMPLES=OFF -DKERAS_BUILD_BENCH=OFF -DKERAS_BUILD_SHARED=OFF > /dev/null
cmake --build build-tsan -j "$(nproc)" --target keras_tests
cd build-tsan
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ctest -j "$(nproc)" --output-on-failure -LE guide "$@"  # the guide's programs are not built here

#!/usr/bin/env bash
# Builds and runs the whole test suite through ctest; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install_deps.sh
./scripts/build.sh
cd build
ctest -j "$(nproc)" --output-on-failure

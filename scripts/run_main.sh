#!/usr/bin/env bash
# The main job: install what is missing, build, and train the seed CNN on Fashion-MNIST
# (summary, progress bar, test accuracy). Extra arguments go to seed_cnn, e.g.
#   ./scripts/run_main.sh --epochs 1 --batch-size 128
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install_deps.sh
./scripts/build.sh
./build/examples/seed_cnn "$@"

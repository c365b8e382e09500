#!/usr/bin/env bash
# Builds the API reference from the public headers with Doxygen into build/docs/api/html;
# any Doxygen warning fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install_deps.sh --docs
mkdir -p build/docs/api
doxygen docs/Doxyfile
echo "API reference: build/docs/api/html/index.html"

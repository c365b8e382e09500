#!/usr/bin/env bash
# Installs the Debian packages the build needs (and, with --bench, what the benchmarks
# compare against; with --fuzz, clang for the fuzzers; with --lint, clang-format and
# clang-tidy for scripts/check_style.sh; with --docs, doxygen for scripts/docs.sh).
# As root it runs apt-get; otherwise it prints the exact command.
set -euo pipefail

packages=(g++ cmake ninja-build pkg-config libdnnl-dev ocl-icd-opencl-dev zlib1g-dev libzip-dev libhdf5-dev libgtest-dev nlohmann-json3-dev libpng-dev libjpeg62-turbo-dev graphviz dataset-fashion-mnist python3 python3-protobuf libopenmpi-dev openmpi-bin)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(python3 python3-torch python3-torchvision python3-numpy libopenblas0-openmp)
elif [[ "${1:-}" == "--fuzz" ]]; then
  packages+=(clang libclang-rt-14-dev)
elif [[ "${1:-}" == "--docs" ]]; then
  packages+=(doxygen)
elif [[ "${1:-}" == "--lint" ]]; then
  packages+=(clang-format clang-tidy)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "Missing packages: ${missing[*]}" >&2
  echo "Install them with:  sudo sh -c '$cmd'" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
sh -c "$cmd"

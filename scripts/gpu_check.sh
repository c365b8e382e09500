#!/usr/bin/env bash
# Every GPU check of the CUDA backend, on a machine with an NVIDIA GPU, from the bundles
# scripts/gpu_bundle.sh made (programs built for sm_90 + PTX on the CPU machine). One
# stage per device call, each carrying its bundle (a call carries 64 MiB at most):
#
#   scripts/gpu_check.sh ops     (carry .gpu/ops.tar.xz) BackendOps on CUDA: every claimed
#                                op and dtype against the reference, several shapes,
#                                forward and backward kernels; the CUDA plan tests; every
#                                Keras case predicted on the GPU; a model trained there as
#                                on the CPU
#   scripts/gpu_check.sh data1   (carry .gpu/data1.tar) \ stash Fashion-MNIST in
#   scripts/gpu_check.sh data2   (carry .gpu/data2.tar) /  /tmp/keras-gpu (kept while warm)
#   scripts/gpu_check.sh seed    (carry .gpu/seed.tar.xz, right after data2) the seed CNN,
#                                one epoch on the GPU (test accuracy >= 0.88), then its
#                                benchmark beside PyTorch's CUDA build (bench/gpu_seed_cnn.py)
#
# Each stage writes gpu_report_<stage>.txt into $OUT (the device tool's folder) or the
# current folder, and exits non-zero when a check fails. On a machine without a GPU the
# programs still run and say so (the CUDA tests skip, the seed CNN refuses --device cuda).
set -uo pipefail
cd "$(dirname "$0")/.."
stage=${1:-}
report="${OUT:-.}/gpu_report_$stage.txt"
stash=/tmp/keras-gpu
case $stage in
  data1 | data2)
    mkdir -p "$stash/data"
    tar -C "$stash/data" -xf ".gpu/$stage.tar" && echo "gpu_check: $stage stashed in $stash/data" | tee "$report"
    exit ;;
  ops | seed) ;;
  *) echo "usage: scripts/gpu_check.sh ops|data1|data2|seed" >&2; exit 2 ;;
esac
exec > >(tee "$report") 2>&1
bundle=".gpu/$stage.tar.xz"
[[ -f $bundle ]] || { echo "gpu_check: $bundle is missing: run scripts/gpu_bundle.sh on the build machine" >&2; exit 2; }
work=$(mktemp -d)
tar -C "$work" -xJf "$bundle"
root="$work/$stage"

# CUDA's libraries: the toolkit's, else those of a Python wheel (PyTorch's nvidia-* packages).
cuda_dirs=()
for lib in libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libcudnn.so.9; do
  found=$( (ldconfig -p | awk -v l="$lib" '$1 == l {print $NF; exit}'
            find /usr/local/cuda*/ /usr/lib /opt -name "$lib" 2>/dev/null) | head -1)
  if [[ -z $found ]]; then echo "gpu_check: $lib not found on this machine"; continue; fi
  cuda_dirs+=("$(dirname "$found")")
done
ld_path=$(printf '%s:' "${cuda_dirs[@]}" | tr -s ':')
export LD_LIBRARY_PATH="$root/lib:${ld_path}${LD_LIBRARY_PATH:-}"
export KERAS_TEST_DATA_DIR="$PWD/tests/data"

echo "== gpu_check $stage, $(date -u +%FT%TZ)"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 || echo "(no nvidia-smi)"
missing=$(ldd "$root"/bin/* | grep "not found" | sort -u)
[[ -z $missing ]] || { echo "gpu_check: unresolved libraries:"; echo "$missing"; exit 1; }
status=0

if [[ $stage == ops ]]; then
  filter='BackendOps*:BackendOpsTable*:BackendRegistry*:Cuda*'
  echo "== keras_tests --gtest_filter=$filter"
  "$root/bin/keras_tests" --gtest_filter="$filter" --gtest_brief=1 || status=1
  # Without a usable GPU the CUDA cases are not even registered (and the rest skip): not a pass.
  cuda_cases=$("$root/bin/keras_tests" --gtest_list_tests --gtest_filter='BackendOps/BackendOps.MatchesReference/cuda_*' | grep -c cuda_)
  echo "BackendOps cases on CUDA: $cuda_cases"
  ((cuda_cases > 0)) || { echo "gpu_check: no usable CUDA device here, nothing was checked on a GPU"; status=1; }
else
  if [[ ! -f $stash/data/train-images.part00 || ! -f $stash/data/t10k-labels-idx1-ubyte.gz ]]; then
    echo "gpu_check: Fashion-MNIST is not stashed in $stash/data: run the data1 and data2 stages first, on the same warm machine"
    exit 1
  fi
  mkdir -p "$work/fashion-mnist"
  cat "$stash"/data/train-images.part* > "$work/fashion-mnist/train-images-idx3-ubyte.gz"
  cp "$stash"/data/*-ubyte.gz "$work/fashion-mnist/"
  export KERAS_FASHION_MNIST_DIR="$work/fashion-mnist"
  echo "== seed_cnn --epochs 1 --device cuda"
  log="$work/seed.log"
  "$root/bin/seed_cnn" --epochs 1 --device cuda --save "$work/seed.keras" | tee "$log" || status=1
  accuracy=$(sed -n 's/^test_accuracy: //p' "$log" | tail -1)
  echo "test_accuracy ${accuracy:-none} (needs >= 0.88)"
  awk -v a="${accuracy:-0}" 'BEGIN {exit !(a >= 0.88)}' || status=1
  echo "== seed_cnn_bench --device cuda"
  "$root/bin/seed_cnn_bench" --device cuda | tee "$work/ours.txt" || status=1
  if python3 -c 'import torch, sys; sys.exit(not torch.cuda.is_available())' 2>/dev/null; then
    echo "== PyTorch (CUDA) on the same model, and the ratios"
    python3 bench/gpu_seed_cnn.py --data "$KERAS_FASHION_MNIST_DIR" --ours "$work/ours.txt" || status=1
  else
    echo "== PyTorch with CUDA not found here: its side skipped"
  fi
fi
rm -rf "$work"
echo "== gpu_check $stage: $([[ $status == 0 ]] && echo passed || echo FAILED)"
exit $status

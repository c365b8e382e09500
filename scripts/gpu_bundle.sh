#!/usr/bin/env bash
# Packs what scripts/gpu_check.sh runs on a GPU machine: the CUDA build's test, example
# and benchmark programs (built here, in build/, for sm_90 + PTX) with the shared
# libraries they load that such a machine may lack (oneDNN, HDF5, libzip, ...; not the
# CUDA libraries, which it has). The GPU machine this project is lent has the CUDA
# toolkit, PyTorch and CMake but none of our Debian dependencies and no network, so the
# programs travel built; the source tree travels with them (tests/data holds the cases).
#
#   ./scripts/gpu_bundle.sh   -> .gpu/ops.tar.xz    keras_tests and kerascpp (BackendOps, the CUDA
#                                                   tests, the Keras cases on the GPU)
#                                .gpu/seed.tar.xz   seed_cnn and seed_cnn_bench
#                                .gpu/data1.tar, .gpu/data2.tar   Fashion-MNIST in two halves
#
# One device call carries at most 64 MiB, the source tree (~49 MB) included, so each
# bundle stays under ~17 MB and gpu_check.sh takes one per call; Fashion-MNIST (30 MB)
# needs two calls, which stash it on the GPU machine (/tmp persists while it stays warm)
# for the seed stage right after. Needs a CUDA toolkit here.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! grep -q "^CMAKE_CUDA_COMPILER:" build/CMakeCache.txt 2>/dev/null || grep -q "^KERAS_CUDA:BOOL=OFF" build/CMakeCache.txt; then
  echo "gpu_bundle: build/ is not a CUDA build (configure with a CUDA toolkit and KERAS_CUDA=ON)" >&2
  exit 1
fi
cmake --build build -j "$(nproc)" --target keras_tests kerascpp seed_cnn seed_cnn_bench
mkdir -p .gpu
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# The shared libraries a program loads from the system, less glibc, the compiler's
# runtime, CUDA's, and the base system's (TLS, Kerberos, compression, ...: an Ubuntu
# image with Python and CUDA has them); what is left are our Debian dependencies
# (oneDNN, HDF5, libzip, Open MPI, ...) and theirs. gpu_check.sh names any library still
# unresolved there before it runs anything.
libs_of() {
  ldd "$@" | awk '$3 ~ /^\// {print $3}' | sort -u |
    grep -vE '/(libc|libm|libdl|libpthread|librt|libresolv|libstdc\+\+|libgcc_s|ld-linux[^/]*)\.so' |
    grep -vE '/lib(cuda|cudart|cublas|cublasLt|cudnn[^/]*|nvrtc[^/]*|nvJitLink)\.so' |
    grep -vE '/lib(z|bz2|lzma|zstd|crypto|ssl|gnutls|p11-kit|unistring|idn2|tasn1|nettle|hogweed|gmp|ffi|krb5|krb5support|k5crypto|com_err|keyutils|gssapi_krb5|sasl2|ldap-[0-9.]*|lber-[0-9.]*|brotlidec|brotlicommon|udev|psl|nghttp2|rtmp|ssh2|curl)\.so'
}

pack() {  # pack NAME FILE...: programs into bin/, their libraries into lib/
  local name=$1
  shift
  rm -rf "$stage/$name"
  mkdir -p "$stage/$name/bin" "$stage/$name/lib"
  cp "$@" "$stage/$name/bin/"
  for lib in $(libs_of "$@"); do cp -L "$lib" "$stage/$name/lib/"; done
}

pack ops build/tests/keras_tests build/tools/kerascpp
pack seed build/examples/seed_cnn build/bench/seed_cnn_bench
strip "$stage"/*/bin/*
for name in ops seed; do
  tar -C "$stage" -cf - "$name" | xz -T0 -9 > ".gpu/$name.tar.xz"
done
# Fashion-MNIST as its gzip files (they do not shrink again), the training images split
# so that the two halves weigh the same.
fashion=${KERAS_FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
mkdir -p "$stage/data"
cp "$fashion"/*.gz "$stage/data/"
(cd "$stage/data" && split -b 15000000 -d train-images-idx3-ubyte.gz train-images.part && rm train-images-idx3-ubyte.gz)
tar -C "$stage/data" -cf .gpu/data1.tar train-images.part00
tar -C "$stage/data" -cf .gpu/data2.tar train-images.part01 train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz \
  t10k-labels-idx1-ubyte.gz
tree=$(git ls-files -z | du --files0-from=- -cb | tail -1 | cut -f1)
for f in .gpu/ops.tar.xz .gpu/seed.tar.xz .gpu/data1.tar .gpu/data2.tar; do
  size=$(stat -c %s "$f")
  echo "gpu_bundle: $f $((size / 1000000)) MB (with the tree: $(((size + tree) / 1048576)) of 64 MiB)"
  ((size + tree < 64 * 1048576)) || echo "gpu_bundle: $f with the source tree is over a device call's 64 MiB" >&2
done

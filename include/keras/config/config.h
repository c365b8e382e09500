// keras.config-style global settings.
#pragma once

#include <cstdint>
#include <string>

namespace keras::config {

/// Limits the threads every kernel uses (oneDNN and our own loops share one OpenMP
/// pool). Without a call, OMP_NUM_THREADS or all cores.
void set_num_threads(int n);
int num_threads();

/// The most bytes of activations a model may hold at once for one batch. Before a batch
/// runs, the model adds up the sizes its graph's shapes give (unknown dimensions count as
/// 1, so the figure is a lower bound) at every point of the run and refuses the batch with
/// ResourceExhaustedError when the largest exceeds this limit; predict splits its batches
/// to fit under it. Without a call, the machine's physical memory. Thread-safe.
///   keras::config::set_max_activation_bytes(int64_t{4} << 30);  // 4 GiB
void set_max_activation_bytes(int64_t bytes);
int64_t max_activation_bytes();

/// A directory where convolution kernels, once packed into oneDNN's layout for this CPU,
/// are kept for later processes: a graph at inference (predict, or a call outside
/// training) then maps a kernel's packed copy from the file instead of packing it again,
/// which makes a fresh process's first call faster. A file is named by a hash of what
/// decides its bytes (the kernel's values, its shape and layouts, the data type, the
/// oneDNN version and the CPU's instruction set), so a changed weight, CPU or library
/// finds no file and writes a new one; the least recently used files go when the
/// directory holds more than 2 GiB of them. "" turns it off. Without a call, the
/// environment variable KERAS_KERNEL_CACHE_DIR, else off. Thread-safe.
///   keras::config::set_kernel_cache_dir(std::string(getenv("HOME")) + "/.cache/keras-cpp");
void set_kernel_cache_dir(const std::string& dir);
std::string kernel_cache_dir();

}  // namespace keras::config

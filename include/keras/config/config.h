// keras.config-style global settings.
#pragma once

#include <cstdint>

#include "keras/tensor/device.h"

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

/// The device tensors and layers use when nothing names one (a DeviceScope names one for
/// its thread and wins): set_default_device(Device::cuda()) before building a model puts
/// it, its weights and fit's batches on the GPU. Without a call, the KERAS_DEVICE
/// environment variable ("cpu", "cuda", "cuda:1"; read once, a bad value is a ValueError
/// at first use), else the CPU. Thread-safe.
void set_default_device(Device device);
Device get_default_device();

}  // namespace keras::config

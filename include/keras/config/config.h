// keras.config-style global settings.
#pragma once

namespace keras::config {

/// Limits the threads every kernel uses (oneDNN and our own loops share one OpenMP
/// pool). Without a call, OMP_NUM_THREADS or all cores.
void set_num_threads(int n);
int num_threads();

}  // namespace keras::config

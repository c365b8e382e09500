// The recurrences a backend's fused recurrent kernels run. A public header of its own so
// that the backend table (src/backend) and the public API (keras/ops/rnn.h, the recurrent
// layers) share the enum without the backend depending on ops.
#pragma once

#include <cstdint>

namespace keras {

enum class RecurrenceKind : uint8_t {
  none,
  simple_tanh,  // SimpleRNN, tanh
  simple_relu,  // SimpleRNN, relu
  lstm,         // tanh / sigmoid
  gru,          // reset_after=True, tanh / sigmoid: oneDNN's linear-before-reset GRU
};

}  // namespace keras

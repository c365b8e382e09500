// Reverse-mode automatic differentiation, shaped like TensorFlow's GradientTape (the
// tape Keras's TensorFlow trainer uses):
//
//   keras::autograd::GradientTape tape;      // ops on this thread are now recorded
//   auto loss = keras::ops::mean(keras::ops::square(model_out - y));
//   auto grads = tape.gradient(loss, {kernel, bias});
//
// Recording is off by default, so inference pays nothing for autograd. Tensors that
// require grad (trainable weights, or anything passed to watch()) are the leaves.
#pragma once

#include <functional>

#include "keras/tensor/tensor.h"

namespace keras::autograd {

/// Whether ops on this thread are being recorded right now.
bool is_recording();

class GradientTape {
 public:
  GradientTape();
  ~GradientTape();
  GradientTape(const GradientTape&) = delete;
  GradientTape& operator=(const GradientTape&) = delete;

  /// Makes `t` a leaf whose gradient can be asked for (it must not come from a recorded op).
  void watch(Tensor& t);

  /// d target / d source for each source. A source that target does not depend on gets
  /// an undefined Tensor (Python's None). A non-scalar target is summed first, unless
  /// `output_gradient` (same shape as target) is given.
  TensorList gradient(const Tensor& target, const TensorList& sources, const Tensor& output_gradient = Tensor());

  /// Called during gradient() as each source's gradient becomes final (no recorded use of
  /// it is left to run), with its index in `sources`: data-parallel training starts
  /// combining gradients with it while backward goes on. Sources that are not leaves, or
  /// whose gradient is undefined, are not reported.
  using GradientReady = std::function<void(size_t index, const Tensor& grad)>;
  TensorList gradient(const Tensor& target, const TensorList& sources, const Tensor& output_gradient,
                      const GradientReady& on_ready);
};

/// Pauses recording for its lifetime (e.g. inside optimizer updates and metrics).
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  int saved_;
};

}  // namespace keras::autograd

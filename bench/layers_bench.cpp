// Layer workloads of the non-recurrent family, timed in this library; bench/layers.py
// runs the same in PyTorch and prints the ratios. One "name milliseconds" line each.
//
//   depthwise_block_train_step  DepthwiseConv2D(3x3) + BatchNormalization + ReLU(6) + 1x1
//                               Conv2D, 64x64x32 input, batch 32: forward, backward, SGD
//   conv1d_fwd_bwd              Conv1D(64, 5, same) on (32, 1000, 64)
//   conv3d_fwd_bwd              Conv3D(32, 3, same) on (8, 16, 32, 32, 16)
//   conv_stack_predict_b1       3 x Conv2D(256, 3, same, relu) on 14x14x256, predict_on_batch
//                               of one image: weights (7 MB) outweigh the data, so reordering
//                               the kernels on each call would show
#include <cstdio>

#include "bench_utils.h"

using namespace keras;
using bench::median_ms;

namespace {

/// Forward + backward of `layer` on x with a sum-of-outputs loss (weights and input grads).
double fwd_bwd_ms(layers::LayerHandle layer, const Tensor& x_in, int reps) {
  Tensor x = x_in;
  x.set_requires_grad(true);
  layer(x);
  TensorList sources{x};
  for (const auto& w : layer->trainable_weights()) sources.push_back(w.value());
  return median_ms(
      [&] {
        autograd::GradientTape tape;
        Tensor y = layer(x, true);
        tape.gradient(ops::sum(y), sources);
      },
      2, reps);
}

}  // namespace

int main(int argc, char** argv) {
  bench::apply_thread_flag(argc, argv);
  utils::set_random_seed(0);
  std::printf("threads %d\n", config::num_threads());
  {
    Sequential block({Input({64, 64, 32}), layers::DepthwiseConv2D(3, {.padding = "same", .use_bias = false}),
                      layers::BatchNormalization(), layers::ReLU({.max_value = 6.0}), layers::Conv2D(64, 1)});
    block.compile(optimizers::SGD({.learning_rate = 0.01}), "mse");
    Tensor x = random::normal({32, 64, 64, 32});
    Tensor y = Tensor::zeros({32, 64, 64, 64});
    std::printf("depthwise_block_train_step %.3f\n", median_ms([&] { block.train_on_batch(x, y); }, 2, 10));
  }
  std::printf("conv1d_fwd_bwd %.3f\n",
              fwd_bwd_ms(layers::Conv1D(64, 5, {.padding = "same"}), random::normal({32, 1000, 64}), 10));
  std::printf("conv3d_fwd_bwd %.3f\n",
              fwd_bwd_ms(layers::Conv3D(32, 3, {.padding = "same"}), random::normal({8, 16, 32, 32, 16}), 5));
  {
    Sequential stack({Input({14, 14, 256}), layers::Conv2D(256, 3, {.padding = "same", .activation = "relu"}),
                      layers::Conv2D(256, 3, {.padding = "same", .activation = "relu"}),
                      layers::Conv2D(256, 3, {.padding = "same", .activation = "relu"})});
    Tensor x = random::normal({1, 14, 14, 256});
    std::printf("conv_stack_predict_b1 %.3f\n", median_ms([&] { stack.predict_on_batch(x); }, 3, 30));
  }
  return 0;
}

// A ResNet-style basic block in float32 and in mixed_bfloat16: Conv3x3-BN-ReLU-Conv3x3-
// BN-Add-ReLU on (32, 32, 32, 64) channels-last activations, one SGD training step on an
// MSE loss, and one inference forward. Prints "key milliseconds" lines for
// bench/mixed_precision.py, which runs PyTorch (float32, and torch.autocast bfloat16)
// beside it.
//
// Usage: mixed_precision_bench [--threads N]
#include <cstdio>

#include "bench_utils.h"

using namespace keras;

namespace {

std::shared_ptr<models::Model> resnet_block() {
  auto x = Input({32, 32, 64});
  auto conv = [](int64_t f) { return layers::Conv2D(f, 3, {.padding = "same", .use_bias = false}); };
  auto h = conv(64)(x);
  h = layers::BatchNormalization()(h);
  h = layers::ReLU()(h);
  h = conv(64)(h);
  h = layers::BatchNormalization()(h);
  h = layers::Add()({h[0], x});
  h = layers::ReLU()(h);
  return std::make_shared<models::Model>(x, h);
}

}  // namespace

int main(int argc, char** argv) {
  bench::apply_thread_flag(argc, argv);
  std::printf("threads %d\n", config::num_threads());
  const Tensor x = random::normal({32, 32, 32, 64});
  const Tensor y = Tensor::zeros({32, 32, 32, 64});
  for (const char* policy : {"float32", "mixed_bfloat16"}) {
    mixed_precision::set_global_policy(policy);
    utils::set_random_seed(0);
    auto model = resnet_block();
    model->compile(optimizers::SGD({.learning_rate = 0.01}), "mse");
    const std::string tag = std::string(policy) == "float32" ? "fp32" : "bf16";
    const double train = bench::median_ms([&] { model->train_on_batch(x, y); }, 2, 10);
    const double infer = bench::median_ms([&] { model->predict_on_batch(x); }, 2, 10);
    std::printf("resnet_block_train_step_%s %.3f\n", tag.c_str(), train);
    std::printf("resnet_block_inference_%s %.3f\n", tag.c_str(), infer);
  }
  return 0;
}

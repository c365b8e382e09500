// Attention workloads, timed in this library; bench/attention.py runs the same in PyTorch
// and prints the ratios. One "name milliseconds" line each.
//
//   encoder_fwd_bwd_b32_s128    a transformer encoder block (MultiHeadAttention 8 x 32,
//                               Add + LayerNormalization, Dense(1024, relu), Dense(256),
//                               Add + LayerNormalization; PyTorch's post-norm
//                               TransformerEncoderLayer(256, 8, 1024)) on (32, 128, 256):
//                               forward, backward (input and weight gradients)
//   encoder_infer_b1_s512       the same block, inference on (1, 512, 256)
//   encoder_infer_b32_s512      the same block, inference on (32, 512, 256)
//   mha_fwd_bwd_b32_s128        MultiHeadAttention(8, 32) self-attention alone on (32, 128, 256),
//                               forward and backward (nn.MultiheadAttention(256, 8))
//   mha_infer_b32_s512          the same layer, inference on (32, 512, 256)
#include <cstdio>
#include <cstring>

#include "bench_utils.h"

using namespace keras;
using bench::median_ms;

namespace {

std::shared_ptr<Model> encoder_block() {
  auto x = Input({kNone, 256});
  auto attention = layers::MultiHeadAttention(8, 32)(x, x);
  auto h = layers::LayerNormalization()(layers::Add()({x, attention}));
  auto ffn = layers::Dense(256)(layers::Dense(1024, "relu")(h));
  return std::make_shared<Model>(x, layers::LayerNormalization()(layers::Add()({h, ffn})));
}

std::shared_ptr<Model> mha_only() {
  auto x = Input({kNone, 256});
  return std::make_shared<Model>(x, layers::MultiHeadAttention(8, 32)(x, x));
}

/// Forward and backward of sum(model(x)) with respect to x and every trainable weight.
double fwd_bwd_ms(Model& model, const Shape& shape) {
  Tensor x = random::normal(shape);
  x.set_requires_grad(true);
  TensorList sources{x};
  for (const auto& w : model.trainable_weights()) sources.push_back(w.value());
  return median_ms(
      [&] {
        autograd::GradientTape tape;
        tape.gradient(ops::sum(model(x, true)), sources);
      },
      2, 10);
}

double infer_ms(Model& model, const Shape& shape) {
  const Tensor x = random::normal(shape);
  return median_ms([&] { model.predict_on_batch(x); }, 2, 10);
}

}  // namespace

int main(int argc, char** argv) {
  bench::apply_thread_flag(argc, argv);
  utils::set_random_seed(0);
  std::printf("threads %d\n", config::num_threads());
  auto encoder = encoder_block();
  auto mha = mha_only();
  const std::vector<std::pair<const char*, std::function<double()>>> workloads = {
      {"encoder_fwd_bwd_b32_s128",
       [&] {
         return fwd_bwd_ms(*encoder, {32, 128, 256});
       }},
      {"encoder_infer_b1_s512",
       [&] {
         return infer_ms(*encoder, {1, 512, 256});
       }},
      {"encoder_infer_b32_s512",
       [&] {
         return infer_ms(*encoder, {32, 512, 256});
       }},
      {"mha_fwd_bwd_b32_s128",
       [&] {
         return fwd_bwd_ms(*mha, {32, 128, 256});
       }},
      {"mha_infer_b32_s512",
       [&] {
         return infer_ms(*mha, {32, 512, 256});
       }},
  };
  const char* only = bench::flag_value(argc, argv, "--only");  // one workload, for profiling
  for (const auto& [name, run] : workloads)
    if (!only || std::strcmp(only, name) == 0) std::printf("%s %.3f\n", name, run());
  return 0;
}

// Small helpers the example programs share: flags, Fashion-MNIST scaled to [0, 1], and
// the learned position embeddings of the transformer examples.
#pragma once

#include <cstdlib>
#include <iostream>
#include <string>

#include "keras/keras.h"

namespace examples {

/// `--name N` from the command line, or `fallback`; exits with a message on a bad value.
inline int64_t int_flag(int argc, char** argv, const std::string& name, int64_t fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (argv[i] == name) {
      char* end = nullptr;
      const long long v = std::strtoll(argv[i + 1], &end, 10);
      if (!end || *end || v <= 0) {
        std::cerr << argv[0] << ": " << name << " needs a positive integer, got '" << argv[i + 1] << "'\n";
        std::exit(2);
      }
      return v;
    }
  return fallback;
}

struct FashionMnist {
  keras::Tensor x_train, y_train, x_test, y_test;  // images (n, 28, 28, 1) in [0, 1], labels uint8
};

/// The first `n_train` / `n_test` images of each split.
inline FashionMnist load_fashion_mnist(int64_t n_train = 60000, int64_t n_test = 10000) {
  auto [train, test] = keras::datasets::fashion_mnist::load_data();
  auto prep = [](const keras::Tensor& x) {
    return (x.astype(keras::DType::float32) / 255.0).reshape({-1, 28, 28, 1});
  };
  n_train = std::min(n_train, train.first.dim(0));
  n_test = std::min(n_test, test.first.dim(0));
  return {prep(train.first.slice(0, n_train)), train.second.slice(0, n_train), prep(test.first.slice(0, n_test)),
          test.second.slice(0, n_test)};
}

/// Learned position embeddings added to a (batch, positions, features) input, as the
/// position half of Keras's examples' TokenAndPositionEmbedding / PatchEncoder: a layer
/// of our own, registered (register_position_embedding) so a saved model loads.
class PositionEmbedding : public keras::layers::Concrete<PositionEmbedding> {
 public:
  explicit PositionEmbedding(keras::layers::LayerArgs args = {}) : Concrete("PositionEmbedding", args) {}
  void build(const keras::Shape& input_shape) override {
    positions_ = add_weight("positions", keras::Shape{input_shape.dim(-2), input_shape.dim(-1)}, "random_normal");
  }
  keras::Tensor call(const keras::Tensor& x, const keras::layers::CallContext&) override { return x + positions_; }
  keras::Shape compute_output_shape(const keras::Shape& input_shape) override { return input_shape; }
  static std::shared_ptr<keras::layers::Layer> from_config(const keras::Config& config) {
    return std::make_shared<PositionEmbedding>(keras::layers::ConfigReader(config).options<keras::layers::LayerArgs>());
  }

 private:
  keras::Variable positions_;
};

inline void register_position_embedding() { keras::layers::register_class<PositionEmbedding>("PositionEmbedding"); }

/// One transformer encoder block (Keras's examples' layout): self-attention and a
/// feed-forward net, each added back to its input and layer-normalized.
inline keras::layers::KerasTensors transformer_block(const keras::layers::KerasTensors& x, int64_t heads,
                                                     int64_t key_dim, int64_t ff_units, int64_t model_dim) {
  namespace layers = keras::layers;
  auto attention = layers::MultiHeadAttention(heads, key_dim)(x, x);
  auto h = layers::LayerNormalization({.epsilon = 1e-6})(layers::Add()({x, attention}));
  auto ffn = layers::Dense(ff_units, "relu")(h);
  ffn = layers::Dense(model_dim)(ffn);
  return layers::LayerNormalization({.epsilon = 1e-6})(layers::Add()({h, ffn}));
}

}  // namespace examples

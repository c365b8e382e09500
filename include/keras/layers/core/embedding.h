// keras.layers.Embedding (keras/src/layers/core/embedding.py): maps integer indices in
// [0, input_dim) to rows of a trainable (input_dim, output_dim) matrix.
//
// Args: input_dim (vocabulary size), output_dim (vector size); embeddings_initializer
//   ("uniform": RandomUniform(-0.05, 0.05)); mask_zero (index 0 is padding: the layer
//   emits a mask `indices != 0` that RNNs, pooling and the loss honour).
// Input shape: (batch, ...) integers (floats are truncated, as Keras casts to int).
// Output shape: (batch, ..., output_dim). An index outside [0, input_dim) is an error.
//
//   layers::Embedding(10000, 128, {.mask_zero = true});
#pragma once

#include "keras/layers/fields.h"
#include "keras/layers/layer.h"

namespace keras::layers {

struct EmbeddingOptions {
  initializers::Initializer embeddings_initializer = "uniform";
  regularizers::Regularizer embeddings_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint embeddings_constraint{};
  bool mask_zero = false;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = EmbeddingOptions;
    return std::tuple{field("embeddings_initializer", &O::embeddings_initializer),
                      field("embeddings_regularizer", &O::embeddings_regularizer),
                      field("activity_regularizer", &O::activity_regularizer),
                      field("embeddings_constraint", &O::embeddings_constraint),
                      field("mask_zero", &O::mask_zero)};
  }
};

class Embedding : public Concrete<Embedding> {
 public:
  Embedding(int64_t input_dim, int64_t output_dim, EmbeddingOptions options = {});

  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  std::vector<DType> compute_output_dtypes(const std::vector<DType>&, size_t n) override {
    return std::vector<DType>(n, dtype());
  }
  bool supports_masking() const override { return options_.mask_zero; }
  TensorList compute_mask(const TensorList& inputs, const TensorList& masks, size_t num_outputs) override;

  int64_t input_dim() const { return input_dim_; }
  int64_t output_dim() const { return output_dim_; }
  const EmbeddingOptions& options() const { return options_; }
  const Variable& embeddings() const { return embeddings_; }

 private:
  int64_t input_dim_, output_dim_;
  EmbeddingOptions options_;
  Variable embeddings_;
};

}  // namespace keras::layers

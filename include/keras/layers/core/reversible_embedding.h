// keras.layers.ReversibleEmbedding (keras/src/layers/core/reversible_embedding.py): an
// Embedding that can also map vectors back to vocabulary logits,
//   forward:          ids -> embeddings[ids]                  (as Embedding)
//   reverse=true:     x -> x · embeddingsᵀ   (or x · reverse_embeddings when not tied),
//                     then logit_soft_cap · tanh(logits / logit_soft_cap) when set.
//
// Args: input_dim, output_dim; tie_weights (true); embeddings_initializer ("uniform");
//   embeddings_regularizer / constraint; mask_zero (false); reverse_dtype (none; only
//   float32 is supported); logit_soft_cap (none).
// Call: ids (batch, ...) -> (batch, ..., output_dim); with reverse=true, x (batch, ...,
//   output_dim) -> (batch, ..., input_dim).
//
//   layers::ReversibleEmbedding emb(1000, 64);
//   auto h = emb(tokens); auto logits = emb.reverse(h);
#pragma once

#include "keras/layers/call_kwargs.h"
#include "keras/layers/core/embedding.h"

namespace keras::layers {

struct ReversibleEmbeddingOptions {
  bool tie_weights = true;
  initializers::Initializer embeddings_initializer = "uniform";
  regularizers::Regularizer embeddings_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint embeddings_constraint{};
  bool mask_zero = false;
  std::optional<std::string> reverse_dtype{};
  std::optional<double> logit_soft_cap{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {  // Keras's order: Embedding's keys, then its own
    using O = ReversibleEmbeddingOptions;
    return std::tuple{field("embeddings_initializer", &O::embeddings_initializer),
                      field("embeddings_regularizer", &O::embeddings_regularizer),
                      field("activity_regularizer", &O::activity_regularizer),
                      field("embeddings_constraint", &O::embeddings_constraint), field("mask_zero", &O::mask_zero)};
  }
  static constexpr auto own_fields() {
    using O = ReversibleEmbeddingOptions;
    return std::tuple{field("tie_weights", &O::tie_weights), field("reverse_dtype", &O::reverse_dtype),
                      field("logit_soft_cap", &O::logit_soft_cap)};
  }
};

class ReversibleEmbedding : public Concrete<ReversibleEmbedding>, public KwargsLayer {
 public:
  using Options = ReversibleEmbeddingOptions;
  ReversibleEmbedding(int64_t input_dim, int64_t output_dim, ReversibleEmbeddingOptions options = {});

  using Layer::operator();
  /// The reverse call (logits) on a tensor, eager.
  Tensor reverse(const Tensor& x);
  /// The reverse call on a symbolic tensor; the layer must be shared.
  KerasTensors reverse(const KerasTensor& x);

  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  std::vector<DType> compute_output_dtypes(const std::vector<DType>& input_dtypes, size_t num_outputs) override;
  TensorList compute_mask(const TensorList& inputs, const TensorList& masks, size_t num_outputs) override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  void check_call_kwargs(const CallKwargs& kw) const override;

  int64_t input_dim() const { return input_dim_; }
  int64_t output_dim() const { return output_dim_; }
  const ReversibleEmbeddingOptions& options() const { return options_; }
  const Variable& embeddings() const { return embeddings_; }

 private:
  bool reversing() const { return current_kwargs(1).flag("reverse"); }

  int64_t input_dim_, output_dim_;
  ReversibleEmbeddingOptions options_;
  Variable embeddings_, reverse_embeddings_;
};

}  // namespace keras::layers

// keras.layers.MultiHeadAttention (keras/src/layers/attention/multi_head_attention.py):
// scaled dot-product attention with `num_heads` heads (Vaswani et al., 2017),
//   Q = query·Wq, K = key·Wk, V = value·Wv          (EinsumDense projections per head)
//   scores = softmax(Q·Kᵀ / sqrt(key_dim), masked)   over the attention axes
//   output = (scores·V)·Wo                           (back to the query's last dim or output_shape)
//
// Args: num_heads, key_dim (positive); value_dim (key_dim); dropout on the scores (0);
//   use_bias (true); output_shape (the query's last dim); attention_axes (all axes but
//   batch, heads and features); sliding_window (none; attend only to |i - j| < window);
//   kernel/bias initializers, regularizers, constraints (for the sublayers); use_gate
//   (false; a sigmoid gate from the query multiplies the heads' output); seed.
// Call: query (B, T, dim), value (B, S, dim), key (B, S, dim; default value),
//   attention_mask (B, T, S; true = may attend), use_causal_mask, return_attention_scores,
//   training. The Keras masks of query, value and key (Embedding(mask_zero=True)) are
//   combined as Keras does; the output keeps the query's mask.
// Sublayers (Keras's names and weight order): query, key, (gate,) value, attention_output.
//
//   auto y = layers::MultiHeadAttention(2, 16)(x, x);           // self-attention, symbolic
//   auto [out, scores] = mha.attend(q, v, {.use_causal_mask = true, .return_attention_scores = true});
#pragma once

#include <optional>

#include "keras/layers/attention/head_attention.h"

namespace keras::layers {

struct MultiHeadAttentionOptions {
  std::optional<int64_t> value_dim{};
  double dropout = 0.0;
  bool use_bias = true;
  std::optional<Shape> output_shape{};
  std::optional<std::vector<int64_t>> attention_axes{};
  std::optional<int64_t> sliding_window{};
  initializers::Initializer kernel_initializer = "glorot_uniform";
  initializers::Initializer bias_initializer = "zeros";
  regularizers::Regularizer kernel_regularizer{};
  regularizers::Regularizer bias_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint kernel_constraint{};
  constraints::Constraint bias_constraint{};
  bool use_gate = false;
  std::optional<uint64_t> seed{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {  // in the order of Keras's get_config
    using O = MultiHeadAttentionOptions;
    return std::tuple{field("value_dim", &O::value_dim),
                      field("dropout", &O::dropout),
                      field("use_bias", &O::use_bias),
                      field("use_gate", &O::use_gate),
                      field("output_shape", &O::output_shape),
                      field("attention_axes", &O::attention_axes),
                      field("sliding_window", &O::sliding_window),
                      field("kernel_initializer", &O::kernel_initializer),
                      field("bias_initializer", &O::bias_initializer),
                      field("kernel_regularizer", &O::kernel_regularizer),
                      field("bias_regularizer", &O::bias_regularizer),
                      field("activity_regularizer", &O::activity_regularizer),
                      field("kernel_constraint", &O::kernel_constraint),
                      field("bias_constraint", &O::bias_constraint),
                      field("seed", &O::seed)};
  }
};

class MultiHeadAttention : public Concrete<MultiHeadAttention, HeadAttention> {
 public:
  using Options = MultiHeadAttentionOptions;
  MultiHeadAttention(int64_t num_heads, int64_t key_dim, MultiHeadAttentionOptions options = {});

  void build(const std::vector<Shape>& input_shapes) override;
  TensorList call(const TensorList& inputs, const CallContext& ctx) override;
  std::vector<Shape> compute_output_shape(const std::vector<Shape>& input_shapes) override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);

  int64_t num_heads() const { return num_heads_; }
  int64_t key_dim() const { return key_dim_; }
  int64_t value_dim() const { return options_.value_dim.value_or(key_dim_); }
  const MultiHeadAttentionOptions& options() const { return options_; }

 private:
  int64_t num_heads_, key_dim_;
  MultiHeadAttentionOptions options_;
  std::vector<int64_t> axes_;  // the attention axes of the projected tensors, once built
  std::string dot_equation_, combine_equation_;
};

}  // namespace keras::layers

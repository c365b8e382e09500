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

#include "keras/layers/call_kwargs.h"
#include "keras/layers/core/einsum_dense.h"
#include "keras/layers/fields.h"
#include "keras/layers/layer.h"
#include "keras/layers/regularization/dropout.h"

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
  std::optional<DType> dtype{};
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

/// The call arguments of the attention layers besides query and value (Keras's names).
struct AttentionCall {
  Tensor key{};
  Tensor attention_mask{};
  bool return_attention_scores = false;
  bool use_causal_mask = false;
  bool training = false;
};

/// The same for a symbolic call.
struct SymbolicAttentionCall {
  std::optional<KerasTensor> key{};
  std::optional<KerasTensor> attention_mask{};
  bool return_attention_scores = false;
  bool use_causal_mask = false;
};

/// The output and, with return_attention_scores, the scores.
struct AttentionResult {
  Tensor output;
  Tensor scores;
};

class MultiHeadAttention : public Concrete<MultiHeadAttention>, public KwargsLayer {
 public:
  using Options = MultiHeadAttentionOptions;
  MultiHeadAttention(int64_t num_heads, int64_t key_dim, MultiHeadAttentionOptions options = {});

  using Layer::operator();
  /// Symbolic call: layer(query, value, {.key = k, .use_causal_mask = true}).
  KerasTensors operator()(const KerasTensor& query, const KerasTensor& value, const SymbolicAttentionCall& args = {}) &;
  KerasTensors operator()(const KerasTensor& query, const KerasTensor& value,
                          const SymbolicAttentionCall& args = {}) &&;
  /// Eager call with keyword arguments.
  AttentionResult attend(const Tensor& query, const Tensor& value, const AttentionCall& args = {});

  void build(const std::vector<Shape>& input_shapes) override;
  TensorList call(const TensorList& inputs, const CallContext& ctx) override;
  std::vector<Shape> compute_output_shape(const std::vector<Shape>& input_shapes) override;
  bool supports_masking() const override { return true; }
  TensorList compute_mask(const TensorList& inputs, const TensorList& masks, size_t num_outputs) override;
  std::vector<std::pair<std::string, std::shared_ptr<Layer>>> named_sublayers() const override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  void check_call_kwargs(const CallKwargs& kw) const override;
  std::optional<Config> build_config() const override;

  int64_t num_heads() const { return num_heads_; }
  int64_t key_dim() const { return key_dim_; }
  int64_t value_dim() const { return options_.value_dim.value_or(key_dim_); }
  const MultiHeadAttentionOptions& options() const { return options_; }
  const std::shared_ptr<EinsumDense>& query_dense() const { return query_dense_; }
  const std::shared_ptr<EinsumDense>& key_dense() const { return key_dense_; }
  const std::shared_ptr<EinsumDense>& value_dense() const { return value_dense_; }
  const std::shared_ptr<EinsumDense>& output_dense() const { return output_dense_; }

 private:
  /// Which inputs are query, value, key, masks; and the flags (from the call's arguments).
  struct Roles {
    size_t query = 0, value = 1;
    std::optional<size_t> key, attention_mask, query_mask, value_mask, key_mask;
    bool causal = false, scores = false;
  };
  Roles roles(size_t num_inputs) const;

  int64_t num_heads_, key_dim_;
  MultiHeadAttentionOptions options_;
  std::shared_ptr<EinsumDense> query_dense_, key_dense_, value_dense_, gate_dense_, output_dense_;
  std::shared_ptr<Dropout> dropout_layer_;
  std::vector<int64_t> axes_;  // the attention axes of the projected tensors, once built
  std::string dot_equation_, combine_equation_;
  Shape query_shape_, value_shape_;
  std::optional<Shape> key_shape_;
};

}  // namespace keras::layers

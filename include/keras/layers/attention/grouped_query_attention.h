// keras.layers.GroupedQueryAttention (keras/src/layers/attention/grouped_query_attention.py;
// Keras writes its class name as "GroupQueryAttention"): attention where groups of
// query heads share one key/value head (Ainslie et al., 2023),
//   K, V heads repeated num_query_heads / num_key_value_heads times, then
//   output = (softmax(Q·Kᵀ / sqrt(head_dim), masked)·V)·Wo, back to the query's last dim.
//
// Args: head_dim, num_query_heads, num_key_value_heads (num_query_heads must be a
//   multiple of it); dropout (0); use_bias (true); sliding_window (none); kernel/bias
//   initializers; kernel/bias regularizers and constraints (as in Keras, recorded in the
//   config but not passed to the projections); use_gate (false); seed.
// Call: as MultiHeadAttention (query, value, key, attention_mask, use_causal_mask,
//   return_attention_scores); query and value need the same last dimension.
// Sublayers: query, key, (gate,) value, attention_output.
//
//   auto y = layers::GroupedQueryAttention(16, 8, 2)(x, x);
#pragma once

#include "keras/layers/attention/head_attention.h"

namespace keras::layers {

struct GroupedQueryAttentionOptions {
  double dropout = 0.0;
  bool use_bias = true;
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
    using O = GroupedQueryAttentionOptions;
    return std::tuple{field("use_bias", &O::use_bias),
                      field("use_gate", &O::use_gate),
                      field("sliding_window", &O::sliding_window),
                      field("dropout", &O::dropout),
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

class GroupedQueryAttention : public Concrete<GroupedQueryAttention, HeadAttention> {
 public:
  using Options = GroupedQueryAttentionOptions;
  GroupedQueryAttention(int64_t head_dim, int64_t num_query_heads, int64_t num_key_value_heads,
                        GroupedQueryAttentionOptions options = {});

  void build(const std::vector<Shape>& input_shapes) override;
  TensorList call(const TensorList& inputs, const CallContext& ctx) override;
  std::vector<Shape> compute_output_shape(const std::vector<Shape>& input_shapes) override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);

  int64_t head_dim() const { return head_dim_; }
  int64_t num_query_heads() const { return num_query_heads_; }
  int64_t num_key_value_heads() const { return num_key_value_heads_; }
  const GroupedQueryAttentionOptions& options() const { return options_; }

 private:
  int64_t head_dim_, num_query_heads_, num_key_value_heads_;
  GroupedQueryAttentionOptions options_;
};

}  // namespace keras::layers

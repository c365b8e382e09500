// keras.layers.Attention (keras/src/layers/attention/attention.py): dot-product
// (Luong-style) attention over [query, value] or [query, value, key] (key = value),
//   scores = query·keyᵀ (· scale)                         score_mode "dot"
//   scores = w · Σ tanh(scale · (query_i + key_j))        score_mode "concat"
//   output = softmax(scores, masked)·value; masked query rows output 0.
//
// Args: use_scale (false; a learned scalar `scale`); score_mode ("dot" or "concat",
//   which adds a scalar `concat_score_weight`); dropout on the weights (0); seed.
// Call: [query (B, Tq, dim), value (B, Tv, dim), key (B, Tv, dim)]; mask = [query_mask
//   (B, Tq), value_mask (B, Tv)] (defaults: the inputs' Keras masks); use_causal_mask;
//   return_attention_scores (then [output, scores (B, Tq, Tv)]); training.
//
//   auto y = layers::Attention()(KerasTensors{q, v});
#pragma once

#include "keras/layers/attention/head_attention.h"
#include "keras/random/random.h"

namespace keras::layers {

struct AttentionOptions {
  bool use_scale = false;
  std::string score_mode = "dot";
  double dropout = 0.0;
  std::optional<uint64_t> seed{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = AttentionOptions;
    return std::tuple{field("use_scale", &O::use_scale), field("score_mode", &O::score_mode),
                      field("dropout", &O::dropout), field("seed", &O::seed)};
  }
};

/// Keyword arguments of an Attention / AdditiveAttention call.
struct DotAttentionCall {
  Tensor query_mask{};
  Tensor value_mask{};
  bool return_attention_scores = false;
  bool use_causal_mask = false;
  bool training = false;
};
struct SymbolicDotAttentionCall {
  std::optional<KerasTensor> query_mask{};
  std::optional<KerasTensor> value_mask{};
  bool return_attention_scores = false;
  bool use_causal_mask = false;
};

class Attention : public Concrete<Attention>, public KwargsLayer {
 public:
  using Options = AttentionOptions;
  explicit Attention(AttentionOptions options = {});

  using Layer::operator();
  /// Symbolic call on [query, value] or [query, value, key] with keyword arguments.
  KerasTensors call_with_args(const KerasTensors& inputs, const SymbolicDotAttentionCall& args);
  /// Eager call on [query, value] or [query, value, key] with keyword arguments.
  AttentionResult attend(const TensorList& inputs, const DotAttentionCall& args = {});

  bool takes_list_input() const override { return true; }
  void build(const std::vector<Shape>& input_shapes) override;
  TensorList call(const TensorList& inputs, const CallContext& ctx) override;
  std::vector<Shape> compute_output_shape(const std::vector<Shape>& input_shapes) override;
  bool supports_masking() const override { return true; }
  TensorList compute_mask(const TensorList& inputs, const TensorList& masks, size_t num_outputs) override;
  Config get_config() const override;
  void check_call_kwargs(const CallKwargs& kw) const override;

  const AttentionOptions& options() const { return options_; }
  const Variable& scale() const { return scale_; }

 protected:
  /// AdditiveAttention: its class name, and scores from `scale` of shape (dim,).
  Attention(std::string class_name, AttentionOptions options, bool additive);
  bool kwargs_args_as_list() const override { return true; }

 private:
  Tensor scores(const Tensor& q, const Tensor& k) const;
  /// The number of [query, value, key] inputs among all the call's inputs.
  size_t num_positional(size_t num_inputs) const;

  AttentionOptions options_;
  bool additive_;
  Variable scale_, concat_score_weight_;
  random::SeedGenerator seeds_;
};

}  // namespace keras::layers

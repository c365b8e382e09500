// What MultiHeadAttention and GroupedQueryAttention share: the call with keyword
// arguments (key, attention_mask, use_causal_mask, return_attention_scores), eager and
// symbolic; the output mask (the query's); the shapes Keras writes as build_config
// {"shapes_dict": ...}; and the EinsumDense projections query, key, value, (gate,) output.
#pragma once

#include <optional>

#include "keras/layers/call_kwargs.h"
#include "keras/layers/core/einsum_dense.h"
#include "keras/layers/fields.h"
#include "keras/layers/layer.h"
#include "keras/layers/regularization/dropout.h"

namespace keras::layers {

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

class HeadAttention : public Layer, public KwargsLayer {
 public:
  using Layer::operator();
  /// Symbolic call: layer(query, value, {.key = k, .use_causal_mask = true}).
  KerasTensors operator()(const KerasTensor& query, const KerasTensor& value, const SymbolicAttentionCall& args = {}) &;
  KerasTensors operator()(const KerasTensor& query, const KerasTensor& value,
                          const SymbolicAttentionCall& args = {}) &&;
  /// Eager call with keyword arguments.
  AttentionResult attend(const Tensor& query, const Tensor& value, const AttentionCall& args = {});

  bool supports_masking() const override { return true; }
  TensorList compute_mask(const TensorList& inputs, const TensorList& masks, size_t num_outputs) override;
  std::vector<std::pair<std::string, std::shared_ptr<Layer>>> named_sublayers() const override;
  void check_call_kwargs(const CallKwargs& kw) const override;
  std::optional<Config> build_config() const override;

  const std::shared_ptr<EinsumDense>& query_dense() const { return query_dense_; }
  const std::shared_ptr<EinsumDense>& key_dense() const { return key_dense_; }
  const std::shared_ptr<EinsumDense>& value_dense() const { return value_dense_; }
  const std::shared_ptr<EinsumDense>& output_dense() const { return output_dense_; }

 protected:
  /// `kind` names the layer in messages; `attribute_prefix` starts the projections'
  /// attribute names in weight paths ("" for MultiHeadAttention's query_dense, "_" for
  /// GroupedQueryAttention's _query_dense).
  HeadAttention(std::string class_name, const LayerArgs& args, std::string kind, std::string attribute_prefix);

  /// Which inputs are query, value, key, masks; and the flags (from the call's arguments).
  struct Roles {
    size_t query = 0, value = 1;
    std::optional<size_t> key, attention_mask, query_mask, value_mask, key_mask;
    bool causal = false, scores = false;
  };
  Roles roles(size_t num_inputs) const;
  /// `shapes` (or tensors) by role: query, value, key (the value when no key is given).
  template <class T>
  static std::tuple<const T&, const T&, const T&> by_role(const std::vector<T>& xs, const Roles& r) {
    return {xs[r.query], xs[r.value], r.key ? xs[*r.key] : xs[r.value]};
  }
  /// Remembers the input shapes for build_config.
  void record_shapes(const std::vector<Shape>& shapes, const Roles& r);
  /// Makes the built projections this layer's tracked sublayers, in Keras's order.
  void track_projections();
  /// "Layer "name" (Kind)" for messages.
  std::string who() const;

  std::shared_ptr<EinsumDense> query_dense_, key_dense_, value_dense_, gate_dense_, output_dense_;
  std::shared_ptr<Dropout> dropout_layer_;

 private:
  std::string kind_, attribute_prefix_;
  Shape query_shape_, value_shape_;
  std::optional<Shape> key_shape_;
};

}  // namespace keras::layers

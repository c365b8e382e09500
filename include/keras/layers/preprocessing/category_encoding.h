// keras.layers.CategoryEncoding (keras/src/layers/preprocessing/category_encoding.py):
// encodes integer features (token ids in [0, num_tokens)) as dense vectors of num_tokens:
//   "one_hot"    each value -> a vector with a 1 at its index, along a new last axis (a
//                last axis of size 1 is replaced; a rank-1 input (batch,) gives (batch, N));
//   "multi_hot"  each sample -> a 1 at every index present in it;
//   "count"      each sample -> how often each index occurs in it, or the sum of the
//                call's `count_weights` at those positions.
// "multi_hot" and "count" reduce the sample axis, as Keras's backends do: axis 0 of a
// rank-1 input, axis 1 otherwise ((batch, length) -> (batch, N)). Keras's
// compute_output_shape instead drops the last axis for rank >= 3 inputs, which its own
// call does not match; we follow the call, for the shapes and the numbers.
// The inputs hold integers (int32, int64, uint8, or floats with integral values); a value
// outside [0, num_tokens) is a ValueError naming the layer, num_tokens and the value.
// No weights; the outputs are not differentiable (float, the layer's dtype).
//
// Args: num_tokens (>= 1); output_mode ("multi_hot"; or "one_hot", "count", and Keras's
//   old spelling "binary" for "multi_hot"); sparse (false; sparse outputs are not
//   supported: true is a ValueError).
// Call: inputs; count_weights (optional, "count" only: a float tensor of the inputs' shape).
//
//   layers::CategoryEncoding(4, {.output_mode = "one_hot"})(ids);         // (B,) -> (B, 4)
//   layers::CategoryEncoding enc(4, {.output_mode = "count"});  enc(ids, weights);
#pragma once

#include "keras/layers/call_kwargs.h"
#include "keras/layers/layer.h"
#include "keras/layers/options.h"

namespace keras::layers {

struct CategoryEncodingOptions {
  std::string output_mode = "multi_hot";
  bool sparse = false;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  // Keras 3.15 (the reference cases' version) writes no "sparse"; it is read when present.
  static constexpr auto fields() { return std::tuple{field("output_mode", &CategoryEncodingOptions::output_mode)}; }
};

class CategoryEncoding : public Concrete<CategoryEncoding>, public KwargsLayer {
 public:
  using Options = CategoryEncodingOptions;
  explicit CategoryEncoding(int64_t num_tokens, CategoryEncodingOptions options = {});

  using Layer::operator();
  /// The "count" call with per-value weights: layer(inputs, count_weights=w), eager.
  Tensor operator()(const Tensor& inputs, const Tensor& count_weights);
  /// The same on symbolic tensors (Functional API); the layer must be shared.
  KerasTensors operator()(const KerasTensor& inputs, const KerasTensor& count_weights);

  void build(const std::vector<Shape>& input_shapes) override;
  TensorList call(const TensorList& inputs, const CallContext& ctx) override;
  std::vector<Shape> compute_output_shape(const std::vector<Shape>& input_shapes) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  /// name, trainable, dtype, num_tokens, output_mode (Keras 3.15's keys and order).
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  void check_call_kwargs(const CallKwargs& kw) const override;
  std::optional<Config> build_config() const override;

  int64_t num_tokens() const { return num_tokens_; }
  const CategoryEncodingOptions& options() const { return options_; }

 private:
  int64_t num_tokens_;
  CategoryEncodingOptions options_;
};

}  // namespace keras::layers

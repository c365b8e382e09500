// keras.layers.Concatenate: joins its inputs along `axis` (default -1); all other
// dimensions must match.
//   auto y = layers::Concatenate()({a, b});   layers::Concatenate(1)({a, b});
#pragma once

#include "keras/layers/merging/base_merge.h"

namespace keras::layers {

class Concatenate : public Concrete<Concatenate, Layer> {
 public:
  using Options = MergeOptions;
  explicit Concatenate(int64_t axis = -1, MergeOptions options = {});
  explicit Concatenate(MergeOptions options) : Concatenate(-1, std::move(options)) {}

  void build(const std::vector<Shape>& input_shapes) override;
  TensorList call(const TensorList& inputs, const CallContext& ctx) override;
  std::vector<Shape> compute_output_shape(const std::vector<Shape>& input_shapes) override;
  bool takes_list_input() const override { return true; }
  bool supports_masking() const override { return true; }
  /// Inputs without a mask count as all valid; the masks are joined like the inputs.
  TensorList compute_mask(const TensorList& inputs, const TensorList& masks, size_t num_outputs) override;
  int64_t axis() const { return axis_; }
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);

 private:
  int64_t axis_;
};

}  // namespace keras::layers

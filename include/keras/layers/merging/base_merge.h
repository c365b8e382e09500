// What the elementwise merge layers share (keras/src/layers/merging/base_merge.py): a
// list of inputs, Keras's shape rules (broadcast from the right, batch sizes equal), and
// lower-rank inputs expanded at axis 1 before the merge, as Keras does.
#pragma once

#include "keras/layers/layer.h"

namespace keras::layers {

/// The keyword arguments of every merge layer.
struct MergeOptions {
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() { return std::tuple<>(); }
};

class BaseMerge : public Layer {
 public:
  using Options = MergeOptions;
  void build(const std::vector<Shape>& input_shapes) override;
  TensorList call(const TensorList& inputs, const CallContext& ctx) override;
  std::vector<Shape> compute_output_shape(const std::vector<Shape>& input_shapes) override;
  bool takes_list_input() const override { return true; }
  bool supports_masking() const override { return true; }
  /// A step is valid where every input's mask says so (Keras: ops.all over the masks).
  TensorList compute_mask(const TensorList& inputs, const TensorList& masks, size_t num_outputs) override;

 protected:
  BaseMerge(std::string class_name, const MergeOptions& options);
  /// The merge of inputs that all have the same rank.
  virtual Tensor merge(const TensorList& inputs) = 0;
  /// Smallest number of inputs the layer accepts.
  virtual size_t min_inputs() const { return 1; }
  virtual std::optional<size_t> exact_inputs() const { return std::nullopt; }

 private:
  Shape elementwise_shape(const Shape& a, const Shape& b) const;
};

}  // namespace keras::layers

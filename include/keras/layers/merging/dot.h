// keras.layers.Dot (keras/src/layers/merging/dot.py): the dot product of two batched
// tensors along one axis of each (Keras's batch_dot). The output keeps the first input's
// other axes, then the second's (batch excluded); a result of rank 1 becomes (batch, 1).
// With normalize, both inputs are L2-normalized along their axes first, so the output
// is their cosine similarity.
//
// Args: axes: one axis for both inputs, or a pair {axis of the first, axis of the
//   second}; negative axes count from the end; never the batch axis 0.
//   normalize (false).
// Input shape: a list of two tensors of rank >= 2 whose chosen axes have the same size.
// Output shape: x's shape without axes[0], then y's shape without the batch and axes[1].
//
//   layers::Dot(1)({a, b});            // (batch, 5), (batch, 5) -> (batch, 1)
//   layers::Dot({2, 2})({a, b});       // (batch, 3, 4), (batch, 5, 4) -> (batch, 3, 5)
//   layers::Dot(-1, {.normalize = true})({a, b});
#pragma once

#include <array>
#include <initializer_list>

#include "keras/layers/layer.h"

namespace keras::layers {

/// Dot's `axes`: one int for both inputs, or a pair (Keras writes it back the same way).
struct DotAxes {
  std::array<int64_t, 2> values{};
  bool is_pair = false;

  DotAxes(int64_t axis) : values{axis, axis} {}  // NOLINT: implicit, like Keras's int-or-tuple
  DotAxes(std::initializer_list<int64_t> pair);
  int64_t operator[](size_t i) const { return values[i]; }
};

struct DotOptions {
  bool normalize = false;
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() { return std::tuple{field("normalize", &DotOptions::normalize)}; }
};

class Dot : public Concrete<Dot> {
 public:
  using Options = DotOptions;
  explicit Dot(DotAxes axes, DotOptions options = {});

  void build(const std::vector<Shape>& input_shapes) override;
  TensorList call(const TensorList& inputs, const CallContext& ctx) override;
  std::vector<Shape> compute_output_shape(const std::vector<Shape>& input_shapes) override;
  bool takes_list_input() const override { return true; }
  bool supports_masking() const override { return true; }
  /// No mask goes on (Keras: compute_mask returns None).
  TensorList compute_mask(const TensorList&, const TensorList&, size_t) override { return {}; }
  /// axes (an int or a list of two), normalize.
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const DotAxes& axes() const { return axes_; }
  bool normalize() const { return options_.normalize; }

 private:
  /// The two axes for inputs of these ranks (negative ones resolved), checked.
  std::array<int64_t, 2> resolve_axes(const std::vector<Shape>& shapes) const;

  DotAxes axes_;
  DotOptions options_;
};

}  // namespace keras::layers

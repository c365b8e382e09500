// keras.layers.Normalization (keras/src/layers/preprocessing/normalization.py): shifts and
// scales inputs by a mean and variance kept per position of the `axis` axes:
//   y = (x - mean) / max(sqrt(variance), 1e-7)        (invert: y = mean + x * max(sqrt(variance), 1e-7))
// mean and variance are either given (they live in the config; no weights), or learned by
// adapt(data): reduced over every axis not in `axis` (the batch included), and then held
// in the weights mean, variance and count, which Keras saves.
//
// Args: axis (-1; an int, a list, or an empty list for one mean over everything, Keras's
//   None; the kept axes); mean, variance (a number or an array broadcast to the kept axes,
//   from the right; both or neither); invert (false).
// Weights (adapted form only), in Keras's order: mean and variance, of the kept axes'
//   sizes (non-trainable); count (shape (), int32, kept for old files; Keras leaves it 0).
// Input: any shape with known sizes on the kept axes. Output: the same shape, float.
//
//   layers::Normalization norm;  norm.adapt(data);                  // per last-axis feature
//   layers::Normalization({.mean = {0.5, 1.0}, .variance = {4.0, 1.0}});
//   layers::Normalization({.axis = {1, 3}});                          // per (row, channel)
#pragma once

#include "keras/layers/layer.h"
#include "keras/layers/options.h"

namespace keras::layers {

struct NormalizationOptions {
  Axes axis = -1;
  FloatArray mean{};  // None
  FloatArray variance{};
  bool invert = false;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = NormalizationOptions;
    return std::tuple{field("axis", &O::axis), field("invert", &O::invert), field("mean", &O::mean),
                      field("variance", &O::variance)};
  }
};

class Normalization : public Concrete<Normalization> {
 public:
  using Options = NormalizationOptions;
  explicit Normalization(NormalizationOptions options = {});
  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override { return input_shape; }
  bool supports_masking() const override { return true; }
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);

  /// Learns mean and variance from `data` (its first axis the batch), as NumPy's mean and
  /// var over the reduced axes. Builds the layer on data.shape() if it is not built.
  void adapt(const Tensor& data);
  /// The same from batches that may differ in size (Keras's adapt on a dataset): the
  /// statistics of all of them together, merged batch by batch as Keras merges them.
  void adapt(const TensorList& batches);

  /// The statistics in use, shaped to broadcast against the input (undefined before build).
  Tensor mean() const;
  Tensor variance() const;
  const NormalizationOptions& options() const { return o_; }

 private:
  void check_adapt_shape(const Shape& shape) const;
  void set_statistics(const Tensor& mean, const Tensor& variance);

  NormalizationOptions o_;
  Shape build_shape_;                   // the shape the layer was built with
  std::vector<int64_t> keep_, reduce_;  // non-negative axes, sorted
  Shape broadcast_shape_;               // input rank, 1 on reduced axes
  Tensor mean_, variance_;              // given statistics, in broadcast_shape_
  Variable adapt_mean_, adapt_variance_, count_;
};

}  // namespace keras::layers

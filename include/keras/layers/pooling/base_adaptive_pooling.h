// What AdaptiveAveragePooling1D/2D/3D and AdaptiveMaxPooling1D/2D/3D share
// (keras/src/layers/pooling/base_adaptive_pooling.py): pooling to a fixed output size,
// whatever the input's size. Along an axis of length `in` pooled to `out`, output cell i
// covers input cells [floor(i * in / out), ceil((i + 1) * in / out)), as in Keras (and
// PyTorch): windows of ceil(in / out) or one more cell, overlapping where `in` is not a
// multiple of `out`.
//
// Args: output_size (an int for every spatial axis, or one per axis; positive);
//   data_format ("channels_last" | "channels_first").
// Input shape: (batch, *spatial, channels), or (batch, channels, *spatial) channels-first.
// Output shape: (batch, *output_size, channels), or (batch, channels, *output_size).
#pragma once

#include "keras/layers/layer.h"
#include "keras/layers/options.h"

namespace keras::layers {

/// The keyword arguments of the adaptive pooling layers (after output_size).
struct AdaptivePoolingOptions {
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() { return std::tuple{field("data_format", &AdaptivePoolingOptions::data_format)}; }
};

class BaseAdaptivePooling : public Layer {
 public:
  using Options = AdaptivePoolingOptions;
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  /// output_size (a list), then data_format.
  Config get_config() const override;
  const std::vector<int64_t>& output_size() const { return output_size_; }
  const std::string& data_format() const { return options_.data_format; }
  bool is_max() const { return max_; }

 protected:
  BaseAdaptivePooling(std::string class_name, bool max, std::vector<int64_t> output_size,
                      AdaptivePoolingOptions options);
  template <class Leaf, size_t N>
  static std::shared_ptr<Layer> from_config_of(const Config& config);

 private:
  /// Pools `axis` of a channels-last tensor from its length to `out`.
  Tensor pool_axis(const Tensor& x, int64_t axis, int64_t out) const;

  bool max_;
  std::vector<int64_t> output_size_;
  AdaptivePoolingOptions options_;
};

/// The leaves: class AdaptiveMaxPooling2D : public AdaptivePoolingLayer<AdaptiveMaxPooling2D, 2, true>.
template <class Derived, size_t N, bool kMax>
class AdaptivePoolingLayer : public Concrete<Derived, BaseAdaptivePooling> {
 public:
  explicit AdaptivePoolingLayer(SizeN<N> output_size, AdaptivePoolingOptions options = {})
      : Concrete<Derived, BaseAdaptivePooling>(Derived::kClassName, kMax, output_size.vec(), std::move(options)) {}
  static std::shared_ptr<Layer> from_config(const Config& c) {
    return BaseAdaptivePooling::from_config_of<Derived, N>(c);
  }
};

}  // namespace keras::layers

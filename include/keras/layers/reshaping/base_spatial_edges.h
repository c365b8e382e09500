// What ZeroPadding1D/2D/3D and Cropping1D/2D/3D share: a (before, after) count per
// spatial axis, added as zeros or cut off (keras/src/layers/reshaping/zero_padding*.py,
// cropping*.py). The leaves are one line each (zero_padding2d.h, cropping2d.h, ...).
#pragma once

#include <array>
#include <type_traits>

#include "keras/layers/layer.h"
#include "keras/layers/options.h"

namespace keras::layers {

/// The keyword arguments after padding / cropping: data_format, then the common ones.
struct SpatialEdgesOptions {
  std::string data_format = "channels_last";  // or "channels_first"
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() { return std::tuple{field("data_format", &SpatialEdgesOptions::data_format)}; }
};

/// Pads with zeros (ZeroPadding) or crops (Cropping) the spatial axes of
/// (batch, *spatial, channels), or of (batch, channels, *spatial) with channels_first.
class BaseSpatialEdges : public Layer {
 public:
  using Sides = std::vector<std::array<int64_t, 2>>;

  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  /// padding / cropping as written by Keras, then data_format (not for Cropping1D).
  Config get_config() const override;
  const Sides& sides() const { return sides_; }
  bool pads() const { return pad_; }

 protected:
  /// `data_format` empty: the layer has none (Cropping1D, channels last).
  BaseSpatialEdges(std::string class_name, bool pad, Sides sides, std::string data_format, const LayerArgs& args);

 private:
  bool channels_first() const { return data_format_ == "channels_first"; }
  bool pad_;
  Sides sides_;
  std::string data_format_;
};

/// The leaves: class ZeroPadding2D : public SpatialEdgesLayer<ZeroPadding2D, 2, true>.
/// Options: SpatialEdgesOptions, except Cropping1D (only the common arguments, as Keras).
template <class Derived, size_t N, bool kPad>
class SpatialEdgesLayer : public Concrete<Derived, BaseSpatialEdges> {
 public:
  using Options = std::conditional_t<kPad || N != 1, SpatialEdgesOptions, LayerArgs>;

  explicit SpatialEdgesLayer(SidesN<N> sides = Derived::default_sides(), Options options = {})
      : Concrete<Derived, BaseSpatialEdges>(Derived::kClassName, kPad, {sides.values.begin(), sides.values.end()},
                                            data_format_of(options), layer_args_of(options)) {}
  explicit SpatialEdgesLayer(Options options) : SpatialEdgesLayer(Derived::default_sides(), std::move(options)) {}

  /// The sides under "padding" / "cropping" (the leaf's default when absent), then the
  /// options. Defined for the six leaves in base_spatial_edges.cpp.
  static std::shared_ptr<Layer> from_config(const Config& config);

 private:
  static std::string data_format_of(const Options& o) {
    if constexpr (std::is_same_v<Options, LayerArgs>) return "";
    else return o.data_format;
  }
};

}  // namespace keras::layers

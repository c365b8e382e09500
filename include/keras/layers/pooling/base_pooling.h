// What MaxPooling1D/2D/3D and AveragePooling1D/2D/3D share
// (keras/src/layers/pooling/base_pooling.py).
#pragma once

#include "keras/layers/layer.h"
#include "keras/layers/options.h"

namespace keras::layers {

struct PoolingConfig {
  int rank = 2;
  bool max = true;  // max or average
  std::vector<int64_t> pool_size, strides;  // strides empty: = pool_size
  std::string padding = "valid";
  std::string data_format = "channels_last";
};

/// The keyword arguments of the max and average pooling layers of rank N.
template <size_t N>
struct PoolingOptions {
  SizeN<N> strides = 0;  // 0: the same as pool_size (Keras's None)
  std::string padding = "valid";
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    return std::tuple{field("padding", &PoolingOptions::padding), field("strides", &PoolingOptions::strides),
                      field("data_format", &PoolingOptions::data_format)};
  }
};

template <size_t N>
PoolingConfig pooling_config(bool max, const SizeN<N>& pool_size, const PoolingOptions<N>& o) {
  return PoolingConfig{.rank = static_cast<int>(N),
                       .max = max,
                       .pool_size = pool_size.vec(),
                       .strides = o.strides[0] == 0 ? std::vector<int64_t>{} : o.strides.vec(),
                       .padding = o.padding,
                       .data_format = o.data_format};
}

/// The from_config of the pooling leaves: pool_size (default 2), then PoolingOptions<N>.
template <class Leaf, size_t N>
std::shared_ptr<Layer> pooling_from_config(const Config& config);

class BasePooling : public Layer {
 public:
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  const PoolingConfig& config() const { return config_; }
  /// pool_size, padding, strides (resolved: pool_size when None) and data_format.
  Config get_config() const override;

 protected:
  BasePooling(std::string class_name, PoolingConfig config, const LayerArgs& args);

 private:
  PoolingConfig config_;
};

/// The leaves: class MaxPooling2D : public PoolingLayer<MaxPooling2D, 2, true>.
template <class Derived, size_t N, bool kMax>
class PoolingLayer : public Concrete<Derived, BasePooling> {
 public:
  using Options = PoolingOptions<N>;
  explicit PoolingLayer(SizeN<N> pool_size = 2, Options options = {})
      : Concrete<Derived, BasePooling>(Derived::kClassName, pooling_config(kMax, pool_size, options),
                                       layer_args_of(options)) {}
  explicit PoolingLayer(Options options) : PoolingLayer(2, std::move(options)) {}
  static std::shared_ptr<Layer> from_config(const Config& c) { return pooling_from_config<Derived, N>(c); }
};

}  // namespace keras::layers

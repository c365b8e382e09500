// keras.layers.UpSampling3D (keras/src/layers/reshaping/up_sampling3d.py): repeats the
// three spatial axes size[0], size[1] and size[2] times.
//
// Args: size (2, 2, 2): an int or {dim1, dim2, dim3}; data_format ("channels_last" only).
// Input shape: (batch, dim1, dim2, dim3, channels).
// Output shape: (batch, dim1 * size[0], dim2 * size[1], dim3 * size[2], channels).
//
//   layers::UpSampling3D();  layers::UpSampling3D({1, 2, 2});
#pragma once

#include "keras/layers/layer.h"
#include "keras/layers/options.h"

namespace keras::layers {

/// UpSampling3D's keyword arguments after `size`.
struct UpSampling3DOptions {
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() { return std::tuple{field("data_format", &UpSampling3DOptions::data_format)}; }
};

class UpSampling3D : public Concrete<UpSampling3D> {
 public:
  using Options = UpSampling3DOptions;
  explicit UpSampling3D(Size3 size = 2, UpSampling3DOptions options = {});
  explicit UpSampling3D(UpSampling3DOptions options) : UpSampling3D(2, std::move(options)) {}
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const Size3& size() const { return size_; }
  const UpSampling3DOptions& options() const { return options_; }

 private:
  Size3 size_;
  UpSampling3DOptions options_;
};

}  // namespace keras::layers

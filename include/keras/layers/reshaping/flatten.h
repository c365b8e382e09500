// keras.layers.Flatten: (batch, d1, d2, ...) -> (batch, d1 * d2 * ...).
#pragma once

#include "keras/layers/layer.h"

namespace keras::layers {

struct FlattenOptions {
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() { return std::tuple{field("data_format", &FlattenOptions::data_format)}; }
};

class Flatten : public Concrete<Flatten> {
 public:
  explicit Flatten(FlattenOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  using Options = FlattenOptions;
  Config get_config() const override;

 private:
  FlattenOptions options_;
};

}  // namespace keras::layers

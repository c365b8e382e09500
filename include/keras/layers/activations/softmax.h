// keras.layers.Softmax: softmax along `axis` (default -1).
//   layers::Softmax();  layers::Softmax({.axis = 1});
#pragma once

#include "keras/layers/fields.h"
#include "keras/layers/layer.h"

namespace keras::layers {

struct SoftmaxOptions {
  int64_t axis = -1;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    return std::tuple{field_as<SingleAxis>("axis", &SoftmaxOptions::axis)};
  }
};

class Softmax : public Concrete<Softmax> {
 public:
  using Options = SoftmaxOptions;
  explicit Softmax(SoftmaxOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  bool supports_masking() const override { return true; }
  Config get_config() const override;
  int64_t axis() const { return o_.axis; }

 private:
  SoftmaxOptions o_;
};

}  // namespace keras::layers

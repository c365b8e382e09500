// keras.layers.PReLU: x if x >= 0, alpha * x otherwise, with a learned alpha per
// element of the input (shared along `shared_axes`, 1-based like Keras).
//   layers::PReLU();  layers::PReLU({.shared_axes = {1, 2}});   // one alpha per channel
#pragma once

#include "keras/layers/fields.h"
#include "keras/layers/layer.h"

namespace keras::layers {

struct PReLUOptions {
  initializers::Initializer alpha_initializer = "zeros";
  regularizers::Regularizer alpha_regularizer{};
  constraints::Constraint alpha_constraint{};
  std::vector<int64_t> shared_axes{};
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = PReLUOptions;
    return std::tuple{field("alpha_initializer", &O::alpha_initializer), field("alpha_regularizer", &O::alpha_regularizer),
                      field("alpha_constraint", &O::alpha_constraint), field("shared_axes", &O::shared_axes)};
  }
};

class PReLU : public Concrete<PReLU> {
 public:
  using Options = PReLUOptions;
  explicit PReLU(PReLUOptions options = {});
  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  bool supports_masking() const override { return true; }
  Config get_config() const override;
  const PReLUOptions& options() const { return o_; }

 private:
  PReLUOptions o_;
  Variable alpha_;
};

}  // namespace keras::layers

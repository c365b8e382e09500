// keras.layers.Lambda: wraps a C++ function of keras::ops, so it trains like any layer.
// The output shape is inferred by running the function on a small zero batch unless
// `output_shape` (without the batch dim) is given. To save and load a model with a
// Lambda, register the function under the layer's `function_name` with
// saving::register_function: files never carry code.
//
//   layers::Lambda([](const Tensor& x) { return ops::multiply(x, ops::sigmoid(x)); },
//                  {.function_name = "swish_gate"});
#pragma once

#include <functional>

#include "keras/layers/layer.h"

namespace keras::layers {

struct LambdaOptions {
  std::optional<Shape> output_shape{};
  std::string function_name{};  // the name it is saved and loaded under
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() { return std::tuple<>(); }  // function and output_shape: see Lambda::get_config
};

class Lambda : public Concrete<Lambda> {
 public:
  using Fn = std::function<Tensor(const Tensor&)>;
  explicit Lambda(Fn function, LambdaOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const LambdaOptions& options() const { return o_; }

 private:
  Fn fn_;
  LambdaOptions o_;
};

}  // namespace keras::layers

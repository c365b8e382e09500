// The model's entry point (keras.layers.InputLayer) and keras::Input(), which makes one
// and returns its symbolic output.
//
//   auto x = keras::Input({28, 28, 1});
//   keras::Sequential model({x, layers::Flatten(), layers::Dense(10)});
#pragma once

#include "keras/layers/keras_tensor.h"
#include "keras/layers/layer.h"

namespace keras::layers {

struct InputLayerOptions {
  std::optional<Shape> shape{};        // without the batch dim
  std::optional<int64_t> batch_size{};
  std::optional<Shape> batch_shape{};  // with the batch dim; alternative to shape/batch_size
  DType dtype = DType::float32;
  std::string name{};
};

class InputLayer : public Concrete<InputLayer> {
 public:
  explicit InputLayer(InputLayerOptions options);
  /// Shape with the batch dim (kNone unless batch_size was given).
  const Shape& batch_shape() const { return batch_shape_; }
  DType input_dtype() const { return input_dtype_; }
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  /// The symbolic tensor this layer outputs.
  KerasTensor output() ;

 private:
  Shape batch_shape_;
  DType input_dtype_;
  std::shared_ptr<Node> own_node_;  // Keras's InputLayer owns one node with no inputs (node 0)
};

}  // namespace keras::layers

namespace keras {
struct InputOptions {
  std::optional<int64_t> batch_size{};
  DType dtype = DType::float32;
  std::string name{};
};
/// keras.Input(shape): a symbolic input of `shape` (without the batch dim).
layers::KerasTensor Input(const Shape& shape, InputOptions options = {});
}  // namespace keras

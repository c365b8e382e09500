// keras.Sequential: a plain stack of layers, each with one input and one output.
//
//   keras::Sequential model({
//       layers::Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = Shape{28, 28, 1}}),
//       layers::MaxPooling2D(),
//       layers::Flatten(),
//       layers::Dense(128, "relu"),
//       layers::Dense(10, "softmax"),
//   });
//
// The input shape comes from a leading keras::Input / InputLayer or from the first
// layer's input_shape; without either the model is built by its first batch. Once the
// shape is known the stack becomes a functional graph (as in Keras 3), so everything a
// Model does, a Sequential does the same way.
#pragma once

#include "keras/layers/core/input_layer.h"
#include "keras/models/model.h"

namespace keras::models {

class Sequential : public layers::Concrete<Sequential, Model> {
 public:
  Sequential(std::initializer_list<layers::LayerHandle> layers = {}, std::string name = "");
  explicit Sequential(const std::vector<layers::LayerHandle>& layers, std::string name = "");

  /// Appends a layer (or a keras::Input to set the input shape).
  void add(layers::LayerHandle layer);
  void add(const layers::KerasTensor& input);
  /// Removes the last layer.
  void pop();
  /// Builds the model for inputs of `input_shape` (batch dim included, kNone allowed).
  void build(const Shape& input_shape) override;

  /// The added layers, without the InputLayer (as Keras's sequential.layers).
  std::vector<std::shared_ptr<layers::Layer>> layers() const override { return layers_; }
  /// Input shape with the batch dim, once known.
  std::optional<Shape> input_shape() const;
  /// Each layer's output shape, once built.
  std::vector<Shape> layer_output_shapes() const;
  std::shared_ptr<layers::InputLayer> input_layer() const { return input_layer_; }

 protected:
  TensorList standardize_inputs(const TensorList& x) override;
  bool summary_is_sequential() const override { return true; }
  Config get_config() const override;

 private:
  void maybe_build();

  std::shared_ptr<layers::InputLayer> input_layer_;
  std::vector<std::shared_ptr<layers::Layer>> layers_;
};

}  // namespace keras::models

namespace keras {
using models::Sequential;
}  // namespace keras

// The two layers keras.applications defines for itself and saves into model files, under
// the class names, modules and registered names Keras writes:
//   CustomScaleLayer  (keras/src/applications/inception_resnet_v2.py): inputs[0] + inputs[1] * scale,
//                     InceptionResNetV2's scaled residual.
//   LayerScale        (keras/src/applications/convnext.py): x * gamma, a trainable per-channel
//                     scale of shape (projection_dim,) starting at init_values (ConvNeXt); its
//                     weight, unnamed in Keras, is saved as "variable".
//
//   auto y = applications::CustomScaleLayer(0.17)({shortcut, branch});
//   auto z = applications::LayerScale(1e-6, 96)(x);
#pragma once

#include "keras/layers/layer.h"

namespace keras::applications {

class CustomScaleLayer : public layers::Concrete<CustomScaleLayer> {
 public:
  explicit CustomScaleLayer(double scale, layers::LayerArgs options = {});
  void build(const std::vector<Shape>&) override {}  // two inputs, no weights
  TensorList call(const TensorList& inputs, const layers::CallContext& ctx) override;
  std::vector<Shape> compute_output_shape(const std::vector<Shape>& input_shapes) override;
  bool takes_list_input() const override { return true; }
  Config get_config() const override;
  static std::shared_ptr<layers::Layer> from_config(const Config& config);
  double scale() const { return scale_; }

 private:
  double scale_;
};

class LayerScale : public layers::Concrete<LayerScale> {
 public:
  LayerScale(double init_values, int64_t projection_dim, layers::LayerArgs options = {});
  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, const layers::CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override { return input_shape; }
  Config get_config() const override;
  static std::shared_ptr<layers::Layer> from_config(const Config& config);
  const Variable& gamma() const { return gamma_; }

 private:
  double init_values_;
  int64_t projection_dim_;
  Variable gamma_;
};

}  // namespace keras::applications

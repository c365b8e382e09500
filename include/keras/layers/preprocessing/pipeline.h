// keras.layers.Pipeline (keras/src/layers/preprocessing/pipeline.py): applies its layers
// in order, each to the previous one's output, passing `training` on. Unlike a
// Sequential it is a plain layer, not a model. Its config is only {"layers": [the
// serialized layers], "name"}, as Keras writes it; the layers' weights are saved under
// layers/<snake_case class>[_n], as Keras saves a list attribute.
//
// One difference: Keras's Pipeline.call defaults to training=True when it is called on
// its own (outside a model); here, as for every layer, training is false unless given.
// Inside fit and predict the two agree.
//
// Args: layers (the layers, applied first to last); name.
// Input shape: what the first layer takes. Output shape: what the last one gives.
//
//   layers::Pipeline aug({layers::RandomFlip(), layers::RandomRotation(0.1)});
//   Tensor y = aug(images, /*training=*/true);
#pragma once

#include <vector>

#include "keras/layers/layer.h"

namespace keras::layers {

struct PipelineOptions {
  std::string name{};
};

class Pipeline : public Concrete<Pipeline> {
 public:
  using Options = PipelineOptions;
  explicit Pipeline(const std::vector<LayerHandle>& layers, PipelineOptions options = {});

  /// Builds each layer not built yet on the shape the previous one gives.
  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  /// {"layers": [...], "name": ...} (Keras's keys and order).
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  std::vector<std::pair<std::string, std::shared_ptr<Layer>>> named_sublayers() const override;
  const std::vector<std::shared_ptr<Layer>>& layers() const { return layers_; }

 private:
  std::vector<std::shared_ptr<Layer>> layers_;
  /// The build_config each layer's entry carried when read from a config (null if none):
  /// Keras writes the shape a layer was first called on, batch size included, where this
  /// library keeps the batch as None; written back unchanged so files round-trip.
  std::vector<Config> read_build_configs_;
};

}  // namespace keras::layers

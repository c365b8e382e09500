// keras.layers.SpectralNormalization (keras/src/layers/normalization/spectral_normalization.py):
// wraps a layer with a `kernel` (Dense, Conv*) or `embeddings` (Embedding) weight and, in
// training, divides that weight by its spectral norm before the layer runs (Miyato et
// al., 2018). The norm sigma comes from `power_iterations` steps of power iteration on the
// kernel W seen as a (-1, units) matrix, started from the saved vector u:
//   v = normalize(u W^T),  u = normalize(v W)   (repeated),  sigma = v W u^T,
// after which u is kept and the kernel is set to W / sigma (unless W is all zeros).
// As in Keras, the kernel variable itself is overwritten, and the layer then runs with it,
// so the gradient with respect to the kernel is the wrapped layer's at W / sigma (the
// TensorFlow and PyTorch backends' behaviour; JAX's also differentiates through sigma).
// At inference the wrapped layer runs with its kernel as stored: u is not used.
//
// Args: layer (the wrapped layer); power_iterations (1; > 0).
// Weights: Keras's layer.weights order: kernel (the wrapped layer's own), vector_u
//   (1, units; truncated normal with stddev 0.02; non-trainable), then the wrapped layer's
//   other weights (bias). Saved: the wrapper's vars hold kernel and vector_u, its `layer`
//   the wrapped layer's.
//
//   layers::SpectralNormalization(layers::Dense(10));
//   layers::SpectralNormalization(layers::Conv2D(32, 3), {.power_iterations = 2});
#pragma once

#include "keras/layers/layer.h"

namespace keras::layers {

struct SpectralNormalizationOptions {
  int64_t power_iterations = 1;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    return std::tuple{field("power_iterations", &SpectralNormalizationOptions::power_iterations)};
  }
};

class SpectralNormalization : public Concrete<SpectralNormalization> {
 public:
  using Options = SpectralNormalizationOptions;
  explicit SpectralNormalization(LayerHandle layer, SpectralNormalizationOptions options = {});
  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  std::vector<std::pair<std::string, std::shared_ptr<Layer>>> named_sublayers() const override {
    return {{"layer", layer_}};
  }
  const std::shared_ptr<Layer>& layer() const { return layer_; }
  const SpectralNormalizationOptions& options() const { return o_; }
  const Variable& vector_u() const { return vector_u_; }
  /// The power iteration from the current u: the new u and the kernel divided by sigma
  /// (no gradient recorded; nothing is assigned).
  std::pair<Tensor, Tensor> normalized_weights() const;

 private:
  std::shared_ptr<Layer> layer_;
  SpectralNormalizationOptions o_;
  Variable kernel_, vector_u_;
};

}  // namespace keras::layers

// keras.layers.SpatialDropout1D/2D/3D (keras/src/layers/regularization/spatial_dropout.py):
// Dropout that drops whole feature maps. In training each (sample, channel) pair is
// zeroed with probability `rate` across every spatial position, and what is kept is
// scaled by 1 / (1 - rate); at inference the layer is the identity. Where neighbouring
// positions are strongly correlated (early convolution layers), dropping single values
// regularizes little; dropping channels does (Tompson et al., 2014).
//
// Args: rate in [0, 1]; data_format (2-D and 3-D: "channels_last" | "channels_first");
//   seed (reproducible masks, a new one drawn on each call as Dropout does).
// Input shape: rank 3 (1-D), 4 (2-D) or 5 (3-D). Output shape: the same.
//
//   layers::SpatialDropout2D(0.2);  layers::SpatialDropout1D(0.5, {.seed = 7});
#pragma once

#include "keras/layers/layer.h"
#include "keras/random/random.h"

namespace keras::layers {

/// SpatialDropout1D's keyword arguments after `rate` (it has no data_format).
struct SpatialDropout1DOptions {
  std::optional<uint64_t> seed{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() { return std::tuple{field("seed", &SpatialDropout1DOptions::seed)}; }
};

/// SpatialDropout2D's and SpatialDropout3D's keyword arguments after `rate`.
struct SpatialDropoutOptions {
  std::string data_format = "channels_last";
  std::optional<uint64_t> seed{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    return std::tuple{field("data_format", &SpatialDropoutOptions::data_format),
                      field("seed", &SpatialDropoutOptions::seed)};
  }
};

class BaseSpatialDropout : public Layer {
 public:
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override { return input_shape; }
  bool supports_masking() const override { return true; }
  /// Keras's keys, in its order: rate, seed, name, dtype (a plain string), and
  /// data_format for 2-D and 3-D (no "trainable": Keras writes none).
  Config get_config() const override;
  double rate() const { return rate_; }
  int rank() const { return rank_; }
  const std::string& data_format() const { return data_format_; }
  std::optional<uint64_t> seed() const { return seed_; }

 protected:
  BaseSpatialDropout(std::string class_name, int rank, double rate, std::string data_format,
                     std::optional<uint64_t> seed, const LayerArgs& args);

 private:
  int rank_;
  double rate_;
  std::string data_format_;
  std::optional<uint64_t> seed_;
  random::SeedGenerator seeds_;
};

class SpatialDropout1D : public Concrete<SpatialDropout1D, BaseSpatialDropout> {
 public:
  using Options = SpatialDropout1DOptions;
  explicit SpatialDropout1D(double rate, SpatialDropout1DOptions options = {});
  static std::shared_ptr<Layer> from_config(const Config& config);
};

class SpatialDropout2D : public Concrete<SpatialDropout2D, BaseSpatialDropout> {
 public:
  using Options = SpatialDropoutOptions;
  explicit SpatialDropout2D(double rate, SpatialDropoutOptions options = {});
  static std::shared_ptr<Layer> from_config(const Config& config);
};

class SpatialDropout3D : public Concrete<SpatialDropout3D, BaseSpatialDropout> {
 public:
  using Options = SpatialDropoutOptions;
  explicit SpatialDropout3D(double rate, SpatialDropoutOptions options = {});
  static std::shared_ptr<Layer> from_config(const Config& config);
};

}  // namespace keras::layers

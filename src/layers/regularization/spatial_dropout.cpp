#include "keras/layers/regularization/spatial_dropout.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "keras/ops/nn.h"

namespace keras::layers {

using keras::detail::cat;

BaseSpatialDropout::BaseSpatialDropout(std::string class_name, int rank, double rate, std::string data_format,
                                       std::optional<uint64_t> seed, const LayerArgs& args)
    : Layer(std::move(class_name), args),
      rank_(rank),
      rate_(rate),
      data_format_(std::move(data_format)),
      seed_(seed),
      seeds_(seed) {
  if (!(rate >= 0.0 && rate <= 1.0))
    fail(cat("Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate=",
             rate));
  if (data_format_ != "channels_last" && data_format_ != "channels_first")
    fail(
        cat("The `data_format` argument must be one of {\"channels_first\", \"channels_last\"}. Received: "
            "data_format=",
            data_format_));
  input_spec_.ndim = rank + 2;
}

Tensor BaseSpatialDropout::call(const Tensor& x, const CallContext& ctx) {
  if (!ctx.training || rate_ == 0.0) return x;
  if (rate_ >= 1.0) return ops::multiply(x, ops::zeros_like(x));
  // One draw per (sample, channel), broadcast over the spatial axes (kNone: the input's size).
  Shape noise(std::vector<int64_t>(static_cast<size_t>(rank_) + 2, 1));
  noise[0] = kNone;
  noise[data_format_ == "channels_first" ? 1 : static_cast<size_t>(rank_) + 1] = kNone;
  return ops::dropout(x, rate_, noise, seeds_.next());
}

Config BaseSpatialDropout::get_config() const {
  Config c = Config::object();
  c["rate"] = rate_;
  c["seed"] = seed_ ? Config(*seed_) : Config(nullptr);
  c["name"] = name();
  c["dtype"] = dtype_policy().name();
  if (rank_ > 1) c["data_format"] = data_format_;
  return c;
}

SpatialDropout1D::SpatialDropout1D(double rate, SpatialDropout1DOptions o)
    : Concrete("SpatialDropout1D", 1, rate, "channels_last", o.seed, layer_args_of(o)) {}

SpatialDropout2D::SpatialDropout2D(double rate, SpatialDropoutOptions o)
    : Concrete("SpatialDropout2D", 2, rate, o.data_format, o.seed, layer_args_of(o)) {}

SpatialDropout3D::SpatialDropout3D(double rate, SpatialDropoutOptions o)
    : Concrete("SpatialDropout3D", 3, rate, o.data_format, o.seed, layer_args_of(o)) {}

std::shared_ptr<Layer> SpatialDropout1D::from_config(const Config& config) {
  return ConfigReader(config).make<SpatialDropout1D, double>("rate");
}
std::shared_ptr<Layer> SpatialDropout2D::from_config(const Config& config) {
  return ConfigReader(config).make<SpatialDropout2D, double>("rate");
}
std::shared_ptr<Layer> SpatialDropout3D::from_config(const Config& config) {
  return ConfigReader(config).make<SpatialDropout3D, double>("rate");
}

}  // namespace keras::layers

#include "keras/layers/reshaping/reshape.h"
#include "keras/layers/layer_config.h"

#include "keras/ops/core.h"

namespace keras::layers {

using keras::detail::cat;

namespace {
std::string text(const std::vector<int64_t>& v) {
  std::string s = "(";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + (v.size() == 1 ? ",)" : ")");
}
}  // namespace

Reshape::Reshape(std::vector<int64_t> target_shape, ReshapeOptions o)
    : Concrete("Reshape", layer_args_of(o)), target_(std::move(target_shape)) {
  int unknown = 0;
  for (int64_t d : target_) {
    if (d == -1) ++unknown;
    else if (d <= 0) fail(cat("Invalid value in target_shape ", text(target_), ": dimensions must be positive or -1"));
  }
  if (unknown > 1) fail(cat("There must be at most one unknown dimension (-1) in target_shape, got ", text(target_)));
}

Shape Reshape::compute_output_shape(const Shape& s) {
  Shape out{s[0]};
  int64_t known = 1, unknown_at = -1;
  for (size_t i = 0; i < target_.size(); ++i) {
    if (target_[i] == -1) unknown_at = static_cast<int64_t>(i);
    else known *= target_[i];
    out.push_back(target_[i]);
  }
  bool defined = true;
  int64_t total = 1;
  for (int64_t i = 1; i < s.rank(); ++i) {
    if (s[static_cast<size_t>(i)] == kNone) defined = false;
    else total *= s[static_cast<size_t>(i)];
  }
  if (!defined) {
    if (unknown_at >= 0) out[static_cast<size_t>(unknown_at + 1)] = kNone;
    return out;
  }
  if (unknown_at >= 0) {
    if (known == 0 || total % known != 0)
      fail(cat("The total size of the tensor must be unchanged. Received: input_shape=", s.to_string(),
               ", target_shape=", text(target_)));
    out[static_cast<size_t>(unknown_at + 1)] = total / known;
  } else if (known != total) {
    fail(cat("The total size of the tensor must be unchanged. Received: input_shape=", s.to_string(), ", target_shape=",
             text(target_)));
  }
  return out;
}

Tensor Reshape::call(const Tensor& x, const CallContext&) {
  Shape s = compute_output_shape(x.shape());
  return ops::reshape(x, s);
}

Config Reshape::get_config() const { return config_with(*this, "target_shape", target_); }

std::shared_ptr<Layer> Reshape::from_config(const Config& config) {
  const ConfigReader r(config);
  return r.make<Reshape, std::vector<int64_t>>("target_shape");
}

}  // namespace keras::layers

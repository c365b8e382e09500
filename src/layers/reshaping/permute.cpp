#include "keras/layers/reshaping/permute.h"
#include "keras/layers/layer_config.h"

#include <algorithm>

#include "keras/ops/core.h"

namespace keras::layers {

using keras::detail::cat;

Permute::Permute(std::vector<int64_t> dims, PermuteOptions o)
    : Concrete("Permute", layer_args_of(o)), dims_(std::move(dims)) {
  std::vector<int64_t> sorted = dims_;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i)
    if (sorted[i] != static_cast<int64_t>(i + 1))
      fail(cat("Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` must be consecutive "
               "and start from 1. Received dims=", Shape(dims_).to_string()));
  input_spec_.ndim = static_cast<int64_t>(dims_.size()) + 1;
}

Shape Permute::compute_output_shape(const Shape& s) {
  Shape out{s[0]};
  for (int64_t d : dims_) out.push_back(s[static_cast<size_t>(d)]);
  return out;
}

Tensor Permute::call(const Tensor& x, const CallContext&) {
  std::vector<int64_t> perm{0};
  perm.insert(perm.end(), dims_.begin(), dims_.end());
  return ops::transpose(x, perm);
}

Config Permute::get_config() const { return config_with(*this, "dims", dims_); }

std::shared_ptr<Layer> Permute::from_config(const Config& config) {
  const ConfigReader r(config);
  return r.make<Permute, std::vector<int64_t>>("dims");
}

}  // namespace keras::layers

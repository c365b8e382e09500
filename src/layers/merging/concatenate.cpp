#include "keras/layers/merging/concatenate.h"
#include "keras/layers/layer_config.h"

#include "keras/ops/math.h"

#include "keras/ops/core.h"

namespace keras::layers {

using keras::detail::cat;

Concatenate::Concatenate(int64_t axis, MergeOptions o)
    : Concrete("Concatenate", layer_args_of(o)),
      axis_(axis) {}

void Concatenate::build(const std::vector<Shape>& shapes) { compute_output_shape(shapes); }

std::vector<Shape> Concatenate::compute_output_shape(const std::vector<Shape>& shapes) {
  std::string all = "[";
  for (size_t i = 0; i < shapes.size(); ++i) all += (i ? ", " : "") + shapes[i].to_string();
  all += "]";
  if (shapes.empty())
    throw ValueError(cat("A `Concatenate` layer should be called on a list of at least 1 input. Received: input_shape=",
                         all, " (layer \"", name(), "\")"));
  const int64_t rank = shapes[0].rank();
  const int64_t axis = axis_ < 0 ? axis_ + rank : axis_;
  Shape out = shapes[0];
  bool ok = axis >= 0 && axis < rank;
  for (size_t i = 1; ok && i < shapes.size(); ++i) {
    if (shapes[i].rank() != rank) {
      ok = false;
      break;
    }
    for (int64_t d = 0; d < rank; ++d) {
      const int64_t a = out[static_cast<size_t>(d)], b = shapes[i][static_cast<size_t>(d)];
      if (d == axis) {
        out[static_cast<size_t>(d)] = (a == kNone || b == kNone) ? kNone : a + b;
      } else if (a != b && a != kNone && b != kNone) {
        ok = false;
      } else if (a == kNone) {
        out[static_cast<size_t>(d)] = b;
      }
    }
  }
  if (!ok)
    throw ValueError(cat("A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. "
                         "Received: input_shape=", all, " with axis=", axis_, " (layer \"", name(), "\")"));
  return {out};
}

TensorList Concatenate::compute_mask(const TensorList& inputs, const TensorList& masks, size_t) {
  if (masks.empty()) return {Tensor()};
  TensorList full;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Tensor m = i < masks.size() ? masks[i] : Tensor();
    if (!m.defined()) full.push_back(Tensor::ones(inputs[i].shape(), DType::bool_, inputs[i].device()));
    else if (m.rank() < inputs[i].rank()) full.push_back(ops::broadcast_to(ops::expand_dims(m, -1), inputs[i].shape()));
    else full.push_back(m);
  }
  return {ops::any(ops::concatenate(full, axis_), {-1})};
}

TensorList Concatenate::call(const TensorList& inputs, const CallContext&) {
  std::vector<Shape> shapes;
  for (const auto& x : inputs) shapes.push_back(x.shape());
  compute_output_shape(shapes);  // Keras's checks and message, with the real shapes
  return {ops::concatenate(inputs, axis_)};
}

Config Concatenate::get_config() const { return config_with(*this, "axis", axis_); }

std::shared_ptr<Layer> Concatenate::from_config(const Config& config) {
  const ConfigReader r(config);
  return r.make<Concatenate, int64_t>("axis", -1);
}

}  // namespace keras::layers

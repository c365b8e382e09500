#include "keras/layers/merging/base_merge.h"

#include "keras/ops/core.h"
#include "keras/ops/math.h"

namespace keras::layers {

using keras::detail::cat;

namespace {
std::string shapes_text(const std::vector<Shape>& shapes) {
  std::string s = "[";
  for (size_t i = 0; i < shapes.size(); ++i) s += (i ? ", " : "") + shapes[i].to_string();
  return s + "]";
}
}  // namespace

BaseMerge::BaseMerge(std::string class_name, const MergeOptions& o)
    : Layer(std::move(class_name), layer_args_of(o)) {}

Shape BaseMerge::elementwise_shape(const Shape& a, const Shape& b) const {
  if (a.rank() < b.rank()) return elementwise_shape(b, a);
  if (b.empty()) return a;
  Shape out = a.slice(0, a.rank() - b.rank());
  for (int64_t k = 0; k < b.rank(); ++k) {
    const int64_t i = a[static_cast<size_t>(a.rank() - b.rank() + k)], j = b[static_cast<size_t>(k)];
    if (i == kNone || j == kNone) out.push_back(kNone);
    else if (i == 1) out.push_back(j);
    else if (j == 1 || i == j) out.push_back(i);
    else
      throw ValueError(cat("Inputs have incompatible shapes. Received shapes ", a.to_string(), " and ", b.to_string(),
                           " (layer \"", name(), "\")"));
  }
  return out;
}

void BaseMerge::build(const std::vector<Shape>& shapes) { compute_output_shape(shapes); }

std::vector<Shape> BaseMerge::compute_output_shape(const std::vector<Shape>& shapes) {
  if (auto n = exact_inputs(); n && shapes.size() != *n)
    throw ValueError(cat("A `", class_name(), "` layer should be called on exactly ", *n, " inputs. Received: input_shape=",
                         shapes_text(shapes), " (layer \"", name(), "\")"));
  if (shapes.size() < min_inputs())
    throw ValueError(cat("A merge layer should be called on a list of at least ", min_inputs(), " input(s). Received ",
                         shapes.size(), " inputs. Full input_shape received: ", shapes_text(shapes), " (layer \"", name(), "\")"));
  int64_t batch = kNone;
  for (const auto& s : shapes) {
    if (s.empty()) throw ValueError(cat("Layer \"", name(), "\": merge inputs need a batch dimension; got ", shapes_text(shapes)));
    if (s[0] != kNone) {
      if (batch != kNone && batch != s[0])
        throw ValueError(cat("Cannot merge tensors with different batch sizes. Received tensors with shapes ",
                             shapes_text(shapes), " (layer \"", name(), "\")"));
      batch = s[0];
    }
  }
  Shape out = shapes[0].slice(1);
  for (size_t i = 1; i < shapes.size(); ++i) out = elementwise_shape(out, shapes[i].slice(1));
  return {out.with_batch(batch)};
}

TensorList BaseMerge::compute_mask(const TensorList&, const TensorList& masks, size_t) {
  Tensor out;
  for (const Tensor& m : masks) {
    if (!m.defined()) continue;
    out = out.defined() ? ops::all(ops::concatenate({ops::expand_dims(out, 0), ops::expand_dims(m, 0)}, 0), {0}) : m;
  }
  return {out};
}

TensorList BaseMerge::call(const TensorList& inputs, const CallContext&) {
  std::vector<Shape> shapes;
  for (const auto& x : inputs) shapes.push_back(x.shape());
  compute_output_shape(shapes);  // Keras's checks, with the real batch sizes
  int64_t max_rank = 0;
  for (const auto& x : inputs) max_rank = std::max(max_rank, x.rank());
  TensorList same_rank;
  for (Tensor x : inputs) {
    while (x.rank() < max_rank) x = ops::expand_dims(x, 1);
    same_rank.push_back(x);
  }
  return {merge(same_rank)};
}

}  // namespace keras::layers

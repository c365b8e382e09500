#include "keras/layers/merging/dot.h"

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"

namespace keras::layers {

using keras::detail::cat;

namespace {

std::string pair_text(const std::vector<Shape>& shapes) {
  std::string s;
  for (size_t i = 0; i < shapes.size(); ++i) s += (i ? ", " : "") + shapes[i].to_string();
  return s;
}

/// Keras's normalize(x, axis) with order 2: x * rsqrt(max(sum(x^2), epsilon^2)).
Tensor l2_normalize(const Tensor& x, int64_t axis) {
  constexpr double kEpsilon = 1e-7;
  const Tensor square_sum = ops::sum(ops::square(x), {axis}, true);
  const Tensor floor = Tensor::scalar(kEpsilon * kEpsilon, x.dtype(), x.device());
  return ops::multiply(x, ops::rsqrt(ops::maximum(square_sum, floor)));
}

/// The product of the dims of `s` from `from` on, skipping `skip` (1 for none).
int64_t product_without(const Shape& s, int64_t from, int64_t skip) {
  int64_t n = 1;
  for (int64_t i = from; i < s.rank(); ++i)
    if (i != skip) n *= s[static_cast<size_t>(i)];
  return n;
}

}  // namespace

DotAxes::DotAxes(std::initializer_list<int64_t> pair) : is_pair(true) {
  if (pair.size() != 2)
    throw ValueError(
        cat("Invalid format for argument `axes`: it should contain two elements. Received a list of ", pair.size()));
  values = {*pair.begin(), *(pair.begin() + 1)};
}

Dot::Dot(DotAxes axes, DotOptions o) : Concrete("Dot", layer_args_of(o)), axes_(axes), options_(std::move(o)) {}

std::array<int64_t, 2> Dot::resolve_axes(const std::vector<Shape>& shapes) const {
  if (shapes.size() != 2)
    fail(cat("A `Dot` layer should be called on a list of 2 inputs. Received: input_shape=[", pair_text(shapes), "]"));
  std::array<int64_t, 2> axes{};
  for (size_t i = 0; i < 2; ++i) {
    const int64_t rank = shapes[i].rank(), a = axes_[i] < 0 ? axes_[i] + rank : axes_[i];
    if (rank < 2)
      fail(cat("Cannot do batch_dot on inputs with rank < 2. Received inputs with shapes ", pair_text(shapes)));
    if (a < 0 || a >= rank) fail(cat("Invalid axis ", axes_[i], " for input ", i, " of shape ", shapes[i].to_string()));
    if (a == 0)
      fail(
          "Cannot perform batch_dot over axis 0. If your inputs are not batched, add a dummy batch dimension to "
          "your inputs using keras.ops.expand_dims(x, 0)");
    axes[i] = a;
  }
  const int64_t d1 = shapes[0][static_cast<size_t>(axes[0])], d2 = shapes[1][static_cast<size_t>(axes[1])];
  if (d1 != kNone && d2 != kNone && d1 != d2)
    fail(cat("Incompatible input shapes: axis values ", d1, " (at axis ", axes[0], ") != ", d2, " (at axis ", axes[1],
             "). Full input shapes: ", pair_text(shapes)));
  if (shapes[0][0] != kNone && shapes[1][0] != kNone && shapes[0][0] != shapes[1][0])
    fail(cat("Cannot do batch_dot on inputs with different batch sizes. Received inputs with shapes ",
             pair_text(shapes)));
  return axes;
}

void Dot::build(const std::vector<Shape>& shapes) { resolve_axes(shapes); }

std::vector<Shape> Dot::compute_output_shape(const std::vector<Shape>& shapes) {
  const auto axes = resolve_axes(shapes);
  Shape out;
  for (int64_t i = 0; i < shapes[0].rank(); ++i)
    if (i != axes[0]) out.push_back(shapes[0][static_cast<size_t>(i)]);
  for (int64_t i = 1; i < shapes[1].rank(); ++i)
    if (i != axes[1]) out.push_back(shapes[1][static_cast<size_t>(i)]);
  if (out.rank() == 1) out.push_back(1);
  return {out};
}

TensorList Dot::call(const TensorList& inputs, const CallContext&) {
  std::vector<Shape> shapes;
  for (const Tensor& t : inputs) shapes.push_back(t.shape());
  const auto axes = resolve_axes(shapes);
  Tensor x = inputs[0], y = inputs[1];
  if (options_.normalize) {
    x = l2_normalize(x, axes[0]);
    y = l2_normalize(y, axes[1]);
  }
  // batch_dot as one batched matmul: x -> (batch, rest of x, k), y -> (batch, k, rest of y).
  std::vector<int64_t> px, py{0, axes[1]};
  for (int64_t i = 0; i < x.rank(); ++i)
    if (i != axes[0]) px.push_back(i);
  px.push_back(axes[0]);
  for (int64_t i = 1; i < y.rank(); ++i)
    if (i != axes[1]) py.push_back(i);
  const int64_t batch = x.dim(0), k = x.dim(axes[0]);
  const Tensor xm = ops::reshape(ops::transpose(x, px), {batch, product_without(x.shape(), 1, axes[0]), k});
  const Tensor ym = ops::reshape(ops::transpose(y, py), {batch, k, product_without(y.shape(), 1, axes[1])});
  Shape out = compute_output_shape(shapes)[0];
  out[0] = batch;
  return {ops::reshape(ops::matmul(xm, ym), out)};
}

Config Dot::get_config() const {
  Config c = Layer::get_config();
  c["axes"] = axes_.is_pair ? Config(std::vector<int64_t>{axes_[0], axes_[1]}) : Config(axes_[0]);
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> Dot::from_config(const Config& config) {
  const ConfigReader r(config);
  const Config& v = r.need("axes");
  if (v.is_array()) {
    std::vector<int64_t> pair;
    read_config_value(v, r.what("axes"), pair);
    if (pair.size() != 2) r.fail(cat("\"axes\" must be an int or a list of two ints; got a list of ", pair.size()));
    return std::make_shared<Dot>(DotAxes{pair[0], pair[1]}, r.options<DotOptions>());
  }
  return std::make_shared<Dot>(r.required<int64_t>("axes"), r.options<DotOptions>());
}

}  // namespace keras::layers

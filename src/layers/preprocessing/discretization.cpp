#include "keras/layers/preprocessing/discretization.h"

#include <cmath>
#include <utility>

#include "keras/autograd/gradient_tape.h"
#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "layers/preprocessing/encoding_internal.h"
#include "layers/preprocessing/quantile_summary_internal.h"

namespace keras::layers {

using keras::detail::cat;

namespace {

constexpr double kMaxSummaryPoints = 1e7;  // 1/epsilon and num_bins beyond this are refused

}  // namespace

Discretization::Discretization(DiscretizationOptions o)
    : Concrete("Discretization", layer_args_of(o)), options_(std::move(o)) {
  const DiscretizationOptions& op = options_;
  if (op.sparse) fail("`sparse=True` is not supported: this library has no sparse tensors. Received: sparse=True");
  if (op.output_mode != "int" && op.output_mode != "one_hot" && op.output_mode != "multi_hot" &&
      op.output_mode != "count")
    fail(
        cat("Unknown value for `output_mode` argument of Discretization. Allowed values are: ('int', 'one_hot', "
            "'multi_hot', 'count'). Received: output_mode=",
            op.output_mode));
  if (op.num_bins && *op.num_bins < 0)
    fail(cat("`num_bins` must be greater than or equal to 0. Received: `num_bins=", *op.num_bins, "`"));
  if (op.num_bins && !op.bin_boundaries.is_none())
    fail(cat("Both `num_bins` and `bin_boundaries` should not be set. Received: `num_bins=", *op.num_bins,
             "` and `bin_boundaries=", config_value(op.bin_boundaries).dump(), "`"));
  if (!op.num_bins && op.bin_boundaries.is_none()) fail("You need to set either `num_bins` or `bin_boundaries`.");
  if (op.bin_boundaries.is_none()) return;
  const FloatArray& b = op.bin_boundaries;
  if (b.shape.size() != 1)
    fail(cat("`bin_boundaries` must be a list of numbers. Received: bin_boundaries=", config_value(b).dump()));
  for (size_t i = 1; i < b.values.size(); ++i)
    if (!(b.values[i - 1] <= b.values[i]))
      fail(cat("`bin_boundaries` must be sorted in increasing order. Received: bin_boundaries=",
               config_value(b).dump()));
  if (!b.values.empty() && std::isnan(b.values[0]))
    fail(cat("`bin_boundaries` must be numbers. Received: bin_boundaries=", config_value(b).dump()));
  boundaries_ = b.values;
}

int64_t Discretization::depth() const {
  return boundaries_ ? static_cast<int64_t>(boundaries_->size()) + 1 : options_.num_bins.value_or(0);
}

Shape Discretization::compute_output_shape(const Shape& input_shape) {
  if (options_.output_mode == "int") return input_shape;
  return detail::encoded_shape(input_shape, options_.output_mode, depth());
}

std::vector<DType> Discretization::compute_output_dtypes(const std::vector<DType>&, size_t num_outputs) {
  return std::vector<DType>(num_outputs, options_.output_mode == "int" ? DType::int32 : compute_dtype());
}

Tensor Discretization::call(const Tensor& x, const CallContext&) {
  if (!boundaries_)
    fail(
        "You need to either pass the `bin_boundaries` argument at construction time or call `adapt(dataset)` "
        "before you can start using the `Discretization` layer.");
  autograd::NoGradGuard no_grad;  // bucket indices have no gradient
  const Tensor xf = x.dtype() == DType::float32 ? x : ops::cast(x, DType::float32);
  const auto n = static_cast<int64_t>(boundaries_->size());
  Tensor index = ops::zeros_like(xf);
  if (n > 0) {
    // digitize: n minus the number of boundaries above x (NaN is above none: bucket n).
    const std::vector<float> b(boundaries_->begin(), boundaries_->end());
    const Tensor bt = Tensor::from_vector(b, Shape{n}, xf.device());
    const Tensor above = ops::cast(ops::less(ops::expand_dims(xf, -1), bt), DType::float32);
    index = ops::subtract(Tensor::scalar(static_cast<double>(n), DType::float32, xf.device()),
                          ops::sum(above, {xf.rank()}));
  }
  const Tensor ids = ops::cast(index, DType::int32);
  if (options_.output_mode == "int") return ids;
  return detail::encode_categorical(ids, options_.output_mode, n + 1, compute_dtype());
}

void Discretization::adapt(const Tensor& data) { adapt(TensorList{data}); }

void Discretization::adapt(const TensorList& batches) {
  if (!options_.num_bins)
    fail(
        "Cannot adapt a Discretization layer that has been initialized with `bin_boundaries`, use `num_bins` "
        "instead.");
  const int64_t num_bins = *options_.num_bins;
  const double epsilon = options_.epsilon;
  if (num_bins < 1 || static_cast<double>(num_bins) > kMaxSummaryPoints)
    fail(cat("adapt() needs 1 <= num_bins <= 1e7. Received: num_bins=", num_bins));
  if (!(epsilon > 0) || 1.0 / epsilon > kMaxSummaryPoints)
    fail(cat("adapt() needs 1e-7 <= epsilon (a positive error tolerance). Received: epsilon=", epsilon));
  if (batches.empty()) fail("adapt() received an empty list of batches. Expected at least one batch");
  detail::QuantileSummary running;  // Keras's reset_state
  for (const Tensor& b : batches) {
    if (!b.defined()) fail("adapt() received an undefined tensor");
    running = detail::update_summary(b.to_vector<float>(), running, epsilon);
  }
  boundaries_ = detail::bin_boundaries(running, num_bins);
}

Config Discretization::get_config() const {
  Config c = Config::object();
  c["bin_boundaries"] = boundaries_ ? Config(*boundaries_) : Config(nullptr);
  c["num_bins"] = config_value(options_.num_bins);
  c["epsilon"] = options_.epsilon;
  c["output_mode"] = options_.output_mode;
  c["sparse"] = options_.sparse;
  c["name"] = name();
  c["dtype"] = dtype_policy().name();
  return c;
}

std::shared_ptr<Layer> Discretization::from_config(const Config& config) {
  DiscretizationOptions o = ConfigReader(config).options<DiscretizationOptions>();
  if (o.bin_boundaries.is_none() || !o.num_bins) return std::make_shared<Discretization>(o);
  // An adapted layer's config holds both; Keras builds it from num_bins and then sets the
  // boundaries (checked here as the constructor checks given ones).
  const FloatArray boundaries = std::exchange(o.bin_boundaries, FloatArray());
  auto layer = std::make_shared<Discretization>(o);
  DiscretizationOptions given = o;
  given.num_bins.reset();
  given.bin_boundaries = boundaries;
  layer->boundaries_ = Discretization(given).boundaries_;
  return layer;
}

}  // namespace keras::layers

#include "keras/layers/attention/multi_head_attention.h"

#include <algorithm>
#include <cmath>

#include "attention_internal.h"
#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/einsum.h"
#include "keras/ops/math.h"

namespace keras::layers {

using keras::detail::cat;
namespace ad = attention_detail;

namespace {

char letter(int64_t i) { return static_cast<char>('a' + i); }

struct ProjEquation {
  std::string equation, bias_axes;
  int64_t output_rank;
};

/// Keras's _build_proj_equation: free axes kept, bound axes contracted, output axes added.
ProjEquation proj_equation(int64_t free_dims, int64_t bound_dims, int64_t output_dims) {
  std::string in, kernel, out, bias;
  int64_t k = 0;
  for (int64_t i = 0; i < free_dims; ++i, ++k) {
    in += letter(k);
    out += letter(k);
  }
  for (int64_t i = 0; i < bound_dims; ++i, ++k) {
    in += letter(k);
    kernel += letter(k);
  }
  for (int64_t i = 0; i < output_dims; ++i, ++k) {
    kernel += letter(k);
    out += letter(k);
    bias += letter(k);
  }
  return {in + "," + kernel + "->" + out, bias, static_cast<int64_t>(out.size())};
}

/// Keras's _get_output_shape: None for the leading axes, then the known last ones.
Shape partial_shape(int64_t rank, const std::vector<int64_t>& last) {
  Shape s;
  for (int64_t i = 0; i < rank - static_cast<int64_t>(last.size()); ++i) s.push_back(kNone);
  for (int64_t d : last) s.push_back(d);
  return s;
}

}  // namespace

MultiHeadAttention::MultiHeadAttention(int64_t num_heads, int64_t key_dim, MultiHeadAttentionOptions options)
    : Concrete("MultiHeadAttention", layer_args_of(options), "MultiHeadAttention", ""),
      num_heads_(num_heads),
      key_dim_(key_dim),
      options_(std::move(options)) {
  if (num_heads <= 0)
    fail(cat("Received an invalid value for argument `num_heads`, expected a positive integer. Received: num_heads=",
             num_heads));
  if (key_dim <= 0)
    fail(cat("Received an invalid value for argument `key_dim`, expected a positive integer. Received: key_dim=",
             key_dim));
  if (options_.value_dim && *options_.value_dim <= 0)
    fail(
        cat("Received an invalid value for argument `value_dim`, expected a positive integer or `None`. Received: "
            "value_dim=",
            *options_.value_dim));
  if (options_.sliding_window && *options_.sliding_window <= 0)
    fail(cat("`sliding_window` must be `None` or a positive integer. Received: sliding_window=",
             *options_.sliding_window));
  if (options_.dropout < 0 || options_.dropout >= 1)
    fail(cat("`dropout` must be in [0, 1). Received: dropout=", options_.dropout));
  if (options_.output_shape && options_.output_shape->empty()) options_.output_shape.reset();  // Keras: falsy = None
  if (options_.output_shape)
    for (int64_t d : *options_.output_shape)
      if (d <= 0) fail(cat("Invalid `output_shape`: ", options_.output_shape->to_string()));
  set_activity_regularizer(options_.activity_regularizer);
}

void MultiHeadAttention::build(const std::vector<Shape>& shapes) {
  const Roles r = roles(shapes.size());
  const auto [q, v, k] = by_role(shapes, r);
  if (q.rank() < 3 || v.rank() < 3 || k.rank() < 3)
    fail(cat("MultiHeadAttention expects query, value and key of rank >= 3 (batch, ..., features); received ",
             q.to_string(), ", ", v.to_string(), ", ", k.to_string()));
  if (Shape(v.begin() + 1, v.end() - 1) != Shape(k.begin() + 1, k.end() - 1))
    fail(cat("All dimensions of `value` and `key`, except the last one, must be equal. Received: value_shape=",
             v.to_string(), " and key_shape=", k.to_string()));
  if (q.rank() != v.rank())
    fail(cat("MultiHeadAttention expects query and value of the same rank; received query_shape=", q.to_string(),
             " and value_shape=", v.to_string()));
  for (const Shape* s : {&q, &v, &k})
    if (s->back() == kNone) fail(cat("The last dimension of every input must be known; received ", s->to_string()));
  record_shapes(shapes, r);

  auto sublayer = [&](const ProjEquation& e, const std::vector<int64_t>& last, const char* name,
                      activations::Activation activation = {}) {
    EinsumDenseOptions o{.activation = std::move(activation),
                         .bias_axes = options_.use_bias ? std::optional<std::string>(e.bias_axes) : std::nullopt,
                         .kernel_initializer = options_.kernel_initializer,
                         .bias_initializer = options_.bias_initializer,
                         .kernel_regularizer = options_.kernel_regularizer,
                         .bias_regularizer = options_.bias_regularizer,
                         .activity_regularizer = options_.activity_regularizer,
                         .kernel_constraint = options_.kernel_constraint,
                         .bias_constraint = options_.bias_constraint,
                         .input_shape = {},
                         .name = name,
                         .dtype = dtype_policy(),
                         .trainable = trainable()};
    return std::make_shared<EinsumDense>(e.equation, partial_shape(e.output_rank - 1, last), std::move(o));
  };
  const ProjEquation qe = proj_equation(q.rank() - 1, 1, 2);
  query_dense_ = sublayer(qe, {num_heads_, key_dim_}, "query");
  query_dense_->build_for({q});
  const ProjEquation ke = proj_equation(k.rank() - 1, 1, 2);
  key_dense_ = sublayer(ke, {num_heads_, key_dim_}, "key");
  key_dense_->build_for({k});
  if (options_.use_gate) {
    gate_dense_ = sublayer(qe, {num_heads_, value_dim()}, "gate", activations::Activation("sigmoid"));
    gate_dense_->build_for({q});
  }
  const ProjEquation ve = proj_equation(v.rank() - 1, 1, 2);
  value_dense_ = sublayer(ve, {num_heads_, value_dim()}, "value");
  value_dense_->build_for({v});

  // The attention equations over the projected rank (Keras's _build_attention_equation).
  const int64_t rank = ve.output_rank;
  axes_.clear();
  if (!options_.attention_axes || options_.attention_axes->empty()) {
    for (int64_t a = 1; a < rank - 2; ++a) axes_.push_back(a);
  } else {
    for (int64_t a : *options_.attention_axes) {
      const int64_t n = a >= 0 ? a : (rank - 1) + a;
      if (n <= 0 || n >= rank - 2)
        fail(cat("Invalid `attention_axes` ", a, " for inputs of rank ", q.rank(),
                 ": an axis must lie between the batch "
                 "axis and the features axis"));
      axes_.push_back(n);
    }
  }
  std::string target, source, product;
  for (int64_t i = 0; i < rank; ++i) target += letter(i);
  std::vector<int64_t> batch_dims;
  for (int64_t i = 0; i < rank; ++i)
    if (std::find(axes_.begin(), axes_.end(), i) == axes_.end() && i != rank - 1) batch_dims.push_back(i);
  int64_t offset = rank;
  for (int64_t i = 0; i < rank; ++i) {
    const bool batch = std::find(batch_dims.begin(), batch_dims.end(), i) != batch_dims.end();
    source += batch || i == rank - 1 ? target[static_cast<size_t>(i)] : letter(offset++);
  }
  for (int64_t i : batch_dims) product += target[static_cast<size_t>(i)];
  for (int64_t i : axes_) product += target[static_cast<size_t>(i)];
  for (int64_t i : axes_) product += source[static_cast<size_t>(i)];
  dot_equation_ = source + "," + target + "->" + product;
  combine_equation_ = product + "," + source + "->" + target;

  (void)unique_name("softmax");  // Keras makes a Softmax and a Dropout layer here, taking their names
  dropout_layer_ =
      std::make_shared<Dropout>(options_.dropout, DropoutOptions{.seed = options_.seed, .dtype = dtype_policy()});
  std::vector<int64_t> out_last =
      options_.output_shape ? options_.output_shape->dims() : std::vector<int64_t>{q.back()};
  const ProjEquation oe = proj_equation(q.rank() - 1, 2, static_cast<int64_t>(out_last.size()));
  output_dense_ = sublayer(oe, out_last, "attention_output");
  Shape oin = query_dense_->compute_output_shape(q);
  oin[oin.size() - 1] = value_dim();
  output_dense_->build_for({oin});
  track_projections();
}

TensorList MultiHeadAttention::call(const TensorList& inputs, const CallContext& ctx) {
  const Roles r = roles(inputs.size());
  const auto [query, value, key] = by_role(inputs, r);
  auto explicit_or = [&](const std::optional<size_t>& i, const Tensor& fallback) { return i ? inputs[*i] : fallback; };
  // Keras takes the query's mask from the tensor itself, value_mask / key_mask from the
  // arguments or the tensors' masks (key's only when a key is given).
  const Tensor query_mask = ctx.mask(r.query);
  const Tensor value_mask = explicit_or(r.value_mask, ctx.mask(r.value));
  const Tensor key_mask = explicit_or(r.key_mask, r.key ? ctx.mask(*r.key) : Tensor());
  const Tensor explicit_mask = explicit_or(r.attention_mask, Tensor());
  if (explicit_mask.defined() && explicit_mask.rank() > query.rank() + static_cast<int64_t>(axes_.size()))
    fail(cat("attention_mask of shape ", explicit_mask.shape().to_string(), " does not fit query ",
             query.shape().to_string(), " and value ", value.shape().to_string()));
  // Keras runs ops.dot_product_attention (no zeroing of fully masked rows) unless there is
  // dropout, scores are returned or the inputs are not rank 3; then the Softmax layer. The
  // former is our fused kernel, which applies the causal mask itself.
  const bool softmax_layer_path = options_.dropout > 0 || r.scores || query.rank() != 3;
  const bool fused = !softmax_layer_path && axes_ == std::vector<int64_t>{1};
  const Tensor mask = ad::attention_mask(query, value, query_mask, value_mask, key_mask, explicit_mask,
                                         r.causal && !fused, options_.sliding_window);

  Tensor gate;
  if (gate_dense_) gate = (*gate_dense_)(query, ctx.training);
  Tensor q = (*query_dense_)(query, ctx.training);
  const Tensor k = (*key_dense_)(key, ctx.training);
  const Tensor v = (*value_dense_)(value, ctx.training);
  const double scale = 1.0 / std::sqrt(static_cast<double>(key_dim_));
  if (fused) {
    Tensor out = ad::fused_attention(q, k, v, mask, scale, r.causal);
    if (gate.defined()) out = ops::multiply(out, gate);
    return {(*output_dense_)(out, ctx.training)};
  }
  q = ops::multiply(q, Tensor::scalar(scale, q.dtype(), q.device()));
  Tensor scores = ops::einsum(dot_equation_, k, q);
  Tensor m = mask;
  if (m.defined()) {
    const int64_t expand_axis = -static_cast<int64_t>(axes_.size()) * 2 - 1;
    while (m.rank() < scores.rank()) m = ops::expand_dims(m, expand_axis);
  }
  scores = ad::masked_softmax(scores, m, static_cast<int64_t>(axes_.size()), softmax_layer_path);
  const Tensor weights = options_.dropout > 0 ? (*dropout_layer_)(scores, ctx.training) : scores;
  Tensor out = ops::einsum(combine_equation_, weights, v);
  if (gate.defined()) out = ops::multiply(out, gate);
  out = (*output_dense_)(out, ctx.training);
  if (r.scores) return {out, scores};
  return {out};
}

std::vector<Shape> MultiHeadAttention::compute_output_shape(const std::vector<Shape>& shapes) {
  const Roles r = roles(shapes.size());
  const auto [q, v, k] = by_role(shapes, r);
  if (v.rank() < 2 || k.rank() < 2 || Shape(v.begin() + 1, v.end() - 1) != Shape(k.begin() + 1, k.end() - 1))
    fail(cat("All dimensions of `value` and `key`, except the last one, must be equal. Received: value_shape=",
             v.to_string(), " and key_shape=", k.to_string()));
  Shape out(q.begin(), q.end() - 1);
  if (options_.output_shape)
    for (int64_t d : *options_.output_shape) out.push_back(d);
  else out.push_back(q.back());
  if (!r.scores) return {out};
  // The scores: (batch dims and heads, query attention axes, key attention axes).
  Shape s;
  const int64_t rank = q.rank() + 1;  // projected
  auto proj = [&](const Shape& x, int64_t i) { return i == rank - 2 ? num_heads_ : x[static_cast<size_t>(i)]; };
  for (int64_t i = 0; i < rank - 1; ++i)
    if (std::find(axes_.begin(), axes_.end(), i) == axes_.end()) s.push_back(proj(q, i));
  for (int64_t a : axes_) s.push_back(proj(q, a));
  for (int64_t a : axes_) s.push_back(proj(k, a));
  return {out, s};
}

Config MultiHeadAttention::get_config() const {
  Config c = Layer::get_config();
  c["num_heads"] = num_heads_;
  c["key_dim"] = key_dim_;
  write_fields(c, options_, this);
  c["value_dim"] = value_dim();
  if (built()) {  // Keras writes the attention axes it resolved in build()
    std::vector<int64_t> axes = axes_;
    c["attention_axes"] = axes;
  }
  return c;
}

std::shared_ptr<Layer> MultiHeadAttention::from_config(const Config& config) {
  Config c = config;
  if (auto it = c.find("output_shape"); it != c.end() && it->is_number_integer()) *it = Config::array({*it});
  if (auto it = c.find("attention_axes"); it != c.end() && it->is_number_integer()) *it = Config::array({*it});
  ConfigReader r(c);
  r.reject({"flash_attention"});
  return std::make_shared<MultiHeadAttention>(r.required<int64_t>("num_heads"), r.required<int64_t>("key_dim"),
                                              r.options<MultiHeadAttentionOptions>());
}

}  // namespace keras::layers

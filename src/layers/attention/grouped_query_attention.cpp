#include "keras/layers/attention/grouped_query_attention.h"

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
LayerArgs gqa_args(const GroupedQueryAttentionOptions& o) {
  LayerArgs a = layer_args_of(o);
  if (a.name.empty()) a.name = unique_name("grouped_query_attention");  // Keras's class is GroupedQueryAttention
  return a;
}
}  // namespace

GroupedQueryAttention::GroupedQueryAttention(int64_t head_dim, int64_t num_query_heads, int64_t num_key_value_heads,
                                             GroupedQueryAttentionOptions options)
    : Concrete("GroupQueryAttention", gqa_args(options), "GroupedQueryAttention", "_"),
      head_dim_(head_dim),
      num_query_heads_(num_query_heads),
      num_key_value_heads_(num_key_value_heads),
      options_(std::move(options)) {
  if (head_dim <= 0 || num_query_heads <= 0 || num_key_value_heads <= 0)
    fail(cat("head_dim, num_query_heads and num_key_value_heads must be positive integers. Received: head_dim=",
             head_dim, ", num_query_heads=", num_query_heads, ", num_key_value_heads=", num_key_value_heads));
  if (num_query_heads % num_key_value_heads != 0)
    fail(cat("`num_query_heads` must be divisible by `num_key_value_heads`. Received: num_query_heads=",
             num_query_heads, ", num_key_value_heads=", num_key_value_heads));
  if (options_.sliding_window && *options_.sliding_window <= 0)
    fail(cat("`sliding_window` must be `None` or a positive integer. Received: sliding_window=",
             *options_.sliding_window));
  if (options_.dropout < 0 || options_.dropout >= 1)
    fail(cat("`dropout` must be in [0, 1). Received: dropout=", options_.dropout));
  set_activity_regularizer(options_.activity_regularizer);
}

void GroupedQueryAttention::build(const std::vector<Shape>& shapes) {
  (void)compute_output_shape(shapes);  // the shape checks
  const Roles r = roles(shapes.size());
  const auto [q, v, k] = by_role(shapes, r);
  record_shapes(shapes, r);
  // As in Keras, the projections get the initializers and the activity regularizer only.
  auto sublayer = [&](const char* eq, Shape out, const char* bias, const char* name, activations::Activation act = {}) {
    EinsumDenseOptions o{.activation = std::move(act),
                         .bias_axes = options_.use_bias ? std::optional<std::string>(bias) : std::nullopt,
                         .kernel_initializer = options_.kernel_initializer,
                         .bias_initializer = options_.bias_initializer,
                         .activity_regularizer = options_.activity_regularizer,
                         .name = name,
                         .dtype = dtype_policy(),
                         .trainable = trainable()};
    return std::make_shared<EinsumDense>(eq, std::move(out), std::move(o));
  };
  query_dense_ = sublayer("bqm,muh->bquh", Shape{kNone, num_query_heads_, head_dim_}, "uh", "query");
  query_dense_->build_for({q});
  key_dense_ = sublayer("bkm,mvh->bkvh", Shape{kNone, num_key_value_heads_, head_dim_}, "vh", "key");
  key_dense_->build_for({k});
  if (options_.use_gate) {
    gate_dense_ = sublayer("bqm,muh->bquh", Shape{kNone, num_query_heads_, head_dim_}, "uh", "gate",
                           activations::Activation("sigmoid"));
    gate_dense_->build_for({q});
  }
  value_dense_ = sublayer("bkm,mvh->bkvh", Shape{kNone, num_key_value_heads_, head_dim_}, "vh", "value");
  value_dense_->build_for({v});
  (void)unique_name("softmax");  // Keras makes a Softmax and a Dropout layer here, taking their names
  dropout_layer_ =
      std::make_shared<Dropout>(options_.dropout, DropoutOptions{.seed = options_.seed, .dtype = dtype_policy()});
  output_dense_ = sublayer("bquh,uhm->bqm", Shape{kNone, q.back()}, "m", "attention_output");
  output_dense_->build_for({Shape{kNone, kNone, num_query_heads_, head_dim_}});
  track_projections();
}

TensorList GroupedQueryAttention::call(const TensorList& inputs, const CallContext& ctx) {
  const Roles r = roles(inputs.size());
  const auto [query, value, key] = by_role(inputs, r);
  auto explicit_or = [&](const std::optional<size_t>& i, const Tensor& fallback) { return i ? inputs[*i] : fallback; };
  // Keras runs ops.dot_product_attention (our fused kernel, which applies the causal mask
  // itself) unless there is dropout or scores are returned; then the Softmax layer.
  const bool softmax_layer_path = options_.dropout > 0 || r.scores;
  // GroupedQueryAttention takes the masks Keras's __call__ fills in from the tensors.
  const Tensor mask = ad::attention_mask(
      query, value, explicit_or(r.query_mask, ctx.mask(r.query)), explicit_or(r.value_mask, ctx.mask(r.value)),
      explicit_or(r.key_mask, r.key ? ctx.mask(*r.key) : Tensor()), explicit_or(r.attention_mask, Tensor()),
      r.causal && softmax_layer_path, options_.sliding_window);
  Tensor gate;
  if (gate_dense_) gate = (*gate_dense_)(query, ctx.training);
  Tensor q = (*query_dense_)(query, ctx.training);
  const int64_t repeats = num_query_heads_ / num_key_value_heads_;
  Tensor k = (*key_dense_)(key, ctx.training);
  Tensor v = (*value_dense_)(value, ctx.training);
  if (repeats > 1) {
    k = ops::repeat(k, repeats, 2);
    v = ops::repeat(v, repeats, 2);
  }
  const double scale = 1.0 / std::sqrt(static_cast<double>(head_dim_));
  if (!softmax_layer_path) {
    Tensor out = ad::fused_attention(q, k, v, mask, scale, r.causal);
    if (gate.defined()) out = ops::multiply(out, gate);
    return {(*output_dense_)(out, ctx.training)};
  }
  q = ops::multiply(q, Tensor::scalar(scale, q.dtype(), q.device()));
  Tensor scores = ops::einsum("bquh,bkuh->buqk", q, k);
  Tensor m = mask;
  if (m.defined())
    while (m.rank() < scores.rank()) m = ops::expand_dims(m, -3);
  scores = ad::masked_softmax(scores, m, 1, softmax_layer_path);
  const Tensor weights = options_.dropout > 0 ? (*dropout_layer_)(scores, ctx.training) : scores;
  Tensor out = ops::einsum("buqk,bkuh->bquh", weights, v);
  if (gate.defined()) out = ops::multiply(out, gate);
  out = (*output_dense_)(out, ctx.training);
  if (r.scores) return {out, scores};
  return {out};
}

std::vector<Shape> GroupedQueryAttention::compute_output_shape(const std::vector<Shape>& shapes) {
  const Roles r = roles(shapes.size());
  const auto [q, v, k] = by_role(shapes, r);
  if (q.rank() != 3 || v.rank() != 3 || k.rank() != 3)
    fail(cat("GroupedQueryAttention expects query, value and key of rank 3 (batch, sequence, features); received ",
             q.to_string(), ", ", v.to_string(), ", ", k.to_string()));
  if (q.back() != v.back())
    fail(cat("The last dimension of `query_shape` and `value_shape` must be equal, but are ", q.back(), ", ", v.back(),
             ". Received: query_shape=", q.to_string(), ", value_shape=", v.to_string()));
  if (v[1] != k[1])
    fail(cat("All dimensions of `value` and `key`, except the last one, must be equal. Received: value_shape=",
             v.to_string(), " and key_shape=", k.to_string()));
  if (!r.scores) return {q};
  return {q, Shape{q[0], num_query_heads_, q[1], k[1]}};
}

Config GroupedQueryAttention::get_config() const {
  Config c = Layer::get_config();
  c["head_dim"] = head_dim_;
  c["num_query_heads"] = num_query_heads_;
  c["num_key_value_heads"] = num_key_value_heads_;
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> GroupedQueryAttention::from_config(const Config& config) {
  ConfigReader r(config);
  r.reject({"flash_attention"});
  return std::make_shared<GroupedQueryAttention>(
      r.required<int64_t>("head_dim"), r.required<int64_t>("num_query_heads"),
      r.required<int64_t>("num_key_value_heads"), r.options<GroupedQueryAttentionOptions>());
}

}  // namespace keras::layers

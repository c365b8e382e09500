#include "keras/layers/attention/attention.h"

#include "attention_internal.h"
#include "keras/layers/attention/additive_attention.h"
#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "keras/ops/nn.h"

namespace keras::layers {

using keras::detail::cat;
namespace ad = attention_detail;

Attention::Attention(AttentionOptions options) : Attention("Attention", std::move(options), false) {}

Attention::Attention(std::string class_name, AttentionOptions options, bool additive)
    : Concrete(std::move(class_name), layer_args_of(options)),
      options_(std::move(options)),
      additive_(additive),
      seeds_(options_.seed) {
  if (options_.score_mode != "dot" && options_.score_mode != "concat")
    fail(cat("Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. Received: score_mode=",
             options_.score_mode));
  if (options_.dropout < 0 || options_.dropout >= 1)
    fail(cat("`dropout` must be in [0, 1). Received: dropout=", options_.dropout));
}

void Attention::check_call_kwargs(const CallKwargs& kw) const {
  const std::string who = cat("Layer \"", name(), "\" (", class_name(), ")");
  if (!kw.args_as_list || kw.num_args < 2 || kw.num_args > 3)
    fail(cat(class_name(),
             " layer must be called on a list of inputs, namely [query, value] or [query, value, key]. "
             "Received ",
             kw.num_args, kw.args_as_list ? " tensors in a list" : " separate tensors"));
  for (const auto& n : kw.tensor_names)
    if (n != "mask/0" && n != "mask/1" && n != "mask/2")
      fail(cat(class_name(), " got an unexpected tensor argument `", n, "`"));
  for (auto it = kw.values.begin(); it != kw.values.end(); ++it) {
    if (it.key() == "mask") {
      if (!it->is_null() && !(it->is_array() && it->size() >= 2 && it->size() <= 3))
        fail(cat(class_name(), " layer mask must be a list of length 2 or 3, namely [query_mask, value_mask]"));
      continue;
    }
    if (it.key() != "use_causal_mask" && it.key() != "return_attention_scores" && it.key() != "training")
      fail(cat(class_name(), " got an unexpected call argument `", it.key(), "`"));
    if (!it->is_null() && !it->is_boolean())
      fail(cat("Call argument `", it.key(), "` must be a boolean. Received: ", it->dump()));
  }
}

size_t Attention::num_positional(size_t num_inputs) const {
  const CallKwargs kw = current_kwargs(num_inputs);
  check_call_kwargs(kw);
  return kw.num_args;
}

void Attention::build(const std::vector<Shape>& shapes) {
  (void)compute_output_shape(shapes);  // checks the call's arguments and shapes
  const initializers::Initializer ones("ones");
  if (additive_) {
    if (options_.use_scale)
      scale_ = add_weight("scale", Shape{shapes[0].back()}, initializers::Initializer("glorot_uniform"));
  } else {
    if (options_.use_scale) scale_ = add_weight("scale", Shape{}, ones);
    if (options_.score_mode == "concat") concat_score_weight_ = add_weight("concat_score_weight", Shape{}, ones);
  }
}

Tensor Attention::scores(const Tensor& q, const Tensor& k) const {
  if (!additive_ && options_.score_mode == "dot") {
    Tensor s = ops::matmul(q, ops::transpose(k, {0, 2, 1}));
    return scale_.defined() ? ops::multiply(s, scale_) : s;
  }
  Tensor sum = ops::add(ops::expand_dims(q, -2), ops::expand_dims(k, -3));  // (B, Tq, Tv, dim)
  if (additive_) {
    Tensor t = ops::tanh(sum);
    if (scale_.defined()) t = ops::multiply(scale_, t);
    return ops::sum(t, {-1});
  }
  if (scale_.defined()) sum = ops::multiply(scale_, sum);
  return ops::multiply(concat_score_weight_, ops::sum(ops::tanh(sum), {-1}));
}

TensorList Attention::call(const TensorList& inputs, const CallContext& ctx) {
  const CallKwargs kw = current_kwargs(inputs.size());
  check_call_kwargs(kw);
  const Tensor& q = inputs[0];
  const Tensor& v = inputs[1];
  const Tensor& k = kw.num_args > 2 ? inputs[2] : v;
  // The masks: given as mask=[...], or else the inputs' own (Keras fills `mask` from them).
  Tensor q_mask, v_mask;
  const bool explicit_masks = kw.values.contains("mask");
  if (explicit_masks) {
    if (auto i = kw.tensor_index("mask/0")) q_mask = inputs[*i];
    if (auto i = kw.tensor_index("mask/1")) v_mask = inputs[*i];
  } else {
    q_mask = ctx.mask(0);
    v_mask = ctx.mask(1);
  }
  Tensor s = scores(q, k);
  Tensor m = v_mask.defined() ? ops::expand_dims(ad::keep(v_mask), -2) : Tensor();  // (B, 1, Tv)
  if (kw.flag("use_causal_mask")) m = ad::both(m, ad::causal_mask(s.dim(-2), s.dim(-1), s.device()));
  if (m.defined())  // where(padding, scores - 1e9, scores) as scores - (1 - m) * 1e9: exact for m in {0, 1}
    s = ops::subtract(s, ops::multiply(ops::subtract(Tensor::scalar(1.0, s.dtype(), s.device()), m),
                                       Tensor::scalar(1e9, s.dtype(), s.device())));
  const Tensor w = ops::softmax(s, -1);
  const Tensor w_used =
      ctx.training && options_.dropout > 0 ? ops::dropout(w, options_.dropout, Shape(), seeds_.next()) : w;
  Tensor out = ops::matmul(w_used, v);
  if (q_mask.defined()) out = ops::multiply(out, ops::expand_dims(ad::keep(q_mask), -1));
  if (kw.flag("return_attention_scores")) return {out, w};
  return {out};
}

std::vector<Shape> Attention::compute_output_shape(const std::vector<Shape>& shapes) {
  const size_t n = num_positional(shapes.size());
  const Shape& q = shapes[0];
  const Shape& v = shapes[1];
  const Shape& k = n > 2 ? shapes[2] : v;
  for (size_t i = 0; i < n; ++i)
    if (shapes[i].rank() != 3)
      fail(cat(class_name(), " expects query, value and key of rank 3 (batch, steps, dim); received input ", i,
               " of shape ", shapes[i].to_string()));
  auto known_differ = [](int64_t a, int64_t b) { return a != kNone && b != kNone && a != b; };
  if (known_differ(v[1], k[1]))
    fail(cat(class_name(), ": value and key must have the same number of steps; received value ", v.to_string(),
             " and key ", k.to_string()));
  if (known_differ(q[2], k[2]))
    fail(cat(class_name(), ": query and key must have the same last dimension; received query ", q.to_string(),
             " and key ", k.to_string()));
  Shape out{q[0], q[1], v[2]};
  const CallKwargs kw = current_kwargs(shapes.size());
  if (kw.flag("return_attention_scores")) return {out, Shape{q[0], q[1], k[1]}};
  return {out};
}

TensorList Attention::compute_mask(const TensorList& inputs, const TensorList& masks, size_t num_outputs) {
  const CallKwargs kw = current_kwargs(inputs.size());
  TensorList out(num_outputs);
  if (num_outputs == 0) return out;
  if (kw.values.contains("mask")) {
    if (auto i = kw.tensor_index("mask/0")) out[0] = inputs[*i];
  } else if (!masks.empty()) {
    out[0] = masks[0];
  }
  return out;
}

Config Attention::get_config() const { return config_with_fields(*this, options_); }

KerasTensors Attention::call_with_args(const KerasTensors& inputs, const SymbolicDotAttentionCall& args) {
  std::shared_ptr<Layer> self = weak_from_this().lock();
  if (!self) fail(cat(class_name(), " is called on symbolic tensors but is not shared; hold it in a std::make_shared"));
  KerasTensors all = inputs;
  CallKwargs kw{.num_args = inputs.size(), .args_as_list = true};
  if (args.query_mask || args.value_mask) {
    kw.values["mask"] = Config::array({nullptr, nullptr});
    if (args.query_mask) {
      all.push_back(*args.query_mask);
      kw.tensor_names.push_back("mask/0");
    }
    if (args.value_mask) {
      all.push_back(*args.value_mask);
      kw.tensor_names.push_back("mask/1");
    }
  }
  if (args.return_attention_scores) kw.values["return_attention_scores"] = true;
  if (args.use_causal_mask) kw.values["use_causal_mask"] = true;
  return call_symbolic_with(self, all, kw);
}

AttentionResult Attention::attend(const TensorList& inputs, const DotAttentionCall& args) {
  TensorList all = inputs;
  CallKwargs kw{.num_args = inputs.size(), .args_as_list = true};
  if (args.query_mask.defined() || args.value_mask.defined()) {
    kw.values["mask"] = Config::array({nullptr, nullptr});
    if (args.query_mask.defined()) {
      all.push_back(args.query_mask);
      kw.tensor_names.push_back("mask/0");
    }
    if (args.value_mask.defined()) {
      all.push_back(args.value_mask);
      kw.tensor_names.push_back("mask/1");
    }
  }
  kw.values["return_attention_scores"] = args.return_attention_scores;
  kw.values["use_causal_mask"] = args.use_causal_mask;
  TensorList out = call_with(*this, all, kw, CallContext{args.training});
  return {out.at(0), out.size() > 1 ? out[1] : Tensor()};
}

AdditiveAttention::AdditiveAttention(AdditiveAttentionOptions options)
    : Concrete("AdditiveAttention",
               AttentionOptions{.use_scale = options.use_scale,
                                .score_mode = "dot",
                                .dropout = options.dropout,
                                .seed = options.seed,
                                .input_shape = options.input_shape,
                                .name = options.name,
                                .dtype = options.dtype,
                                .trainable = options.trainable},
               true),
      additive_options_(std::move(options)) {}

Config AdditiveAttention::get_config() const { return config_with_fields(*this, additive_options_); }

}  // namespace keras::layers

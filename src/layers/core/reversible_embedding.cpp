#include "keras/layers/core/reversible_embedding.h"

#include <algorithm>

#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "keras/ops/nn.h"

namespace keras::layers {

using keras::detail::cat;

ReversibleEmbedding::ReversibleEmbedding(int64_t input_dim, int64_t output_dim, ReversibleEmbeddingOptions options)
    : Concrete("ReversibleEmbedding", layer_args_of(options)),
      input_dim_(input_dim),
      output_dim_(output_dim),
      options_(std::move(options)) {
  if (input_dim <= 0 || output_dim <= 0)
    fail(cat("Both `input_dim` and `output_dim` should be positive, Received input_dim = ", input_dim,
             " and output_dim = ", output_dim));
  if (options_.reverse_dtype && *options_.reverse_dtype != "float32")
    fail(cat("reverse_dtype=", *options_.reverse_dtype, " is not supported (only float32)"));
  if (options_.logit_soft_cap && *options_.logit_soft_cap <= 0)
    fail(cat("logit_soft_cap must be positive. Received: ", *options_.logit_soft_cap));
  set_activity_regularizer(options_.activity_regularizer);
}

void ReversibleEmbedding::check_call_kwargs(const CallKwargs& kw) const {
  if (kw.num_args != 1 || !kw.tensor_names.empty())
    fail("ReversibleEmbedding is called on one tensor: layer(x) or layer(x, reverse=True)");
  for (auto it = kw.values.begin(); it != kw.values.end(); ++it) {
    if (it.key() != "reverse" && it.key() != "training")
      fail(cat("ReversibleEmbedding got an unexpected call argument `", it.key(), "`"));
    if (!it->is_null() && !it->is_boolean()) fail(cat("Call argument `", it.key(), "` must be a boolean"));
  }
}

void ReversibleEmbedding::build(const Shape&) {
  embeddings_ = add_weight("embeddings", Shape{input_dim_, output_dim_}, options_.embeddings_initializer, true,
                           options_.embeddings_regularizer, options_.embeddings_constraint);
  if (!options_.tie_weights)
    reverse_embeddings_ =
        add_weight("reverse_embeddings", Shape{output_dim_, input_dim_}, options_.embeddings_initializer);
}

Tensor ReversibleEmbedding::call(const Tensor& x, const CallContext&) {
  if (!reversing()) {
    const Tensor index = x.dtype() == DType::int32 || x.dtype() == DType::int64 ? x : ops::cast(x, DType::int32);
    const auto values = index.to_vector<int64_t>();
    const auto bad = std::find_if(values.begin(), values.end(), [&](int64_t v) { return v < 0 || v >= input_dim_; });
    if (bad != values.end())
      fail(cat("ReversibleEmbedding: index ", *bad, " at flat position ", bad - values.begin(),
               " of the input of shape ", x.shape().to_string(), " is outside [0, input_dim=", input_dim_, ")"));
    return ops::take_rows(embeddings_.value(), index);
  }
  if (x.dim(-1) != output_dim_)
    fail(cat("ReversibleEmbedding(reverse=True) expects inputs with last dimension output_dim=", output_dim_,
             "; received shape ", x.shape().to_string()));
  const Tensor kernel =
      options_.tie_weights ? ops::transpose(embeddings_.value(), {1, 0}) : reverse_embeddings_.value();
  Tensor logits = ops::matmul(x, kernel);
  if (options_.logit_soft_cap) {
    const Tensor cap = Tensor::scalar(*options_.logit_soft_cap, logits.dtype(), logits.device());
    logits = ops::multiply(ops::tanh(ops::divide(logits, cap)), cap);
  }
  return logits;
}

Shape ReversibleEmbedding::compute_output_shape(const Shape& input_shape) {
  Shape s = input_shape;
  if (reversing()) {
    if (s.empty() || (s.back() != kNone && s.back() != output_dim_))
      fail(cat("ReversibleEmbedding(reverse=True) expects inputs with last dimension output_dim=", output_dim_,
               "; received shape ", input_shape.to_string()));
    s[s.size() - 1] = input_dim_;
  } else {
    s.push_back(output_dim_);
  }
  return s;
}

std::vector<DType> ReversibleEmbedding::compute_output_dtypes(const std::vector<DType>&, size_t num_outputs) {
  return std::vector<DType>(num_outputs, compute_dtype());
}

TensorList ReversibleEmbedding::compute_mask(const TensorList& inputs, const TensorList&, size_t) {
  if (!options_.mask_zero || reversing()) return {};
  const Tensor zero = Tensor::scalar(0.0, DType::float32, inputs[0].device());
  return {ops::not_equal(ops::cast(inputs[0], DType::float32), zero)};
}

Config ReversibleEmbedding::get_config() const {
  Config c = Layer::get_config();
  c["input_dim"] = input_dim_;
  c["output_dim"] = output_dim_;
  write_fields(c, options_, this);
  c["quantization_config"] = nullptr;
  write_table(c, options_, ReversibleEmbeddingOptions::own_fields());
  return c;
}

std::shared_ptr<Layer> ReversibleEmbedding::from_config(const Config& config) {
  ConfigReader r(config);
  r.reject({"quantization_config"});
  auto o = r.options<ReversibleEmbeddingOptions>();
  r.read_fields(o, ReversibleEmbeddingOptions::own_fields());
  return std::make_shared<ReversibleEmbedding>(r.required<int64_t>("input_dim"), r.required<int64_t>("output_dim"), o);
}

Tensor ReversibleEmbedding::reverse(const Tensor& x) {
  CallKwargs kw{.num_args = 1};
  kw.values["reverse"] = true;
  return call_with(*this, {x}, kw, CallContext{}).at(0);
}

KerasTensors ReversibleEmbedding::reverse(const KerasTensor& x) {
  std::shared_ptr<Layer> self = weak_from_this().lock();
  if (!self) fail("ReversibleEmbedding.reverse on symbolic tensors needs a shared layer (std::make_shared)");
  CallKwargs kw{.num_args = 1};
  kw.values["reverse"] = true;
  return call_symbolic_with(self, KerasTensors(x), kw);
}

}  // namespace keras::layers

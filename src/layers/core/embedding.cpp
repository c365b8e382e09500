#include "keras/layers/core/embedding.h"
#include "keras/layers/layer_config.h"

#include <algorithm>

#include "keras/ops/core.h"
#include "keras/ops/math.h"

namespace keras::layers {

using keras::detail::cat;

Embedding::Embedding(int64_t input_dim, int64_t output_dim, EmbeddingOptions options)
    : Concrete("Embedding", layer_args_of(options)),
      input_dim_(input_dim),
      output_dim_(output_dim),
      options_(std::move(options)) {
  if (input_dim <= 0 || output_dim <= 0)
    fail(cat("Both `input_dim` and `output_dim` should be positive, Received input_dim = ", input_dim,
             " and output_dim = ", output_dim));
  set_activity_regularizer(options_.activity_regularizer);
}

void Embedding::build(const Shape&) {
  embeddings_ = add_weight("embeddings", Shape{input_dim_, output_dim_}, options_.embeddings_initializer, true,
                           options_.embeddings_regularizer, options_.embeddings_constraint);
}

Tensor Embedding::call(const Tensor& x, const CallContext&) {
  const Tensor index = x.dtype() == DType::int32 || x.dtype() == DType::int64 ? x : ops::cast(x, DType::int32);
  // take_rows trusts its indices; a bad one is the caller's data, so say which and where.
  const auto values = index.to_vector<int64_t>();
  const auto bad = std::find_if(values.begin(), values.end(), [&](int64_t v) { return v < 0 || v >= input_dim_; });
  if (bad != values.end())
    fail(cat("Embedding: index ", *bad, " at flat position ", bad - values.begin(), " of the input of shape ",
             x.shape().to_string(), " is outside [0, input_dim=", input_dim_, ")"));
  return ops::take_rows(embeddings_.value(), index);
}

Shape Embedding::compute_output_shape(const Shape& input_shape) {
  Shape s = input_shape;
  s.push_back(output_dim_);
  return s;
}

TensorList Embedding::compute_mask(const TensorList& inputs, const TensorList&, size_t) {
  if (!options_.mask_zero) return {};
  const Tensor zero = Tensor::scalar(0.0, DType::float32, inputs[0].device());
  return {ops::not_equal(ops::cast(inputs[0], DType::float32), zero)};
}

Config Embedding::get_config() const {
  Config c = Layer::get_config();
  c["input_dim"] = input_dim_;
  c["output_dim"] = output_dim_;
  write_fields(c, options_, this);
  c["quantization_config"] = nullptr;
  return c;
}

std::shared_ptr<Layer> Embedding::from_config(const Config& config) {
  ConfigReader r(config);
  r.reject({"quantization_config", "lora_rank"});
  // Keras 2's input_length only fixed the input shape; the batch_input_shape carries it.
  return std::make_shared<Embedding>(r.required<int64_t>("input_dim"), r.required<int64_t>("output_dim"),
                                     r.options<EmbeddingOptions>());
}

}  // namespace keras::layers

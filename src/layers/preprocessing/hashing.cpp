#include "keras/layers/preprocessing/hashing.h"

#include <cmath>

#include "keras/autograd/gradient_tape.h"
#include "keras/layers/layer_config.h"
#include "layers/preprocessing/encoding_internal.h"
#include "utils/string_hash.h"

namespace keras::layers {

using keras::detail::cat;

namespace {

HashingOptions with_default_dtype(HashingOptions o) {
  if (!o.dtype) o.dtype = o.output_mode == "int" ? DType::int64 : DType::float32;
  return o;
}

/// The Layer's own dtype: the output's when floating; an integer output dtype (Keras's
/// "int64" policy) is kept by the Hashing layer itself, its Layer computing in float32.
LayerArgs base_args(const HashingOptions& o) {
  LayerArgs a = layer_args_of(o);
  if (a.dtype && !is_floating(a.dtype->compute_dtype())) a.dtype = DType::float32;
  return a;
}

/// TensorFlow's as_string: integers in decimal, bools as "true"/"false" (floats are cast
/// to int64 first, truncating, as Keras does).
std::vector<std::string> string_forms(const Tensor& x) {
  if (x.dtype() == DType::string) return x.to_vector<std::string>();
  std::vector<std::string> out;
  if (x.dtype() == DType::bool_) {
    for (int64_t v : x.to_vector<int64_t>()) out.push_back(v ? "true" : "false");
  } else if (is_floating(x.dtype())) {
    for (double v : x.to_vector<double>()) {
      if (!std::isfinite(v) || std::fabs(v) >= 9.2e18) throw ValueError(cat("Hashing: cannot cast ", v, " to int64"));
      out.push_back(std::to_string(static_cast<int64_t>(v)));
    }
  } else {
    for (int64_t v : x.to_vector<int64_t>()) out.push_back(std::to_string(v));
  }
  return out;
}

}  // namespace

Hashing::Hashing(int64_t num_bins, HashingOptions o)
    : Concrete("Hashing", base_args(with_default_dtype(o))), num_bins_(num_bins), options_(with_default_dtype(o)) {
  HashingOptions& op = options_;
  if (num_bins_ <= 0)
    fail(cat("The `num_bins` for `Hashing` cannot be `None` or non-positive values. Received: num_bins=", num_bins_,
             "."));
  if (op.output_mode == "int" && op.dtype->compute_dtype() != DType::int32 && op.dtype->compute_dtype() != DType::int64)
    fail(cat("When `output_mode=\"int\"`, `dtype` should be an integer type, 'int32' or 'int64'. Received: dtype=",
             op.dtype->name()));
  if (op.output_mode != "int" && op.output_mode != "one_hot" && op.output_mode != "multi_hot" &&
      op.output_mode != "count")
    fail(cat("Invalid value for argument `output_mode`. Expected one of ('int', 'one_hot', 'multi_hot', 'count'). ",
             "Received: output_mode=", op.output_mode));
  if (op.sparse) fail("`sparse=True` is not supported: this library has no sparse tensors");
  if (op.salt) {
    if (op.salt->size() == 1) op.salt = std::vector<int64_t>{(*op.salt)[0], (*op.salt)[0]};
    if (op.salt->size() != 2)
      fail(cat("The `salt` argument for `Hashing` can only be a tuple of size 2 integers, or a single integer. ",
               "Received ", op.salt->size(), " integers"));
  }
}

Tensor Hashing::hash_to_bins(const Tensor& x_in) const {
  const Tensor x = x_in.to(Device::cpu());
  const std::vector<std::string> values = string_forms(x);
  // A mask value takes bin 0; the others hash into the remaining bins.
  const bool masked = options_.mask_value.has_value() && num_bins_ > 1;
  const auto bins = static_cast<uint64_t>(masked ? num_bins_ - 1 : num_bins_);
  // The mask is compared with the raw values, before any conversion (Keras's tf.equal).
  std::vector<bool> is_mask(values.size(), false);
  if (masked) {
    const auto& m = *options_.mask_value;
    const bool string_mask = std::holds_alternative<std::string>(m);
    if (string_mask != (x.dtype() == DType::string))
      fail(cat("`mask_value` is a ", string_mask ? "string" : "number", " but the inputs are ", dtype_name(x.dtype())));
    if (string_mask) {
      for (size_t i = 0; i < values.size(); ++i) is_mask[i] = values[i] == std::get<std::string>(m);
    } else {
      const auto raw = x.to_vector<double>();
      for (size_t i = 0; i < raw.size(); ++i) is_mask[i] = raw[i] == static_cast<double>(std::get<int64_t>(m));
    }
  }
  std::vector<int64_t> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (is_mask[i]) {
      out[i] = 0;
      continue;
    }
    const uint64_t h = options_.salt ? utils::siphash_keyed(static_cast<uint64_t>((*options_.salt)[0]),
                                                            static_cast<uint64_t>((*options_.salt)[1]), values[i])
                                     : utils::farmhash_fingerprint64(values[i]);
    out[i] = static_cast<int64_t>(h % bins) + (masked ? 1 : 0);
  }
  return Tensor::from_vector(out, x.shape());
}

Tensor Hashing::call(const Tensor& x, const CallContext&) {
  autograd::NoGradGuard no_grad;  // bins have no gradient
  Tensor in = x;
  if (options_.output_mode == "one_hot" && in.rank() > 0 && in.dim(-1) == 1) {
    std::vector<int64_t> dims = in.shape().dims();
    dims.pop_back();
    in = in.reshape(Shape(dims));
  }
  const Tensor bins = hash_to_bins(in);
  if (options_.output_mode == "int") return bins.astype(options_.dtype->compute_dtype());
  return detail::encode_categorical(bins, options_.output_mode, num_bins_, options_.dtype->compute_dtype());
}

Shape Hashing::compute_output_shape(const Shape& input_shape) {
  // What call returns (Keras's compute_output_shape drops the last axis instead, which
  // its own one_hot output does not match for inputs of shape (batch, n > 1)).
  if (options_.output_mode == "int") return input_shape;
  std::vector<int64_t> dims = input_shape.dims();
  if (options_.output_mode == "one_hot" && !dims.empty() && dims.back() == 1) dims.pop_back();
  return detail::encoded_shape(Shape(dims), options_.output_mode, num_bins_);
}

std::vector<DType> Hashing::compute_output_dtypes(const std::vector<DType>&, size_t num_outputs) {
  return std::vector<DType>(num_outputs, options_.dtype->compute_dtype());
}

Config Hashing::get_config() const {
  Config c = Layer::get_config();
  c["dtype"]["config"]["name"] = std::string(dtype_name(options_.dtype->compute_dtype()));  // Keras's "int64" policy
  c["num_bins"] = num_bins_;
  c["salt"] = options_.salt ? Config(*options_.salt) : Config(nullptr);
  if (!options_.mask_value) c["mask_value"] = nullptr;
  else if (const auto* s = std::get_if<std::string>(&*options_.mask_value)) c["mask_value"] = *s;
  else c["mask_value"] = std::get<int64_t>(*options_.mask_value);
  c["output_mode"] = options_.output_mode;
  c["sparse"] = options_.sparse;
  return c;
}

std::shared_ptr<Layer> Hashing::from_config(const Config& config) {
  const ConfigReader r(config);
  HashingOptions o;
  if (const Config* v = r.find("salt"); v && !v->is_null()) o.salt = r.get<std::vector<int64_t>>("salt", {});
  if (const Config* v = r.find("mask_value"); v && !v->is_null()) {
    if (v->is_string()) o.mask_value = v->get<std::string>();
    else if (v->is_number_integer()) o.mask_value = v->get<int64_t>();
    else r.fail(cat("mask_value must be a string or an integer, got ", v->dump()));
  }
  o.output_mode = r.get<std::string>("output_mode", o.output_mode);
  o.sparse = r.get("sparse", o.sparse);
  r.fill_layer_args(o);
  return std::make_shared<Hashing>(r.required<int64_t>("num_bins"), o);
}

}  // namespace keras::layers

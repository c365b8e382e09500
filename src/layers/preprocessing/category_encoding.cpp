#include "keras/layers/preprocessing/category_encoding.h"

#include <cmath>
#include <functional>

#include "keras/layers/layer_config.h"
#include "layers/preprocessing/encoding_internal.h"

namespace keras::layers {

using keras::detail::cat;

namespace {
/// Token ids as an int64 tensor on x's device, each checked to be an integer in
/// [0, num_tokens) (Keras's TensorFlow path raises the same; its NumPy path would index
/// out of bounds or write nothing).
Tensor checked_token_ids(const Tensor& x, int64_t num_tokens, const std::function<void(const std::string&)>& fail) {
  std::vector<int64_t> ids(static_cast<size_t>(x.size()));
  auto bad = [&](const std::string& value, size_t i, const char* what) {
    fail(cat(what, num_tokens, ". Received: ", value, " at flat position ", i, " of an input of shape ",
             x.shape().to_string(), " (", dtype_name(x.dtype()), ")"));
  };
  const char* range = "Input values must be in the range 0 <= values < num_tokens with num_tokens=";
  if (is_floating(x.dtype())) {
    const auto v = x.to_vector<double>();
    for (size_t i = 0; i < v.size(); ++i) {
      if (!std::isfinite(v[i]) || v[i] != std::floor(v[i]))
        bad(cat(v[i]), i, "Input values must be integers (token ids) in the range 0 <= values < num_tokens=");
      if (v[i] < 0 || v[i] >= static_cast<double>(num_tokens)) bad(cat(v[i]), i, range);
      ids[i] = static_cast<int64_t>(v[i]);
    }
  } else {
    ids = x.to_vector<int64_t>();
    for (size_t i = 0; i < ids.size(); ++i)
      if (ids[i] < 0 || ids[i] >= num_tokens) bad(cat(ids[i]), i, range);
  }
  return Tensor::from_vector(ids, x.shape(), x.device());
}
}  // namespace

CategoryEncoding::CategoryEncoding(int64_t num_tokens, CategoryEncodingOptions o)
    : Concrete("CategoryEncoding", layer_args_of(o)), num_tokens_(num_tokens), options_(std::move(o)) {
  if (options_.output_mode == "binary") options_.output_mode = "multi_hot";  // Keras's deprecated name
  const std::string& mode = options_.output_mode;
  if (mode != "count" && mode != "one_hot" && mode != "multi_hot")
    fail(cat("Unknown arg for output_mode: ", mode, ". Expected one of \"one_hot\", \"multi_hot\", \"count\""));
  if (num_tokens_ < 1) fail(cat("`num_tokens` must be >= 1. Received: num_tokens=", num_tokens_, "."));
  if (options_.sparse)
    fail("`sparse=True` is not supported: this library has no sparse tensors. Received: sparse=True");
}

void CategoryEncoding::check_call_kwargs(const CallKwargs& kw) const {
  if (kw.num_args != 1 || kw.args_as_list)
    fail(cat("CategoryEncoding is called on one tensor: layer(inputs) or layer(inputs, count_weights=w). Received ",
             kw.num_args, " positional arguments"));
  for (const auto& n : kw.tensor_names)
    if (n != "count_weights") fail(cat("CategoryEncoding got an unexpected call argument `", n, "`"));
  bool weighted = kw.tensor_index("count_weights").has_value();
  for (auto it = kw.values.begin(); it != kw.values.end(); ++it) {
    if (it.key() != "count_weights") fail(cat("CategoryEncoding got an unexpected call argument `", it.key(), "`"));
    weighted |= !it->is_null();
  }
  if (weighted && options_.output_mode != "count")
    fail(
        cat("`count_weights` is not used when `output_mode` is not `'count'`. Received `count_weights` with "
            "output_mode=",
            options_.output_mode));
}

std::optional<Config> CategoryEncoding::build_config() const {
  // Keras records the shape of the inputs only, not that of count_weights.
  const auto& shapes = build_input_shapes();
  if (shapes.size() <= 1) return std::nullopt;
  return Config{{"input_shape", config_value(shapes[0])}};
}

void CategoryEncoding::build(const std::vector<Shape>&) {}  // no weights

Shape CategoryEncoding::compute_output_shape(const Shape& input_shape) {
  return detail::encoded_shape(input_shape, options_.output_mode, num_tokens_);
}

std::vector<Shape> CategoryEncoding::compute_output_shape(const std::vector<Shape>& shapes) {
  const CallKwargs kw = current_kwargs(shapes.size());
  check_call_kwargs(kw);
  if (auto i = kw.tensor_index("count_weights")) {
    const Shape &a = shapes[0], &b = shapes[*i];
    bool same = a.rank() == b.rank();
    for (size_t d = 0; same && d < a.size(); ++d) same = a[d] == b[d] || a[d] == kNone || b[d] == kNone;
    if (!same)
      fail(cat("`count_weights` must have the shape of the inputs. Received: inputs.shape=", a.to_string(),
               ", count_weights.shape=", b.to_string()));
  }
  return {compute_output_shape(shapes[0])};
}

TensorList CategoryEncoding::call(const TensorList& inputs, const CallContext&) {
  const CallKwargs kw = current_kwargs(inputs.size());
  check_call_kwargs(kw);
  const Tensor& x = inputs[0];
  Tensor weights;
  if (auto i = kw.tensor_index("count_weights")) {
    weights = inputs[*i];
    if (weights.shape() != x.shape())
      fail(cat("`count_weights` must have the shape of the inputs. Received: inputs.shape=", x.shape().to_string(),
               ", count_weights.shape=", weights.shape().to_string()));
  }
  const Tensor ids = checked_token_ids(x, num_tokens_, [this](const std::string& m) { fail(m); });
  return {detail::encode_categorical(ids, options_.output_mode, num_tokens_, compute_dtype(), weights)};
}

Tensor CategoryEncoding::operator()(const Tensor& inputs, const Tensor& count_weights) {
  if (!count_weights.defined()) return (*this)(inputs);
  CallKwargs kw{.num_args = 1, .tensor_names = {"count_weights"}};
  return call_with(*this, {inputs, count_weights}, kw, CallContext{}).at(0);
}

KerasTensors CategoryEncoding::operator()(const KerasTensor& inputs, const KerasTensor& count_weights) {
  std::shared_ptr<Layer> self = weak_from_this().lock();
  if (!self) fail("CategoryEncoding with count_weights on symbolic tensors needs a shared layer (std::make_shared)");
  CallKwargs kw{.num_args = 1, .tensor_names = {"count_weights"}};
  return call_symbolic_with(self, KerasTensors{inputs, count_weights}, kw);
}

Config CategoryEncoding::get_config() const {
  Config c = Layer::get_config();
  c["num_tokens"] = num_tokens_;
  write_fields(c, options_, this);
  return c;
}

std::shared_ptr<Layer> CategoryEncoding::from_config(const Config& config) {
  const ConfigReader r(config);
  auto o = r.options<CategoryEncodingOptions>();
  o.sparse = r.get<bool>("sparse", false);  // newer Keras writes it
  return std::make_shared<CategoryEncoding>(r.required<int64_t>("num_tokens"), o);
}

}  // namespace keras::layers

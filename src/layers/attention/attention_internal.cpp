#include "attention_internal.h"

#include <cstdlib>

#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "keras/ops/nn.h"
#include "ops/fused.h"

namespace keras::layers::attention_detail {

Tensor keep(const Tensor& m) {
  if (!m.defined()) return m;
  const Tensor b = m.dtype() == DType::bool_ ? m : ops::not_equal(m, Tensor::zeros(Shape{}, m.dtype(), m.device()));
  return ops::cast(b, DType::float32);
}

Tensor both(const Tensor& a, const Tensor& b) {
  if (!a.defined()) return b;
  if (!b.defined()) return a;
  return ops::multiply(a, b);
}

namespace {
template <class F>
Tensor grid(int64_t t, int64_t s, Device device, F keep_cell) {
  std::vector<float> v(static_cast<size_t>(t * s));
  for (int64_t i = 0; i < t; ++i)
    for (int64_t j = 0; j < s; ++j) v[static_cast<size_t>(i * s + j)] = keep_cell(i, j) ? 1.0f : 0.0f;
  return Tensor::from_vector(v, Shape{1, t, s}, device);
}
}  // namespace

Tensor causal_mask(int64_t t, int64_t s, Device device) {
  return grid(t, s, device, [](int64_t i, int64_t j) { return i >= j; });
}

Tensor band_mask(int64_t t, int64_t s, int64_t window, Device device) {
  return grid(t, s, device, [window](int64_t i, int64_t j) { return std::llabs(i - j) < window; });
}

Tensor masked_softmax(const Tensor& scores, const Tensor& mask, int64_t num_axes, bool zero_masked) {
  Tensor x = scores;
  if (mask.defined()) {
    // where(mask, x, -1e9) as x * m + (m - 1) * 1e9: exact for m in {0, 1}.
    const Tensor big = Tensor::scalar(1e9, x.dtype(), x.device());
    x = ops::add(ops::multiply(x, mask),
                 ops::multiply(ops::subtract(mask, Tensor::scalar(1.0, x.dtype(), x.device())), big));
  }
  Tensor y;
  if (num_axes == 1) {
    y = ops::softmax(x, -1);
  } else {
    std::vector<int64_t> axes;
    for (int64_t k = 0; k < num_axes; ++k) axes.push_back(x.rank() - num_axes + k);
    const Tensor e = ops::exp(ops::subtract(x, ops::stop_gradient(ops::max(x, axes, true))));
    y = ops::divide(e, ops::sum(e, axes, true));
  }
  if (mask.defined() && zero_masked) y = ops::multiply(y, mask);
  return y;
}

Tensor attention_mask(const Tensor& query, const Tensor& value, const Tensor& query_mask, const Tensor& value_mask,
                      const Tensor& key_mask, const Tensor& explicit_mask, bool use_causal_mask,
                      std::optional<int64_t> sliding_window) {
  Tensor m;
  if (query_mask.defined()) m = ops::expand_dims(keep(query_mask), -1);           // (B, T, 1)
  if (value_mask.defined()) m = both(m, ops::expand_dims(keep(value_mask), -2));  // (B, 1, S)
  if (key_mask.defined()) m = both(m, ops::expand_dims(keep(key_mask), -2));
  const int64_t t = query.dim(1), s = value.dim(1);
  if (use_causal_mask) m = both(m, causal_mask(t, s, query.device()));
  if (sliding_window) m = both(m, band_mask(t, s, *sliding_window, query.device()));
  return both(keep(explicit_mask), m);
}

Tensor fused_attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask, double scale,
                       bool causal) {
  Tensor m = mask;  // (B, T, S) -> (B, 1, T, S): every head, as Keras expands it
  if (m.defined())
    while (m.rank() < 4) m = ops::expand_dims(m, -3);
  return ops::detail::dot_product_attention(q, k, v, m, scale, causal);
}

void check_attention_kwargs(const CallKwargs& kw, const std::string& who) {
  using keras::detail::cat;
  if (kw.num_args < 2 || kw.num_args > 3 || kw.args_as_list)
    throw ValueError(cat(who, " is called as layer(query, value) or layer(query, value, key); received ", kw.num_args,
                         kw.args_as_list ? " tensors in one list" : " positional tensors"));
  for (const auto& n : kw.tensor_names)
    if (n != "key" && n != "attention_mask" && n != "query_mask" && n != "value_mask" && n != "key_mask")
      throw ValueError(cat(who, " got an unexpected tensor argument `", n, "`"));
  if (kw.num_args == 3 && kw.tensor_index("key")) throw ValueError(cat(who, " got `key` twice"));
  for (auto it = kw.values.begin(); it != kw.values.end(); ++it) {
    const std::string& k = it.key();
    if (k != "use_causal_mask" && k != "return_attention_scores" && k != "training")
      throw ValueError(cat(who, " got an unexpected call argument `", k, "`"));
    if (!it->is_null() && !it->is_boolean())
      throw ValueError(cat(who, ": call argument `", k, "` must be a boolean. Received: ", it->dump()));
  }
}

}  // namespace keras::layers::attention_detail

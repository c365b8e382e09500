// Scaled dot-product attention: shapes and masks checked here, then one fused backend
// kernel (backend::attention_forward / attention_backward) or, where a backend has none,
// the composition of einsum, masked softmax and einsum that it stands for.
#include <array>

#include "keras/errors.h"
#include "keras/ops/core.h"
#include "keras/ops/einsum.h"
#include "keras/ops/math.h"
#include "keras/ops/nn.h"
#include "ops/fused.h"
#include "ops/ops_internal.h"

namespace keras::ops::detail {

using keras::detail::cat;

namespace {

constexpr double kMaskedLogit = -1e9;

/// The geometry after checking that query, key and value fit one another.
backend::AttentionGeometry geometry(const Tensor& q, const Tensor& k, const Tensor& v, double scale, bool causal) {
  const char* op = "dot_product_attention";
  for (const Tensor* t : {&q, &k, &v}) require_float(*t, op);
  require_same_dtype(q, k, op);
  require_same_dtype(q, v, op);
  check_same_device(op, {&q, &k, &v});
  if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4)
    throw ValueError(
        cat("`dot_product_attention` only supports 4D inputs. Received: query.shape=", q.shape().to_string(),
            ", key.shape=", k.shape().to_string(), ", value.shape=", v.shape().to_string()));
  if (k.dim(0) != q.dim(0) || v.dim(0) != q.dim(0) || k.dim(1) != v.dim(1) || k.dim(2) != q.dim(2) ||
      v.dim(2) != q.dim(2) || k.dim(3) != q.dim(3))
    throw ValueError(cat("dot_product_attention: query ", q.shape().to_string(), ", key ", k.shape().to_string(),
                         " and value ", v.shape().to_string(),
                         " do not fit (batch, query_len, heads, dim), (batch, key_len, heads, dim), (batch, key_len, "
                         "heads, value_dim)"));
  return {q.dim(0), q.dim(1), k.dim(1), q.dim(2), q.dim(3), v.dim(3), static_cast<float>(scale), causal};
}

/// The mask as float32 of shape (B or 1, N or 1, T, S), or undefined: non-zero = attend.
/// With `zero_one` its values are exactly 0 and 1 (the composition multiplies by it); the
/// kernel only tests for zero, so a float32 mask (the layers' already is 0/1) is not
/// converted again for it.
Tensor kernel_mask(const Tensor& mask, const backend::AttentionGeometry& g, const Tensor& q, bool zero_one) {
  if (!mask.defined()) return mask;
  check_same_device("dot_product_attention", {&q, &mask});
  if (mask.rank() > 4)
    throw ValueError(cat("dot_product_attention: mask of shape ", mask.shape().to_string(),
                         " has more than 4 axes; it must broadcast to (batch, heads, query_len, key_len) = (", g.batch,
                         ", ", g.heads, ", ", g.query_len, ", ", g.key_len, ")"));
  Shape s = mask.shape();
  while (s.rank() < 4) s.insert(0, 1);
  const std::array<int64_t, 4> full{g.batch, g.heads, g.query_len, g.key_len};
  for (size_t a = 0; a < 4; ++a)
    if (s[a] != 1 && s[a] != full[a])
      throw ValueError(cat("dot_product_attention: mask of shape ", mask.shape().to_string(),
                           " does not broadcast to (batch, heads, query_len, key_len) = (", g.batch, ", ", g.heads,
                           ", ", g.query_len, ", ", g.key_len, ")"));
  Tensor m = mask;
  if (mask.dtype() != DType::bool_ && (zero_one || mask.dtype() != DType::float32))
    m = ops::not_equal(mask, Tensor::zeros(Shape{}, mask.dtype(), mask.device()));
  m = ops::reshape(m, s);
  if (m.dtype() != DType::float32) m = ops::cast(m, DType::float32);
  if (s[2] != g.query_len || s[3] != g.key_len) m = ops::broadcast_to(m, Shape{s[0], s[1], g.query_len, g.key_len});
  return ops::stop_gradient(m);
}

}  // namespace

Tensor dot_product_attention_composed(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& mask,
                                      double scale, bool causal) {
  const backend::AttentionGeometry g = geometry(query, key, value, scale, causal);
  Tensor m = kernel_mask(mask, g, query, /*zero_one=*/true);
  if (causal) {
    std::vector<float> tril(static_cast<size_t>(g.query_len * g.key_len));
    for (int64_t i = 0; i < g.query_len; ++i)
      for (int64_t j = 0; j <= std::min(i, g.key_len - 1); ++j) tril[static_cast<size_t>(i * g.key_len + j)] = 1.f;
    const Tensor c = Tensor::from_vector(tril, Shape{1, 1, g.query_len, g.key_len}, query.device());
    m = m.defined() ? ops::multiply(m, c) : c;
  }
  Tensor logits =
      ops::multiply(ops::einsum("btnh,bsnh->bnts", query, key), Tensor::scalar(scale, DType::float32, query.device()));
  if (m.defined()) {
    // where(m, logits, -1e9) as logits * m + (m - 1) * 1e9: exact for m in {0, 1}.
    logits = ops::add(ops::multiply(logits, m),
                      ops::multiply(ops::subtract(m, Tensor::scalar(1.0, DType::float32, query.device())),
                                    Tensor::scalar(-kMaskedLogit, DType::float32, query.device())));
  }
  return ops::einsum("bnts,bsnh->btnh", ops::softmax(logits, -1), value);
}

Tensor dot_product_attention(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& mask,
                             double scale, bool causal) {
  const backend::AttentionGeometry g = geometry(query, key, value, scale, causal);
  auto& be = backend::backend_for(query);
  const bool empty =
      g.batch == 0 || g.query_len == 0 || g.key_len == 0 || g.heads == 0 || g.head_dim == 0 || g.value_dim == 0;
  if (empty || !be.supports(backend::Op::attention_forward, DType::float32))
    return dot_product_attention_composed(query, key, value, mask, scale, causal);
  const Tensor m = kernel_mask(mask, g, query, /*zero_one=*/false);
  Tensor out = empty_like(query, Shape{g.batch, g.query_len, g.heads, g.value_dim}, query.dtype());
  const TensorList inputs{query, key, value};
  const bool recording = autograd::should_record(inputs);
  auto ws = be.attention_forward(g, query, key, value, m, out, recording);
  if (recording)
    autograd::record("dot_product_attention", inputs, {&out},
                     [g, ws, qs = query.shape(), ks = key.shape(), vs = value.shape()](const TensorList& grads,
                                                                                       const std::vector<bool>&) {
                       const Device d = grads[0].device();
                       const DType t = grads[0].dtype();
                       Tensor dq = Tensor::empty(qs, t, d), dk = Tensor::empty(ks, t, d), dv = Tensor::empty(vs, t, d);
                       backend::backend_for(d).attention_backward(g, *ws, grads[0], dq, dk, dv);
                       return TensorList{dq, dk, dv};
                     });
  return out;
}

}  // namespace keras::ops::detail

// Elementwise arithmetic, reductions and matmul with their gradients.
#include "keras/ops/math.h"

#include <algorithm>

#include "keras/ops/core.h"
#include "ops/ops_internal.h"

namespace keras::ops {

using autograd::record;
using autograd::should_record;
using backend::BinaryOp;
using backend::ReduceOp;
using backend::UnaryOp;
using keras::detail::cat;

namespace {

/// Keras's result_type of two float dtypes: the wider one; float16 with bfloat16 gives
/// float32 (neither holds the other).
DType promoted_float(DType a, DType b) {
  if (a == DType::float64 || b == DType::float64) return DType::float64;
  if (a == DType::float32 || b == DType::float32 || a != b) return DType::float32;
  return a;
}

Tensor binary_raw(BinaryOp op, const Tensor& a_in, const Tensor& b_in, const char* name) {
  // Floats of two widths meet in mixed precision (a float32 constant or mask and a
  // bfloat16 activation): both are cast to the wider, as Keras promotes. Backward casts
  // each gradient back to its input's dtype (autograd's accumulate).
  Tensor a = a_in, b = b_in;
  if (a.dtype() != b.dtype() && is_floating(a.dtype()) && is_floating(b.dtype())) {
    const DType to = promoted_float(a.dtype(), b.dtype());
    if (a.dtype() != to) a = cast(a, to);
    if (b.dtype() != to) b = cast(b, to);
  }
  if (a.dtype() != b.dtype())
    throw TypeError(cat(name, ": operands have different dtypes (", dtype_name(a.dtype()), " and ",
                        dtype_name(b.dtype()), "); cast one with astype"));
  detail::check_same_device(name, {&a, &b});
  const Shape s = broadcast_shapes(a.shape(), b.shape());
  const bool compare = op >= BinaryOp::eq;
  Tensor out = detail::empty_like(a, s, compare ? DType::bool_ : a.dtype());
  backend::backend_for(a).binary(op, a, b, out);
  return out;
}

Tensor as_float(const Tensor& mask) { return cast(mask, DType::float32); }

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor out = binary_raw(BinaryOp::add, a, b, "add");
  if (should_record({&a, &b}))
    record("add", {a, b}, {&out}, [sa = a.shape(), sb = b.shape()](const TensorList& g, const std::vector<bool>& n) {
      return TensorList{n[0] ? detail::sum_to_shape(g[0], sa) : Tensor(),
                        n[1] ? detail::sum_to_shape(g[0], sb) : Tensor()};
    });
  return out;
}

Tensor subtract(const Tensor& a, const Tensor& b) {
  Tensor out = binary_raw(BinaryOp::sub, a, b, "subtract");
  if (should_record({&a, &b}))
    record("subtract", {a, b}, {&out},
           [sa = a.shape(), sb = b.shape()](const TensorList& g, const std::vector<bool>& n) {
             return TensorList{n[0] ? detail::sum_to_shape(g[0], sa) : Tensor(),
                               n[1] ? negative(detail::sum_to_shape(g[0], sb)) : Tensor()};
           });
  return out;
}

Tensor multiply(const Tensor& a, const Tensor& b) {
  Tensor out = binary_raw(BinaryOp::mul, a, b, "multiply");
  if (should_record({&a, &b}))
    record("multiply", {a, b}, {&out},
           [a = a.detach(), b = b.detach()](const TensorList& g, const std::vector<bool>& n) {
             return TensorList{n[0] ? detail::sum_to_shape(multiply(g[0], b), a.shape()) : Tensor(),
                               n[1] ? detail::sum_to_shape(multiply(g[0], a), b.shape()) : Tensor()};
           });
  return out;
}

Tensor divide(const Tensor& a, const Tensor& b) {
  Tensor out = binary_raw(BinaryOp::div, a, b, "divide");
  if (should_record({&a, &b}))
    record("divide", {a, b}, {&out},
           [sa = a.shape(), b = b.detach(), y = out.detach()](const TensorList& g, const std::vector<bool>& n) {
             Tensor ga, gb;
             Tensor g_over_b = divide(g[0], b);
             if (n[0]) ga = detail::sum_to_shape(g_over_b, sa);
             if (n[1]) gb = negative(detail::sum_to_shape(multiply(g_over_b, y), b.shape()));
             return TensorList{ga, gb};
           });
  return out;
}

Tensor maximum(const Tensor& a, const Tensor& b) {
  Tensor out = binary_raw(BinaryOp::max, a, b, "maximum");
  if (should_record({&a, &b}))
    record("maximum", {a, b}, {&out}, [a = a.detach(), b = b.detach()](const TensorList& g, const std::vector<bool>& n) {
      Tensor ga, gb;
      if (n[0]) ga = detail::sum_to_shape(multiply(g[0], as_float(greater_equal(a, b))), a.shape());
      if (n[1]) gb = detail::sum_to_shape(multiply(g[0], as_float(less(a, b))), b.shape());
      return TensorList{ga, gb};
    });
  return out;
}

Tensor minimum(const Tensor& a, const Tensor& b) {
  Tensor out = binary_raw(BinaryOp::min, a, b, "minimum");
  if (should_record({&a, &b}))
    record("minimum", {a, b}, {&out}, [a = a.detach(), b = b.detach()](const TensorList& g, const std::vector<bool>& n) {
      Tensor ga, gb;
      if (n[0]) ga = detail::sum_to_shape(multiply(g[0], as_float(less_equal(a, b))), a.shape());
      if (n[1]) gb = detail::sum_to_shape(multiply(g[0], as_float(greater(a, b))), b.shape());
      return TensorList{ga, gb};
    });
  return out;
}

Tensor power(const Tensor& a, const Tensor& b) {
  Tensor out = binary_raw(BinaryOp::pow, a, b, "power");
  if (should_record({&a, &b}))
    record("power", {a, b}, {&out},
           [a = a.detach(), b = b.detach(), y = out.detach()](const TensorList& g, const std::vector<bool>& n) {
             Tensor ga, gb;
             if (n[0]) ga = detail::sum_to_shape(multiply(g[0], multiply(b, power(a, subtract(b, ones_like(b))))), a.shape());
             if (n[1]) gb = detail::sum_to_shape(multiply(g[0], multiply(y, log(a))), b.shape());
             return TensorList{ga, gb};
           });
  return out;
}

Tensor equal(const Tensor& a, const Tensor& b) { return binary_raw(BinaryOp::eq, a, b, "equal"); }
Tensor not_equal(const Tensor& a, const Tensor& b) { return binary_raw(BinaryOp::ne, a, b, "not_equal"); }
Tensor less(const Tensor& a, const Tensor& b) { return binary_raw(BinaryOp::lt, a, b, "less"); }
Tensor less_equal(const Tensor& a, const Tensor& b) { return binary_raw(BinaryOp::le, a, b, "less_equal"); }
Tensor greater(const Tensor& a, const Tensor& b) { return binary_raw(BinaryOp::gt, a, b, "greater"); }
Tensor greater_equal(const Tensor& a, const Tensor& b) { return binary_raw(BinaryOp::ge, a, b, "greater_equal"); }

// ---- unary

namespace detail {
/// Applies a backend unary op and records its gradient (shared with nn.cpp).
Tensor unary_op(UnaryOp op, const Tensor& x, const char* name, backend::UnaryParams p = {}) {
  require_float(x, name);
  Tensor y = empty_like(x);
  backend::backend_for(x).unary(op, p, x, y);
  if (should_record({&x})) {
    const bool from_output = backend::unary_grad_uses_output(op);
    Tensor saved_x = from_output ? Tensor() : x.detach();
    Tensor saved_y = from_output ? y.detach() : Tensor();
    record(name, {x}, {&y}, [op, p, saved_x, saved_y](const TensorList& g, const std::vector<bool>&) {
      Tensor dx = empty_like(g[0]);
      backend::backend_for(g[0]).unary_backward(op, p, saved_x, saved_y, g[0], dx);
      return TensorList{dx};
    });
  }
  return y;
}
}  // namespace detail

Tensor negative(const Tensor& x) {
  if (x.dtype() != DType::float32) return subtract(zeros_like(x), x);
  return detail::unary_op(UnaryOp::neg, x, "negative");
}
Tensor abs(const Tensor& x) { return detail::unary_op(UnaryOp::abs, x, "abs"); }
Tensor square(const Tensor& x) { return detail::unary_op(UnaryOp::square, x, "square"); }
Tensor sqrt(const Tensor& x) { return detail::unary_op(UnaryOp::sqrt, x, "sqrt"); }
Tensor rsqrt(const Tensor& x) { return detail::unary_op(UnaryOp::rsqrt, x, "rsqrt"); }
Tensor exp(const Tensor& x) { return detail::unary_op(UnaryOp::exp, x, "exp"); }
Tensor log(const Tensor& x) { return detail::unary_op(UnaryOp::log, x, "log"); }
Tensor reciprocal(const Tensor& x) { return detail::unary_op(UnaryOp::reciprocal, x, "reciprocal"); }
Tensor sign(const Tensor& x) { return detail::unary_op(UnaryOp::sign, x, "sign"); }
Tensor clip(const Tensor& x, double low, double high) {
  if (low > high) throw ValueError(cat("clip: low=", low, " is greater than high=", high));
  return detail::unary_op(UnaryOp::clip, x, "clip", {static_cast<float>(low), static_cast<float>(high), 0.f});
}

// ---- reductions

namespace {

/// Reduces x over sorted axes, one run of consecutive axes at a time (last run first,
/// so earlier axis numbers stay valid). Returns the keepdims-shaped result.
Tensor reduce_raw(ReduceOp op, const Tensor& x, const std::vector<int64_t>& axes) {
  Tensor cur = x;
  size_t i = axes.size();
  while (i > 0) {
    size_t j = i - 1;
    while (j > 0 && axes[j - 1] == axes[j] - 1) --j;
    const int64_t first = axes[j], last = axes[i - 1];
    int64_t outer = 1, reduced = 1, inner = 1;
    const Shape& s = cur.shape();
    for (int64_t d = 0; d < cur.rank(); ++d) {
      const int64_t v = s[static_cast<size_t>(d)];
      (d < first ? outer : d <= last ? reduced : inner) *= v;
    }
    Shape out_shape = s;
    for (int64_t d = first; d <= last; ++d) out_shape[static_cast<size_t>(d)] = 1;
    if (reduced == 0 && op != ReduceOp::sum)
      throw ValueError(cat("Cannot take the max/min of an empty axis of shape ", s.to_string()));
    Tensor out = detail::empty_like(cur, out_shape, cur.dtype());
    backend::backend_for(cur).reduce(op, cur, outer, reduced, inner, out);
    cur = out;
    i = j;
  }
  return cur;
}

Shape reduced_shape(const Shape& s, const std::vector<int64_t>& axes, bool keepdims) {
  Shape out;
  for (int64_t d = 0; d < s.rank(); ++d) {
    const bool r = std::binary_search(axes.begin(), axes.end(), d);
    if (!r) out.push_back(s[static_cast<size_t>(d)]);
    else if (keepdims) out.push_back(1);
  }
  return out;
}

Tensor reduce_with_grad(ReduceOp op, const Tensor& x, std::vector<int64_t> axes_in, bool keepdims, const char* name) {
  const auto axes = detail::normalize_axes(std::move(axes_in), x.rank(), name);
  if (op != ReduceOp::sum) detail::require_float(x, name);
  Tensor kept = reduce_raw(op, x, axes);
  Tensor out = ops::reshape(kept.detach(), reduced_shape(x.shape(), axes, keepdims));
  out = out.detach();  // a fresh impl for record()
  if (should_record({&x})) {
    const Shape kept_shape = kept.shape();
    if (op == ReduceOp::sum) {
      record(name, {x}, {&out}, [xs = x.shape(), kept_shape](const TensorList& g, const std::vector<bool>&) {
        return TensorList{broadcast_to(reshape(g[0], kept_shape), xs)};
      });
    } else {
      record(name, {x}, {&out}, [x = x.detach(), kept = kept.detach(), axes](const TensorList& g, const std::vector<bool>&) {
        // Ties share the gradient equally, as TensorFlow's reduce_max gradient does.
        Tensor mask = cast(equal(x, kept), DType::float32);
        Tensor count = sum(mask, axes, true);
        return TensorList{multiply(divide(mask, count), reshape(g[0], kept.shape()))};
      });
    }
  }
  return out;
}

}  // namespace

Tensor sum(const Tensor& x, std::vector<int64_t> axes, bool keepdims) {
  return reduce_with_grad(ReduceOp::sum, x, std::move(axes), keepdims, "sum");
}

Tensor mean(const Tensor& x, std::vector<int64_t> axes, bool keepdims) {
  detail::require_float(x, "mean");
  const auto norm = detail::normalize_axes(axes, x.rank(), "mean");
  int64_t count = 1;
  for (int64_t a : norm) count *= x.shape()[static_cast<size_t>(a)];
  return multiply(sum(x, norm, keepdims), Tensor::full(Shape{}, 1.0 / static_cast<double>(std::max<int64_t>(count, 1)),
                                                     x.dtype(), x.device()));
}

Tensor max(const Tensor& x, std::vector<int64_t> axes, bool keepdims) {
  return reduce_with_grad(ReduceOp::max, x, std::move(axes), keepdims, "max");
}

Tensor min(const Tensor& x, std::vector<int64_t> axes, bool keepdims) {
  return reduce_with_grad(ReduceOp::min, x, std::move(axes), keepdims, "min");
}

Tensor any(const Tensor& x, std::vector<int64_t> axes, bool keepdims) {
  autograd::NoGradGuard no_grad;
  const Tensor zero = Tensor::scalar(0.0, DType::float32, x.device());
  const Tensor nonzero = as_float(not_equal(x.dtype() == DType::float32 ? x : as_float(x), zero));
  return not_equal(max(nonzero, std::move(axes), keepdims), zero);
}

Tensor all(const Tensor& x, std::vector<int64_t> axes, bool keepdims) {
  autograd::NoGradGuard no_grad;
  const Tensor zero = Tensor::scalar(0.0, DType::float32, x.device());
  const Tensor nonzero = as_float(not_equal(x.dtype() == DType::float32 ? x : as_float(x), zero));
  return not_equal(min(nonzero, std::move(axes), keepdims), zero);
}

Tensor argmax(const Tensor& x, int64_t axis, bool keepdims) {
  detail::require_float(x, "argmax");
  axis = normalize_axis(axis, x.rank(), "argmax axis");
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < x.rank(); ++d)
    if (d < axis) outer *= x.shape()[static_cast<size_t>(d)];
    else if (d > axis) inner *= x.shape()[static_cast<size_t>(d)];
  const int64_t r = x.shape()[static_cast<size_t>(axis)];
  if (r == 0) throw ValueError(cat("argmax of an empty axis of shape ", x.shape().to_string()));
  Tensor out = detail::empty_like(x, reduced_shape(x.shape(), {axis}, keepdims), DType::int64);
  backend::backend_for(x).argmax(x, outer, r, inner, out);
  return out;
}

// ---- matmul

namespace {

/// Raw batched product on tensors of rank >= 2 whose batch dims are equal, or where
/// one side is rank 2 (broadcast). No autograd.
Tensor matmul_raw(const Tensor& a, const Tensor& b, bool ta, bool tb) {
  const int64_t ra = a.rank(), rb = b.rank();
  const int64_t m = ta ? a.dim(-1) : a.dim(-2), ka = ta ? a.dim(-2) : a.dim(-1);
  const int64_t kb = tb ? b.dim(-1) : b.dim(-2), n = tb ? b.dim(-2) : b.dim(-1);
  if (ka != kb)
    throw ValueError(cat("matmul: incompatible shapes ", a.shape().to_string(), " and ", b.shape().to_string()));
  Shape batch = ra >= rb ? a.shape().slice(0, ra - 2) : b.shape().slice(0, rb - 2);
  const int64_t nb = batch.num_elements();
  Shape out_shape = batch;
  out_shape.push_back(m);
  out_shape.push_back(n);
  Tensor out = detail::empty_like(a, out_shape, a.dtype());
  const int64_t sa = ra == 2 ? 0 : m * ka, sb = rb == 2 ? 0 : kb * n;
  backend::backend_for(a).matmul(a, b, out, nb, m, n, ka, ta, tb, sa, sb, 0.f);
  return out;
}

}  // namespace

Tensor matmul(const Tensor& a_in, const Tensor& b_in) {
  detail::require_float(a_in, "matmul");
  detail::require_float(b_in, "matmul");
  detail::require_same_dtype(a_in, b_in, "matmul");
  if (a_in.rank() == 0 || b_in.rank() == 0) throw ValueError("matmul: operands must not be scalars");
  detail::check_same_device("matmul", {&a_in, &b_in});
  // NumPy promotion of 1-D operands.
  const bool a_vec = a_in.rank() == 1, b_vec = b_in.rank() == 1;
  Tensor a = a_vec ? reshape(a_in, {1, a_in.dim(0)}) : a_in;
  Tensor b = b_vec ? reshape(b_in, {b_in.dim(0), 1}) : b_in;
  if (a.dim(-1) != b.dim(-2))
    throw ValueError(cat("matmul: incompatible shapes ", a_in.shape().to_string(), " and ", b_in.shape().to_string(),
                         " (inner dimensions ", a.dim(-1), " and ", b.dim(-2), ")"));

  Tensor out;
  if (b.rank() == 2) {
    // (..., m, k) @ (k, n): fold the leading dims of a into m; one GEMM.
    const int64_t k = a.dim(-1), n = b.dim(-1);
    Tensor a2 = reshape(a.detach(), {-1, k});
    Tensor o2 = matmul_raw(a2, b, false, false);
    Shape s = a.shape();
    s[s.size() - 1] = n;
    out = reshape(o2, s).detach();
  } else {
    Shape ba = a.shape().slice(0, -2), bb = b.shape().slice(0, -2);
    Shape batch = a.rank() == 2 ? bb : broadcast_shapes(ba, bb);
    Tensor ax = a, bx = b;
    if (a.rank() != 2 && ba != batch) {
      Shape s = batch; s.push_back(a.dim(-2)); s.push_back(a.dim(-1));
      ax = broadcast_to(a.detach(), s);
    }
    if (bb != batch) {
      Shape s = batch; s.push_back(b.dim(-2)); s.push_back(b.dim(-1));
      bx = broadcast_to(b.detach(), s);
    }
    out = matmul_raw(ax.detach(), bx.detach(), false, false);
  }

  if (should_record({&a, &b})) {
    record("matmul", {a, b}, {&out}, [a = a.detach(), b = b.detach()](const TensorList& g, const std::vector<bool>& n) {
      Tensor ga, gb;
      if (b.rank() == 2) {
        const int64_t k = a.dim(-1), nn = b.dim(-1);
        Tensor g2 = reshape(g[0], {-1, nn});
        if (n[0]) ga = reshape(matmul_raw(g2, b, false, true), a.shape());
        if (n[1]) gb = matmul_raw(reshape(a, {-1, k}), g2, true, false);
      } else {
        // Broadcast batch dims explicitly, then sum the gradient back down.
        const Shape batch = g[0].shape().slice(0, -2);
        auto full_batch = [&](const Tensor& t) {
          if (t.rank() == 2 || t.shape().slice(0, -2) == batch) return t;
          Shape s = batch; s.push_back(t.dim(-2)); s.push_back(t.dim(-1));
          return broadcast_to(t, s);
        };
        if (n[0]) ga = detail::sum_to_shape(matmul_raw(g[0], full_batch(b), false, true), a.shape());
        if (n[1]) gb = detail::sum_to_shape(matmul_raw(full_batch(a), g[0], true, false), b.shape());
      }
      return TensorList{ga, gb};
    });
  }
  if (a_vec) out = squeeze(out, -2);
  if (b_vec) out = squeeze(out, -1);
  return out;
}

}  // namespace keras::ops

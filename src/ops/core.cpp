// Shape and layout ops with their gradients.
#include "keras/ops/core.h"

#include <algorithm>
#include <numeric>

#include "keras/ops/math.h"
#include "ops/ops_internal.h"

namespace keras::ops {

using autograd::record;
using autograd::should_record;
using keras::detail::cat;

namespace detail {

void check_same_device(const char* op, std::initializer_list<const Tensor*> xs) {
  const Tensor* first = nullptr;
  for (const Tensor* t : xs) {
    if (!t->defined()) continue;
    if (!first) {
      first = t;
    } else if (t->device() != first->device()) {
      throw ValueError(cat(op, ": inputs are on ", first->device().to_string(), " and ", t->device().to_string(),
                           "; move them with .to(device) first"));
    }
  }
}

void check_same_device(const char* op, const TensorList& xs) {
  for (size_t i = 1; i < xs.size(); ++i) check_same_device(op, {&xs[0], &xs[i]});
}

Tensor sum_to_shape(const Tensor& grad, const Shape& shape) {
  if (grad.shape() == shape) return grad;
  const int64_t lead = grad.rank() - shape.rank();
  std::vector<int64_t> axes;
  for (int64_t i = 0; i < grad.rank(); ++i) {
    if (i < lead || (shape[static_cast<size_t>(i - lead)] == 1 && grad.shape()[static_cast<size_t>(i)] != 1))
      axes.push_back(i);
  }
  Tensor s = axes.empty() ? grad : ops::sum(grad, axes, /*keepdims=*/true);
  return ops::reshape(s, shape);
}

void require_float(const Tensor& x, const char* op) {
  const DType d = x.dtype();
  if (d != DType::float32 && d != DType::bfloat16 && d != DType::float16)
    throw TypeError(cat(op, ": expected a float32, bfloat16 or float16 tensor, got ", dtype_name(d), " of shape ",
                        x.shape().to_string(), " (cast it with astype first)"));
}

void require_same_dtype(const Tensor& a, const Tensor& b, const char* op) {
  if (a.defined() && b.defined() && a.dtype() != b.dtype())
    throw TypeError(cat(op, ": operands have different dtypes (", dtype_name(a.dtype()), " of shape ",
                        a.shape().to_string(), " and ", dtype_name(b.dtype()), " of shape ", b.shape().to_string(),
                        "); cast one with astype"));
}

std::vector<int64_t> normalize_axes(std::vector<int64_t> axes, int64_t rank, const char* op) {
  if (axes.empty()) {
    axes.resize(static_cast<size_t>(rank));
    std::iota(axes.begin(), axes.end(), 0);
    return axes;
  }
  for (auto& a : axes) a = normalize_axis(a, rank, op);
  std::sort(axes.begin(), axes.end());
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  return axes;
}

}  // namespace detail

namespace {
Tensor view_of(const Tensor& x, const Shape& shape, size_t extra_offset_bytes = 0) {
  auto impl = std::make_shared<keras::detail::TensorImpl>();
  impl->storage = x.impl()->storage;
  impl->byte_offset = x.impl()->byte_offset + extra_offset_bytes;
  impl->shape = shape;
  impl->dtype = x.dtype();
  return Tensor(std::move(impl));
}
}  // namespace

namespace {
/// "(4, -1)": a requested shape, where -1 means "infer" rather than None.
std::string requested(const Shape& s) {
  std::string out = "(";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + (s.size() == 1 ? ",)" : ")");
}
}  // namespace

Tensor reshape(const Tensor& x, const Shape& shape) {
  Shape target = shape;
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == -1) {
      if (infer >= 0) throw ValueError(cat("reshape: can only infer one dimension, got ", requested(shape)));
      infer = static_cast<int64_t>(i);
    } else if (target[i] < 0) {
      throw ValueError(cat("reshape: invalid dimension in ", requested(shape)));
    } else {
      known *= target[i];
    }
  }
  const int64_t n = x.size();
  if (infer >= 0) {
    if (known == 0 || n % known != 0)
      throw ValueError(cat("Cannot reshape a tensor of shape ", x.shape().to_string(), " into shape ",
                           requested(shape)));
    target[static_cast<size_t>(infer)] = n / known;
  }
  if (target.num_elements() != n)
    throw ValueError(cat("Cannot reshape a tensor of shape ", x.shape().to_string(), " (", n, " elements) into shape ",
                         requested(shape)));
  Tensor out = view_of(x, target);
  if (should_record({&x}))
    record("reshape", {x}, {&out}, [xs = x.shape()](const TensorList& g, const std::vector<bool>&) {
      return TensorList{reshape(g[0], xs)};
    });
  return out;
}

Tensor transpose(const Tensor& x, std::vector<int64_t> axes) {
  const int64_t r = x.rank();
  if (axes.empty()) {
    axes.resize(static_cast<size_t>(r));
    for (int64_t i = 0; i < r; ++i) axes[static_cast<size_t>(i)] = r - 1 - i;
  }
  if (static_cast<int64_t>(axes.size()) != r)
    throw ValueError(cat("transpose: axes has ", axes.size(), " entries for a tensor of rank ", r));
  std::vector<bool> used(static_cast<size_t>(r), false);
  Shape out_shape;
  for (auto& a : axes) {
    a = normalize_axis(a, r, "transpose axis");
    if (used[static_cast<size_t>(a)]) throw ValueError("transpose: repeated axis in axes");
    used[static_cast<size_t>(a)] = true;
    out_shape.push_back(x.shape()[static_cast<size_t>(a)]);
  }
  Tensor out = detail::empty_like(x, out_shape, x.dtype());
  backend::backend_for(x).transpose(x, axes, out);
  if (should_record({&x})) {
    std::vector<int64_t> inverse(axes.size());
    for (size_t i = 0; i < axes.size(); ++i) inverse[static_cast<size_t>(axes[i])] = static_cast<int64_t>(i);
    record("transpose", {x}, {&out}, [inverse](const TensorList& g, const std::vector<bool>&) {
      return TensorList{transpose(g[0], inverse)};
    });
  }
  return out;
}

Tensor expand_dims(const Tensor& x, int64_t axis) {
  Shape s = x.shape();
  axis = normalize_axis(axis, x.rank() + 1, "expand_dims axis");
  s.insert(static_cast<size_t>(axis), 1);
  return reshape(x, s);
}

Tensor squeeze(const Tensor& x, int64_t axis) {
  axis = normalize_axis(axis, x.rank(), "squeeze axis");
  if (x.shape()[static_cast<size_t>(axis)] != 1)
    throw ValueError(cat("squeeze: axis ", axis, " of shape ", x.shape().to_string(), " is not 1"));
  Shape s = x.shape();
  s.erase(static_cast<size_t>(axis));
  return reshape(x, s);
}

namespace {
/// copy_slab's offsets for a block that starts at `offset` along `axis` only.
std::vector<int64_t> along(int64_t rank, int64_t axis, int64_t offset) {
  std::vector<int64_t> at(static_cast<size_t>(rank), 0);
  at[static_cast<size_t>(axis)] = offset;
  return at;
}
}  // namespace

Tensor slice_rows(const Tensor& x, int64_t begin, int64_t end) {
  if (x.rank() == 0) throw ValueError("slice_rows: cannot slice a scalar");
  const int64_t rows = x.shape()[0];
  if (begin < 0 || end > rows || begin > end)
    throw ValueError(cat("slice_rows: rows [", begin, ", ", end, ") out of range for shape ", x.shape().to_string()));
  Shape s = x.shape();
  s[0] = end - begin;
  const size_t row_bytes = static_cast<size_t>(rows ? x.size() / rows : 0) * dtype_size(x.dtype());
  Tensor out = view_of(x, s, static_cast<size_t>(begin) * row_bytes);
  if (should_record({&x}))
    record("slice_rows", {x}, {&out}, [xs = x.shape(), begin](const TensorList& g, const std::vector<bool>&) {
      Tensor full = Tensor::zeros(xs, g[0].dtype(), g[0].device());
      backend::backend_for(full).copy_slab(g[0], along(full.rank(), 0, begin), false, full);
      return TensorList{full};
    });
  return out;
}

Tensor take_rows(const Tensor& x, const Tensor& index) {
  if (index.dtype() != DType::int32 && index.dtype() != DType::int64)
    throw TypeError(cat("take_rows: index must be int32 or int64, got ", dtype_name(index.dtype())));
  if (x.rank() == 0) throw ValueError("take_rows: cannot index a scalar");
  detail::check_same_device("take_rows", {&x, &index});
  Shape s = index.shape();
  for (int64_t i = 1; i < x.rank(); ++i) s.push_back(x.shape()[static_cast<size_t>(i)]);
  Tensor out = detail::empty_like(x, s, x.dtype());
  backend::backend_for(x).take_rows(x, index, out);
  if (should_record({&x}))
    record("take_rows", {x}, {&out}, [xs = x.shape(), index](const TensorList& g, const std::vector<bool>&) {
      Tensor full = Tensor::zeros(xs, g[0].dtype(), g[0].device());
      backend::backend_for(full).scatter_add_rows(g[0], index, full);
      return TensorList{full};
    });
  return out;
}

Tensor concatenate(const TensorList& xs, int64_t axis) {
  if (xs.empty()) throw ValueError("concatenate: needs at least one tensor");
  const Tensor& first = xs[0];
  detail::check_same_device("concatenate", xs);
  axis = normalize_axis(axis, first.rank(), "concatenate axis");
  Shape out_shape = first.shape();
  out_shape[static_cast<size_t>(axis)] = 0;
  for (const Tensor& t : xs) {
    bool ok = t.rank() == first.rank() && t.dtype() == first.dtype();
    for (int64_t i = 0; ok && i < t.rank(); ++i)
      if (i != axis && t.shape()[static_cast<size_t>(i)] != first.shape()[static_cast<size_t>(i)]) ok = false;
    if (!ok)
      throw ValueError(cat("concatenate: shapes ", first.shape().to_string(), " and ", t.shape().to_string(),
                           " (", dtype_name(t.dtype()), ") do not match except along axis ", axis));
    out_shape[static_cast<size_t>(axis)] += t.shape()[static_cast<size_t>(axis)];
  }
  Tensor out = detail::empty_like(first, out_shape, first.dtype());
  int64_t offset = 0;
  std::vector<int64_t> offsets;
  for (const Tensor& t : xs) {
    backend::backend_for(out).copy_slab(t, along(out.rank(), axis, offset), false, out);
    offsets.push_back(offset);
    offset += t.shape()[static_cast<size_t>(axis)];
  }
  if (should_record(xs)) {
    std::vector<Shape> shapes;
    for (const Tensor& t : xs) shapes.push_back(t.shape());
    record("concatenate", xs, {&out}, [shapes, offsets, axis](const TensorList& g, const std::vector<bool>& needs) {
      TensorList grads(shapes.size());
      for (size_t i = 0; i < shapes.size(); ++i) {
        if (!needs[i]) continue;
        grads[i] = Tensor::empty(shapes[i], g[0].dtype(), g[0].device());
        backend::backend_for(g[0]).copy_slab(g[0], along(g[0].rank(), axis, offsets[i]), true, grads[i]);
      }
      return grads;
    });
  }
  return out;
}

TensorList split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t axis) {
  axis = normalize_axis(axis, x.rank(), "split axis");
  const int64_t length = x.shape()[static_cast<size_t>(axis)];
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0) throw ValueError(cat("split: negative part size ", s));
    total += s;
  }
  if (total != length)
    throw ValueError(cat("split: part sizes add up to ", total, " but axis ", axis, " of shape ", x.shape().to_string(),
                         " has length ", length));
  TensorList parts;
  std::vector<int64_t> offsets;
  int64_t offset = 0;
  for (int64_t s : sizes) {
    Shape ps = x.shape();
    ps[static_cast<size_t>(axis)] = s;
    Tensor part = detail::empty_like(x, ps, x.dtype());
    if (s > 0) backend::backend_for(x).copy_slab(x, along(x.rank(), axis, offset), true, part);
    parts.push_back(std::move(part));
    offsets.push_back(offset);
    offset += s;
  }
  if (should_record({&x})) {
    std::vector<Tensor*> outs;
    for (Tensor& p : parts) outs.push_back(&p);
    record("split", {x}, outs, [xs = x.shape(), offsets, axis](const TensorList& g, const std::vector<bool>&) {
      Tensor full = Tensor::empty(xs, g[0].dtype(), g[0].device());
      for (size_t i = 0; i < g.size(); ++i)
        if (g[i].size() > 0)
          backend::backend_for(full).copy_slab(g[i], along(full.rank(), axis, offsets[i]), false, full);
      return TensorList{full};
    });
  }
  return parts;
}

Tensor slice(const Tensor& x, const std::vector<int64_t>& start, const std::vector<int64_t>& size) {
  if (static_cast<int64_t>(start.size()) != x.rank() || static_cast<int64_t>(size.size()) != x.rank())
    throw ValueError(cat("slice: start and size need one entry per axis of shape ", x.shape().to_string()));
  Shape out_shape = x.shape();
  for (int64_t a = 0; a < x.rank(); ++a) {
    const size_t i = static_cast<size_t>(a);
    const int64_t n = x.shape()[i], b = start[i], len = size[i] < 0 ? n - b : size[i];
    if (b < 0 || len < 0 || b + len > n)
      throw ValueError(cat("slice: [", b, ", ", b + len, ") is out of range on axis ", a, " of shape ", x.shape().to_string()));
    out_shape[i] = len;
  }
  if (out_shape == x.shape()) return x;
  // One copy of the block, whatever the number of cut axes; the gradient is the block
  // put back into zeros.
  Tensor out = detail::empty_like(x, out_shape, x.dtype());
  if (out.size() > 0) backend::backend_for(x).copy_slab(x, start, true, out);
  if (should_record({&x}))
    record("slice", {x}, {&out}, [xs = x.shape(), start](const TensorList& g, const std::vector<bool>&) {
      Tensor full = Tensor::zeros(xs, g[0].dtype(), g[0].device());
      if (g[0].size() > 0) backend::backend_for(full).copy_slab(g[0], start, false, full);
      return TensorList{full};
    });
  return out;
}

TensorList unstack(const Tensor& x, int64_t axis) {
  axis = normalize_axis(axis, x.rank(), "unstack axis");
  const int64_t n = x.shape()[static_cast<size_t>(axis)];
  TensorList parts = split(x, std::vector<int64_t>(static_cast<size_t>(n), 1), axis);
  for (Tensor& p : parts) p = squeeze(p, axis);
  return parts;
}

Tensor flip(const Tensor& x, int64_t axis) {
  axis = normalize_axis(axis, x.rank(), "flip axis");
  TensorList parts = split(x, std::vector<int64_t>(static_cast<size_t>(x.shape()[static_cast<size_t>(axis)]), 1), axis);
  std::reverse(parts.begin(), parts.end());
  return concatenate(parts, axis);
}

Tensor pad(const Tensor& x, const std::vector<std::array<int64_t, 2>>& pad_width, double constant_value) {
  if (static_cast<int64_t>(pad_width.size()) != x.rank())
    throw ValueError(cat("pad: pad_width needs one (before, after) pair per axis of shape ", x.shape().to_string(),
                         "; got ", pad_width.size()));
  Shape out_shape = x.shape();
  std::vector<int64_t> at(pad_width.size());
  for (int64_t a = 0; a < x.rank(); ++a) {
    const size_t i = static_cast<size_t>(a);
    const auto [before, after] = pad_width[i];
    if (before < 0 || after < 0)
      throw ValueError(cat("pad: pad_width must be >= 0; got (", before, ", ", after, ") for axis ", a));
    out_shape[i] += before + after;
    at[i] = before;
  }
  if (out_shape == x.shape()) return x;
  // The constant everywhere, then x in one copy (a concatenation per padded axis copied
  // the whole tensor once per axis); the gradient is the block cut back out.
  Tensor out = Tensor::full(out_shape, constant_value, x.dtype(), x.device());
  if (x.size() > 0) backend::backend_for(out).copy_slab(x, at, false, out);
  if (should_record({&x}))
    record("pad", {x}, {&out}, [xs = x.shape(), at](const TensorList& g, const std::vector<bool>&) {
      Tensor part = Tensor::empty(xs, g[0].dtype(), g[0].device());
      if (part.size() > 0) backend::backend_for(g[0]).copy_slab(g[0], at, true, part);
      return TensorList{part};
    });
  return out;
}

Tensor stack(const TensorList& xs, int64_t axis) {
  if (xs.empty()) throw ValueError("stack: needs at least one tensor");
  const int64_t r = xs[0].rank() + 1;
  if (axis < 0) axis += r;
  if (axis < 0 || axis >= r) throw ValueError(cat("stack: axis out of range for tensors of rank ", r - 1));
  TensorList expanded;
  expanded.reserve(xs.size());
  for (const Tensor& t : xs) {
    if (t.shape() != xs[0].shape())
      throw ValueError(cat("stack: shapes ", xs[0].shape().to_string(), " and ", t.shape().to_string(), " differ"));
    expanded.push_back(expand_dims(t, axis));
  }
  return concatenate(expanded, axis);
}

Shape broadcast_shapes(const Shape& a, const Shape& b) {
  const size_t r = std::max(a.size(), b.size());
  Shape out(std::vector<int64_t>(r, 1));
  for (size_t i = 0; i < r; ++i) {
    const int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da != db && da != 1 && db != 1)
      throw ValueError(cat("Shapes ", a.to_string(), " and ", b.to_string(), " cannot be broadcast together"));
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Tensor broadcast_to(const Tensor& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  if (broadcast_shapes(x.shape(), shape) != shape)
    throw ValueError(cat("broadcast_to: cannot broadcast ", x.shape().to_string(), " to ", shape.to_string()));
  Tensor out = detail::empty_like(x, shape, x.dtype());
  Tensor zero = Tensor::zeros(Shape{}, x.dtype(), x.device());
  backend::backend_for(x).binary(backend::BinaryOp::add, x, zero, out);
  if (should_record({&x}))
    record("broadcast_to", {x}, {&out}, [xs = x.shape()](const TensorList& g, const std::vector<bool>&) {
      return TensorList{detail::sum_to_shape(g[0], xs)};
    });
  return out;
}

Tensor repeat(const Tensor& x, int64_t repeats, int64_t axis) {
  axis = normalize_axis(axis, x.rank(), "repeat axis");
  if (repeats < 0)
    throw ValueError(cat("repeat: `repeats` must be >= 0, got ", repeats, " (x of shape ", x.shape().to_string(), ")"));
  if (repeats == 1) return x;
  const auto a = static_cast<size_t>(axis);
  Shape wide = x.shape();
  wide.insert(a + 1, repeats);  // (..., n, repeats, ...)
  Shape out = x.shape();
  out[a] *= repeats;  // (..., n * repeats, ...)
  return reshape(broadcast_to(expand_dims(x, axis + 1), wide), out);
}

Tensor cast(const Tensor& x, DType dtype) {
  if (x.dtype() == dtype) return x;
  Tensor out = detail::empty_like(x, x.shape(), dtype);
  backend::backend_for(x).cast(x, out);
  if (is_floating(dtype) && should_record({&x}))
    record("cast", {x}, {&out}, [from = x.dtype()](const TensorList& g, const std::vector<bool>&) {
      return TensorList{cast(g[0], from)};
    });
  return out;
}

Tensor stop_gradient(const Tensor& x) { return x.detach(); }
Tensor zeros_like(const Tensor& x) { return Tensor::zeros(x.shape(), x.dtype(), x.device()); }
Tensor ones_like(const Tensor& x) { return Tensor::ones(x.shape(), x.dtype(), x.device()); }

Tensor one_hot(const Tensor& indices, int64_t num_classes) {
  if (indices.dtype() != DType::int32 && indices.dtype() != DType::int64 && indices.dtype() != DType::uint8)
    throw TypeError(cat("one_hot: indices must be integers, got ", dtype_name(indices.dtype())));
  if (num_classes <= 0) throw ValueError(cat("one_hot: num_classes must be positive, got ", num_classes));
  Shape s = indices.shape();
  s.push_back(num_classes);
  Tensor out = detail::empty_like(indices, s, DType::float32);
  backend::backend_for(indices).one_hot(indices, num_classes, out);
  return out;
}

}  // namespace keras::ops

// Every kernel of every registered backend against the reference backend (ggml's
// test-backend-ops): for each (device type, Op) pair one test, which runs the op on
// random inputs of several shapes (odd sizes, sizes past the CPU backend's oneDNN and
// threading thresholds) for every dtype the backend claims in supports(), and compares
// with ref::RefBackend. A claim without a case here fails, so adding an op to a backend
// means adding its case. Inputs are made on the host and copied to the backend's device,
// so a CUDA backend runs the same cases once it is registered.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "backend/backend.h"
#include "backend/half_precision.h"
#include "backend/ref/ref_backend.h"
#include "test_utils.h"

namespace keras::backend {
namespace {

constexpr DType kAllDTypes[] = {DType::float32, DType::float16, DType::bfloat16, DType::float64,
                                DType::int32,   DType::int64,   DType::uint8,    DType::bool_};

ref::RefBackend& host_ref() {
  static ref::RefBackend r;
  return r;
}

/// The oracle of a 16-bit kernel: the reference on the same inputs widened to float32,
/// the result rounded once (what a kernel that accumulates in float32 gives).
Backend& half_ref() {
  static HalfPrecisionAdapter r(std::make_unique<ref::RefBackend>());
  return r;
}

/// Whether the reference answers for `op` on `dtype` (16-bit floats through half_ref).
bool ref_covers(Op op, DType dtype) {
  return host_ref().supports(op, dtype) || (is_half(dtype) && host_ref().supports(op, DType::float32));
}

/// Random values in [low, high) as `dtype` on the host; integers are floored, and with
/// `step` floats are floored to multiples of it (so that comparisons meet ties).
Tensor values(const Shape& shape, DType dtype, uint64_t seed, double low = -1, double high = 1, double step = 0) {
  if (dtype == DType::uint8 && low < 0) {  // no negative values to cast into an unsigned type (UB)
    high -= low;
    low = 0;
  }
  Tensor f = testing::random_tensor(shape, seed, low, high);
  if (step > 0 || !is_floating(dtype)) {
    const double s = step > 0 ? step : 1.0;
    for (int64_t i = 0; i < f.size(); ++i) f.data<float>()[i] = static_cast<float>(std::floor(f.data<float>()[i] / s) * s);
  }
  if (dtype == DType::float32) return f;
  Tensor out = Tensor::empty(shape, dtype);
  host_ref().cast(f, out);
  return out;
}

Tensor host_copy(const Tensor& t) {
  Tensor c = Tensor::empty(t.shape(), t.dtype());
  host_ref().copy(t, c);
  return c;
}

/// One backend under test, the reference, and the dtype and case count of this run.
struct Ctx {
  Backend& be;
  Backend& ref;
  DType dtype;
  int cases = 0;

  /// A fresh copy of a host tensor on the backend's device (undefined stays undefined).
  Tensor dev(const Tensor& host) const {
    if (!host.defined()) return Tensor();
    Tensor t = Tensor::empty(host.shape(), host.dtype(), be.device());
    be.copy(host, t);
    return t;
  }
  Tensor dev_empty(const Shape& shape, DType dtype = DType::float32) const {
    return Tensor::empty(shape, dtype, be.device());
  }
  Tensor host(const Tensor& t) const {
    Tensor h = Tensor::empty(t.shape(), t.dtype());
    be.copy(t, h);
    return h;
  }
  /// allclose of the backend's result with the reference's. A 16-bit result may differ
  /// by the rounding of its float32 sum, computed in another order: two units in the
  /// last place (bfloat16 keeps 8 bits).
  void near(const Tensor& got, const Tensor& want, double atol, double rtol, const std::string& what) const {
    if (is_half(dtype)) atol = std::max(atol, 1e-2), rtol = std::max(rtol, 1.0 / 64);
    testing::expect_allclose(host(got), want, atol, rtol, what);
  }
  /// Normalised mean squared error, for long accumulations where elementwise bounds are loose.
  void nmse(const Tensor& got, const Tensor& want, double max_err, const std::string& what) const {
    const auto g = host(got).to_vector<double>(), w = want.to_vector<double>();
    ASSERT_EQ(g.size(), w.size()) << what;
    double num = 0, den = 0;
    for (size_t i = 0; i < g.size(); ++i) num += (g[i] - w[i]) * (g[i] - w[i]), den += w[i] * w[i];
    if (is_half(dtype)) max_err = std::max(max_err, 1e-4);
    EXPECT_LE(num / std::max(den, 1e-30), max_err) << what << ": NMSE " << num / std::max(den, 1e-30);
  }
};

std::string str(const Shape& s) { return s.to_string(); }

// ---------------------------------------------------------------- memory
void case_copy(Ctx& c) {
  for (const Shape& s : {Shape{1}, Shape{7, 3}, Shape{4099}}) {
    const Tensor x = values(s, c.dtype, 1, -4, 4);
    Tensor y = c.dev_empty(s, c.dtype);
    c.be.copy(c.dev(x), y);
    c.near(y, x, 0, 0, "copy " + str(s));
    ++c.cases;
  }
}

void case_fill(Ctx& c) {
  for (const Shape& s : {Shape{5}, Shape{3, 1001}})
    for (double v : {0.0, 1.0, 2.5, 7.0}) {
      Tensor y = c.dev_empty(s, c.dtype), want = Tensor::empty(s, c.dtype);
      c.be.fill(y, v);
      c.ref.fill(want, v);
      c.near(y, want, 0, 0, "fill " + str(s) + " with " + std::to_string(v));
      ++c.cases;
    }
}

void case_cast(Ctx& c) {
  for (const Shape& s : {Shape{7}, Shape{5000}})
    for (DType to : kAllDTypes) {
      // Non-negative, so that every conversion (uint8 included) is defined.
      const Tensor x = values(s, c.dtype, 2, 0, 8, 0.125);
      Tensor y = c.dev_empty(s, to), want = Tensor::empty(s, to);
      c.be.cast(c.dev(x), y);
      c.ref.cast(x, want);
      c.near(y, want, 0, 0, "cast " + str(s) + " to " + std::string(dtype_name(to)));
      ++c.cases;
    }
}

// ---------------------------------------------------------------- elementwise
struct UnaryCase {
  const char* name;
  UnaryOp op;
  UnaryParams p;
  double low, high;
};

const std::vector<UnaryCase>& unary_cases() {
  static const std::vector<UnaryCase> cases = {
      {"neg", UnaryOp::neg, {}, -3, 3},
      {"abs", UnaryOp::abs, {}, -3, 3},
      {"square", UnaryOp::square, {}, -3, 3},
      {"sqrt", UnaryOp::sqrt, {}, 0.1, 4},
      {"rsqrt", UnaryOp::rsqrt, {}, 0.1, 4},
      {"exp", UnaryOp::exp, {}, -3, 3},
      {"log", UnaryOp::log, {}, 0.1, 5},
      {"reciprocal", UnaryOp::reciprocal, {}, 0.2, 4},
      {"sign", UnaryOp::sign, {}, -3, 3},
      {"relu", UnaryOp::relu, {0.f, -1.f, 0.f}, -3, 3},
      {"leaky_relu", UnaryOp::relu, {0.2f, -1.f, 0.f}, -3, 3},
      {"relu6", UnaryOp::relu, {0.f, 6.f, 0.f}, -8, 8},
      {"relu_threshold", UnaryOp::relu, {0.1f, 2.f, 0.5f}, -3, 3},
      {"sigmoid", UnaryOp::sigmoid, {}, -6, 6},
      {"tanh", UnaryOp::tanh, {}, -4, 4},
      {"elu", UnaryOp::elu, {1.3f, 0.f, 0.f}, -3, 3},
      {"selu", UnaryOp::selu, {}, -3, 3},
      {"softplus", UnaryOp::softplus, {}, -8, 8},
      {"softsign", UnaryOp::softsign, {}, -4, 4},
      {"silu", UnaryOp::silu, {}, -5, 5},
      {"gelu_tanh", UnaryOp::gelu, {1.f, 0.f, 0.f}, -4, 4},
      {"gelu_erf", UnaryOp::gelu, {0.f, 0.f, 0.f}, -4, 4},
      {"hard_sigmoid", UnaryOp::hard_sigmoid, {}, -5, 5},
      {"hard_silu", UnaryOp::hard_silu, {}, -5, 5},
      {"mish", UnaryOp::mish, {}, -5, 5},
      {"clip", UnaryOp::clip, {-0.5f, 0.7f, 0.f}, -2, 2},
      {"log_sigmoid", UnaryOp::log_sigmoid, {}, -8, 8},
  };
  return cases;
}

// 7 elements run the plain loops; 65x67 = 4355 passes the 4096 from which the CPU
// backend hands eltwise to oneDNN.
const Shape kUnaryShapes[] = {Shape{7}, Shape{65, 67}};

void case_unary(Ctx& c) {
  for (const auto& u : unary_cases())
    for (const Shape& s : kUnaryShapes) {
      const Tensor x = testing::random_tensor(s, 11, u.low, u.high, /*away_from_zero=*/true);
      Tensor y = c.dev_empty(s), want = Tensor::empty(s);
      c.be.unary(u.op, u.p, c.dev(x), y);
      c.ref.unary(u.op, u.p, x, want);
      c.near(y, want, 1e-5, 1e-4, std::string(u.name) + " " + str(s));
      ++c.cases;
    }
}

void case_unary_backward(Ctx& c) {
  for (const auto& u : unary_cases())
    for (const Shape& s : kUnaryShapes) {
      const Tensor x = testing::random_tensor(s, 11, u.low, u.high, /*away_from_zero=*/true);
      const Tensor dy = testing::random_tensor(s, 12);
      Tensor y = Tensor::empty(s);
      c.ref.unary(u.op, u.p, x, y);
      // Give each kernel only what the op's backward keeps (see unary_grad_uses_output).
      const bool from_y = unary_grad_uses_output(u.op);
      const Tensor xa = from_y ? Tensor() : x, ya = from_y ? y : Tensor();
      Tensor dx = c.dev_empty(s), want = Tensor::empty(s);
      c.be.unary_backward(u.op, u.p, c.dev(xa), c.dev(ya), c.dev(dy), dx);
      c.ref.unary_backward(u.op, u.p, xa, ya, dy, want);
      c.near(dx, want, 1e-5, 1e-4, std::string(u.name) + " backward " + str(s));
      ++c.cases;
    }
}

Shape broadcast(const Shape& a, const Shape& b) {
  const size_t r = std::max(a.size(), b.size());
  std::vector<int64_t> d(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    d[i] = da == 1 ? db : da;
  }
  return Shape(d);
}

void case_binary(Ctx& c) {
  const std::vector<std::pair<Shape, Shape>> small = {
      {{3, 5}, {3, 5}}, {{4, 1, 6}, {5, 1}}, {{2, 3}, {}}, {{1, 3}, {4, 1}}, {{6}, {1}}};
  // Past the CPU's 32768-element threshold: many rows, and one long broadcast row.
  const std::vector<std::pair<Shape, Shape>> big = {{{40, 1000}, {1000}}, {{33000}, {1}}};
  const bool wide = c.dtype == DType::float32 || c.dtype == DType::int64;
  const bool is_bool = c.dtype == DType::bool_;
  for (int o = 0; o <= static_cast<int>(BinaryOp::ge); ++o) {
    const auto op = static_cast<BinaryOp>(o);
    auto run = [&](const Shape& sa, const Shape& sb) {
      // Floats: multiples of 0.25 in [0.25, 3] (positive for pow, ties for comparisons);
      // integers 0..3 (division by zero included: both give 0); bool 0/1.
      const double lo = is_floating(c.dtype) ? 0.25 : 0, hi = is_bool ? 2 : is_floating(c.dtype) ? 3.25 : 4;
      const Tensor a = values(sa, c.dtype, 31, lo, hi, 0.25), b = values(sb, c.dtype, 32, lo, hi, 0.25);
      const Shape so = broadcast(sa, sb);
      const DType out_dtype = op >= BinaryOp::eq ? DType::bool_ : c.dtype;
      Tensor y = c.dev_empty(so, out_dtype), want = Tensor::empty(so, out_dtype);
      c.be.binary(op, c.dev(a), c.dev(b), y);
      c.ref.binary(op, a, b, want);
      const std::string what = "binary op " + std::to_string(o) + " " + str(sa) + " with " + str(sb);
      c.near(y, want, 0, 1e-6, what);
      if (out_dtype == DType::bool_) {  // a bool holds 0 or 1 (true + true is true), never a byte 2
        const Tensor h = c.host(y);
        const auto* bytes = static_cast<const uint8_t*>(h.raw_data());
        for (int64_t i = 0; i < h.size(); ++i) ASSERT_LE(bytes[i], 1) << what << " element " << i;
      }
      ++c.cases;
    };
    for (const auto& [sa, sb] : small) run(sa, sb);
    if (wide)
      for (const auto& [sa, sb] : big) run(sa, sb);
  }
}

// ---------------------------------------------------------------- reductions
void case_reduce(Ctx& c) {
  const std::vector<std::array<int64_t, 3>> dims = {{1, 7, 1}, {3, 5, 4}, {2, 1000, 3}, {1, 40000, 1}, {5, 300, 37}};
  for (int o = 0; o <= static_cast<int>(ReduceOp::min); ++o)
    for (const auto& d : dims) {
      const auto op = static_cast<ReduceOp>(o);
      const Tensor x = values({d[0], d[1], d[2]}, c.dtype, 41, -50, 50, is_floating(c.dtype) ? 0 : 1);
      Tensor y = c.dev_empty({d[0], d[2]}, c.dtype), want = Tensor::empty({d[0], d[2]}, c.dtype);
      c.be.reduce(op, c.dev(x), d[0], d[1], d[2], y);
      c.ref.reduce(op, x, d[0], d[1], d[2], want);
      const std::string what = "reduce " + std::to_string(o) + " over " + std::to_string(d[1]);
      if (op == ReduceOp::sum && c.dtype == DType::float32 && d[1] >= 300) c.nmse(y, want, 1e-12, what);
      else c.near(y, want, c.dtype == DType::float32 ? 1e-4 : 0, c.dtype == DType::float32 ? 1e-5 : 0, what);
      ++c.cases;
    }
}

void case_argmax(Ctx& c) {
  const std::vector<std::array<int64_t, 3>> dims = {{1, 7, 1}, {3, 5, 4}, {4, 1000, 3}, {2, 9, 5000}};
  for (double step : {0.0, 1.0})  // 1.0: integer values, many ties (the first index wins)
    for (const auto& d : dims) {
      const Tensor x = values({d[0], d[1], d[2]}, c.dtype, 51, -4, 4, step);
      Tensor y = c.dev_empty({d[0], d[2]}, DType::int64), want = Tensor::empty({d[0], d[2]}, DType::int64);
      c.be.argmax(c.dev(x), d[0], d[1], d[2], y);
      c.ref.argmax(x, d[0], d[1], d[2], want);
      c.near(y, want, 0, 0, "argmax over " + std::to_string(d[1]) + (step > 0 ? " with ties" : ""));
      ++c.cases;
    }
}

// ---------------------------------------------------------------- layout
void case_transpose(Ctx& c) {
  const std::vector<std::pair<Shape, std::vector<int64_t>>> cases = {
      {{7}, {0}}, {{33, 65}, {1, 0}}, {{2, 3, 4}, {2, 0, 1}}, {{2, 3, 4, 5}, {0, 2, 3, 1}}, {{40, 30, 30}, {2, 1, 0}}};
  for (const auto& [s, perm] : cases) {
    const Tensor x = values(s, c.dtype, 61, -9, 9);
    std::vector<int64_t> od;
    for (int64_t p : perm) od.push_back(s[static_cast<size_t>(p)]);
    Tensor y = c.dev_empty(Shape(od), c.dtype), want = Tensor::empty(Shape(od), c.dtype);
    c.be.transpose(c.dev(x), perm, y);
    c.ref.transpose(x, perm, want);
    c.near(y, want, 0, 0, "transpose " + str(s));
    ++c.cases;
  }
}

Tensor row_index(int64_t n, int64_t rows, DType dtype, uint64_t seed) {
  return values({n}, dtype, seed, 0, static_cast<double>(rows));
}

void case_take_rows(Ctx& c) {
  const std::vector<std::pair<Shape, int64_t>> cases = {{{10, 3}, 7}, {{6, 1, 5}, 13}, {{50, 700}, 60}};
  for (DType index_dtype : {DType::int32, DType::int64})
    for (const auto& [s, n] : cases) {
      const Tensor x = values(s, c.dtype, 71, -9, 9), index = row_index(n, s[0], index_dtype, 72);
      std::vector<int64_t> od = s.dims();
      od[0] = n;
      Tensor y = c.dev_empty(Shape(od), c.dtype), want = Tensor::empty(Shape(od), c.dtype);
      c.be.take_rows(c.dev(x), c.dev(index), y);
      c.ref.take_rows(x, index, want);
      c.near(y, want, 0, 0, "take_rows " + str(s));
      ++c.cases;
    }
}

void case_scatter_add_rows(Ctx& c) {
  const std::vector<std::pair<Shape, int64_t>> cases = {{{10, 3}, 7}, {{6, 129}, 20}, {{5, 2, 3}, 9}};
  for (DType index_dtype : {DType::int32, DType::int64})
    for (const auto& [s, n] : cases) {
      std::vector<int64_t> sd = s.dims();
      sd[0] = n;
      const Tensor src = values(Shape(sd), c.dtype, 81), index = row_index(n, s[0], index_dtype, 82);
      const Tensor init = values(s, c.dtype, 83);
      Tensor y = c.dev(init), want = host_copy(init);
      c.be.scatter_add_rows(c.dev(src), c.dev(index), y);
      c.ref.scatter_add_rows(src, index, want);
      c.near(y, want, 1e-6, 1e-6, "scatter_add_rows " + str(s));
      ++c.cases;
    }
}

void case_copy_slab(Ctx& c) {
  struct Slab {
    Shape big, small;
    std::vector<int64_t> offsets;
  };
  const std::vector<Slab> cases = {// one axis narrower (concatenate, split)
                                   {{4, 6, 5}, {2, 6, 5}, {1, 0, 0}},
                                   {{4, 6, 5}, {4, 3, 5}, {0, 1, 0}},
                                   {{4, 6, 5}, {4, 6, 2}, {0, 0, 3}},
                                   {{64, 300, 8}, {64, 150, 8}, {0, 100, 0}},
                                   // several (a padded or cropped image, channels last), a scalar, a whole copy
                                   {{2, 7, 9, 3}, {2, 5, 6, 3}, {0, 1, 2, 0}},
                                   {{3, 4, 5, 6}, {2, 2, 3, 4}, {1, 1, 2, 1}},
                                   {{16, 58, 58, 24}, {16, 56, 56, 24}, {0, 1, 1, 0}},
                                   {{}, {}, {}},
                                   {{3, 4}, {3, 4}, {0, 0}}};
  for (bool extract : {false, true})
    for (const auto& sl : cases) {
      // The big slab (past the CPU's threading threshold) for one dtype per element size suffices.
      if (sl.big.num_elements() > 10000 && c.dtype != DType::float32 && c.dtype != DType::int64) continue;
      std::string at;
      for (int64_t o : sl.offsets) at += (at.empty() ? "" : ",") + std::to_string(o);
      const std::string what =
          std::string(extract ? "extract " : "insert ") + str(sl.small) + " at (" + at + ") of " + str(sl.big);
      if (extract) {
        const Tensor x = values(sl.big, c.dtype, 91, -9, 9);
        Tensor y = c.dev_empty(sl.small, c.dtype), want = Tensor::empty(sl.small, c.dtype);
        c.be.copy_slab(c.dev(x), sl.offsets, true, y);
        c.ref.copy_slab(x, sl.offsets, true, want);
        c.near(y, want, 0, 0, what);
      } else {
        const Tensor x = values(sl.small, c.dtype, 92, -9, 9), init = values(sl.big, c.dtype, 93, -9, 9);
        Tensor y = c.dev(init), want = host_copy(init);
        c.be.copy_slab(c.dev(x), sl.offsets, false, y);
        c.ref.copy_slab(x, sl.offsets, false, want);
        c.near(y, want, 0, 0, what);
      }
      ++c.cases;
    }
}

void case_one_hot(Ctx& c) {
  const bool is_signed = c.dtype != DType::uint8 && c.dtype != DType::bool_;
  for (const Shape& s : {Shape{7}, Shape{3, 5}})
    for (int64_t depth : {4, 10}) {
      // Out-of-range indices (-1, depth) included: their rows stay zero.
      const double hi = c.dtype == DType::bool_ ? 2 : static_cast<double>(depth + 1);
      const Tensor idx = values(s, c.dtype, 101, is_signed ? -1 : 0, hi, 1.0);
      std::vector<int64_t> od = s.dims();
      od.push_back(depth);
      Tensor y = c.dev_empty(Shape(od)), want = Tensor::empty(Shape(od));
      c.be.one_hot(c.dev(idx), depth, y);
      c.ref.one_hot(idx, depth, want);
      c.near(y, want, 0, 0, "one_hot " + str(s) + " depth " + std::to_string(depth));
      ++c.cases;
    }
}

// ---------------------------------------------------------------- matmul
void case_matmul(Ctx& c) {
  struct Mm {
    int64_t batch, m, n, k;
    bool ta, tb, a_shared, b_shared;  // shared: batch stride 0 (one matrix for every batch)
    float beta;
  };
  const std::vector<Mm> cases = {
      {1, 1, 1, 1, false, false, false, false, 0.f},  {1, 7, 5, 3, false, false, false, false, 0.f},
      {3, 4, 6, 5, true, false, false, false, 0.f},   {3, 4, 6, 5, false, true, true, false, 1.f},
      {2, 33, 17, 65, true, true, false, true, 1.f},  {1, 64, 70, 129, false, false, false, false, 0.5f},
      {2, 3, 4, 0, false, false, false, false, 0.5f}, {4, 1, 9, 31, false, true, false, false, 0.f},
      {2, 3, 4, 0, false, false, false, false, 0.f},  // empty sum into NaN-filled memory: zeros
      {2, 0, 4, 3, false, false, false, false, 0.f},  {2, 3, 0, 4, true, true, false, false, 0.f},  // empty outputs
  };
  for (const auto& mm : cases) {
    const int64_t sa = mm.a_shared ? 0 : mm.m * mm.k, sb = mm.b_shared ? 0 : mm.k * mm.n;
    const Tensor a = values({mm.a_shared ? 1 : mm.batch, mm.ta ? mm.k : mm.m, mm.ta ? mm.m : mm.k}, c.dtype, 111);
    const Tensor b = values({mm.b_shared ? 1 : mm.batch, mm.tb ? mm.n : mm.k, mm.tb ? mm.k : mm.n}, c.dtype, 112);
    // With beta = 0 the output's old contents must not matter: make them NaN.
    const Tensor init = mm.beta == 0.f ? Tensor::full({mm.batch, mm.m, mm.n}, std::nan("")).astype(c.dtype)
                                       : values({mm.batch, mm.m, mm.n}, c.dtype, 113);
    Tensor y = c.dev(init), want = host_copy(init);
    c.be.matmul(c.dev(a), c.dev(b), y, mm.batch, mm.m, mm.n, mm.k, mm.ta, mm.tb, sa, sb, mm.beta);
    c.ref.matmul(a, b, want, mm.batch, mm.m, mm.n, mm.k, mm.ta, mm.tb, sa, sb, mm.beta);
    const std::string what = "matmul " + std::to_string(mm.batch) + "x" + std::to_string(mm.m) + "x" +
                             std::to_string(mm.n) + "x" + std::to_string(mm.k) + (mm.ta ? " T" : " N") +
                             (mm.tb ? "T" : "N") + " beta " + std::to_string(mm.beta);
    c.near(y, want, 1e-4 * std::sqrt(static_cast<double>(mm.k) + 1), 1e-4, what);
    if (mm.k >= 64) c.nmse(y, want, 1e-11, what);
    ++c.cases;
  }
}

// ---------------------------------------------------------------- convolution, pooling
/// A window geometry from per-dim lists; output sizes follow from the padding.
WindowGeometry window(int64_t batch, std::vector<int64_t> in, int64_t ci, int64_t co, int64_t groups,
                      std::vector<int64_t> kernel, std::vector<int64_t> stride, std::vector<int64_t> dilation,
                      std::vector<int64_t> pad_before, std::vector<int64_t> pad_after) {
  WindowGeometry g;
  g.spatial = static_cast<int>(in.size());
  g.batch = batch, g.in_channels = ci, g.out_channels = co, g.groups = groups;
  for (size_t d = 0; d < in.size(); ++d) {
    g.in[d] = in[d], g.kernel[d] = kernel[d], g.stride[d] = stride[d], g.dilation[d] = dilation[d];
    g.pad_before[d] = pad_before[d], g.pad_after[d] = pad_after[d];
    const int64_t effective = (kernel[d] - 1) * dilation[d] + 1;
    g.out[d] = (in[d] + pad_before[d] + pad_after[d] - effective) / stride[d] + 1;
  }
  return g;
}

Shape data_shape(const WindowGeometry& g, bool output) {
  std::vector<int64_t> d{g.batch};
  for (int i = 0; i < g.spatial; ++i) d.push_back(output ? g.out[static_cast<size_t>(i)] : g.in[static_cast<size_t>(i)]);
  d.push_back(output ? g.out_channels : g.in_channels);
  return Shape(d);
}

Shape kernel_shape(const WindowGeometry& g) {
  std::vector<int64_t> d;
  for (int i = 0; i < g.spatial; ++i) d.push_back(g.kernel[static_cast<size_t>(i)]);
  d.push_back(g.in_channels / g.groups);
  d.push_back(g.out_channels);
  return Shape(d);
}

std::string describe(const WindowGeometry& g) {
  return std::to_string(g.spatial) + "-D " + str(data_shape(g, false)) + " -> " + str(data_shape(g, true)) +
         " groups " + std::to_string(g.groups);
}

const std::vector<WindowGeometry>& conv_geometries() {
  static const std::vector<WindowGeometry> gs = {
      window(2, {9}, 3, 4, 1, {3}, {2}, {1}, {1}, {1}),
      window(1, {10}, 2, 3, 1, {3}, {1}, {2}, {4}, {0}),  // causal, dilated
      window(2, {7, 8}, 4, 6, 1, {3, 2}, {2, 1}, {1, 2}, {1, 1}, {1, 0}),
      window(1, {6, 5}, 4, 6, 2, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}),  // grouped
      window(1, {5, 5}, 3, 6, 3, {3, 3}, {2, 2}, {1, 1}, {0, 0}, {1, 1}),  // depthwise, multiplier 2
      window(1, {4, 5, 6}, 2, 3, 1, {2, 2, 3}, {1, 2, 1}, {1, 1, 1}, {0, 1, 1}, {1, 0, 1}),
      window(2, {17, 19}, 8, 16, 1, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}),
      // Those ops::conv_transpose runs: pad_after down to 1 - stride (output_padding).
      window(2, {14}, 3, 2, 1, {4}, {3}, {1}, {0}, {-1}),
      window(1, {6, 8}, 2, 3, 1, {3, 4}, {2, 3}, {1, 1}, {1, 1}, {0, -1}),
      window(2, {4, 6, 7}, 3, 2, 1, {2, 3, 2}, {1, 2, 2}, {1, 1, 1}, {0, 0, 0}, {0, -1, -1}),
      window(1, {12}, 2, 2, 1, {2}, {3}, {1}, {0}, {-2}),  // kernel < stride
  };
  return gs;
}

void case_conv_forward(Ctx& c) {
  using backend::ConvActivation;
  // The epilogues: none; relu without and with a bias; then a folded BatchNormalization
  // (scale, shift), a residual sum and each activation, alone and together.
  struct Variant {
    bool bias, scale, shift, accumulate;
    ConvActivation activation;
  };
  const std::vector<Variant> variants{
      {true, false, false, false, ConvActivation::none}, {false, false, false, false, ConvActivation::relu},
      {true, false, false, false, ConvActivation::relu}, {false, true, true, false, ConvActivation::none},
      {true, true, false, false, ConvActivation::relu6}, {false, false, true, true, ConvActivation::silu},
      {true, true, true, true, ConvActivation::relu},    {false, true, true, false, ConvActivation::sigmoid},
      {true, false, false, true, ConvActivation::tanh},
  };
  for (const auto& g : conv_geometries())
    for (const Variant& v : variants) {
      const Tensor x = values(data_shape(g, false), c.dtype, 121), k = values(kernel_shape(g), c.dtype, 122);
      const Tensor b = v.bias ? values({g.out_channels}, c.dtype, 123) : Tensor();
      backend::ConvEpilogue host_epilogue;
      if (v.scale) host_epilogue.scale = values({g.out_channels}, DType::float32, 124) * 3.0;
      if (v.shift) host_epilogue.shift = values({g.out_channels}, DType::float32, 125);
      host_epilogue.accumulate = v.accumulate;
      host_epilogue.activation = v.activation;
      backend::ConvEpilogue dev_epilogue = host_epilogue;
      dev_epilogue.scale = c.dev(host_epilogue.scale);
      dev_epilogue.shift = c.dev(host_epilogue.shift);
      // accumulate adds onto what the output holds.
      const Tensor before = values(data_shape(g, true), c.dtype, 126);
      Tensor y = c.dev(before), want = before.clone();
      c.be.conv_forward(g, c.dev(x), c.dev(k), c.dev(b), y, dev_epilogue);
      c.ref.conv_forward(g, x, k, b, want, host_epilogue);
      c.near(y, want, 1e-4, 1e-4,
             "conv_forward " + describe(g) + (v.bias ? " bias" : "") + (v.scale ? " scale" : "") +
                 (v.shift ? " shift" : "") + (v.accumulate ? " +y" : "") + " activation " +
                 std::to_string(static_cast<int>(v.activation)));
      ++c.cases;
    }
}

void case_conv_backward_data(Ctx& c) {
  for (const auto& g : conv_geometries()) {
    const Tensor dy = values(data_shape(g, true), c.dtype, 131), k = values(kernel_shape(g), c.dtype, 132);
    Tensor dx = c.dev_empty(data_shape(g, false), c.dtype), want = Tensor::empty(data_shape(g, false), c.dtype);
    c.be.conv_backward_data(g, c.dev(dy), c.dev(k), dx);
    c.ref.conv_backward_data(g, dy, k, want);
    c.near(dx, want, 1e-4, 1e-4, "conv_backward_data " + describe(g));
    ++c.cases;
  }
}

void case_conv_backward_weights(Ctx& c) {
  for (const auto& g : conv_geometries())
    for (bool bias : {true, false}) {
      const Tensor x = values(data_shape(g, false), c.dtype, 141), dy = values(data_shape(g, true), c.dtype, 142);
      Tensor dk = c.dev_empty(kernel_shape(g), c.dtype), want_k = Tensor::empty(kernel_shape(g), c.dtype);
      Tensor db = bias ? c.dev_empty({g.out_channels}, c.dtype) : Tensor();
      Tensor want_b = bias ? Tensor::empty({g.out_channels}, c.dtype) : Tensor();
      c.be.conv_backward_weights(g, c.dev(x), c.dev(dy), dk, db);
      c.ref.conv_backward_weights(g, x, dy, want_k, want_b);
      c.near(dk, want_k, 1e-4, 1e-4, "conv_backward_weights kernel " + describe(g));
      if (bias) c.near(db, want_b, 1e-4, 1e-4, "conv_backward_weights bias " + describe(g));
      ++c.cases;
    }
}

const std::vector<WindowGeometry>& pool_geometries() {
  static const std::vector<WindowGeometry> gs = {
      window(2, {9}, 3, 3, 1, {2}, {2}, {1}, {0}, {1}),                      // "same", odd length
      window(2, {6, 7}, 4, 4, 1, {3, 2}, {2, 2}, {1, 1}, {0, 0}, {0, 0}),     // "valid"
      window(1, {5, 5}, 2, 2, 1, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}),     // "same", overlapping
      window(1, {7, 6}, 2, 2, 1, {2, 3}, {2, 2}, {1, 1}, {0, 0}, {1, 1}),     // "same", padding after only
      window(1, {4, 5, 3}, 2, 2, 1, {2, 2, 2}, {2, 2, 1}, {1, 1, 1}, {0, 0, 0}, {0, 1, 1}),
  };
  return gs;
}

void case_pool_forward(Ctx& c) {
  for (PoolKind kind : {PoolKind::max, PoolKind::average})
    for (const auto& g : pool_geometries())
      for (bool training : {false, true}) {
        // Distinct values: no ties, so the max is the same cell for every implementation.
        const Tensor x = testing::distinct_tensor(data_shape(g, false), 151);
        Tensor y = c.dev_empty(data_shape(g, true)), want = Tensor::empty(data_shape(g, true));
        c.be.pool_forward(kind, g, c.dev(x), y, training);
        c.ref.pool_forward(kind, g, x, want, training);
        c.near(y, want, 1e-6, 1e-5,
               std::string(kind == PoolKind::max ? "max" : "average") + " pool_forward " + describe(g));
        ++c.cases;
      }
}

void case_pool_backward(Ctx& c) {
  for (PoolKind kind : {PoolKind::max, PoolKind::average})
    for (const auto& g : pool_geometries()) {
      const Tensor x = testing::distinct_tensor(data_shape(g, false), 161), dy = values(data_shape(g, true), c.dtype, 162);
      Tensor y = c.dev_empty(data_shape(g, true)), y_ref = Tensor::empty(data_shape(g, true));
      auto ws = c.be.pool_forward(kind, g, c.dev(x), y, true);
      auto ws_ref = c.ref.pool_forward(kind, g, x, y_ref, true);
      Tensor dx = c.dev_empty(data_shape(g, false)), want = Tensor::empty(data_shape(g, false));
      c.be.pool_backward(kind, g, c.dev(dy), ws.get(), dx);
      c.ref.pool_backward(kind, g, dy, ws_ref.get(), want);
      c.near(dx, want, 1e-6, 1e-5,
             std::string(kind == PoolKind::max ? "max" : "average") + " pool_backward " + describe(g));
      ++c.cases;
    }
}

// ---------------------------------------------------------------- softmax
// 3000 elements run the plain loops, 4620 and 5000 oneDNN (from 4096 on).
const std::vector<std::array<int64_t, 3>> kSoftmaxDims = {{2, 3, 1}, {300, 10, 1}, {7, 33, 20}, {1, 5000, 1}, {4, 1, 3}};

void case_softmax(Ctx& c) {
  for (bool log : {false, true})
    for (const auto& d : kSoftmaxDims) {
      const Shape s{d[0], d[1], d[2]};
      const Tensor x = values(s, c.dtype, 171, -5, 5);
      Tensor y = c.dev_empty(s), want = Tensor::empty(s);
      c.be.softmax(c.dev(x), d[0], d[1], d[2], log, y);
      c.ref.softmax(x, d[0], d[1], d[2], log, want);
      c.near(y, want, 1e-6, 1e-4, std::string(log ? "log_softmax " : "softmax ") + str(s));
      ++c.cases;
    }
}

void case_softmax_backward(Ctx& c) {
  for (bool log : {false, true})
    for (const auto& d : kSoftmaxDims) {
      const Shape s{d[0], d[1], d[2]};
      const Tensor x = values(s, c.dtype, 181, -5, 5), dy = values(s, c.dtype, 182);
      Tensor y = Tensor::empty(s);
      c.ref.softmax(x, d[0], d[1], d[2], log, y);
      Tensor dx = c.dev_empty(s), want = Tensor::empty(s);
      c.be.softmax_backward(c.dev(y), c.dev(dy), d[0], d[1], d[2], log, dx);
      c.ref.softmax_backward(y, dy, d[0], d[1], d[2], log, want);
      c.near(dx, want, 1e-5, 1e-4, std::string(log ? "log_softmax" : "softmax") + " backward " + str(s));
      ++c.cases;
    }
}

// ---------------------------------------------------------------- attention
struct AttentionInputs {
  AttentionGeometry g;
  Tensor q, k, v, mask;
  std::string what;
};

/// Sizes that cross the CPU kernel's query (64) and key (512) blocks, causal and explicit
/// masks (per batch, per head, with rows that mask every key), and a value width unlike
/// the key's.
std::vector<AttentionInputs> attention_cases() {
  struct Spec {
    int64_t b, t, s, n, h, hv;
    bool causal;
    int mask;  // 0: none, 1: (B, 1, T, S) random with fully masked rows, 2: (1, N, T, S) random
  };
  const std::vector<Spec> specs = {{2, 5, 7, 3, 4, 6, false, 0},   {1, 70, 600, 2, 8, 8, false, 0},
                                   {2, 70, 70, 2, 4, 4, true, 0},  {1, 5, 9, 1, 3, 2, true, 0},
                                   {2, 6, 600, 2, 4, 3, false, 1}, {1, 67, 20, 3, 5, 5, true, 2},
                                   {2, 9, 9, 2, 4, 4, true, 1}};
  std::vector<AttentionInputs> out;
  uint64_t seed = 400;
  for (const Spec& sp : specs) {
    AttentionInputs a;
    a.g = AttentionGeometry{sp.b, sp.t, sp.s, sp.n, sp.h, sp.hv, 1.f / std::sqrt(static_cast<float>(sp.h)), sp.causal};
    a.q = values({sp.b, sp.t, sp.n, sp.h}, DType::float32, seed++, -2, 2);
    a.k = values({sp.b, sp.s, sp.n, sp.h}, DType::float32, seed++, -2, 2);
    a.v = values({sp.b, sp.s, sp.n, sp.hv}, DType::float32, seed++);
    if (sp.mask) {
      const Shape ms = sp.mask == 1 ? Shape{sp.b, 1, sp.t, sp.s} : Shape{1, sp.n, sp.t, sp.s};
      std::vector<float> m(static_cast<size_t>(ms.num_elements()));
      const Tensor r = values(ms, DType::float32, seed++, 0, 1);
      for (size_t i = 0; i < m.size(); ++i) m[i] = r.data<float>()[i] < 0.3f ? 0.f : 1.f;
      if (sp.mask == 1)
        for (int64_t j = 0; j < sp.s; ++j) m[static_cast<size_t>(1 * sp.s + j)] = 0.f;  // row 1 masks every key
      a.mask = Tensor::from_vector(m, ms);
    }
    a.what = "attention batch " + std::to_string(sp.b) + " query " + std::to_string(sp.t) + " keys " +
             std::to_string(sp.s) + " heads " + std::to_string(sp.n) + (sp.causal ? " causal" : "") +
             (sp.mask ? " mask " + std::to_string(sp.mask) : "");
    out.push_back(std::move(a));
  }
  return out;
}

void case_attention_forward(Ctx& c) {
  for (const auto& a : attention_cases())
    for (bool training : {false, true}) {
      const Shape os{a.g.batch, a.g.query_len, a.g.heads, a.g.value_dim};
      Tensor got = c.dev_empty(os), want = Tensor::empty(os);
      c.be.attention_forward(a.g, c.dev(a.q), c.dev(a.k), c.dev(a.v), c.dev(a.mask), got, training);
      c.ref.attention_forward(a.g, a.q, a.k, a.v, a.mask, want, training);
      c.near(got, want, 1e-5, 1e-4, a.what);
      ++c.cases;
    }
}

void case_attention_backward(Ctx& c) {
  for (const auto& a : attention_cases()) {
    const Shape os{a.g.batch, a.g.query_len, a.g.heads, a.g.value_dim};
    Tensor out = c.dev_empty(os), out_ref = Tensor::empty(os);
    auto ws = c.be.attention_forward(a.g, c.dev(a.q), c.dev(a.k), c.dev(a.v), c.dev(a.mask), out, true);
    auto ws_ref = c.ref.attention_forward(a.g, a.q, a.k, a.v, a.mask, out_ref, true);
    const Tensor dout = values(os, DType::float32, 450);
    std::vector<Tensor> got{c.dev_empty(a.q.shape()), c.dev_empty(a.k.shape()), c.dev_empty(a.v.shape())};
    std::vector<Tensor> want{Tensor::empty(a.q.shape()), Tensor::empty(a.k.shape()), Tensor::empty(a.v.shape())};
    c.be.attention_backward(a.g, *ws, c.dev(dout), got[0], got[1], got[2]);
    c.ref.attention_backward(a.g, *ws_ref, dout, want[0], want[1], want[2]);
    const char* names[] = {" dquery", " dkey", " dvalue"};
    for (size_t i = 0; i < 3; ++i) c.near(got[i], want[i], 1e-5, 1e-3, a.what + names[i]);
    ++c.cases;
  }
}

// ---------------------------------------------------------------- layer normalization
struct LayerNormInputs {
  int64_t rows, cols;
  Tensor x, gamma, beta;
  std::string what;
};

std::vector<LayerNormInputs> layer_norm_cases() {
  std::vector<LayerNormInputs> out;
  uint64_t seed = 500;
  for (const auto& [rows, cols] : std::vector<std::pair<int64_t, int64_t>>{{3, 5}, {1, 1}, {70, 256}, {1000, 33}})
    for (int weights = 0; weights < 4; ++weights) {  // bit 0: gamma, bit 1: beta
      LayerNormInputs l{rows, cols, values({rows, cols}, DType::float32, seed++, -3, 5), Tensor(), Tensor(), ""};
      if (weights & 1) l.gamma = values({cols}, DType::float32, seed++, 0.5, 1.5);
      if (weights & 2) l.beta = values({cols}, DType::float32, seed++);
      l.what = "layer_norm " + std::to_string(rows) + " x " + std::to_string(cols) +
               (l.gamma.defined() ? " gamma" : "") + (l.beta.defined() ? " beta" : "");
      out.push_back(std::move(l));
    }
  return out;
}

void case_layer_norm_forward(Ctx& c) {
  for (const auto& l : layer_norm_cases()) {
    const Shape s{l.rows, l.cols}, r{l.rows};
    Tensor y = c.dev_empty(s), mean = c.dev_empty(r), rstd = c.dev_empty(r);
    Tensor y_ref = Tensor::empty(s), mean_ref = Tensor::empty(r), rstd_ref = Tensor::empty(r);
    c.be.layer_norm_forward(c.dev(l.x), c.dev(l.gamma), c.dev(l.beta), l.rows, l.cols, 1e-3f, y, mean, rstd);
    c.ref.layer_norm_forward(l.x, l.gamma, l.beta, l.rows, l.cols, 1e-3f, y_ref, mean_ref, rstd_ref);
    c.near(y, y_ref, 1e-5, 1e-4, l.what + " y");
    c.near(mean, mean_ref, 1e-5, 1e-4, l.what + " mean");
    c.near(rstd, rstd_ref, 1e-5, 1e-4, l.what + " rstd");
    ++c.cases;
  }
}

void case_layer_norm_backward(Ctx& c) {
  for (const auto& l : layer_norm_cases()) {
    const Shape s{l.rows, l.cols}, r{l.rows}, w{l.cols};
    Tensor y = Tensor::empty(s), mean = Tensor::empty(r), rstd = Tensor::empty(r);
    c.ref.layer_norm_forward(l.x, l.gamma, l.beta, l.rows, l.cols, 1e-3f, y, mean, rstd);
    const Tensor dy = values(s, DType::float32, 550);
    Tensor dx = c.dev_empty(s), dg = l.gamma.defined() ? c.dev_empty(w) : Tensor(),
           db = l.beta.defined() ? c.dev_empty(w) : Tensor();
    Tensor dx_ref = Tensor::empty(s), dg_ref = l.gamma.defined() ? Tensor::empty(w) : Tensor(),
           db_ref = l.beta.defined() ? Tensor::empty(w) : Tensor();
    c.be.layer_norm_backward(c.dev(l.x), c.dev(l.gamma), c.dev(mean), c.dev(rstd), c.dev(dy), l.rows, l.cols, dx, dg,
                             db);
    c.ref.layer_norm_backward(l.x, l.gamma, mean, rstd, dy, l.rows, l.cols, dx_ref, dg_ref, db_ref);
    c.near(dx, dx_ref, 1e-5, 1e-4, l.what + " dx");
    if (dg.defined()) c.near(dg, dg_ref, 1e-4, 1e-4, l.what + " dgamma");
    if (db.defined()) c.near(db, db_ref, 1e-4, 1e-4, l.what + " dbeta");
    ++c.cases;
  }
}

// ---------------------------------------------------------------- batch normalization
// Reuses the layer-norm inputs as [rows, channels]; each case both in training mode
// (statistics of the batch) and inference mode (given statistics).
void case_batch_norm_forward(Ctx& c) {
  uint64_t seed = 600;
  for (const auto& l : layer_norm_cases())
    for (const bool training : {true, false}) {
      const Shape s{l.rows, l.cols}, w{l.cols};
      Tensor mean = training ? c.dev_empty(w) : c.dev(values(w, DType::float32, seed++, -1, 3));
      Tensor var = training ? c.dev_empty(w) : c.dev(values(w, DType::float32, seed++, 0.1, 4));
      Tensor mean_ref = training ? Tensor::empty(w) : c.host(mean), var_ref = training ? Tensor::empty(w) : c.host(var);
      Tensor y = c.dev_empty(s), y_ref = Tensor::empty(s);
      c.be.batch_norm_forward(c.dev(l.x), c.dev(l.gamma), c.dev(l.beta), l.rows, l.cols, 1e-3f, training, mean, var, y);
      c.ref.batch_norm_forward(l.x, l.gamma, l.beta, l.rows, l.cols, 1e-3f, training, mean_ref, var_ref, y_ref);
      const std::string what = "batch_norm " + l.what + (training ? " training" : " inference");
      c.near(y, y_ref, 1e-5, 1e-4, what + " y");
      c.near(mean, mean_ref, 1e-5, 1e-4, what + " mean");
      c.near(var, var_ref, 1e-5, 1e-4, what + " variance");
      ++c.cases;
    }
}

void case_batch_norm_backward(Ctx& c) {
  uint64_t seed = 700;
  for (const auto& l : layer_norm_cases())
    for (const bool training : {true, false}) {
      const Shape s{l.rows, l.cols}, w{l.cols};
      const Tensor mean = values(w, DType::float32, seed++, -1, 3), var = values(w, DType::float32, seed++, 0.1, 4);
      const Tensor dy = values(s, DType::float32, seed++);
      Tensor dx = c.dev_empty(s), dg = l.gamma.defined() ? c.dev_empty(w) : Tensor(),
             db = l.beta.defined() ? c.dev_empty(w) : Tensor();
      Tensor dx_ref = Tensor::empty(s), dg_ref = l.gamma.defined() ? Tensor::empty(w) : Tensor(),
             db_ref = l.beta.defined() ? Tensor::empty(w) : Tensor();
      c.be.batch_norm_backward(c.dev(l.x), c.dev(l.gamma), c.dev(mean), c.dev(var), c.dev(dy), l.rows, l.cols, 1e-3f,
                               training, dx, dg, db);
      c.ref.batch_norm_backward(l.x, l.gamma, mean, var, dy, l.rows, l.cols, 1e-3f, training, dx_ref, dg_ref, db_ref);
      const std::string what = "batch_norm " + l.what + (training ? " training" : " inference");
      c.near(dx, dx_ref, 1e-5, 1e-4, what + " dx");
      if (dg.defined()) c.near(dg, dg_ref, 1e-4, 1e-4, what + " dgamma");
      if (db.defined()) c.near(db, db_ref, 1e-4, 1e-4, what + " dbeta");
      ++c.cases;
    }
}

// ---------------------------------------------------------------- recurrences
struct RnnInputs {
  RecurrenceGeometry g;
  Tensor x, h0, c0, kernel, recurrent_kernel, bias;
};

std::vector<RnnInputs> rnn_cases() {
  std::vector<RnnInputs> out;
  // Each size costs oneDNN primitives per kind (the bulk of this test's time): two suffice.
  const std::vector<std::array<int64_t, 4>> sizes = {{2, 7, 5, 9}, {1, 1, 3, 2}};
  for (RecurrenceKind kind :
       {RecurrenceKind::simple_tanh, RecurrenceKind::simple_relu, RecurrenceKind::lstm, RecurrenceKind::gru})
    for (bool reverse : {false, true})
      for (const auto& sz : sizes) {
        RnnInputs r;
        r.g = RecurrenceGeometry{kind, sz[0], sz[1], sz[2], sz[3], reverse};
        const int64_t gu = r.g.gates() * sz[3];
        const uint64_t seed = 200 + static_cast<uint64_t>(kind) * 10;
        r.x = values({sz[0], sz[1], sz[2]}, DType::float32, seed);
        r.h0 = values({sz[0], sz[3]}, DType::float32, seed + 1, -0.5, 0.5);
        if (r.g.has_cell_state()) r.c0 = values({sz[0], sz[3]}, DType::float32, seed + 2, -0.5, 0.5);
        r.kernel = values({sz[2], gu}, DType::float32, seed + 3, -0.5, 0.5);
        r.recurrent_kernel = values({sz[3], gu}, DType::float32, seed + 4, -0.5, 0.5);
        r.bias = values({kind == RecurrenceKind::gru ? 4 * sz[3] : gu}, DType::float32, seed + 5, -0.5, 0.5);
        out.push_back(std::move(r));
      }
  return out;
}

std::string describe(const RecurrenceGeometry& g) {
  const char* names[] = {"none", "simple_tanh", "simple_relu", "lstm", "gru"};
  return std::string(names[static_cast<int>(g.kind)]) + (g.reverse ? " reversed" : "") + " batch " +
         std::to_string(g.batch) + " steps " + std::to_string(g.steps) + " features " + std::to_string(g.features) +
         " units " + std::to_string(g.units);
}

void case_recurrence_forward(Ctx& c) {
  for (const auto& r : rnn_cases())
    for (bool training : {false, true}) {
      const auto& g = r.g;
      const Shape state{g.batch, g.units};
      Tensor y = c.dev_empty({g.batch, g.steps, g.units}), h = c.dev_empty(state);
      Tensor cs = g.has_cell_state() ? c.dev_empty(state) : Tensor();
      Tensor y_ref = Tensor::empty({g.batch, g.steps, g.units}), h_ref = Tensor::empty(state);
      Tensor c_ref = g.has_cell_state() ? Tensor::empty(state) : Tensor();
      c.be.recurrence_forward(g, c.dev(r.x), c.dev(r.h0), c.dev(r.c0), c.dev(r.kernel), c.dev(r.recurrent_kernel),
                              c.dev(r.bias), y, h, cs, training);
      c.ref.recurrence_forward(g, r.x, r.h0, r.c0, r.kernel, r.recurrent_kernel, r.bias, y_ref, h_ref, c_ref, training);
      const std::string what = "recurrence_forward " + describe(g);
      c.near(y, y_ref, 1e-5, 1e-4, what + " y");
      c.near(h, h_ref, 1e-5, 1e-4, what + " h");
      if (g.has_cell_state()) c.near(cs, c_ref, 1e-5, 1e-4, what + " c");
      ++c.cases;
    }
}

void case_recurrence_backward(Ctx& c) {
  for (const auto& r : rnn_cases()) {
    const auto& g = r.g;
    const bool lstm = g.has_cell_state();
    const Shape state{g.batch, g.units}, seq{g.batch, g.steps, g.units};
    Tensor y = c.dev_empty(seq), h = c.dev_empty(state), cs = lstm ? c.dev_empty(state) : Tensor();
    Tensor y_ref = Tensor::empty(seq), h_ref = Tensor::empty(state), c_ref = lstm ? Tensor::empty(state) : Tensor();
    auto ws = c.be.recurrence_forward(g, c.dev(r.x), c.dev(r.h0), c.dev(r.c0), c.dev(r.kernel),
                                      c.dev(r.recurrent_kernel), c.dev(r.bias), y, h, cs, true);
    auto ws_ref = c.ref.recurrence_forward(g, r.x, r.h0, r.c0, r.kernel, r.recurrent_kernel, r.bias, y_ref, h_ref,
                                           c_ref, true);
    const Tensor dy = values(seq, DType::float32, 301), dh = values(state, DType::float32, 302);
    const Tensor dc = lstm ? values(state, DType::float32, 303) : Tensor();
    auto grads = [&](bool on_device) {
      auto mk = [&](const Shape& s) { return on_device ? c.dev_empty(s) : Tensor::empty(s); };
      return std::vector<Tensor>{mk(r.x.shape()),      mk(state),
                                 lstm ? mk(state) : Tensor(), mk(r.kernel.shape()),
                                 mk(r.recurrent_kernel.shape()), mk(r.bias.shape())};
    };
    auto got = grads(true), want = grads(false);
    c.be.recurrence_backward(g, *ws, c.dev(dy), c.dev(dh), c.dev(dc), got[0], got[1], got[2], got[3], got[4], got[5]);
    c.ref.recurrence_backward(g, *ws_ref, dy, dh, dc, want[0], want[1], want[2], want[3], want[4], want[5]);
    const char* names[] = {"dx", "dh0", "dc0", "dkernel", "drecurrent_kernel", "dbias"};
    for (size_t i = 0; i < got.size(); ++i)
      if (want[i].defined()) c.near(got[i], want[i], 1e-4, 1e-3, "recurrence_backward " + describe(g) + " " + names[i]);
    ++c.cases;
  }
}

// ---------------------------------------------------------------- random
// Bit-identical: every backend runs the same counter-based generator.
template <class Draw>
void random_case(Ctx& c, const char* name, Draw draw) {
  for (const Shape& s : {Shape{7}, Shape{40001}})
    for (uint64_t seed : {uint64_t{1}, uint64_t{12345}}) {
      Tensor y = c.dev_empty(s), want = Tensor::empty(s);
      draw(c.be, y, seed);
      draw(static_cast<Backend&>(c.ref), want, seed);
      c.near(y, want, 0, 0, std::string(name) + " " + str(s) + " seed " + std::to_string(seed));
      ++c.cases;
    }
}

void case_random_uniform(Ctx& c) {
  random_case(c, "random_uniform", [](Backend& b, Tensor& t, uint64_t s) { b.random_uniform(t, -2, 3, s); });
}
void case_random_normal(Ctx& c) {
  random_case(c, "random_normal", [](Backend& b, Tensor& t, uint64_t s) { b.random_normal(t, 1, 2, s); });
}
void case_random_truncated_normal(Ctx& c) {
  random_case(c, "random_truncated_normal",
              [](Backend& b, Tensor& t, uint64_t s) { b.random_truncated_normal(t, 0.5, 1.5, s); });
}
void case_dropout_mask(Ctx& c) {
  random_case(c, "dropout_mask", [](Backend& b, Tensor& t, uint64_t s) { b.dropout_mask(t, 0.3, s); });
}

// ---------------------------------------------------------------- optimizers
/// Three successive steps of an update on both backends (so slot state carries over),
/// then the variable and every slot compared. `used[i]` false: slot i is left undefined.
template <class Step>
void update_case(Ctx& c, const std::string& name, int slot_count, const std::vector<bool>& used, Step step) {
  for (const Shape& s : {Shape{7}, Shape{40001}}) {
    Tensor var = values(s, DType::float32, 401), var_ref = host_copy(var);
    std::vector<Tensor> slots, slots_ref;
    for (int i = 0; i < slot_count; ++i) {
      // Slots start at zero, as an optimizer's do (random ones could make RMSprop's
      // centered variance, velocity - average_grad^2, negative); three steps fill them.
      const Tensor init = used[static_cast<size_t>(i)] ? Tensor::zeros(s) : Tensor();
      slots.push_back(c.dev(init));
      slots_ref.push_back(init.defined() ? host_copy(init) : Tensor());
    }
    Tensor var_dev = c.dev(var);
    for (int t = 0; t < 3; ++t) {
      const Tensor grad = values(s, DType::float32, 410 + static_cast<uint64_t>(t));
      step(c.be, var_dev, c.dev(grad), slots);
      step(static_cast<Backend&>(c.ref), var_ref, grad, slots_ref);
    }
    c.near(var_dev, var_ref, 1e-6, 1e-5, name + " var " + str(s));
    for (size_t i = 0; i < slots.size(); ++i)
      if (slots_ref[i].defined()) c.near(slots[i], slots_ref[i], 1e-6, 1e-5, name + " slot " + std::to_string(i));
    ++c.cases;
  }
}

void case_sgd_update(Ctx& c) {
  for (int variant = 0; variant < 3; ++variant) {
    const bool momentum = variant > 0, nesterov = variant == 2;
    update_case(c, "sgd variant " + std::to_string(variant), 1, {momentum},
                [&](Backend& b, Tensor& var, const Tensor& g, std::vector<Tensor>& sl) {
                  b.sgd_update(var, g, sl[0], 0.1f, momentum ? 0.9f : 0.f, nesterov);
                });
  }
}

void case_adam_update(Ctx& c) {
  for (bool amsgrad : {false, true})
    update_case(c, std::string("adam") + (amsgrad ? " amsgrad" : ""), 3, {true, true, amsgrad},
                [&](Backend& b, Tensor& var, const Tensor& g, std::vector<Tensor>& sl) {
                  b.adam_update(var, g, sl[0], sl[1], sl[2], 0.01f, 0.9f, 0.999f, 1e-7f, amsgrad);
                });
}

void case_rmsprop_update(Ctx& c) {
  for (bool centered : {false, true})
    for (bool momentum : {false, true})
      update_case(c, std::string("rmsprop") + (centered ? " centered" : "") + (momentum ? " momentum" : ""), 3,
                  {true, momentum, centered}, [&](Backend& b, Tensor& var, const Tensor& g, std::vector<Tensor>& sl) {
                    b.rmsprop_update(var, g, sl[0], sl[1], sl[2], 0.01f, 0.9f, momentum ? 0.5f : 0.f, 1e-7f,
                                     centered);
                  });
}

// ---------------------------------------------------------------- the table
struct OpCases {
  std::set<DType> dtypes;  // the dtypes the case knows how to make inputs for
  void (*run)(Ctx&);
};

const std::set<DType> kAll(std::begin(kAllDTypes), std::end(kAllDTypes));
const std::set<DType> kFloat{DType::float32};
const std::set<DType> kFloatAndBfloat16{DType::float32, DType::bfloat16};  // oneDNN's bf16 kernels

const std::map<Op, OpCases>& op_cases() {
  static const std::map<Op, OpCases> table = {
      {Op::copy, {kAll, case_copy}},
      {Op::fill, {kAll, case_fill}},
      {Op::cast, {kAll, case_cast}},
      {Op::unary, {kFloat, case_unary}},
      {Op::unary_backward, {kFloat, case_unary_backward}},
      {Op::binary,
       {{DType::float32, DType::float64, DType::int32, DType::int64, DType::uint8, DType::bool_}, case_binary}},
      {Op::reduce, {{DType::float32, DType::float64, DType::int32, DType::int64}, case_reduce}},
      {Op::argmax, {kFloat, case_argmax}},
      {Op::transpose, {kAll, case_transpose}},
      {Op::take_rows, {kAll, case_take_rows}},
      {Op::scatter_add_rows, {kFloat, case_scatter_add_rows}},
      {Op::copy_slab, {kAll, case_copy_slab}},
      {Op::one_hot, {kAll, case_one_hot}},
      {Op::matmul, {kFloatAndBfloat16, case_matmul}},
      {Op::conv_forward, {kFloatAndBfloat16, case_conv_forward}},
      {Op::conv_backward_data, {kFloatAndBfloat16, case_conv_backward_data}},
      {Op::conv_backward_weights, {kFloatAndBfloat16, case_conv_backward_weights}},
      {Op::pool_forward, {kFloat, case_pool_forward}},
      {Op::pool_backward, {kFloat, case_pool_backward}},
      {Op::softmax, {kFloat, case_softmax}},
      {Op::softmax_backward, {kFloat, case_softmax_backward}},
      {Op::recurrence_forward, {kFloat, case_recurrence_forward}},
      {Op::recurrence_backward, {kFloat, case_recurrence_backward}},
      {Op::attention_forward, {kFloat, case_attention_forward}},
      {Op::attention_backward, {kFloat, case_attention_backward}},
      {Op::layer_norm_forward, {kFloat, case_layer_norm_forward}},
      {Op::layer_norm_backward, {kFloat, case_layer_norm_backward}},
      {Op::batch_norm_forward, {kFloat, case_batch_norm_forward}},
      {Op::batch_norm_backward, {kFloat, case_batch_norm_backward}},
      {Op::random_uniform, {kFloat, case_random_uniform}},
      {Op::random_normal, {kFloat, case_random_normal}},
      {Op::random_truncated_normal, {kFloat, case_random_truncated_normal}},
      {Op::dropout_mask, {kFloat, case_dropout_mask}},
      {Op::sgd_update, {kFloat, case_sgd_update}},
      {Op::adam_update, {kFloat, case_adam_update}},
      {Op::rmsprop_update, {kFloat, case_rmsprop_update}},
  };
  return table;
}

/// The (op, dtype) pairs `supports` claims that this file has no case for, named.
std::vector<std::string> claims_without_case(const std::function<bool(Op, DType)>& supports) {
  std::vector<std::string> missing;
  for (int o = 0; o < kOpCount; ++o)
    for (DType dt : kAllDTypes) {
      const Op op = static_cast<Op>(o);
      if (!supports(op, dt)) continue;
      const auto it = op_cases().find(op);
      if (it == op_cases().end() || !it->second.dtypes.count(dt))
        missing.push_back(std::string(op_name(op)) + " on " + std::string(dtype_name(dt)));
    }
  return missing;
}

// ---------------------------------------------------------------- the tests
class BackendOps : public ::testing::TestWithParam<std::tuple<DeviceType, Op>> {};

TEST_P(BackendOps, MatchesReference) {
  const auto [type, op] = GetParam();
  Backend& be = backend_for(Device{type, 0});
  const std::string device = be.device().to_string();
  int claimed = 0, cases = 0;
  for (DType dt : kAllDTypes) {
    if (!be.supports(op, dt)) continue;
    ++claimed;
    SCOPED_TRACE(device + " " + std::string(op_name(op)) + " " + std::string(dtype_name(dt)));
    const auto it = op_cases().find(op);
    if (it == op_cases().end() || !it->second.dtypes.count(dt)) {
      ADD_FAILURE() << "The " << device << " backend claims " << op_name(op) << " on " << dtype_name(dt)
                    << " but BackendOps has no case for it: add one to op_cases() in " << __FILE__;
      continue;
    }
    ASSERT_TRUE(ref_covers(op, dt)) << "the reference backend lacks " << op_name(op) << " on " << dtype_name(dt);
    Ctx ctx{be, is_half(dt) ? half_ref() : host_ref(), dt};
    it->second.run(ctx);
    EXPECT_GT(ctx.cases, 0);
    cases += ctx.cases;
  }
  RecordProperty("cases", cases);
  std::printf("[ BackendOps ] %s %s: %d dtype(s), %d case(s)\n", device.c_str(), std::string(op_name(op)).c_str(),
              claimed, cases);
}

std::vector<std::tuple<DeviceType, Op>> registered_pairs() {
  std::vector<std::tuple<DeviceType, Op>> pairs;
  for (DeviceType t : registered_device_types())
    for (int o = 0; o < kOpCount; ++o) pairs.emplace_back(t, static_cast<Op>(o));
  return pairs;
}

/// "cpu_matmul", "cuda_conv_forward", ...
std::string pair_name(const ::testing::TestParamInfo<std::tuple<DeviceType, Op>>& info) {
  std::string d = Device{std::get<0>(info.param), 0}.to_string();
  return d.substr(0, d.find(':')) + "_" + std::string(op_name(std::get<1>(info.param)));
}

INSTANTIATE_TEST_SUITE_P(BackendOps, BackendOps, ::testing::ValuesIn(registered_pairs()), pair_name);

TEST(BackendOps, TheReferenceMovesStringsByAssignment) {
  // A string tensor's bytes are std::string objects: the reference's data-movement kernels
  // must copy them as strings (bytewise copies would share, then double-free, heap text).
  const std::string longer(40, 'x');  // past the small-string buffer
  std::vector<std::string> words;
  for (int i = 0; i < 6; ++i) words.push_back(longer + std::to_string(i));
  const Tensor x = Tensor::from_vector<std::string>(words, Shape{2, 3});
  Backend& cpu = backend::backend_for(Device::cpu());
  auto both = [&](const Shape& shape, const std::function<void(Backend&, Tensor&)>& run) {
    Tensor want = Tensor::empty(shape, DType::string), got = Tensor::empty(shape, DType::string);
    run(cpu, want);
    run(host_ref(), got);
    EXPECT_EQ(got.to_vector<std::string>(), want.to_vector<std::string>());
  };
  both(Shape{3, 2}, [&](Backend& be, Tensor& out) { be.transpose(x, {1, 0}, out); });
  const Tensor rows = Tensor::from_vector(std::vector<int64_t>{1, 0, 1}, Shape{3});
  both(Shape{3, 3}, [&](Backend& be, Tensor& out) { be.take_rows(x, rows, out); });
  both(Shape{2, 2}, [&](Backend& be, Tensor& out) { be.copy_slab(x, {0, 1}, true, out); });
  both(Shape{2, 3}, [&](Backend& be, Tensor& out) {
    be.copy(x, out);
    be.copy_slab(Tensor::from_vector<std::string>({"a", "b"}, Shape{2, 1}), {0, 2}, false, out);
  });
}

TEST(BackendOpsTable, EveryOpHasACaseAndAClaimWithoutOneIsCaught) {
  for (int o = 0; o < kOpCount; ++o)
    EXPECT_TRUE(op_cases().count(static_cast<Op>(o))) << op_name(static_cast<Op>(o)) << " has no case";
  EXPECT_EQ(static_cast<int>(op_cases().size()), kOpCount);
  // The reference covers every pair any registered backend claims.
  for (DeviceType t : registered_device_types())
    for (int o = 0; o < kOpCount; ++o)
      for (DType dt : kAllDTypes)
        if (backend_for(Device{t, 0}).supports(static_cast<Op>(o), dt)) {
          EXPECT_TRUE(ref_covers(static_cast<Op>(o), dt));
        }
  // A backend claiming float16 matmul (no case for it) would be reported.
  const auto missing = claims_without_case([](Op op, DType dt) { return op == Op::matmul; });
  ASSERT_FALSE(missing.empty());
  EXPECT_EQ(missing.front(), "matmul on float16");
  EXPECT_TRUE(claims_without_case([](Op op, DType dt) { return host_ref().supports(op, dt); }).empty());
  // The oneDNN bfloat16 kernels have their cases, run where the CPU has them.
  EXPECT_TRUE(claims_without_case([](Op op, DType dt) {
                return dt == DType::bfloat16 && (op == Op::matmul || op == Op::conv_forward ||
                                                 op == Op::conv_backward_data || op == Op::conv_backward_weights);
              }).empty());
}

}  // namespace
}  // namespace keras::backend

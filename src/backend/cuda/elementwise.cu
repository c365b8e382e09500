// The elementwise kernels of kernels.h: fill, cast, the unary and binary ops, the random
// draws, the optimizer updates and the convolution epilogue. The element formulas are
// those of src/backend/math/, which the CPU kernels call too; what is left here is how
// elements map onto threads: one grid-stride loop over int64 indices (256 threads, a
// capped grid), so any tensor size runs with one launch.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#include "backend/cuda/kernels.h"
#include "backend/cuda/runtime.h"
#include "backend/math/binary_math.h"
#include "backend/math/counter_rng.h"
#include "backend/math/optimizer_math.h"
#include "backend/math/unary_math.h"
#include "keras/errors.h"

namespace keras::backend::cuda::kernels {

namespace {

using keras::detail::cat;

constexpr int kThreads = 256;
// Enough blocks to fill any current GPU many times over; larger tensors loop.
constexpr int64_t kMaxBlocks = int64_t{1} << 16;

template <class Body>
__global__ void grid_stride_kernel(int64_t n, Body body) {
  const int64_t step = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) body(i);
}

/// Queues body(i) for every i in [0, n) on `stream`. A failed launch throws RuntimeError
/// naming `what` (the kernel's name in kernels.h).
template <class Body>
void for_each_element(int64_t n, const Body& body, cudaStream_t stream, const char* what) {
  if (n <= 0) return;
  const int64_t blocks = std::min((n + kThreads - 1) / kThreads, kMaxBlocks);
  grid_stride_kernel<<<static_cast<unsigned>(blocks), kThreads, 0, stream>>>(n, body);
  check(cudaGetLastError(), what);
}

// ---- fill

template <class Bits>
struct FillBody {
  Bits* dst;
  Bits value;
  __device__ void operator()(int64_t i) const { dst[i] = value; }
};

template <class Bits>
void fill_bits(void* dst, const unsigned char* element, int64_t n, cudaStream_t stream) {
  Bits value;
  std::memcpy(&value, element, sizeof(Bits));
  for_each_element(n, FillBody<Bits>{static_cast<Bits*>(dst), value}, stream, "fill");
}

// ---- cast. The CPU backend's cast (cpu/memory.cpp) is a static_cast between its native
// types, != 0 into bool, and read_as_double / write_from_double wherever a 16-bit float
// takes part; each conversion below does what that code does on x86-64, so that both
// backends give the same bits.

/// A bool_ element: one byte, any nonzero byte reads as true.
struct BoolByte {
  uint8_t byte;
};

template <class T>
inline constexpr bool kIsHalf = std::is_same_v<T, __half> || std::is_same_v<T, __nv_bfloat16>;

/// read_as_double (exact for every dtype).
template <class From>
__device__ double as_double(From x) {
  if constexpr (std::is_same_v<From, BoolByte>) return x.byte != 0 ? 1.0 : 0.0;
  else if constexpr (std::is_same_v<From, __half>) return __half2float(x);
  else if constexpr (std::is_same_v<From, __nv_bfloat16>) return __bfloat162float(x);
  else return static_cast<double>(x);
}

/// static_cast<To>(v) of a float or double to an integer as x86-64 computes it: toward
/// zero, with NaN and values out of int range giving INT_MIN (cvttsd2si's "integer
/// indefinite"), and uint8 the low byte of the int32 conversion. CUDA's own conversion
/// saturates and turns NaN into 0 instead.
template <class To>
__device__ To truncate_like_x86(double v) {
  if constexpr (std::is_same_v<To, int64_t>) {
    return v >= -0x1p63 && v < 0x1p63 ? static_cast<int64_t>(v) : INT64_MIN;
  } else {
    const int32_t wide = v > -2147483649.0 && v < 2147483648.0 ? static_cast<int32_t>(v) : INT32_MIN;
    return static_cast<To>(wide);  // int32_t itself, or uint8_t: the low byte
  }
}

/// float to bfloat16 as the CPU rounds it: to nearest even, a NaN kept a (quiet) NaN.
__device__ __nv_bfloat16 bfloat16_like_cpu(float f) {
  const uint32_t u = __float_as_uint(f);
  const uint32_t rounded = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
  const uint32_t bits = (u & 0x7fffffffu) > 0x7f800000u ? (u >> 16) | 0x40u : rounded;
  return __ushort_as_bfloat16(static_cast<unsigned short>(bits));
}

/// write_from_double: 16-bit floats are rounded from the float nearest v (twice, as the CPU does).
template <class To>
__device__ To from_double(double v) {
  if constexpr (std::is_same_v<To, BoolByte>) return BoolByte{static_cast<uint8_t>(v != 0.0)};
  else if constexpr (std::is_same_v<To, __half>) return __float2half_rn(static_cast<float>(v));
  else if constexpr (std::is_same_v<To, __nv_bfloat16>) return bfloat16_like_cpu(static_cast<float>(v));
  else if constexpr (std::is_integral_v<To>) return truncate_like_x86<To>(v);
  else return static_cast<To>(v);
}

template <class To, class From>
__device__ To convert(From x) {
  if constexpr (std::is_same_v<To, BoolByte>) {
    return BoolByte{static_cast<uint8_t>(as_double(x) != 0.0)};  // NaN is true, as x != 0 is
  } else if constexpr (kIsHalf<To> || kIsHalf<From>) {
    return from_double<To>(as_double(x));
  } else if constexpr (std::is_same_v<From, BoolByte>) {
    return static_cast<To>(x.byte != 0);
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
    return truncate_like_x86<To>(x);
  } else {
    return static_cast<To>(x);  // int64 -> float32 rounds once, as the CPU's direct cast does
  }
}

template <class From, class To>
struct CastBody {
  const From* src;
  To* dst;
  __device__ void operator()(int64_t i) const { dst[i] = convert<To>(src[i]); }
};

/// Calls f(T{}) with T the element type of `dtype` on the device.
template <class F>
void with_element_type(DType dtype, F&& f) {
  switch (dtype) {
    case DType::float32:
      return f(float{});
    case DType::float16:
      return f(__half{});
    case DType::bfloat16:
      return f(__nv_bfloat16{});
    case DType::float64:
      return f(double{});
    case DType::int32:
      return f(int32_t{});
    case DType::int64:
      return f(int64_t{});
    case DType::uint8:
      return f(uint8_t{});
    case DType::bool_:
      return f(BoolByte{});
    default:
      throw TypeError(cat("cast: the CUDA backend does not cast ", dtype_name(dtype), " tensors"));
  }
}

// ---- unary: one kernel per op (as the CPU has one loop per op), so that each op's
// kernel holds only its own formula (one kernel with every formula would take the
// registers of the costliest, gelu's erf, for a plain negation too).

template <UnaryOp Op>
struct UnaryForwardBody {
  UnaryParams p;
  const float* x;
  float* y;
  __device__ void operator()(int64_t i) const { y[i] = math::unary_forward(Op, p, x[i]); }
};

template <UnaryOp Op>
struct UnaryBackwardBody {
  UnaryParams p;
  const float *x, *y, *dy;
  float* dx;
  __device__ void operator()(int64_t i) const {
    dx[i] = dy[i] * math::unary_derivative(Op, p, x ? x[i] : 0.f, y ? y[i] : 0.f);
  }
};

/// Plain relu's gradient as the CPU's fast path computes it: dy where x > 0, else +0
/// (dy * 0 would give -0 for a negative dy, NaN for an infinite one).
struct ReluBackwardBody {
  const float *x, *dy;
  float* dx;
  __device__ void operator()(int64_t i) const { dx[i] = x[i] > 0.f ? dy[i] : 0.f; }
};

template <UnaryOp Op>
void launch_unary(const UnaryParams& p, const float* x, float* y, int64_t n, cudaStream_t stream) {
  for_each_element(n, UnaryForwardBody<Op>{p, x, y}, stream, "unary");
}

template <UnaryOp Op>
void launch_unary_backward(const UnaryParams& p, const float* x, const float* y, const float* dy, float* dx, int64_t n,
                           cudaStream_t stream) {
  for_each_element(n, UnaryBackwardBody<Op>{p, x, y, dy, dx}, stream, "unary_backward");
}

constexpr int kUnaryOpCount = static_cast<int>(UnaryOp::log_sigmoid) + 1;

/// The launchers of every UnaryOp, indexed by the op's value.
template <int... I>
constexpr auto unary_launchers(std::integer_sequence<int, I...>) {
  return std::array{&launch_unary<static_cast<UnaryOp>(I)>...};
}
template <int... I>
constexpr auto unary_backward_launchers(std::integer_sequence<int, I...>) {
  return std::array{&launch_unary_backward<static_cast<UnaryOp>(I)>...};
}

int unary_index(UnaryOp op, const char* what) {
  const int index = static_cast<int>(op);
  if (index < 0 || index >= kUnaryOpCount) throw ValueError(cat(what, ": unknown UnaryOp ", index));
  return index;
}

bool is_plain_relu(UnaryOp op, const UnaryParams& p) {
  return op == UnaryOp::relu && p.alpha == 0.f && p.beta < 0.f && p.gamma == 0.f;
}

// ---- binary

/// The element offsets of output element i in a and b, walking the plan's dims from the
/// innermost (the loop is unrolled so that the plan's arrays are indexed by constants).
__device__ void broadcast_offsets(const BroadcastPlan& plan, int64_t i, int64_t& a_offset, int64_t& b_offset) {
  if (plan.rank == 1) {  // same shapes, or a scalar operand: no division
    a_offset = i * plan.a_stride[0];
    b_offset = i * plan.b_stride[0];
    return;
  }
  a_offset = b_offset = 0;
#pragma unroll
  for (int d = kMaxPlanRank - 1; d >= 0; --d) {
    if (d >= plan.rank) continue;
    const int64_t index = i % plan.dims[d];
    i /= plan.dims[d];
    a_offset += index * plan.a_stride[d];
    b_offset += index * plan.b_stride[d];
  }
}

template <class T, class R>
struct BinaryBody {
  BinaryOp op;
  const T *a, *b;
  R* out;
  BroadcastPlan plan;
  bool to_bool;  // a bool_ result: any nonzero value is stored as 1, as the CPU stores it
  __device__ void operator()(int64_t i) const {
    int64_t a_offset, b_offset;
    broadcast_offsets(plan, i, a_offset, b_offset);
    const R r = math::binary_apply<T, R>(op, a[a_offset], b[b_offset]);
    out[i] = to_bool ? static_cast<R>(r != R(0)) : r;
  }
};

template <class T>
void launch_binary(BinaryOp op, const void* a, const void* b, void* out, DType out_dtype, const BroadcastPlan& plan,
                   cudaStream_t stream) {
  const bool to_bool = out_dtype == DType::bool_;
  const auto* pa = static_cast<const T*>(a);
  const auto* pb = static_cast<const T*>(b);
  if (op >= BinaryOp::eq) {
    auto* o = static_cast<uint8_t*>(out);
    for_each_element(plan.size, BinaryBody<T, uint8_t>{op, pa, pb, o, plan, to_bool}, stream, "binary");
  } else {
    auto* o = static_cast<T*>(out);
    for_each_element(plan.size, BinaryBody<T, T>{op, pa, pb, o, plan, to_bool}, stream, "binary");
  }
}

// ---- random numbers. The CPU computes mean + stddev * z in float, unfused (its random
// loops are compiled for baseline x86-64, which has no FMA); __fmul_rn and __fadd_rn
// keep nvcc from fusing them, so uniform draws and dropout masks match the CPU bit for
// bit. Normal draws go through the GPU's logf and cosf, a few units in the last place
// from glibc's.

struct UniformBody {
  float* out;
  float low, span;
  uint64_t seed;
  __device__ void operator()(int64_t i) const {
    out[i] = __fadd_rn(low, __fmul_rn(span, rng::unit(rng::mix(seed, static_cast<uint64_t>(i)))));
  }
};

template <bool Truncated>
struct NormalBody {
  float* out;
  float mean, stddev;
  uint64_t seed;
  __device__ void operator()(int64_t i) const {
    const uint64_t counter = static_cast<uint64_t>(i);
    const float z = Truncated ? rng::truncated_normal(seed, counter) : rng::normal(seed, counter);
    out[i] = __fadd_rn(mean, __fmul_rn(stddev, z));
  }
};

struct DropoutBody {
  float* out;
  float rate, keep_scale;
  uint64_t seed;
  __device__ void operator()(int64_t i) const {
    out[i] = rng::unit(rng::mix(seed, static_cast<uint64_t>(i))) < rate ? 0.f : keep_scale;
  }
};

// ---- optimizer updates

struct SgdBody {
  float* var;
  const float* grad;
  float* momentum;  // null: no momentum slot
  float lr, momentum_coef;
  bool nesterov;
  __device__ void operator()(int64_t i) const {
    var[i] = momentum ? math::sgd_momentum_step(var[i], grad[i], momentum[i], lr, momentum_coef, nesterov)
                      : math::sgd_step(var[i], grad[i], lr);
  }
};

struct AdamBody {
  float *var, *m, *v, *v_hat;  // v_hat null: no amsgrad
  const float* grad;
  float alpha, beta_1, beta_2, epsilon;
  __device__ void operator()(int64_t i) const {
    var[i] = v_hat ? math::amsgrad_step(var[i], grad[i], m[i], v[i], v_hat[i], alpha, beta_1, beta_2, epsilon)
                   : math::adam_step(var[i], grad[i], m[i], v[i], alpha, beta_1, beta_2, epsilon);
  }
};

struct RmspropBody {
  float *var, *velocity, *momentum, *average_grad;  // momentum, average_grad: null when absent
  const float* grad;
  float lr, rho, momentum_coef, epsilon;
  __device__ void operator()(int64_t i) const {
    var[i] = math::rmsprop_step(var[i], grad[i], velocity[i], momentum ? momentum + i : nullptr,
                                average_grad ? average_grad + i : nullptr, lr, rho, momentum_coef, epsilon);
  }
};

// ---- convolution epilogue

/// backend.h's ConvActivation: relu6 = min(max(v, 0), 6), silu = v * sigmoid(v).
template <ConvActivation A>
__device__ float activate(float v) {
  if constexpr (A == ConvActivation::relu) return std::max(v, 0.f);
  else if constexpr (A == ConvActivation::relu6) return std::min(std::max(v, 0.f), 6.f);
  else if constexpr (A == ConvActivation::silu) return v * math::sigmoid(v);
  else if constexpr (A == ConvActivation::sigmoid) return math::sigmoid(v);
  else if constexpr (A == ConvActivation::tanh) return std::tanh(v);
  else return v;
}

template <ConvActivation A>
struct EpilogueBody {
  const float* conv;
  float* y;
  int64_t channels;
  const float *bias, *scale, *shift;
  bool accumulate;
  __device__ void operator()(int64_t i) const {
    const int64_t c = i % channels;
    float v = conv[i];
    if (bias) v += bias[c];
    if (scale) v *= scale[c];
    if (shift) v += shift[c];
    if (accumulate) v += y[i];
    y[i] = activate<A>(v);
  }
};

template <ConvActivation A>
void launch_epilogue(const float* conv, float* y, int64_t rows, int64_t channels, const float* bias, const float* scale,
                     const float* shift, bool accumulate, cudaStream_t stream) {
  for_each_element(rows * channels, EpilogueBody<A>{conv, y, channels, bias, scale, shift, accumulate}, stream,
                   "conv_epilogue");
}

}  // namespace

void fill(void* dst, DType dtype, int64_t n, double value, cudaStream_t stream) {
  if (dtype == DType::string) throw TypeError("fill: a CUDA tensor holds no strings");
  // The element's bytes are made on the host by the CPU's own conversion, then copied.
  unsigned char element[8] = {};
  keras::detail::write_from_double(element, dtype, value);
  switch (dtype_size(dtype)) {
    case 1:
      return fill_bits<uint8_t>(dst, element, n, stream);
    case 2:
      return fill_bits<uint16_t>(dst, element, n, stream);
    case 4:
      return fill_bits<uint32_t>(dst, element, n, stream);
    case 8:
      return fill_bits<uint64_t>(dst, element, n, stream);
    default:
      throw TypeError(cat("fill: no CUDA fill for dtype ", dtype_name(dtype)));
  }
}

void cast(const void* src, DType src_dtype, void* dst, DType dst_dtype, int64_t n, cudaStream_t stream) {
  with_element_type(src_dtype, [&](auto from) {
    with_element_type(dst_dtype, [&](auto to) {
      using From = decltype(from);
      using To = decltype(to);
      for_each_element(n, CastBody<From, To>{static_cast<const From*>(src), static_cast<To*>(dst)}, stream, "cast");
    });
  });
}

void unary(UnaryOp op, const UnaryParams& p, const float* x, float* y, int64_t n, cudaStream_t stream) {
  static constexpr auto launchers = unary_launchers(std::make_integer_sequence<int, kUnaryOpCount>{});
  launchers[unary_index(op, "unary")](p, x, y, n, stream);
}

void unary_backward(UnaryOp op, const UnaryParams& p, const float* x, const float* y, const float* dy, float* dx,
                    int64_t n, cudaStream_t stream) {
  if (is_plain_relu(op, p)) {
    if (!x) throw ValueError("unary_backward: relu's gradient needs x");
    return for_each_element(n, ReluBackwardBody{x, dy, dx}, stream, "unary_backward");
  }
  static constexpr auto launchers = unary_backward_launchers(std::make_integer_sequence<int, kUnaryOpCount>{});
  launchers[unary_index(op, "unary_backward")](p, x, y, dy, dx, n, stream);
}

void binary(BinaryOp op, DType dtype, const void* a, const void* b, void* out, DType out_dtype,
            const BroadcastPlan& plan, cudaStream_t stream) {
  // Comparisons write one byte (0 or 1) per element, arithmetic the operands' dtype.
  const bool comparison = op >= BinaryOp::eq;
  if (comparison ? dtype_size(out_dtype) != 1 : out_dtype != dtype)
    throw TypeError(cat("binary: a ", comparison ? "comparison" : "arithmetic op", " on ", dtype_name(dtype),
                        " operands cannot write a ", dtype_name(out_dtype), " output"));
  switch (dtype) {
    case DType::float32:
      return launch_binary<float>(op, a, b, out, out_dtype, plan, stream);
    case DType::float64:
      return launch_binary<double>(op, a, b, out, out_dtype, plan, stream);
    case DType::int32:
      return launch_binary<int32_t>(op, a, b, out, out_dtype, plan, stream);
    case DType::int64:
      return launch_binary<int64_t>(op, a, b, out, out_dtype, plan, stream);
    case DType::uint8:
    case DType::bool_:  // on the bytes, the result kept 0 or 1 (to_bool), as the CPU does
      return launch_binary<uint8_t>(op, a, b, out, out_dtype, plan, stream);
    default:
      throw TypeError(cat("binary: the CUDA backend does not run dtype ", dtype_name(dtype)));
  }
}

void random_uniform(float* out, int64_t n, double low, double high, uint64_t seed, cudaStream_t stream) {
  // As the CPU: the span is high - low in double, rounded once.
  const float span = static_cast<float>(high - low);
  for_each_element(n, UniformBody{out, static_cast<float>(low), span, seed}, stream, "random_uniform");
}

void random_normal(float* out, int64_t n, float mean, float stddev, uint64_t seed, cudaStream_t stream) {
  for_each_element(n, NormalBody<false>{out, mean, stddev, seed}, stream, "random_normal");
}

void random_truncated_normal(float* out, int64_t n, float mean, float stddev, uint64_t seed, cudaStream_t stream) {
  for_each_element(n, NormalBody<true>{out, mean, stddev, seed}, stream, "random_truncated_normal");
}

void dropout_mask(float* out, int64_t n, double rate, uint64_t seed, cudaStream_t stream) {
  const float keep_scale = static_cast<float>(1.0 / (1.0 - rate));
  for_each_element(n, DropoutBody{out, static_cast<float>(rate), keep_scale, seed}, stream, "dropout_mask");
}

void sgd_update(float* var, const float* grad, float* momentum, int64_t n, float lr, float momentum_coef, bool nesterov,
                cudaStream_t stream) {
  for_each_element(n, SgdBody{var, grad, momentum, lr, momentum_coef, nesterov}, stream, "sgd_update");
}

void adam_update(float* var, const float* grad, float* m, float* v, float* v_hat, int64_t n, float alpha, float beta_1,
                 float beta_2, float epsilon, bool amsgrad, cudaStream_t stream) {
  if (amsgrad && !v_hat) throw ValueError("adam_update: amsgrad needs v_hat");
  for_each_element(n, AdamBody{var, m, v, amsgrad ? v_hat : nullptr, grad, alpha, beta_1, beta_2, epsilon}, stream,
                   "adam_update");
}

void rmsprop_update(float* var, const float* grad, float* velocity, float* momentum, float* average_grad, int64_t n,
                    float lr, float rho, float momentum_coef, float epsilon, bool centered, cudaStream_t stream) {
  if (centered && !average_grad) throw ValueError("rmsprop_update: centered needs average_grad");
  for_each_element(
      n, RmspropBody{var, velocity, momentum, centered ? average_grad : nullptr, grad, lr, rho, momentum_coef, epsilon},
      stream, "rmsprop_update");
}

void conv_epilogue(const float* conv, float* y, int64_t rows, int64_t channels, const float* bias, const float* scale,
                   const float* shift, bool accumulate, ConvActivation activation, cudaStream_t stream) {
  if (channels <= 0) return;
  switch (activation) {
    case ConvActivation::none:
      return launch_epilogue<ConvActivation::none>(conv, y, rows, channels, bias, scale, shift, accumulate, stream);
    case ConvActivation::relu:
      return launch_epilogue<ConvActivation::relu>(conv, y, rows, channels, bias, scale, shift, accumulate, stream);
    case ConvActivation::relu6:
      return launch_epilogue<ConvActivation::relu6>(conv, y, rows, channels, bias, scale, shift, accumulate, stream);
    case ConvActivation::silu:
      return launch_epilogue<ConvActivation::silu>(conv, y, rows, channels, bias, scale, shift, accumulate, stream);
    case ConvActivation::sigmoid:
      return launch_epilogue<ConvActivation::sigmoid>(conv, y, rows, channels, bias, scale, shift, accumulate, stream);
    case ConvActivation::tanh:
      return launch_epilogue<ConvActivation::tanh>(conv, y, rows, channels, bias, scale, shift, accumulate, stream);
  }
  throw ValueError(cat("conv_epilogue: unknown activation ", static_cast<int>(activation)));
}

}  // namespace keras::backend::cuda::kernels

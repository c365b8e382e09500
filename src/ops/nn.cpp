// Neural-network ops: activations, softmax, convolution, pooling, dropout, normalization.
#include "keras/ops/nn.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <tuple>

#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "ops/fused.h"
#include "ops/ops_internal.h"

namespace keras::ops {

namespace detail {
Tensor unary_op(backend::UnaryOp op, const Tensor& x, const char* name, backend::UnaryParams p = {});
}

using autograd::record;
using autograd::should_record;
using backend::UnaryOp;
using keras::detail::cat;

// ---- activations

Tensor relu(const Tensor& x, double negative_slope, double max_value, double threshold) {
  return detail::unary_op(UnaryOp::relu, x, "relu",
                          {static_cast<float>(negative_slope), static_cast<float>(max_value),
                           static_cast<float>(threshold)});
}
Tensor relu6(const Tensor& x) { return relu(x, 0.0, 6.0, 0.0); }
Tensor leaky_relu(const Tensor& x, double negative_slope) { return relu(x, negative_slope, -1.0, 0.0); }
Tensor elu(const Tensor& x, double alpha) {
  return detail::unary_op(UnaryOp::elu, x, "elu", {static_cast<float>(alpha), 0.f, 0.f});
}
Tensor selu(const Tensor& x) { return detail::unary_op(UnaryOp::selu, x, "selu"); }
Tensor sigmoid(const Tensor& x) { return detail::unary_op(UnaryOp::sigmoid, x, "sigmoid"); }
Tensor tanh(const Tensor& x) { return detail::unary_op(UnaryOp::tanh, x, "tanh"); }
Tensor softplus(const Tensor& x) { return detail::unary_op(UnaryOp::softplus, x, "softplus"); }
Tensor softsign(const Tensor& x) { return detail::unary_op(UnaryOp::softsign, x, "softsign"); }
Tensor silu(const Tensor& x) { return detail::unary_op(UnaryOp::silu, x, "silu"); }
Tensor gelu(const Tensor& x, bool approximate) {
  return detail::unary_op(UnaryOp::gelu, x, "gelu", {approximate ? 1.f : 0.f, 0.f, 0.f});
}
Tensor hard_sigmoid(const Tensor& x) { return detail::unary_op(UnaryOp::hard_sigmoid, x, "hard_sigmoid"); }
Tensor hard_silu(const Tensor& x) { return detail::unary_op(UnaryOp::hard_silu, x, "hard_silu"); }
Tensor mish(const Tensor& x) { return detail::unary_op(UnaryOp::mish, x, "mish"); }
Tensor log_sigmoid(const Tensor& x) { return detail::unary_op(UnaryOp::log_sigmoid, x, "log_sigmoid"); }

namespace {
Tensor softmax_impl(const Tensor& x, int64_t axis, bool log, const char* name) {
  detail::require_float(x, name);
  if (x.rank() == 0) throw ValueError(cat(name, ": cannot apply to a scalar"));
  axis = normalize_axis(axis, x.rank(), "softmax axis");
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < x.rank(); ++d)
    if (d < axis) outer *= x.shape()[static_cast<size_t>(d)];
    else if (d > axis) inner *= x.shape()[static_cast<size_t>(d)];
  const int64_t c = x.shape()[static_cast<size_t>(axis)];
  Tensor y = detail::empty_like(x);
  backend::backend_for(x).softmax(x, outer, c, inner, log, y);
  if (should_record({&x}))
    record(name, {x}, {&y}, [y = y.detach(), outer, c, inner, log](const TensorList& g, const std::vector<bool>&) {
      Tensor dx = detail::empty_like(g[0]);
      backend::backend_for(g[0]).softmax_backward(y, g[0], outer, c, inner, log, dx);
      return TensorList{dx};
    });
  return y;
}
}  // namespace

Tensor softmax(const Tensor& x, int64_t axis) { return softmax_impl(x, axis, false, "softmax"); }
Tensor log_softmax(const Tensor& x, int64_t axis) { return softmax_impl(x, axis, true, "log_softmax"); }

// ---- windows: convolution and pooling

int64_t window_output_length(int64_t input, int64_t kernel, int64_t stride, int64_t dilation,
                             const std::string& padding) {
  const int64_t effective = (kernel - 1) * dilation + 1;
  if (padding == "valid") return input >= effective ? (input - effective) / stride + 1 : 0;
  if (padding == "same" || padding == "causal") return (input + stride - 1) / stride;
  throw ValueError(cat("Invalid padding: '", padding, "'. Expected one of \"valid\", \"same\", \"causal\""));
}

Shape window_output_shape(const Shape& input, const std::vector<int64_t>& kernel, const std::vector<int64_t>& strides,
                          const std::vector<int64_t>& dilation_rate, const std::string& padding, int64_t channels) {
  Shape out{input[0]};
  for (size_t i = 0; i < kernel.size(); ++i) {
    const int64_t in = input[i + 1];
    out.push_back(in == kNone ? kNone
                              : std::max<int64_t>(0, window_output_length(in, kernel[i], strides[i], dilation_rate[i], padding)));
  }
  out.push_back(channels);
  return out;
}

namespace {

/// Fills spatial sizes, output sizes and padding of a window op on channels-last x.
/// `zeros` (conv_fused's; empty elsewhere): explicit padding of x, padding "valid" only.
void fill_window(backend::WindowGeometry& g, const Shape& x, const std::vector<int64_t>& kernel,
                 const std::vector<int64_t>& strides, const std::vector<int64_t>& dilation, const std::string& padding,
                 const char* op, const detail::SpatialZeros& zeros = {}) {
  const int spatial = static_cast<int>(x.rank()) - 2;
  if (spatial < 1 || spatial > 3)
    throw ValueError(
        cat(op, ": expected an input of rank 3 to 5 (batch, spatial..., channels), got shape ", x.to_string()));
  auto check = [&](const std::vector<int64_t>& v, const char* what) {
    if (static_cast<int>(v.size()) != spatial)
      throw ValueError(cat(op, ": ", what, " has ", v.size(), " values for ", spatial,
                           " spatial dimensions (input shape ", x.to_string(), ")"));
    for (int64_t e : v)
      if (e <= 0) throw ValueError(cat(op, ": ", what, " values must be positive"));
  };
  check(kernel, "kernel size");
  check(strides, "strides");
  check(dilation, "dilation_rate");
  if (padding == "causal" && spatial != 1) throw ValueError(cat(op, ": causal padding is only for 1-D inputs"));
  if (!zeros.empty() && (padding != "valid" || static_cast<int>(zeros.size()) != spatial))
    throw ValueError(cat(op,
                         ": explicit zeros need padding=\"valid\" and one (before, after) pair per spatial axis; got ",
                         zeros.size(), " pairs with padding=\"", padding, "\" for input shape ", x.to_string()));
  g.spatial = spatial;
  g.batch = x[0];
  g.in_channels = x.back();
  for (int i = 0; i < spatial; ++i) {
    const size_t u = static_cast<size_t>(i);
    g.in[u] = x[u + 1];
    g.kernel[u] = kernel[u];
    g.stride[u] = strides[u];
    g.dilation[u] = dilation[u];
    const int64_t added = zeros.empty() ? 0 : zeros[u][0] + zeros[u][1];
    if (!zeros.empty() && (zeros[u][0] < 0 || zeros[u][1] < 0))
      throw ValueError(cat(op, ": explicit zeros must be >= 0; got (", zeros[u][0], ", ", zeros[u][1], ")"));
    g.out[u] = window_output_length(g.in[u] + added, kernel[u], strides[u], dilation[u], padding);
    if (g.out[u] <= 0)
      throw ValueError(cat(op, ": the window (size ", kernel[u], ", dilation ", dilation[u],
                           ") is larger than the input along spatial axis ", i, "; input shape ", x.to_string(),
                           " gives an empty output with padding=\"", padding, "\""));
    const int64_t effective = (kernel[u] - 1) * dilation[u] + 1;
    if (padding == "same") {
      const int64_t total = std::max<int64_t>((g.out[u] - 1) * strides[u] + effective - g.in[u], 0);
      g.pad_before[u] = total / 2;  // TensorFlow puts the odd cell after
      g.pad_after[u] = total - total / 2;
    } else if (padding == "causal") {
      g.pad_before[u] = effective - 1;
      g.pad_after[u] = 0;
    } else if (!zeros.empty()) {
      g.pad_before[u] = zeros[u][0];
      g.pad_after[u] = zeros[u][1];
    }
  }
}

Shape window_output_shape(const backend::WindowGeometry& g, int64_t channels) {
  Shape s{g.batch};
  for (int i = 0; i < g.spatial; ++i) s.push_back(g.out[static_cast<size_t>(i)]);
  s.push_back(channels);
  return s;
}

}  // namespace

namespace {
/// The geometry of conv(x, kernel, bias) for an input of shape `x` (ValueError naming the
/// shapes when they do not fit). `bias`: its shape, or null without one.
backend::WindowGeometry conv_geometry(const Shape& x, const Shape& kernel, const Shape* bias,
                                      const std::vector<int64_t>& strides, const std::string& padding,
                                      const std::vector<int64_t>& dilation_rate, const detail::SpatialZeros& zeros) {
  if (kernel.rank() != x.rank())
    throw ValueError(cat("conv: kernel of shape ", kernel.to_string(), " does not fit input of shape ", x.to_string(),
                         " (kernel rank must equal input rank)"));
  const int64_t in_per_group = kernel[kernel.rank() - 2], filters = kernel.back(), channels = x.back();
  if (in_per_group <= 0 || channels % in_per_group != 0)
    throw ValueError(cat("conv: input channels (", channels, ", shape ", x.to_string(),
                         ") are not a multiple of the kernel's input channels (", in_per_group, ", kernel shape ",
                         kernel.to_string(), ")"));
  const int64_t groups = channels / in_per_group;
  if (filters % groups != 0)
    throw ValueError(cat("conv: filters (", filters, ") must be divisible by groups (", groups, ")"));
  if (bias && (bias->rank() != 1 || (*bias)[0] != filters))
    throw ValueError(cat("conv: bias of shape ", bias->to_string(), " does not match ", filters, " filters"));

  backend::WindowGeometry g;
  std::vector<int64_t> ksize(kernel.begin(), kernel.end() - 2);
  fill_window(g, x, ksize, strides, dilation_rate, padding, "conv", zeros);
  g.out_channels = filters;
  g.groups = groups;
  return g;
}

/// conv with an epilogue; `residual` (moved in) is what the epilogue accumulates onto,
/// written over in place when nothing else holds it.
Tensor conv_impl(const Tensor& x, const Tensor& kernel, const Tensor& bias, const std::vector<int64_t>& strides,
                 const std::string& padding, const std::vector<int64_t>& dilation_rate,
                 const backend::ConvEpilogue& epilogue, Tensor residual = Tensor(),
                 const detail::SpatialZeros& zeros = {}) {
  detail::require_float(x, "conv");
  detail::require_float(kernel, "conv");
  detail::require_same_dtype(x, kernel, "conv");
  detail::require_same_dtype(x, bias, "conv");
  detail::check_same_device("conv", {&x, &kernel, &bias});
  const backend::WindowGeometry g = conv_geometry(x.shape(), kernel.shape(), bias.defined() ? &bias.shape() : nullptr,
                                                  strides, padding, dilation_rate, zeros);
  const int64_t filters = g.out_channels;

  const bool relu = epilogue.activation == backend::ConvActivation::relu;
  const bool differentiable = !epilogue.scale.defined() && !epilogue.shift.defined() && !epilogue.accumulate &&
                              (relu || epilogue.activation == backend::ConvActivation::none);
  if (!differentiable && should_record({&x, &kernel, &bias, &residual, &epilogue.scale, &epilogue.shift}))
    throw RuntimeError("conv_fused: the fused convolution is for inference; a GradientTape is watching its inputs");
  const Shape out_shape = window_output_shape(g, filters);
  Tensor y;
  if (epilogue.accumulate) {
    if (residual.shape() != out_shape || residual.dtype() != x.dtype() || residual.device() != x.device())
      throw ValueError(cat("conv_fused: the residual of shape ", residual.shape().to_string(), " (",
                           dtype_name(residual.dtype()), ") does not match the output ", out_shape.to_string(), " (",
                           dtype_name(x.dtype()), ")"));
    // Nothing else holds the residual's buffer: the convolution adds onto it in place.
    const bool sole_owner = residual.impl_ptr().use_count() == 1 && residual.impl()->storage.use_count() == 1;
    y = sole_owner ? residual.detach() : residual.clone();
    residual = Tensor();
  } else {
    y = detail::empty_like(x, out_shape, x.dtype());
  }
  auto& be = backend::backend_for(x);
  be.conv_forward(g, x, kernel, bias, y, epilogue);
  if (epilogue.accumulate) y.note_written();

  if (differentiable && should_record({&x, &kernel, &bias}))
    record(relu ? "conv_relu" : "conv", {x, kernel, bias}, {&y},
           [g, x = x.detach(), kernel = kernel.detach(), has_bias = bias.defined(),
            y_relu = relu ? y.detach() : Tensor()](const TensorList& grads_in, const std::vector<bool>& n) {
             TensorList out(3);
             auto& be = backend::backend_for(grads_in[0]);
             TensorList grads = grads_in;
             if (y_relu.defined()) {
               // relu'(pre) is 1 exactly where the output is positive.
               Tensor g_pre = detail::empty_like(grads[0]);
               be.unary_backward(backend::UnaryOp::relu, {0.f, -1.f, 0.f}, y_relu, Tensor(), grads[0], g_pre);
               grads[0] = g_pre;
             }
             if (n[0]) {
               out[0] = detail::empty_like(x);
               be.conv_backward_data(g, grads[0], kernel, out[0]);
             }
             if (n[1] || (has_bias && n[2])) {
               Tensor dk = detail::empty_like(kernel);
               Tensor db = has_bias ? Tensor::empty(Shape{g.out_channels}, x.dtype(), x.device()) : Tensor();
               be.conv_backward_weights(g, x, grads[0], dk, db);
               if (n[1]) out[1] = dk;
               if (has_bias && n[2]) out[2] = db;
             }
             return out;
           });
  return y;
}
}  // namespace

Tensor conv(const Tensor& x, const Tensor& kernel, const Tensor& bias, const std::vector<int64_t>& strides,
            const std::string& padding, const std::vector<int64_t>& dilation_rate) {
  return conv_impl(x, kernel, bias, strides, padding, dilation_rate, {});
}

namespace detail {
Tensor conv_relu(const Tensor& x, const Tensor& kernel, const Tensor& bias, const std::vector<int64_t>& strides,
                 const std::string& padding, const std::vector<int64_t>& dilation_rate) {
  backend::ConvEpilogue relu;
  relu.activation = backend::ConvActivation::relu;
  return conv_impl(x, kernel, bias, strides, padding, dilation_rate, relu);
}

Tensor conv_fused(const Tensor& x, const Tensor& kernel, const Tensor& bias, const std::vector<int64_t>& strides,
                  const std::string& padding, const std::vector<int64_t>& dilation_rate, const Tensor& scale,
                  const Tensor& shift, Tensor residual, backend::ConvActivation activation, const SpatialZeros& zeros) {
  for (const Tensor* t : {&scale, &shift})
    if (t->defined() &&
        (t->dtype() != DType::float32 || t->rank() != 1 || t->dim(0) != kernel.dim(-1) || t->device() != x.device()))
      throw ValueError(cat("conv_fused: a per-channel scale or shift must be float32 of shape (", kernel.dim(-1),
                           ") on the input's device; got ", t->shape().to_string(), " (", dtype_name(t->dtype()), ")"));
  backend::ConvEpilogue epilogue{
      .scale = scale, .shift = shift, .accumulate = residual.defined(), .activation = activation};
  return conv_impl(x, kernel, bias, strides, padding, dilation_rate, epilogue, std::move(residual), zeros);
}

bool prepare_conv_fused(Device device, const Shape& x, DType dtype, const Shape& kernel, bool has_bias,
                        const std::vector<int64_t>& strides, const std::string& padding,
                        const std::vector<int64_t>& dilation_rate, bool scale_and_shift, bool accumulate,
                        backend::ConvActivation activation, const SpatialZeros& zeros) {
  backend::WindowGeometry g;
  const Shape bias{kernel.back()};
  try {
    g = conv_geometry(x, kernel, has_bias ? &bias : nullptr, strides, padding, dilation_rate, zeros);
  } catch (const ValueError&) {
    return false;  // the call itself will say what does not fit
  }
  // Which parts of the epilogue are there is what matters here, not their values.
  const Tensor per_channel = scale_and_shift ? Tensor::empty(Shape{1}, DType::float32) : Tensor();
  const backend::ConvEpilogue epilogue{
      .scale = per_channel, .shift = per_channel, .accumulate = accumulate, .activation = activation};
  return backend::backend_for(device).prepare_conv_forward(g, dtype, has_bias, epilogue);
}
}  // namespace detail

// ---- transposed convolution: the convolution read backwards. Its output is a
// convolution's input, its input that convolution's output, and Keras's transposed
// kernel (*k, filters, channels) is that convolution's kernel (*k, in, out) as it
// stands. So forward is the backend's conv_backward_data; backward is conv_forward (for
// x) and conv_backward_weights (for the kernel), with one geometry for all three.

int64_t conv_transpose_output_length(int64_t input, int64_t kernel, int64_t stride, int64_t dilation,
                                     const std::string& padding, std::optional<int64_t> output_padding) {
  const int64_t effective = (kernel - 1) * dilation + 1;
  if (padding == "valid")
    return (input - 1) * stride + effective + output_padding.value_or(std::max(effective, stride) - effective);
  if (padding == "same")
    return output_padding ? (input - 1) * stride + effective % 2 + *output_padding : input * stride;
  throw ValueError(cat("Invalid padding: '", padding, "'. Expected one of \"valid\", \"same\""));
}

namespace {

/// Padding of the equivalent convolution along one axis (its input is the transposed
/// output). Keras (backend_utils.py) pads the stride-dilated input by `left` and
/// `right` cells and slides the flipped kernel over it; that is this convolution with
/// pad_before = d - 1 - left and pad_after = d - 1 - right. pad_after is negative when
/// the output is cut short of the last window (output_padding < stride: oneDNN accepts
/// pad_after > -stride, and the reference backend never reads it).
std::pair<int64_t, int64_t> conv_transpose_pads(int64_t kernel, int64_t stride, int64_t dilation,
                                                const std::string& padding, std::optional<int64_t> output_padding) {
  const int64_t d = (kernel - 1) * dilation + 1;
  int64_t left = d - 1, right = d - 1 + output_padding.value_or(std::max(d, stride) - d);
  if (padding == "same") {
    const int64_t total = output_padding ? d + d % 2 - 2 + *output_padding : stride + d - 2;
    left = std::min(total / 2 + total % 2, d - 1);
    right = total - left;
  }
  return {d - 1 - left, d - 1 - right};
}

}  // namespace

Tensor conv_transpose(const Tensor& x, const Tensor& kernel, const std::vector<int64_t>& strides,
                      const std::string& padding, const std::vector<int64_t>& output_padding,
                      const std::vector<int64_t>& dilation_rate) {
  detail::require_float(x, "conv_transpose");
  detail::require_float(kernel, "conv_transpose");
  detail::require_same_dtype(x, kernel, "conv_transpose");
  detail::check_same_device("conv_transpose", {&x, &kernel});
  const int spatial = static_cast<int>(x.rank()) - 2;
  if (spatial < 1 || spatial > 3)
    throw ValueError(cat("conv_transpose: expected an input of rank 3 to 5 (batch, spatial..., channels), got shape ",
                         x.shape().to_string()));
  if (kernel.rank() != x.rank() || kernel.dim(-1) != x.dim(-1))
    throw ValueError(cat("conv_transpose: kernel of shape ", kernel.shape().to_string(),
                         " does not fit input of shape ", x.shape().to_string(), " (expected (*kernel_size, filters, ",
                         x.dim(-1), "))"));
  if (padding != "valid" && padding != "same")
    throw ValueError(cat("conv_transpose: padding must be \"valid\" or \"same\", got \"", padding, "\""));
  auto check = [&](const std::vector<int64_t>& v, const char* what, int64_t min) {
    if (static_cast<int>(v.size()) != spatial)
      throw ValueError(cat("conv_transpose: ", what, " has ", v.size(), " values for ", spatial,
                           " spatial dimensions (input shape ", x.shape().to_string(), ")"));
    for (int64_t e : v)
      if (e < min)
        throw ValueError(cat("conv_transpose: ", what, " values must be >= ", min, ", got ", Shape(v).to_string()));
  };
  check(strides, "strides", 1);
  check(dilation_rate, "dilation_rate", 1);
  if (!output_padding.empty()) check(output_padding, "output_padding", 0);
  const int64_t filters = kernel.dim(-2);

  backend::WindowGeometry g;  // of the convolution whose input is y
  g.spatial = spatial;
  g.batch = x.dim(0);
  g.in_channels = filters;
  g.out_channels = x.dim(-1);
  Shape y_shape{g.batch};
  for (int i = 0; i < spatial; ++i) {
    const size_t u = static_cast<size_t>(i);
    const auto op = output_padding.empty() ? std::nullopt : std::optional<int64_t>(output_padding[u]);
    if (op && *op >= strides[u])
      throw ValueError(cat("conv_transpose: output_padding must be less than strides; got output_padding=",
                           Shape(output_padding).to_string(), ", strides=", Shape(strides).to_string()));
    g.out[u] = x.shape()[u + 1];
    g.kernel[u] = kernel.shape()[u];
    g.stride[u] = strides[u];
    g.dilation[u] = dilation_rate[u];
    g.in[u] = conv_transpose_output_length(g.out[u], g.kernel[u], strides[u], dilation_rate[u], padding, op);
    if (g.out[u] <= 0 || g.in[u] <= 0)
      throw ValueError(cat("conv_transpose: input shape ", x.shape().to_string(),
                           " gives an empty output along spatial axis ", i, " (kernel size ", g.kernel[u], ", strides ",
                           strides[u], ", padding \"", padding, "\")"));
    std::tie(g.pad_before[u], g.pad_after[u]) =
        conv_transpose_pads(g.kernel[u], strides[u], dilation_rate[u], padding, op);
    y_shape.push_back(g.in[u]);
  }
  y_shape.push_back(filters);

  auto& be = backend::backend_for(x);
  Tensor y = detail::empty_like(x, y_shape, x.dtype());
  const bool empty = x.size() == 0 || y.size() == 0;  // no kernel runs on empty tensors
  if (empty) be.fill(y, 0.0);
  else be.conv_backward_data(g, x, kernel, y);
  if (should_record({&x, &kernel}))
    record("conv_transpose", {x, kernel}, {&y},
           [g, empty, x = x.detach(), kernel = kernel.detach()](const TensorList& grads, const std::vector<bool>& n) {
             TensorList out(2);
             auto& be = backend::backend_for(grads[0]);
             if (n[0]) {
               out[0] = detail::empty_like(x);
               if (empty) be.fill(out[0], 0.0);
               else be.conv_forward(g, grads[0], kernel, Tensor(), out[0], {});
             }
             if (n[1]) {
               out[1] = detail::empty_like(kernel);
               Tensor no_bias;
               if (empty) be.fill(out[1], 0.0);
               else be.conv_backward_weights(g, grads[0], x, out[1], no_bias);
             }
             return out;
           });
  return y;
}

namespace {
Tensor pool(backend::PoolKind kind, const Tensor& x, const std::vector<int64_t>& pool_size,
            const std::vector<int64_t>& strides, const std::string& padding, const char* name) {
  detail::require_float(x, name);
  if (padding != "valid" && padding != "same")
    throw ValueError(cat(name, ": padding must be \"valid\" or \"same\", got \"", padding, "\""));
  backend::WindowGeometry g;
  fill_window(g, x.shape(), pool_size, strides, std::vector<int64_t>(pool_size.size(), 1), padding, name);
  g.out_channels = g.in_channels;
  Tensor y = detail::empty_like(x, window_output_shape(g, g.in_channels), x.dtype());
  const bool rec = should_record({&x});
  auto ws = backend::backend_for(x).pool_forward(kind, g, x, y, rec);
  if (rec)
    record(name, {x}, {&y}, [kind, g, ws, xs = x.shape()](const TensorList& grads, const std::vector<bool>&) {
      Tensor dx = Tensor::empty(xs, grads[0].dtype(), grads[0].device());
      backend::backend_for(grads[0]).pool_backward(kind, g, grads[0], ws.get(), dx);
      return TensorList{dx};
    });
  return y;
}
}  // namespace

Tensor max_pool(const Tensor& x, const std::vector<int64_t>& pool_size, const std::vector<int64_t>& strides,
                const std::string& padding) {
  return pool(backend::PoolKind::max, x, pool_size, strides, padding, "max_pool");
}

Tensor average_pool(const Tensor& x, const std::vector<int64_t>& pool_size, const std::vector<int64_t>& strides,
                    const std::string& padding) {
  return pool(backend::PoolKind::average, x, pool_size, strides, padding, "average_pool");
}

// ---- dropout

Tensor dropout(const Tensor& x, double rate, const Shape& noise_shape, uint64_t seed) {
  if (!(rate >= 0.0 && rate < 1.0))
    throw ValueError(cat("dropout: rate must be in [0, 1), got ", rate));
  if (rate == 0.0) return x;
  Shape ns = noise_shape.empty() ? x.shape() : noise_shape;
  for (size_t i = 0; i < ns.size(); ++i)
    if (ns[i] < 0 && i < x.shape().size()) ns[i] = x.shape()[i];  // None in noise_shape means "as the input"
  broadcast_shapes(ns, x.shape());  // throws with both shapes if incompatible
  Tensor mask = Tensor::empty(ns, x.dtype(), x.device());
  backend::backend_for(x).dropout_mask(mask, rate, seed);
  return multiply(x, mask);
}

// ---- normalization

std::pair<Tensor, Tensor> moments(const Tensor& x, const std::vector<int64_t>& axes, bool keepdims) {
  const auto norm = detail::normalize_axes(axes, x.rank(), "moments axis");
  const Tensor mean_kept = mean(x, norm, /*keepdims=*/true);
  Tensor variance = mean(square(subtract(x, mean_kept)), norm, keepdims);
  return {keepdims ? mean_kept : reshape(mean_kept, variance.shape()), variance};
}

namespace {
Tensor scalar_like(const Tensor& x, double v) { return Tensor::full(Shape{}, v, x.dtype(), x.device()); }

/// gamma / beta / scale of the sizes of `axes` reshaped to broadcast against x (Keras's
/// _broadcast: a tensor of x's rank is taken as it is).
Tensor broadcast_weight(const Tensor& w, const Tensor& x, const std::vector<int64_t>& axes, const char* op) {
  if (!w.defined() || w.rank() == x.rank()) return w;
  if (w.rank() != static_cast<int64_t>(axes.size()))
    throw ValueError(cat(op, ": a weight of shape ", w.shape().to_string(),
                         " does not match axes of an input of shape ", x.shape().to_string()));
  Shape b(std::vector<int64_t>(static_cast<size_t>(x.rank()), 1));
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t n = x.dim(axes[i]);
    if (w.dim(static_cast<int64_t>(i)) != n)
      throw ValueError(cat(op, ": a weight of shape ", w.shape().to_string(),
                           " does not match axes of an input of shape ", x.shape().to_string()));
    b[static_cast<size_t>(axes[i])] = n;
  }
  return reshape(w, b);
}
}  // namespace

Tensor normalize(const Tensor& x, const std::vector<int64_t>& axes, double epsilon) {
  const auto norm = detail::normalize_axes(axes, x.rank(), "normalize axis");
  const Tensor square_sum = sum(square(x), norm, /*keepdims=*/true);
  return multiply(x, rsqrt(maximum(square_sum, scalar_like(x, epsilon * epsilon))));
}

namespace {
/// Layer normalization over x's trailing `cols` values per row as one backend kernel
/// each way; gamma and beta (undefined or `cols` values) already checked.
Tensor fused_layer_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, int64_t cols, double epsilon) {
  const int64_t rows = cols ? x.size() / cols : 0;
  auto& be = backend::backend_for(x);
  Tensor y = detail::empty_like(x), mean = detail::empty_like(x, Shape{rows}, DType::float32);
  Tensor rstd = detail::empty_like(x, Shape{rows}, DType::float32);
  const Tensor g = gamma.defined() ? reshape(gamma, Shape{cols}) : gamma;
  const Tensor b = beta.defined() ? reshape(beta, Shape{cols}) : beta;
  be.layer_norm_forward(x, g, b, rows, cols, static_cast<float>(epsilon), y, mean, rstd);
  TensorList inputs{x};
  if (gamma.defined()) inputs.push_back(gamma);
  if (beta.defined()) inputs.push_back(beta);
  if (should_record(inputs))
    record("layer_normalization", inputs, {&y},
           [x = x.detach(), g = g.defined() ? g.detach() : g, has_beta = beta.defined(),
            gshape = gamma.defined() ? gamma.shape() : Shape{}, bshape = beta.defined() ? beta.shape() : Shape{}, mean,
            rstd, rows, cols](const TensorList& grads, const std::vector<bool>&) {
             auto& b = backend::backend_for(grads[0]);
             Tensor dx = detail::empty_like(x);
             Tensor dg = g.defined() ? detail::empty_like(x, Shape{cols}, DType::float32) : Tensor();
             Tensor db = has_beta ? detail::empty_like(x, Shape{cols}, DType::float32) : Tensor();
             b.layer_norm_backward(x, g, mean, rstd, grads[0], rows, cols, dx, dg, db);
             TensorList out{dx};
             if (g.defined()) out.push_back(reshape(dg, gshape));
             if (has_beta) out.push_back(reshape(db, bshape));
             return out;
           });
  return y;
}
}  // namespace

Tensor layer_normalization(const Tensor& x, const Tensor& gamma, const Tensor& beta, const std::vector<int64_t>& axes,
                           double epsilon, bool rms_scaling) {
  const auto norm = detail::normalize_axes(axes, x.rank(), "layer_normalization axis");
  if (axes.empty() && x.rank() > 0) throw ValueError("layer_normalization: expected at least one axis");
  const Tensor g = broadcast_weight(gamma, x, norm, "layer_normalization gamma");
  // The fused kernel: float32, the normalized axes the trailing ones, weights of their size.
  int64_t cols = 1;
  bool trailing = !norm.empty();
  for (size_t i = 0; i < norm.size(); ++i) {
    trailing = trailing && norm[norm.size() - 1 - i] == x.rank() - 1 - static_cast<int64_t>(i);
    cols *= x.dim(norm[i]);
  }
  const Tensor b_full = broadcast_weight(beta, x, norm, "layer_normalization beta");
  auto fits = [&](const Tensor& w) { return !w.defined() || (w.dtype() == DType::float32 && w.size() == cols); };
  if (!rms_scaling && trailing && x.dtype() == DType::float32 && cols > 0 && fits(g) && fits(b_full) &&
      backend::backend_for(x).supports(backend::Op::layer_norm_forward, DType::float32)) {
    detail::check_same_device("layer_normalization", {&x, &gamma, &beta});
    return fused_layer_norm(x, gamma, beta, cols, epsilon);
  }
  const auto stats = moments(x, norm, /*keepdims=*/true);
  Tensor inv = rsqrt(add(stats.second, scalar_like(x, epsilon)));
  if (rms_scaling) {
    Tensor out = multiply(x, inv);
    return g.defined() ? multiply(out, g) : out;
  }
  if (g.defined()) inv = multiply(inv, g);
  Tensor res = negative(multiply(stats.first, inv));
  if (beta.defined()) res = add(res, broadcast_weight(beta, x, norm, "layer_normalization beta"));
  return add(multiply(x, inv), res);
}

Tensor rms_normalization(const Tensor& x, const Tensor& scale, const std::vector<int64_t>& axes, double epsilon) {
  const auto norm = detail::normalize_axes(axes, x.rank(), "rms_normalization axis");
  if (axes.empty() && x.rank() > 0) throw ValueError("rms_normalization: expected at least one axis");
  const Tensor rrms = rsqrt(add(mean(square(x), norm, /*keepdims=*/true), scalar_like(x, epsilon)));
  const Tensor out = multiply(x, rrms);
  return scale.defined() ? multiply(out, broadcast_weight(scale, x, norm, "rms_normalization scale")) : out;
}

namespace detail {

bool batch_norm_fusable(const Tensor& x, int64_t axis) {
  return x.dtype() == DType::float32 && x.rank() >= 1 && axis == x.rank() - 1 &&
         backend::backend_for(x).supports(backend::Op::batch_norm_forward, DType::float32);
}

BatchNormOutputs batch_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& moving_mean,
                            const Tensor& moving_variance, double epsilon, bool training) {
  check_same_device("batch_normalization", {&x, &gamma, &beta, &moving_mean, &moving_variance});
  const int64_t channels = x.dim(-1), rows = channels ? x.size() / channels : 0;
  const Shape stat{channels};
  auto& be = backend::backend_for(x);
  Tensor y = empty_like(x);
  Tensor mean = training ? empty_like(x, stat, DType::float32) : reshape(moving_mean, stat).detach();
  Tensor variance = training ? empty_like(x, stat, DType::float32) : reshape(moving_variance, stat).detach();
  const Tensor g = gamma.defined() ? reshape(gamma, stat) : gamma;
  const Tensor b = beta.defined() ? reshape(beta, stat) : beta;
  be.batch_norm_forward(x, g, b, rows, channels, static_cast<float>(epsilon), training, mean, variance, y);
  TensorList inputs{x};
  if (gamma.defined()) inputs.push_back(gamma);
  if (beta.defined()) inputs.push_back(beta);
  if (should_record(inputs))
    record("batch_normalization", inputs, {&y},
           [x = x.detach(), g = g.defined() ? g.detach() : g, has_beta = beta.defined(),
            gshape = gamma.defined() ? gamma.shape() : Shape{}, bshape = beta.defined() ? beta.shape() : Shape{}, mean,
            variance, rows, channels, epsilon, training](const TensorList& grads, const std::vector<bool>& needs) {
             auto& b = backend::backend_for(grads[0]);
             // A frozen layer's gamma and beta (fine-tuning) want no gradient: the kernel
             // then skips their sums, and at inference its reduction pass altogether.
             const bool want_g = g.defined() && needs[1], want_b = has_beta && needs[g.defined() ? 2 : 1];
             Tensor dx = empty_like(x);
             Tensor dg = want_g ? empty_like(x, Shape{channels}, DType::float32) : Tensor();
             Tensor db = want_b ? empty_like(x, Shape{channels}, DType::float32) : Tensor();
             b.batch_norm_backward(x, g, mean, variance, grads[0], rows, channels, static_cast<float>(epsilon),
                                   training, dx, dg, db);
             TensorList out{dx};
             if (g.defined()) out.push_back(want_g ? reshape(dg, gshape) : Tensor());
             if (has_beta) out.push_back(want_b ? reshape(db, bshape) : Tensor());
             return out;
           });
  return {y, mean, variance};
}

}  // namespace detail

}  // namespace keras::ops

// Fused ops: one pass where Keras would run two ops, with the same numbers. Layers use
// them as fast paths (BaseConv with activation="relu"); they are not public API.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "keras/tensor/tensor.h"

namespace keras::ops::detail {

/// relu(conv(x, kernel) + bias), the relu applied by oneDNN as a post-op.
Tensor conv_relu(const Tensor& x, const Tensor& kernel, const Tensor& bias, const std::vector<int64_t>& strides,
                 const std::string& padding, const std::vector<int64_t>& dilation_rate);
/// (before, after) zeros on each spatial axis, as ZeroPadding1D/2D/3D adds them.
using SpatialZeros = std::vector<std::array<int64_t, 2>>;
/// activation((conv(x, kernel) + bias) * scale + shift + residual) in one pass (see
/// backend::ConvEpilogue): a convolution, the BatchNormalization after it, a residual Add
/// and an activation at inference. scale, shift and residual may be undefined; the
/// residual's buffer becomes the output when nothing else holds it. `zeros` (one pair
/// per spatial axis, or empty; with padding "valid" only): x is convolved as if padded
/// with them first (a ZeroPadding layer before the convolution), without the copy.
/// Inference only: it throws when a GradientTape watches its inputs.
Tensor conv_fused(const Tensor& x, const Tensor& kernel, const Tensor& bias, const std::vector<int64_t>& strides,
                  const std::string& padding, const std::vector<int64_t>& dilation_rate, const Tensor& scale,
                  const Tensor& shift, Tensor residual, backend::ConvActivation activation,
                  const SpatialZeros& zeros = {});
/// Creates, without running anything, what conv_fused will need for an input of shape
/// `x` in `dtype` and a kernel of shape `kernel` on `device` (CPU: the oneDNN primitive; see
/// Backend::prepare_conv_forward), on any thread. Whether anything was created; shapes
/// that do not fit create nothing (the call itself reports them).
bool prepare_conv_fused(Device device, const Shape& x, DType dtype, const Shape& kernel, bool has_bias,
                        const std::vector<int64_t>& strides, const std::string& padding,
                        const std::vector<int64_t>& dilation_rate, bool scale_and_shift, bool accumulate,
                        backend::ConvActivation activation, const SpatialZeros& zeros = {});

}  // namespace keras::ops::detail

namespace keras::ops::detail {

/// Keras's ops.dot_product_attention without bias: query (B, T, N, H), key (B, S, N, H),
/// value (B, S, N, Hv) -> (B, T, N, Hv); softmax(scale * query . key) . value, logits
/// where `mask` (broadcastable to (B, N, T, S); non-zero = attend) is 0 or, with
/// `causal`, above the diagonal set to -1e9. One fused kernel forward and backward
/// where the backend has it (never more than a block of logits at a time); otherwise
/// (and for empty tensors) the same numbers from einsum and softmax.
Tensor dot_product_attention(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& mask,
                             double scale, bool causal);
/// The composition of ops dot_product_attention stands for (the fallback; tests compare).
Tensor dot_product_attention_composed(const Tensor& query, const Tensor& key, const Tensor& value, const Tensor& mask,
                                      double scale, bool causal);

}  // namespace keras::ops::detail

namespace keras::ops::detail {

/// BatchNormalization over the last axis in one backend kernel each way: y, and the
/// statistics it used (the batch's, biased variance, when `training`; otherwise
/// `moving_mean` and `moving_variance`, which are constants to the gradient).
struct BatchNormOutputs {
  Tensor y, mean, variance;
};
/// Whether batch_norm takes x normalised over `axis`: float32, channels last, and a
/// backend with the kernels. (Otherwise BatchNormalization composes ops.)
bool batch_norm_fusable(const Tensor& x, int64_t axis);
/// gamma and beta: undefined or float32 of the channel count (checked by the layer).
BatchNormOutputs batch_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& moving_mean,
                            const Tensor& moving_variance, double epsilon, bool training);

}  // namespace keras::ops::detail

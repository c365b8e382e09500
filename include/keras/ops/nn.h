// Neural-network ops (keras.ops.nn): activations, softmax, convolution, pooling, dropout.
// Data is channels-last throughout, kernels in Keras's layout.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "keras/tensor/tensor.h"

namespace keras::ops {

/// Keras's general relu: max_value < 0 means none; values below `threshold` get
/// negative_slope * (x - threshold).
Tensor relu(const Tensor& x, double negative_slope = 0.0, double max_value = -1.0, double threshold = 0.0);
Tensor relu6(const Tensor& x);
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.2);
Tensor elu(const Tensor& x, double alpha = 1.0);
Tensor selu(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor softplus(const Tensor& x);
Tensor softsign(const Tensor& x);
Tensor silu(const Tensor& x);
Tensor gelu(const Tensor& x, bool approximate = true);
Tensor hard_sigmoid(const Tensor& x);
Tensor hard_silu(const Tensor& x);
Tensor mish(const Tensor& x);
Tensor log_sigmoid(const Tensor& x);
Tensor softmax(const Tensor& x, int64_t axis = -1);
Tensor log_softmax(const Tensor& x, int64_t axis = -1);

/// N-d convolution (1 to 3 spatial dims). x: (batch, *spatial, channels); kernel:
/// (*kernel_size, channels / groups, filters), groups = channels / kernel.dim(-2);
/// bias: (filters,) or undefined. padding: "valid", "same" or "causal" (1-D only).
Tensor conv(const Tensor& x, const Tensor& kernel, const Tensor& bias, const std::vector<int64_t>& strides,
            const std::string& padding, const std::vector<int64_t>& dilation_rate);

/// Transposed convolution (keras.ops.conv_transpose): the gradient of `conv` with respect
/// to its input, used as a learned upsampler. x: (batch, *spatial, channels); kernel:
/// (*kernel_size, filters, channels), Keras's layout; output (batch, *new_spatial, filters)
/// with the lengths of conv_transpose_output_length. padding: "valid" or "same";
/// output_padding: empty (Keras's None: inferred) or one value per spatial dim, each in
/// [0, stride). Differentiable in x and kernel (a convolution and its weight gradient).
Tensor conv_transpose(const Tensor& x, const Tensor& kernel, const std::vector<int64_t>& strides,
                      const std::string& padding, const std::vector<int64_t>& output_padding,
                      const std::vector<int64_t>& dilation_rate);

/// Output length of a transposed convolution along one axis (Keras's
/// compute_conv_transpose_output_shape). With d = (kernel - 1) * dilation + 1:
///   valid: (input - 1) * stride + d + output_padding  (None: max(d, stride) - d)
///   same:  input * stride, or (input - 1) * stride + d % 2 + output_padding when given.
int64_t conv_transpose_output_length(int64_t input, int64_t kernel, int64_t stride, int64_t dilation,
                                     const std::string& padding, std::optional<int64_t> output_padding);

/// Max / average pooling over the spatial dims of a channels-last tensor. "same"
/// average pooling divides by the number of real (unpadded) cells, as Keras does.
Tensor max_pool(const Tensor& x, const std::vector<int64_t>& pool_size, const std::vector<int64_t>& strides,
                const std::string& padding);
Tensor average_pool(const Tensor& x, const std::vector<int64_t>& pool_size, const std::vector<int64_t>& strides,
                    const std::string& padding);

/// Inverted dropout: zeroes each element with probability `rate` and scales the rest by
/// 1 / (1 - rate). `noise_shape` (empty: x's shape) broadcasts the mask.
Tensor dropout(const Tensor& x, double rate, const Shape& noise_shape, uint64_t seed);

// ---- normalization (compositions of differentiable ops; the tape differentiates them)

/// Mean and (biased) variance of x over `axes` (keras.ops.moments; empty = all axes),
/// the reduced axes kept as size 1 when `keepdims`. The variance is mean((x - mean)^2),
/// the two-pass form: Keras's E[x^2] - E[x]^2 gives the same numbers up to rounding.
std::pair<Tensor, Tensor> moments(const Tensor& x, const std::vector<int64_t>& axes, bool keepdims = false);

/// x / max(||x||_2, epsilon) over `axes` (keras.ops.normalize with order 2; empty = all
/// axes), computed as x * rsqrt(max(sum(x^2), epsilon^2)): finite gradient at zero.
Tensor normalize(const Tensor& x, const std::vector<int64_t>& axes = {-1}, double epsilon = 1e-7);

/// keras.ops.layer_normalization: (x - mean) * rsqrt(variance + epsilon) * gamma + beta,
/// statistics over `axes`, in Keras's order of operations (inv = rsqrt(var + eps) * gamma;
/// x * inv + (beta - mean * inv)). gamma/beta (undefined for none) have the sizes of
/// `axes`, or x's rank already (then they broadcast as they are). With `rms_scaling`
/// (deprecated in Keras 3.15): x * rsqrt(variance + epsilon) * gamma; no mean subtracted, no beta.
Tensor layer_normalization(const Tensor& x, const Tensor& gamma, const Tensor& beta, const std::vector<int64_t>& axes,
                           double epsilon = 1e-3, bool rms_scaling = false);

/// keras.ops.rms_normalization: x * rsqrt(mean(x^2 over axes) + epsilon) * scale (scale
/// undefined for none; shaped like layer_normalization's gamma).
Tensor rms_normalization(const Tensor& x, const Tensor& scale, const std::vector<int64_t>& axes = {-1},
                         double epsilon = 1e-7);

/// Output length of a window op along one axis (Keras's conv_output_length).
int64_t window_output_length(int64_t input, int64_t kernel, int64_t stride, int64_t dilation,
                             const std::string& padding);

/// Output shape of a window op on a channels-last shape (batch, *spatial, channels):
/// unknown (kNone) sizes stay unknown, `channels` replaces the last dim. A spatial size
/// of 0 means the window does not fit.
Shape window_output_shape(const Shape& input, const std::vector<int64_t>& kernel, const std::vector<int64_t>& strides,
                          const std::vector<int64_t>& dilation_rate, const std::string& padding, int64_t channels);

}  // namespace keras::ops

// What BaseConv and BaseConvTranspose share (not public API): Keras's checks of the
// window arguments, in its wording, and the moves between channels_first and the
// channels-last layout the convolution ops work in.
#pragma once

#include <string>
#include <vector>

#include "keras/errors.h"
#include "keras/ops/core.h"
#include "keras/tensor/tensor.h"

namespace keras::layers::conv_detail {

inline std::string tuple(const std::vector<int64_t>& v) { return Shape(v).to_string(); }

/// The largest kernel_size, stride or dilation_rate value accepted.
inline constexpr int64_t kMaxWindowArg = int64_t{1} << 24;

/// Keras's error for kernel_size, strides and dilation_rate (rank values each, all
/// positive, not strides > 1 with dilation_rate > 1), or "" when they are fine.
inline std::string window_args_error(int rank, const std::vector<int64_t>& kernel_size,
                                     const std::vector<int64_t>& strides, const std::vector<int64_t>& dilation_rate) {
  using keras::detail::cat;
  if (static_cast<int>(kernel_size.size()) != rank || static_cast<int>(strides.size()) != rank ||
      static_cast<int>(dilation_rate.size()) != rank)
    return cat("kernel_size, strides and dilation_rate need ", rank, " values each");
  for (const auto& [name, values] : {std::pair{"kernel_size", &kernel_size}, std::pair{"strides", &strides},
                                     std::pair{"dilation_rate", &dilation_rate}})
    for (int64_t v : *values) {
      if (v <= 0)
        return cat("The `", name, "` argument must be positive integers. Received ", name, "=", tuple(*values));
      // Checked when the layer is made: beyond this oneDNN refused them only at the first
      // call, and (kernel - 1) * dilation could overflow.
      if (v > kMaxWindowArg)
        return cat("The `", name, "` argument is too large (at most ", kMaxWindowArg, " each). Received ", name, "=",
                   tuple(*values));
    }
  bool strided = false, dilated = false;
  for (int64_t v : strides) strided |= v > 1;
  for (int64_t v : dilation_rate) dilated |= v > 1;
  if (strided && dilated)
    return cat("`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=",
               tuple(strides), " and dilation_rate=", tuple(dilation_rate));
  return "";
}

/// Keras's standardize_data_format error, or "".
inline std::string data_format_error(const std::string& data_format) {
  if (data_format == "channels_last" || data_format == "channels_first") return "";
  return "The `data_format` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=" +
         data_format;
}

/// (batch, channels, *spatial) -> (batch, *spatial, channels).
inline Tensor to_channels_last(const Tensor& x) {
  std::vector<int64_t> perm{0};
  for (int64_t d = 2; d < x.rank(); ++d) perm.push_back(d);
  perm.push_back(1);
  return ops::transpose(x, perm);
}
/// (batch, *spatial, channels) -> (batch, channels, *spatial).
inline Tensor to_channels_first(const Tensor& x) {
  std::vector<int64_t> perm{0, x.rank() - 1};
  for (int64_t d = 1; d < x.rank() - 1; ++d) perm.push_back(d);
  return ops::transpose(x, perm);
}
inline Shape to_channels_last(const Shape& s) {
  if (s.rank() < 2) return s;
  Shape out{s[0]};
  for (size_t d = 2; d < s.size(); ++d) out.push_back(s[d]);
  out.push_back(s[1]);
  return out;
}
inline Shape to_channels_first(const Shape& s) {
  if (s.rank() < 2) return s;
  Shape out{s[0], s.back()};
  for (size_t d = 1; d + 1 < s.size(); ++d) out.push_back(s[d]);
  return out;
}

}  // namespace keras::layers::conv_detail

#include "keras/layers/preprocessing/stft_spectrogram.h"

#include <cmath>
#include <numbers>

#include "keras/autograd/node.h"
#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "keras/ops/nn.h"

namespace keras::layers {

using keras::detail::cat;

namespace {

constexpr double kEpsilon = 1e-7;  // Keras's backend.epsilon()
const char* const kModes[] = {"log", "magnitude", "psd", "real", "imag", "angle", "stft"};

std::string shape_text(const Shape& s) { return s.to_string(); }

/// atan2(y, x) elementwise (keras.ops.arctan2), with its gradient
/// d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2) (0 where both are 0). The library has no
/// arctan2 op yet, so the forward values are computed here, on the host.
Tensor arctan2(const Tensor& y, const Tensor& x) {
  const std::vector<float> yv = y.to_vector<float>(), xv = x.to_vector<float>();
  std::vector<float> out(yv.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = std::atan2(yv[i], xv[i]);
  Tensor result = Tensor::from_vector(out, y.shape(), y.device());
  if (autograd::should_record({&y, &x}))
    autograd::record("arctan2", {y, x}, {&result},
                     [y = y.detach(), x = x.detach()](const TensorList& g, const std::vector<bool>&) {
                       const Tensor r2 = ops::maximum(ops::square(x) + ops::square(y), Tensor::scalar(1e-30));
                       return TensorList{g[0] * x / r2, ops::negative(g[0] * y / r2)};
                     });
  return result;
}

}  // namespace

Config SpectrogramWindowCodec::write(const SpectrogramWindow& w) {
  if (!w.name.empty()) return Config(w.name);
  if (w.values.empty()) return Config(nullptr);
  return config_value(FloatOrList(w.values));
}

void SpectrogramWindowCodec::read(const Config& v, const std::string& what, SpectrogramWindow& out) {
  if (v.is_null()) {
    out = std::nullopt;
  } else if (v.is_string()) {
    out = v.get<std::string>();
  } else {
    FloatOrList values;
    read_config_value(v, what, values);
    out = values.values;
  }
}

std::vector<double> spectrogram_window(const SpectrogramWindow& w, int64_t length, bool periodic,
                                       const std::string& what) {
  const auto n = static_cast<size_t>(length);
  if (w.is_none()) return std::vector<double>(n, 1.0);
  if (w.name.empty()) {
    if (w.values.size() != n)
      throw ValueError(cat(what, ": the shape of `window` must be equal to [", length, "]. Received: window shape=(",
                           w.values.size(), ",)"));
    return w.values;
  }
  double a = 0.0;
  if (w.name == "hann") a = 0.5;
  else if (w.name == "hamming") a = 0.54;
  else
    throw ValueError(cat(what, ": `window` must be \"hann\", \"hamming\", None or a list of ", length,
                         " values. Received: window=", w.name));
  if (length == 1) return {1.0};
  const double m = periodic ? static_cast<double>(length) : static_cast<double>(length - 1);
  std::vector<double> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = a - (1.0 - a) * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / m);
  return out;
}

STFTSpectrogram::STFTSpectrogram(STFTSpectrogramOptions o)
    : Concrete("STFTSpectrogram", layer_args_of(o)), o_(std::move(o)) {
  if (o_.frame_length < 1)
    fail(cat("`frame_length` must be a positive integer. Received: frame_length=", o_.frame_length));
  if (o_.frame_step && (*o_.frame_step > o_.frame_length || *o_.frame_step < 1))
    fail(cat("`frame_step` should be a positive integer not greater than `frame_length`. Received frame_step=",
             *o_.frame_step, ", frame_length=", o_.frame_length));
  if (o_.fft_length && *o_.fft_length < o_.frame_length)
    fail(cat("`fft_length` should be not less than `frame_length`. Received fft_length=", *o_.fft_length,
             ", frame_length=", o_.frame_length));
  bool mode_ok = false;
  for (const char* m : kModes) mode_ok = mode_ok || o_.mode == m;
  if (!mode_ok)
    fail(cat("Output mode is invalid, it must be one of log, magnitude, psd, real, imag, angle, stft. Received: mode=",
             o_.mode));
  if (o_.scaling && *o_.scaling != "density" && *o_.scaling != "spectrum")
    fail(cat("Scaling is invalid, it must be `None`, 'density' or 'spectrum'. Received scaling=", *o_.scaling));
  if (o_.padding != "valid" && o_.padding != "same")
    fail(cat("Padding is invalid, it should be 'valid', 'same'. Received: padding=", o_.padding));
  if (o_.data_format != "channels_last" && o_.data_format != "channels_first")
    fail(cat("`data_format` must be \"channels_last\" or \"channels_first\". Received: data_format=", o_.data_format));
  frame_step_ = o_.frame_step.value_or(o_.frame_length / 2);
  if (frame_step_ < 1)
    fail(cat("`frame_step` (None: frame_length // 2) must be positive. Received: frame_length=", o_.frame_length));
  if (o_.fft_length) {
    fft_length_ = *o_.fft_length;
  } else {
    fft_length_ = 1;
    while (fft_length_ < o_.frame_length) fft_length_ *= 2;
  }
  // Keras's kernels divide by 2 * (fft_length // 2), which is 0 for one bin.
  if (fft_length_ < 2)
    fail(cat("`fft_length` must be at least 2 (one frequency bin has no DFT kernel). Received: fft_length=",
             fft_length_, ", frame_length=", o_.frame_length));
  spectrogram_window(o_.window, o_.frame_length, o_.periodic, cat("STFTSpectrogram \"", name(), "\""));
  input_spec_ = InputSpec{.ndim = 3};
}

Tensor STFTSpectrogram::initial_kernel(const std::string& side) const {
  const std::vector<double> w = spectrogram_window(o_.window, o_.frame_length, o_.periodic, name());
  double scale = 1.0;
  if (!o_.window.is_none() && o_.scaling) {
    double s = 0.0;
    for (double v : w) s += *o_.scaling == "density" ? v * v : std::abs(v);
    scale = *o_.scaling == "density" ? std::sqrt(s) : s;
  }
  const int64_t bins = fft_length_ / 2 + 1;
  const auto denom = static_cast<double>(2 * (bins - 1));
  std::vector<float> k(static_cast<size_t>(o_.frame_length * bins));
  for (int64_t t = 0; t < o_.frame_length; ++t)
    for (int64_t f = 0; f < bins; ++f) {
      const double arg = -2.0 * std::numbers::pi * static_cast<double>(t) * static_cast<double>(f) / denom;
      const double v = (side == "real" ? std::cos(arg) : std::sin(arg)) * w[static_cast<size_t>(t)] / scale;
      k[static_cast<size_t>(t * bins + f)] = static_cast<float>(v);
    }
  return Tensor::from_vector(k, Shape{o_.frame_length, 1, bins});
}

void STFTSpectrogram::build(const Shape&) {
  const Shape shape{o_.frame_length, 1, fft_length_ / 2 + 1};
  auto init = [this](const std::string& side) {
    const Tensor values = initial_kernel(side);
    return initializers::Initializer("STFT", [values](const Shape&, DType dtype) { return values.astype(dtype); });
  };
  if (o_.mode != "imag") real_kernel_ = add_weight("real_kernel", shape, init("real"));
  if (o_.mode != "real") imag_kernel_ = add_weight("imag_kernel", shape, init("imag"));
}

Tensor STFTSpectrogram::transform(const Tensor& x, const Tensor& kernel) const {
  const bool last = o_.data_format == "channels_last";
  const int64_t channels = last ? x.dim(2) : x.dim(1), time = last ? x.dim(1) : x.dim(2);
  // Every channel becomes a one-channel signal of its own.
  const Tensor signals = ops::reshape(last ? ops::transpose(x, {0, 2, 1}) : x, Shape{-1, time, 1});
  const Tensor k = kernel.dtype() == x.dtype() ? kernel : ops::cast(kernel, x.dtype());
  const Tensor y = ops::conv(signals, k, Tensor(), {frame_step_}, o_.padding, {1});  // (B*C, frames, F)
  return ops::reshape(ops::transpose(y, {0, 2, 1}), Shape{-1, channels, y.dim(2), y.dim(1)});
}

Tensor STFTSpectrogram::adjust(const Tensor& y) const {
  const int64_t channels = y.dim(1), bins = y.dim(2), frames = y.dim(3);
  if (o_.data_format == "channels_last") {
    if (o_.expand_dims) return ops::transpose(y, {0, 3, 2, 1});
    return ops::transpose(ops::reshape(y, Shape{-1, channels * bins, frames}), {0, 2, 1});
  }
  if (o_.expand_dims) return ops::transpose(y, {0, 1, 3, 2});
  return ops::reshape(y, Shape{-1, channels * bins, frames});
}

Tensor STFTSpectrogram::call(const Tensor& x, const CallContext&) {
  if (!is_floating(x.dtype()))
    throw TypeError(cat("Invalid input type for layer \"", name(),
                        "\" (STFTSpectrogram). Expected `float16`, `float32` or `float64`. Received: input type=",
                        dtype_name(x.dtype())));
  compute_output_shape(x.shape());  // checks the time axis is long enough
  Tensor re, im;
  if (o_.mode != "imag") re = transform(x, real_kernel_);
  if (o_.mode != "real") im = transform(x, imag_kernel_);
  if (o_.mode == "real") return adjust(re);
  if (o_.mode == "imag") return adjust(im);
  if (o_.mode == "angle") return adjust(arctan2(im, re));
  if (o_.mode == "stft") return adjust(ops::concatenate({re, im}, 2));
  const Tensor power = ops::square(re) + ops::square(im);
  if (o_.mode == "psd") {
    const int64_t bins = power.dim(2);
    if (bins <= 2) return adjust(power);
    // Every bin but the first and the last counts twice (its mirror half of the spectrum).
    const Tensor inner = ops::slice(power, {0, 0, 1, 0}, {power.dim(0), power.dim(1), bins - 2, power.dim(3)});
    return adjust(power + ops::pad(inner, {{0, 0}, {0, 0}, {1, 1}, {0, 0}}));
  }
  const Tensor magnitude = adjust(ops::sqrt(ops::maximum(power, Tensor::scalar(kEpsilon, power.dtype()))));
  if (o_.mode == "magnitude") return magnitude;
  return ops::log(ops::maximum(magnitude, Tensor::scalar(kEpsilon, magnitude.dtype())));
}

Shape STFTSpectrogram::compute_output_shape(const Shape& s) {
  if (s.rank() != 3)
    fail(
        cat("STFTSpectrogram expects a 3-D input (batch, time, channels) or (batch, channels, time). Received: "
            "input shape ",
            shape_text(s)));
  const bool last = o_.data_format == "channels_last";
  const int64_t channels = last ? s[2] : s[1], time = last ? s[1] : s[2];
  int64_t bins = fft_length_ / 2 + 1;
  if (o_.mode == "stft") bins *= 2;
  int64_t frames = kNone;
  if (time != kNone) {
    if (o_.padding == "same") {
      frames = (time + frame_step_ - 1) / frame_step_;
    } else {
      if (time < o_.frame_length)
        fail(cat("The time axis (", time, ") of the input is shorter than `frame_length`=", o_.frame_length,
                 " with padding=\"valid\". Received: input shape ", shape_text(s)));
      frames = (time - o_.frame_length) / frame_step_ + 1;
    }
  }
  const int64_t chan_bins = channels == kNone ? kNone : channels * bins;
  if (o_.expand_dims) return last ? Shape{s[0], frames, bins, channels} : Shape{s[0], channels, frames, bins};
  return last ? Shape{s[0], frames, chan_bins} : Shape{s[0], chan_bins, frames};
}

Config STFTSpectrogram::get_config() const {
  Config c = Layer::get_config();
  write_fields(c, o_, this);
  return c;
}

std::shared_ptr<Layer> STFTSpectrogram::from_config(const Config& config) {
  const ConfigReader r(config);
  return std::make_shared<STFTSpectrogram>(r.options<STFTSpectrogramOptions>());
}

}  // namespace keras::layers

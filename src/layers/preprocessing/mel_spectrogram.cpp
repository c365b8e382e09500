#include "keras/layers/preprocessing/mel_spectrogram.h"

#include <cmath>
#include <numbers>

#include "backend/allocation_lifetime.h"
#include "keras/layers/layer_config.h"
#include "keras/ops/core.h"
#include "keras/ops/math.h"
#include "keras/ops/nn.h"

namespace keras::layers {

using keras::detail::cat;

namespace {

// keras/src/layers/preprocessing/mel_spectrogram.py
constexpr double kMelBreakFrequencyHertz = 700.0;
constexpr double kMelHighFrequencyQ = 1127.0;

double hertz_to_mel(double f) { return kMelHighFrequencyQ * std::log(1.0 + f / kMelBreakFrequencyHertz); }

/// Index of the sample NumPy's np.pad(mode="reflect") puts at position i (from -pad to
/// time + pad - 1) of the padded signal: the signal mirrored about its ends, repeatedly.
int64_t reflect_index(int64_t i, int64_t time) {
  if (time == 1) return 0;
  const int64_t period = 2 * (time - 1);
  const int64_t m = ((i % period) + period) % period;
  return m < time ? m : period - m;
}

}  // namespace

Tensor linear_to_mel_weight_matrix(int64_t num_mel_bins, int64_t num_spectrogram_bins, double sampling_rate,
                                   double lower_edge_hertz, double upper_edge_hertz) {
  const double nyquist = sampling_rate / 2.0;
  const double lo = hertz_to_mel(lower_edge_hertz), hi = hertz_to_mel(upper_edge_hertz);
  auto edge = [&](int64_t j) {  // point j of linspace(lo, hi, num_mel_bins + 2)
    return lo + (hi - lo) * static_cast<double>(j) / static_cast<double>(num_mel_bins + 1);
  };
  std::vector<float> w(static_cast<size_t>(num_spectrogram_bins * num_mel_bins), 0.f);
  for (int64_t i = 1; i < num_spectrogram_bins; ++i) {  // HTK leaves out the DC bin
    const double hz = nyquist * static_cast<double>(i) / static_cast<double>(num_spectrogram_bins - 1);
    const double b = hertz_to_mel(hz);
    for (int64_t m = 0; m < num_mel_bins; ++m) {
      const double l = edge(m), c = edge(m + 1), u = edge(m + 2);
      const double v = std::max(0.0, std::min((b - l) / (c - l), (u - b) / (u - c)));
      w[static_cast<size_t>(i * num_mel_bins + m)] = static_cast<float>(v);
    }
  }
  return Tensor::from_vector(w, Shape{num_spectrogram_bins, num_mel_bins});
}

MelSpectrogram::MelSpectrogram(MelSpectrogramOptions o)
    : Concrete("MelSpectrogram", layer_args_of(o)), o_(std::move(o)) {
  auto positive = [this](const char* key, int64_t v) {
    if (v < 1) fail(cat("`", key, "` must be a positive integer. Received: ", key, "=", v));
  };
  positive("fft_length", o_.fft_length);
  positive("sequence_stride", o_.sequence_stride);
  positive("num_mel_bins", o_.num_mel_bins);
  positive("sampling_rate", o_.sampling_rate);
  sequence_length_ = o_.sequence_length.value_or(o_.fft_length);
  positive("sequence_length", sequence_length_);
  if (o_.fft_length < sequence_length_)
    fail(cat("`fft_length` must be greater than or equal to `sequence_length`. Received: `sequence_length`=",
             sequence_length_, ", `fft_length`=", o_.fft_length));
  if (o_.fft_length < 2)
    fail(cat("`fft_length` must be at least 2 (the mel scale needs two spectrogram bins). Received: fft_length=",
             o_.fft_length));
  max_freq_ = o_.max_freq.value_or(static_cast<double>(o_.sampling_rate / 2));
  if (o_.min_freq < 0.0 || max_freq_ <= o_.min_freq)
    fail(cat("`min_freq` and `max_freq` must satisfy 0 <= min_freq < max_freq. Received: min_freq=", o_.min_freq,
             ", max_freq=", max_freq_));
  if (!(o_.min_power > 0.0)) fail(cat("`min_power` must be positive. Received: min_power=", o_.min_power));

  // Validates the window (its values are made on the first call).
  spectrogram_window(o_.window, sequence_length_, /*periodic=*/true, cat("MelSpectrogram \"", name(), "\""));
}

void MelSpectrogram::make_constants() {
  // Kept for the layer's life, also when first made inside a graph's call at inference.
  backend::AllocationLifetimeScope lifetime(backend::AllocationLifetime::long_lived);
  // The DFT of each windowed frame as one convolution: the window of sequence_length
  // samples sits in the middle of the fft_length taps (scipy.signal.stft with nfft).
  const int64_t n = o_.fft_length, bins = n / 2 + 1, left = (n - sequence_length_) / 2;
  const std::vector<double> w = spectrogram_window(o_.window, sequence_length_, /*periodic=*/true, name());
  std::vector<float> k(static_cast<size_t>(n * 2 * bins), 0.f);
  for (int64_t t = 0; t < sequence_length_; ++t) {
    const int64_t tap = t + left;
    for (int64_t f = 0; f < bins; ++f) {
      const double arg = 2.0 * std::numbers::pi * static_cast<double>((tap * f) % n) / static_cast<double>(n);
      k[static_cast<size_t>(tap * 2 * bins + f)] = static_cast<float>(w[static_cast<size_t>(t)] * std::cos(arg));
      k[static_cast<size_t>(tap * 2 * bins + bins + f)] =
          static_cast<float>(-w[static_cast<size_t>(t)] * std::sin(arg));
    }
  }
  dft_kernel_ = Tensor::from_vector(k, Shape{n, 1, 2 * bins});
  mel_matrix_ =
      linear_to_mel_weight_matrix(o_.num_mel_bins, bins, static_cast<double>(o_.sampling_rate), o_.min_freq, max_freq_);
}

int64_t MelSpectrogram::frames(int64_t time) const {
  if (time == kNone) return kNone;
  const int64_t padded = time + 2 * (o_.fft_length / 2);
  return padded < o_.fft_length ? 0 : (padded - o_.fft_length) / o_.sequence_stride + 1;
}

Shape MelSpectrogram::compute_output_shape(const Shape& s) {
  if (s.rank() != 1 && s.rank() != 2)
    fail(cat("MelSpectrogram expects audio of shape (time,) or (batch, time). Received: input shape ", s.to_string()));
  if (s.rank() == 1) return Shape{o_.num_mel_bins, frames(s[0])};
  return Shape{s[0], o_.num_mel_bins, frames(s[1])};
}

Tensor MelSpectrogram::call(const Tensor& input, const CallContext&) {
  compute_output_shape(input.shape());
  const int64_t time = input.dim(-1);
  if (time < 1 || frames(time) < 1)
    fail(cat("MelSpectrogram needs at least one sample of audio. Received: input shape ", input.shape().to_string()));
  // Keras converts any input to float32 first (integer audio included).
  const Tensor x = ops::reshape(ops::cast(input, DType::float32), Shape{-1, time});  // (batch, time)
  const Device device = x.device();
  if (!dft_kernel_.defined()) make_constants();

  // center=True: reflect-pad by fft_length / 2 on both sides (a gather along time).
  const int64_t pad = o_.fft_length / 2;
  std::vector<int64_t> index(static_cast<size_t>(time + 2 * pad));
  for (int64_t i = 0; i < time + 2 * pad; ++i) index[static_cast<size_t>(i)] = reflect_index(i - pad, time);
  const Tensor rows = ops::take_rows(ops::transpose(x), Tensor::from_vector(index, Shape{time + 2 * pad}, device));
  const Tensor padded = ops::expand_dims(ops::transpose(rows), -1);  // (batch, time + 2 pad, 1)

  const Tensor spectrum = ops::conv(padded, dft_kernel_.to(device), Tensor(), {o_.sequence_stride}, "valid", {1});
  const int64_t bins = o_.fft_length / 2 + 1;
  const TensorList parts = ops::split(spectrum, {bins, bins}, -1);
  Tensor spec = ops::square(parts[0]) + ops::square(parts[1]);  // |X|^2
  if (o_.mag_exp != 2.0) spec = ops::power(ops::sqrt(spec), Tensor::scalar(o_.mag_exp, DType::float32, device));
  Tensor mel = ops::matmul(spec, mel_matrix_.to(device));  // (batch, frames, mels)
  if (o_.power_to_db) {
    const double to_db = 10.0 / std::numbers::ln10;
    const double ref = 10.0 * std::log10(std::max(std::abs(o_.ref_power), o_.min_power));
    Tensor db = ops::log(ops::maximum(mel, Tensor::scalar(o_.min_power, DType::float32, device))) * to_db - ref;
    // Keras clips against the maximum of the whole tensor, every batch item together.
    mel = ops::maximum(db, ops::max(db) - o_.top_db);
  }
  Tensor out = ops::transpose(mel, {0, 2, 1});
  if (input.rank() == 1) out = ops::squeeze(out, 0);
  return out.dtype() == compute_dtype() ? out : ops::cast(out, compute_dtype());
}

Config MelSpectrogram::get_config() const {
  Config c = Layer::get_config();
  write_fields(c, o_, this);
  c["sequence_length"] = sequence_length_;
  if (o_.max_freq) c["max_freq"] = *o_.max_freq;
  else c["max_freq"] = o_.sampling_rate / 2;  // Keras's int(sampling_rate / 2)
  return c;
}

std::shared_ptr<Layer> MelSpectrogram::from_config(const Config& config) {
  const ConfigReader r(config);
  MelSpectrogramOptions o = r.options<MelSpectrogramOptions>();
  // An integer max_freq of sampling_rate / 2 is what Keras writes for None: keep it None,
  // so the config is written back the same way.
  const Config* max_freq = r.find("max_freq");
  if (max_freq && max_freq->is_number_integer() && o.max_freq == static_cast<double>(o.sampling_rate / 2))
    o.max_freq.reset();
  return std::make_shared<MelSpectrogram>(std::move(o));
}

}  // namespace keras::layers

// keras.layers.MelSpectrogram (keras/src/layers/preprocessing/mel_spectrogram.py): audio
// signals to mel spectrograms, with no weights, as Keras's numpy backend computes them:
//   1. STFT (keras/src/backend/numpy/math.py stft, center=True): the signal reflect-padded by
//      fft_length / 2 on both sides (NumPy's "reflect"), frames of fft_length samples every
//      sequence_stride, each multiplied by the window of sequence_length samples (periodic,
//      as SciPy's get_window) centred in fft_length, then the DFT bins 0..fft_length / 2.
//   2. |X|^mag_exp, times the mel matrix (HTK mel scale, mel(f) = 1127 ln(1 + f / 700),
//      triangles of peak 1 between num_mel_bins + 2 points spaced evenly in mel from
//      min_freq to max_freq; the DC bin left out).
//   3. power_to_db: 10 log10(max(S, min_power)) - 10 log10(max(|ref_power|, min_power)),
//      clipped below at its maximum over the whole batch minus top_db.
//   4. (..., frames, mels) -> (..., mels, frames).
//
// Args: fft_length (2048); sequence_stride (512); sequence_length (None: fft_length);
//   window ("hann", "hamming", None or sequence_length values); sampling_rate (16000);
//   num_mel_bins (128); min_freq (20.0); max_freq (None: sampling_rate / 2); power_to_db
//   (true); top_db (80.0); mag_exp (2.0); min_power (1e-10); ref_power (1.0).
// Input: (time,) or (batch, time), float. Output: (num_mel_bins, frames) or
//   (batch, num_mel_bins, frames), frames = (time + 2 (fft_length / 2) - fft_length) /
//   sequence_stride + 1 (Keras's compute_output_shape writes (time + stride + 1) / stride,
//   which is the same except when time % stride == stride - 1; this is the count the call
//   produces).
//
//   layers::MelSpectrogram();                                               // 16 kHz speech
//   layers::MelSpectrogram({.fft_length = 512, .sequence_stride = 128, .num_mel_bins = 64});
//   layers::MelSpectrogram({.sampling_rate = 8000, .power_to_db = false});
#pragma once

#include <optional>
#include <string>

#include "keras/layers/layer.h"
#include "keras/layers/preprocessing/stft_spectrogram.h"

namespace keras::layers {

struct MelSpectrogramOptions {
  int64_t fft_length = 2048;
  int64_t sequence_stride = 512;
  std::optional<int64_t> sequence_length{};  // None: fft_length
  SpectrogramWindow window = "hann";
  int64_t sampling_rate = 16000;
  int64_t num_mel_bins = 128;
  double min_freq = 20.0;
  std::optional<double> max_freq{};  // None: sampling_rate / 2
  bool power_to_db = true;
  double top_db = 80.0;
  double mag_exp = 2.0;
  double min_power = 1e-10;
  double ref_power = 1.0;
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = MelSpectrogramOptions;
    return std::tuple{field("fft_length", &O::fft_length),
                      field("sequence_stride", &O::sequence_stride),
                      field("sequence_length", &O::sequence_length),
                      field_as<SpectrogramWindowCodec>("window", &O::window),
                      field("sampling_rate", &O::sampling_rate),
                      field("num_mel_bins", &O::num_mel_bins),
                      field("min_freq", &O::min_freq),
                      field("max_freq", &O::max_freq),
                      field("power_to_db", &O::power_to_db),
                      field("top_db", &O::top_db),
                      field("mag_exp", &O::mag_exp),
                      field("min_power", &O::min_power),
                      field("ref_power", &O::ref_power)};
  }
};

/// Keras's linear_to_mel_weight_matrix (HTK): (num_spectrogram_bins, num_mel_bins), row 0
/// (the DC bin) zero; entry (i, m) = max(0, min((b_i - l_m) / (c_m - l_m), (u_m - b_i) / (u_m - c_m)))
/// with b_i the mel of bin i's frequency (i * sampling_rate / 2 / (bins - 1)) and
/// (l_m, c_m, u_m) consecutive points of the mel grid.
Tensor linear_to_mel_weight_matrix(int64_t num_mel_bins, int64_t num_spectrogram_bins, double sampling_rate,
                                   double lower_edge_hertz, double upper_edge_hertz);

class MelSpectrogram : public Concrete<MelSpectrogram> {
 public:
  using Options = MelSpectrogramOptions;
  explicit MelSpectrogram(MelSpectrogramOptions options = {});
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const MelSpectrogramOptions& options() const { return o_; }
  int64_t sequence_length() const { return sequence_length_; }
  double max_freq() const { return max_freq_; }

 private:
  int64_t frames(int64_t time) const;
  /// The DFT kernel and the mel matrix (made on the first call: large for big fft_length).
  void make_constants();

  MelSpectrogramOptions o_;
  int64_t sequence_length_ = 0;
  double max_freq_ = 0.0;
  Tensor dft_kernel_;  // (fft_length, 1, 2 * bins): the windowed cos and -sin parts
  Tensor mel_matrix_;  // (bins, num_mel_bins)
};

}  // namespace keras::layers

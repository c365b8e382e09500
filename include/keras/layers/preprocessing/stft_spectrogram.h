// keras.layers.STFTSpectrogram (keras/src/layers/preprocessing/stft_spectrogram.py): the
// short-time Fourier transform of 1-D signals as a strided 1-D convolution with fixed DFT
// kernels, kept as the weights real_kernel and imag_kernel (keras/src/initializers/
// constant_initializers.py STFT), so a .keras file restores them and they can be trained:
//   real_kernel[t, 0, k] =  cos(2 pi t k / D) * w[t] / s,   imag_kernel = -sin(...) * w[t] / s
// with F = fft_length // 2 + 1 bins, D = 2 (F - 1), w the window of frame_length samples and
// s = sqrt(sum w^2) ("density"), sum |w| ("spectrum") or 1 (None, or no window). Each input
// channel is transformed on its own; the channels' spectra are concatenated (channel-major).
// Modes (re, im the convolutions; p = re^2 + im^2):
//   real: re;  imag: im;  angle: atan2(im, re);  stft: re and im concatenated per channel;
//   psd: p, bins 1..F-2 doubled;  magnitude: sqrt(max(p, 1e-7));  log: log(max(magnitude, 1e-7)).
//
// Args: mode ("log"); frame_length (256); frame_step (None: frame_length / 2); fft_length
//   (None: the smallest power of two >= frame_length); window ("hann", "hamming", None for a
//   rectangular one, or frame_length values); periodic (false: symmetric windows, as SciPy's
//   get_window(..., fftbins=False)); scaling ("density", "spectrum" or None); padding
//   ("valid" or "same"); expand_dims (false); data_format ("channels_last").
// Weights: real_kernel (unless mode is "imag"), imag_kernel (unless mode is "real"); both
//   (frame_length, 1, fft_length / 2 + 1).
// Input: (batch, time, channels) (channels_first: (batch, channels, time)), float.
// Output: (batch, frames, channels * F) (channels_first: (batch, channels * F, frames)); with
//   expand_dims (batch, frames, F, channels) (channels_first: (batch, channels, frames, F)).
//   F doubles in mode "stft". frames as a 1-D convolution of frame_length taps with
//   stride frame_step and the given padding.
//
//   layers::STFTSpectrogram({.mode = "log", .frame_length = 256, .frame_step = 128, .fft_length = 512});
//   layers::STFTSpectrogram({.mode = "magnitude", .window = "hamming", .padding = "same"});
//   layers::STFTSpectrogram({.window = std::nullopt, .scaling = std::nullopt});   // plain DFT
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "keras/layers/layer.h"
#include "keras/layers/options.h"

namespace keras::layers {

/// The `window` argument of the spectrogram layers: a name ("hann", "hamming"), None (no
/// window: all ones), or explicit values.
struct SpectrogramWindow {
  std::string name = "hann";     // empty when None or explicit values
  std::vector<double> values{};  // explicit values (name empty)

  SpectrogramWindow() = default;
  SpectrogramWindow(const char* n) : name(n) {}                               // NOLINT: implicit
  SpectrogramWindow(std::string n) : name(std::move(n)) {}                    // NOLINT: implicit
  SpectrogramWindow(std::nullopt_t) : name() {}                               // NOLINT: None
  SpectrogramWindow(std::vector<double> v) : name(), values(std::move(v)) {}  // NOLINT: implicit
  SpectrogramWindow(std::initializer_list<double> v) : name(), values(v) {}
  bool is_none() const { return name.empty() && values.empty(); }
  bool operator==(const SpectrogramWindow&) const = default;
};

/// Reads and writes a window as Keras does: "hann", null or a list of numbers.
struct SpectrogramWindowCodec {
  static Config write(const SpectrogramWindow& w);
  static void read(const Config& v, const std::string& what, SpectrogramWindow& out);
};

/// The window's `length` values, as SciPy's get_window(name, length, fftbins=periodic):
/// hann / hamming are a - (1 - a) cos(2 pi n / (M - 1)) (M = length; M = length + 1 when
/// periodic) with a = 0.5 / 0.54, [1] for length 1; None gives ones; explicit values are
/// returned as they are (ValueError naming `what` if their count is not `length`, or for
/// an unknown name).
std::vector<double> spectrogram_window(const SpectrogramWindow& window, int64_t length, bool periodic,
                                       const std::string& what);

struct STFTSpectrogramOptions {
  std::string mode = "log";
  int64_t frame_length = 256;
  std::optional<int64_t> frame_step{};  // None: frame_length / 2
  std::optional<int64_t> fft_length{};  // None: the next power of two
  SpectrogramWindow window = "hann";
  bool periodic = false;
  std::optional<std::string> scaling = "density";
  std::string padding = "valid";
  bool expand_dims = false;
  std::string data_format = "channels_last";
  std::optional<Shape> input_shape{};
  std::string name{};
  std::optional<DTypePolicy> dtype{};
  bool trainable = true;

  static constexpr auto fields() {
    using O = STFTSpectrogramOptions;
    return std::tuple{field("mode", &O::mode),
                      field("frame_length", &O::frame_length),
                      field("frame_step", &O::frame_step),
                      field("fft_length", &O::fft_length),
                      field_as<SpectrogramWindowCodec>("window", &O::window),
                      field("periodic", &O::periodic),
                      field("scaling", &O::scaling),
                      field("padding", &O::padding),
                      field("data_format", &O::data_format),
                      field("expand_dims", &O::expand_dims)};
  }
};

class STFTSpectrogram : public Concrete<STFTSpectrogram> {
 public:
  using Options = STFTSpectrogramOptions;
  explicit STFTSpectrogram(STFTSpectrogramOptions options = {});
  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, const CallContext& ctx) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  Config get_config() const override;
  static std::shared_ptr<Layer> from_config(const Config& config);
  const STFTSpectrogramOptions& options() const { return o_; }
  /// frame_step and fft_length with their defaults applied.
  int64_t frame_step() const { return frame_step_; }
  int64_t fft_length() const { return fft_length_; }
  /// The kernels Keras's STFT initializer makes: side "real" or "imag", shape
  /// (frame_length, 1, fft_length / 2 + 1).
  Tensor initial_kernel(const std::string& side) const;

 private:
  /// x (batch, time, channels) or channels_first -> (batch, channels, F, frames).
  Tensor transform(const Tensor& x, const Tensor& kernel) const;
  /// (batch, channels, F, frames) -> the output layout.
  Tensor adjust(const Tensor& y) const;

  STFTSpectrogramOptions o_;
  int64_t frame_step_ = 0, fft_length_ = 0;
  Variable real_kernel_, imag_kernel_;
};

}  // namespace keras::layers

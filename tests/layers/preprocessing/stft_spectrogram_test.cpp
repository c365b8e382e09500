// STFTSpectrogram against a DFT written out here (keras/src/layers/preprocessing/
// stft_spectrogram.py with the kernels of keras/src/initializers/constant_initializers.py
// STFT: X[k] = sum_t x[t] w[t] / s * exp(-2 pi i t k / (2 (F - 1)))), and Keras's numbers in
// the stft_* reference cases (KerasCaseFiles).
#include "keras/layers/preprocessing/stft_spectrogram.h"

#include <cmath>
#include <numbers>

#include "keras/saving/saving.h"
#include "test_utils.h"

namespace keras::layers {
namespace {

using std::numbers::pi;

struct Spectrum {
  std::vector<std::vector<double>> re, im;  // [frame][bin]
};

/// The DFT of each frame of x (one channel, `time` samples, zero-padded by `left` in front
/// and to the end as needed), frames of `length` samples every `step`, with window `w`.
Spectrum hand_stft(const std::vector<float>& x, int64_t length, int64_t step, int64_t fft_length, int64_t frames,
                   int64_t left, const std::vector<double>& w) {
  const int64_t bins = fft_length / 2 + 1;
  const auto denom = static_cast<double>(2 * (bins - 1));
  Spectrum s;
  for (int64_t f = 0; f < frames; ++f) {
    std::vector<double> re(static_cast<size_t>(bins)), im(static_cast<size_t>(bins));
    for (int64_t k = 0; k < bins; ++k)
      for (int64_t t = 0; t < length; ++t) {
        const int64_t i = f * step + t - left;
        const double v = i >= 0 && i < static_cast<int64_t>(x.size()) ? x[static_cast<size_t>(i)] : 0.0;
        re[static_cast<size_t>(k)] += v * w[static_cast<size_t>(t)] * std::cos(2 * pi * t * k / denom);
        im[static_cast<size_t>(k)] -= v * w[static_cast<size_t>(t)] * std::sin(2 * pi * t * k / denom);
      }
    s.re.push_back(re);
    s.im.push_back(im);
  }
  return s;
}

std::vector<double> ones(int64_t n) { return std::vector<double>(static_cast<size_t>(n), 1.0); }

/// Expects y (1, frames, bins) == value(re, im, bin) for every frame and bin.
template <class Fn>
void expect_spectrum(const Tensor& y, const Spectrum& s, Fn value, double tol, const std::string& what) {
  ASSERT_EQ(y.rank(), 3) << what;
  const auto frames = static_cast<int64_t>(s.re.size()), bins = static_cast<int64_t>(s.re[0].size());
  ASSERT_EQ(y.shape(), (Shape{1, frames, y.dim(2)})) << what;
  for (int64_t f = 0; f < frames; ++f)
    for (int64_t k = 0; k < y.dim(2); ++k) {
      const double want = value(s.re[static_cast<size_t>(f)], s.im[static_cast<size_t>(f)], k, bins);
      EXPECT_NEAR(y.at<float>({0, f, k}), want, tol * (1 + std::abs(want))) << what << " frame " << f << " bin " << k;
    }
}

TEST(STFTSpectrogram, EachModeMatchesAHandDFT) {
  // 20 samples, frames of 8 every 4 -> 4 frames; fft_length 8 -> 5 bins; no window.
  const Tensor x = testing::random_tensor({1, 20, 1}, 3);
  const std::vector<float> xv = x.to_vector<float>();
  const Spectrum s = hand_stft(xv, 8, 4, 8, 4, 0, ones(8));
  using V = const std::vector<double>&;
  auto run = [&](const char* mode) {
    return STFTSpectrogram({.mode = mode,
                            .frame_length = 8,
                            .frame_step = 4,
                            .fft_length = 8,
                            .window = std::nullopt,
                            .scaling = std::nullopt})(x);
  };
  auto power = [](V re, V im, int64_t k) { return re[k] * re[k] + im[k] * im[k]; };
  expect_spectrum(
      run("real"), s, [](V re, V, int64_t k, int64_t) { return re[k]; }, 1e-5, "real");
  expect_spectrum(
      run("imag"), s, [](V, V im, int64_t k, int64_t) { return im[k]; }, 1e-5, "imag");
  expect_spectrum(
      run("stft"), s, [](V re, V im, int64_t k, int64_t b) { return k < b ? re[k] : im[k - b]; }, 1e-5, "stft");
  expect_spectrum(
      run("magnitude"), s, [&](V re, V im, int64_t k, int64_t) { return std::sqrt(std::max(power(re, im, k), 1e-7)); },
      1e-5, "magnitude");
  expect_spectrum(
      run("log"), s,
      [&](V re, V im, int64_t k, int64_t) {
        return std::log(std::max(std::sqrt(std::max(power(re, im, k), 1e-7)), 1e-7));
      },
      1e-4, "log");
  // psd: the bins between DC and Nyquist count twice.
  expect_spectrum(
      run("psd"), s,
      [&](V re, V im, int64_t k, int64_t b) { return power(re, im, k) * (k == 0 || k == b - 1 ? 1 : 2); }, 1e-5, "psd");
  const Tensor angle = run("angle");
  for (int64_t f = 0; f < 4; ++f)
    for (int64_t k = 1; k < 4; ++k)  // bins 0 and 4 are real: their angle is 0 or pi, up to rounding
      EXPECT_NEAR(angle.at<float>({0, f, k}), std::atan2(s.im[f][k], s.re[f][k]), 1e-4) << f << " " << k;
}

TEST(STFTSpectrogram, ZerosGiveTheEpsilonFloor) {
  const Tensor x = Tensor::zeros({1, 16, 1});
  const Tensor mag = STFTSpectrogram({.mode = "magnitude", .frame_length = 8})(x);
  const Tensor lg = STFTSpectrogram({.mode = "log", .frame_length = 8})(x);
  for (float v : mag.to_vector<float>()) EXPECT_NEAR(v, std::sqrt(1e-7), 1e-7);
  for (float v : lg.to_vector<float>()) EXPECT_NEAR(v, std::log(std::sqrt(1e-7)), 1e-4);
}

TEST(STFTSpectrogram, WindowsAndScaling) {
  // Symmetric hann (SciPy get_window(..., fftbins=False)): 0.5 - 0.5 cos(2 pi n / (M - 1)).
  STFTSpectrogram hann({.mode = "real", .frame_length = 6, .frame_step = 3, .fft_length = 8});
  std::vector<double> w(6);
  double sq = 0;
  for (int n = 0; n < 6; ++n) {
    w[n] = 0.5 - 0.5 * std::cos(2 * pi * n / 5);
    sq += w[n] * w[n];
  }
  const Tensor k = hann.initial_kernel("real");
  ASSERT_EQ(k.shape(), (Shape{6, 1, 5}));
  for (int64_t t = 0; t < 6; ++t)
    for (int64_t f = 0; f < 5; ++f)
      EXPECT_NEAR(k.at<float>({t, 0, f}), std::cos(2 * pi * t * f / 8) * w[t] / std::sqrt(sq), 1e-6);

  // Periodic hamming with "spectrum" scaling: 0.54 - 0.46 cos(2 pi n / M), divided by sum |w|.
  STFTSpectrogram ham({.mode = "imag",
                       .frame_length = 8,
                       .fft_length = 8,
                       .window = "hamming",
                       .periodic = true,
                       .scaling = "spectrum"});
  std::vector<double> wh(8);
  double sum = 0;
  for (int n = 0; n < 8; ++n) {
    wh[n] = 0.54 - 0.46 * std::cos(2 * pi * n / 8);
    sum += wh[n];
  }
  EXPECT_EQ(ham.frame_step(), 4);  // None: frame_length / 2
  const Tensor x = testing::random_tensor({1, 16, 1}, 5);
  std::vector<double> scaled(8);
  for (int n = 0; n < 8; ++n) scaled[n] = wh[n] / sum;
  expect_spectrum(
      ham(x), hand_stft(x.to_vector<float>(), 8, 4, 8, 3, 0, scaled),
      [](const std::vector<double>&, const std::vector<double>& im, int64_t k, int64_t) { return im[k]; }, 1e-5,
      "hamming");

  // Explicit values, and the next power of two as fft_length (frame 5 -> 8).
  STFTSpectrogram custom({.mode = "real",
                          .frame_length = 5,
                          .frame_step = 5,
                          .window = std::vector<double>{1, 2, 3, 2, 1},
                          .scaling = std::nullopt});
  EXPECT_EQ(custom.fft_length(), 8);
  const Tensor y = custom(Tensor::from_vector<float>({1, 1, 1, 1, 1}, {1, 5, 1}));
  EXPECT_NEAR(y.at<float>({0, 0, 0}), 9.0, 1e-5);  // DC bin = sum of the window
  // An odd fft_length: Keras's kernels divide by 2 (F - 1) = 8 for fft_length 9, not 9.
  const Tensor odd = STFTSpectrogram({.mode = "real", .frame_length = 9, .fft_length = 9, .window = std::nullopt})
                         .initial_kernel("real");
  EXPECT_NEAR(odd.at<float>({1, 0, 1}), std::cos(2 * pi / 8), 1e-6);
}

TEST(STFTSpectrogram, SamePaddingPadsAsAConvolution) {
  // 18 samples, frames of 8 every 4, "same": ceil(18 / 4) = 5 frames; padding
  // (5 - 1) * 4 + 8 - 18 = 6 in all, 3 in front.
  const Tensor x = testing::random_tensor({1, 18, 1}, 7);
  const Tensor y = STFTSpectrogram({.mode = "real",
                                    .frame_length = 8,
                                    .frame_step = 4,
                                    .fft_length = 8,
                                    .window = std::nullopt,
                                    .scaling = std::nullopt,
                                    .padding = "same"})(x);
  expect_spectrum(
      y, hand_stft(x.to_vector<float>(), 8, 4, 8, 5, 3, ones(8)),
      [](const std::vector<double>& re, const std::vector<double>&, int64_t k, int64_t) { return re[k]; }, 1e-5,
      "same");
}

TEST(STFTSpectrogram, ChannelsLayoutsAndExpandDims) {
  const Tensor x = testing::random_tensor({2, 16, 3}, 11);
  const STFTSpectrogramOptions base{.mode = "magnitude", .frame_length = 8, .frame_step = 4};
  const Tensor y = STFTSpectrogram(base)(x);  // (2, 3, 15): channel-major blocks of 5 bins
  ASSERT_EQ(y.shape(), (Shape{2, 3, 15}));
  auto expanded_opts = base;
  expanded_opts.expand_dims = true;
  const Tensor e = STFTSpectrogram(expanded_opts)(x);
  ASSERT_EQ(e.shape(), (Shape{2, 3, 5, 3}));
  auto first_opts = base;
  first_opts.data_format = "channels_first";
  const Tensor xf = ops::transpose(x, {0, 2, 1});
  const Tensor yf = STFTSpectrogram(first_opts)(xf);
  ASSERT_EQ(yf.shape(), (Shape{2, 15, 3}));
  first_opts.expand_dims = true;
  const Tensor ef = STFTSpectrogram(first_opts)(xf);
  ASSERT_EQ(ef.shape(), (Shape{2, 3, 3, 5}));
  for (int64_t c = 0; c < 3; ++c) {
    const Tensor one = STFTSpectrogram(base)(ops::slice(x, {0, 0, c}, {2, 16, 1}));  // (2, 3, 5)
    for (int64_t b = 0; b < 2; ++b)
      for (int64_t f = 0; f < 3; ++f)
        for (int64_t k = 0; k < 5; ++k) {
          const float want = one.at<float>({b, f, k});
          EXPECT_NEAR(y.at<float>({b, f, c * 5 + k}), want, 1e-6);
          EXPECT_NEAR(e.at<float>({b, f, k, c}), want, 1e-6);
          EXPECT_NEAR(yf.at<float>({b, c * 5 + k, f}), want, 1e-6);
          EXPECT_NEAR(ef.at<float>({b, c, f, k}), want, 1e-6);
        }
  }
}

TEST(STFTSpectrogram, RunLayerTestAndGradients) {
  testing::run_layer_test(
      [] { return LayerHandle(STFTSpectrogram({.mode = "magnitude", .frame_length = 8, .frame_step = 4})); },
      {2, 16, 2}, {2, 3, 10});
  // angle (arctan2's own backward) with respect to the input (not the kernels: nudging
  // the zero imag kernel of the DC bin flips atan2 across its cut at pi, which finite
  // differences cannot follow), and stft with respect to the input and the kernels.
  Tensor x = testing::random_tensor({1, 12, 1}, 13, -1.0, 1.0, true);
  STFTSpectrogram angle({.mode = "angle", .frame_length = 4, .frame_step = 2, .fft_length = 4});
  x.set_requires_grad(true);
  testing::check_gradients([&](const TensorList& in) { return angle(in[0]); }, {x});
  STFTSpectrogram stft({.mode = "stft", .frame_length = 4, .frame_step = 2, .expand_dims = true});
  testing::check_layer_gradients(stft, x);
}

TEST(STFTSpectrogram, WeightsAreTheKernelsAndTheCallUsesThem) {
  STFTSpectrogram real({.mode = "real", .frame_length = 8});
  real(Tensor::zeros({1, 16, 1}));
  ASSERT_EQ(real.weights().size(), 1u);
  EXPECT_NE(real.weights()[0].name().find("real_kernel"), std::string::npos);
  STFTSpectrogram imag({.mode = "imag", .frame_length = 8});
  imag(Tensor::zeros({1, 16, 1}));
  ASSERT_EQ(imag.weights().size(), 1u);
  EXPECT_NE(imag.weights()[0].name().find("imag_kernel"), std::string::npos);
  STFTSpectrogram log({.frame_length = 8});
  log(Tensor::zeros({1, 16, 1}));
  ASSERT_EQ(log.weights().size(), 2u);
  EXPECT_NE(log.weights()[0].name().find("real_kernel"), std::string::npos);
  EXPECT_TRUE(log.weights()[0].trainable());
  testing::expect_allclose(log.weights()[1].value(), log.initial_kernel("imag"), 0, 0, "imag kernel");

  // A kernel set from outside (as a loaded file does) is what the call uses.
  const Tensor x = testing::random_tensor({1, 16, 1}, 17);
  real.weights()[0].assign(real.initial_kernel("real") * 2.0);
  testing::expect_allclose(real(x), STFTSpectrogram({.mode = "real", .frame_length = 8})(x) * 2.0, 1e-5, 1e-5,
                           "doubled kernel");

  // The stft_log case: the kernels Keras saved are the ones this layer makes.
  auto model = saving::load_model(testing::data_dir() + "/keras_cases/stft_log/model.keras");
  const auto c = testing::load_case("stft_log");
  STFTSpectrogram fresh({.mode = "log", .frame_length = 32, .frame_step = 8, .fft_length = 32});
  testing::expect_allclose(c.layer_weights.at(0).second.at(0), fresh.initial_kernel("real"), 1e-6, 1e-5, "real");
  testing::expect_allclose(c.layer_weights.at(0).second.at(1), fresh.initial_kernel("imag"), 1e-6, 1e-5, "imag");
  model->layers().back()->weights()[0].assign(Tensor::zeros({32, 1, 17}));
  model->layers().back()->weights()[1].assign(Tensor::zeros({32, 1, 17}));
  for (float v : model->predict(c.inputs, {.batch_size = 32, .verbose = 0, .callbacks = {}}).at(0).to_vector<float>())
    EXPECT_NEAR(v, std::log(std::sqrt(1e-7)), 1e-4);
}

TEST(STFTSpectrogram, ConfigAsKerasWritesIt) {
  const STFTSpectrogram layer({.mode = "psd",
                               .frame_length = 24,
                               .frame_step = 6,
                               .window = std::nullopt,
                               .scaling = std::nullopt,
                               .padding = "same",
                               .name = "spec"});
  const Config c = layer.get_config();
  std::vector<std::string> keys;
  for (auto it = c.begin(); it != c.end(); ++it) keys.push_back(it.key());
  const std::vector<std::string> tail(keys.end() - 10, keys.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"mode", "frame_length", "frame_step", "fft_length", "window", "periodic",
                                            "scaling", "padding", "data_format", "expand_dims"}));
  EXPECT_EQ(c["frame_step"], 6);
  EXPECT_TRUE(c["fft_length"].is_null());
  EXPECT_TRUE(c["window"].is_null());
  EXPECT_TRUE(c["scaling"].is_null());
  EXPECT_EQ(c["data_format"], "channels_last");
  auto back = std::dynamic_pointer_cast<STFTSpectrogram>(STFTSpectrogram::from_config(c));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->get_config().dump(), c.dump());
  EXPECT_EQ(back->fft_length(), 32);

  const STFTSpectrogram custom({.frame_length = 3, .window = {0.5, 1.0, 0.5}});
  const Config cc = custom.get_config();
  EXPECT_EQ(cc["window"].dump(), "[0.5,1.0,0.5]");
  auto back2 = std::dynamic_pointer_cast<STFTSpectrogram>(STFTSpectrogram::from_config(cc));
  ASSERT_TRUE(back2);
  EXPECT_EQ(back2->options().window, (SpectrogramWindow{0.5, 1.0, 0.5}));
  EXPECT_EQ(STFTSpectrogram().get_config()["window"], "hann");
}

TEST(STFTSpectrogram, ErrorsNameTheLayerTheArgumentAndTheShape) {
  using testing::expect_error;
  expect_error<ValueError>([] { STFTSpectrogram({.mode = "power", .name = "s1"}); }, {"s1", "mode=power"});
  expect_error<ValueError>([] { STFTSpectrogram({.window = "blackman"}); }, {"window", "blackman"});
  expect_error<ValueError>([] { STFTSpectrogram({.frame_length = 4, .window = {1.0, 2.0}}); }, {"window", "[4]"});
  expect_error<ValueError>([] { STFTSpectrogram({.padding = "causal"}); }, {"padding=causal"});
  expect_error<ValueError>([] { STFTSpectrogram({.scaling = "l2"}); }, {"scaling=l2"});
  expect_error<ValueError>([] { STFTSpectrogram({.frame_length = 64, .fft_length = 32}); },
                           {"fft_length=32", "frame_length=64"});
  expect_error<ValueError>([] { STFTSpectrogram({.frame_length = 8, .frame_step = 9}); },
                           {"frame_step=9", "frame_length=8"});
  expect_error<ValueError>([] { STFTSpectrogram({.frame_length = 0}); }, {"frame_length=0"});
  expect_error<ValueError>([] { STFTSpectrogram({.frame_length = 1}); }, {"frame_step", "frame_length=1"});
  expect_error<ValueError>([] { STFTSpectrogram({.frame_length = 1, .frame_step = 1}); }, {"fft_length=1"});
  expect_error<ValueError>([] { STFTSpectrogram({.data_format = "nhwc"}); }, {"data_format=nhwc"});
  expect_error<ValueError>(
      [] {
        STFTSpectrogram({.frame_length = 8, .name = "s2"})(Tensor::ones({2, 16}));
      },
      {"s2", "(2, 16)"});
  expect_error<ValueError>(
      [] {
        STFTSpectrogram({.frame_length = 8, .name = "s3"})(Tensor::ones({2, 5, 1}));
      },
      {"s3", "frame_length", "(2, 5, 1)"});
  expect_error<TypeError>(
      [] {
        STFTSpectrogram({.frame_length = 8})(Tensor::zeros({1, 16, 1}, DType::int32));
      },
      {"int32"});
}

}  // namespace
}  // namespace keras::layers

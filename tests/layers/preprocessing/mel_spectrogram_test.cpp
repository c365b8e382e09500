// MelSpectrogram against a reference written out here from Keras's formulas
// (keras/src/layers/preprocessing/mel_spectrogram.py and the numpy backend's stft in
// keras/src/backend/numpy/math.py: reflect padding by fft_length / 2, a periodic window
// centred in fft_length, |DFT|^mag_exp, the HTK mel matrix, power_to_db), and Keras's
// numbers in the mel_spectrogram_db reference case (KerasCaseFiles).
#include "keras/layers/preprocessing/mel_spectrogram.h"

#include <cmath>
#include <numbers>

#include "test_utils.h"

namespace keras::layers {
namespace {

using std::numbers::pi;

/// HTK mel, as the docstring of linear_to_mel_weight_matrix writes it.
double mel(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }

/// weights[bin][m] of the triangle filterbank, straight from its definition.
std::vector<std::vector<double>> hand_mel_matrix(int mels, int bins, double rate, double lo, double hi) {
  std::vector<double> points(static_cast<size_t>(mels + 2));
  for (int j = 0; j < mels + 2; ++j) points[j] = mel(lo) + (mel(hi) - mel(lo)) * j / (mels + 1);
  std::vector<std::vector<double>> w(static_cast<size_t>(bins), std::vector<double>(static_cast<size_t>(mels), 0.0));
  for (int i = 1; i < bins; ++i) {
    const double b = mel(rate / 2 * i / (bins - 1));
    for (int m = 0; m < mels; ++m) {
      const double l = points[m], c = points[m + 1], u = points[m + 2];
      if (b > l && b <= c) w[i][m] = (b - l) / (c - l);
      else if (b > c && b < u) w[i][m] = (u - b) / (u - c);
    }
  }
  return w;
}

/// x mirrored about its end samples (NumPy "reflect"): sample i < 0 is found by walking
/// -i steps from the first sample, bouncing off the ends; the same from the last sample
/// for i >= n.
std::vector<double> reflect(const std::vector<float>& x, int pad) {
  const int n = static_cast<int>(x.size());
  auto walk = [&](int pos, int dir, int steps) {
    while (steps-- > 0 && n > 1) {
      if (pos + dir < 0 || pos + dir >= n) dir = -dir;
      pos += dir;
    }
    return static_cast<double>(x[static_cast<size_t>(pos)]);
  };
  std::vector<double> out;
  for (int i = -pad; i < n + pad; ++i)
    out.push_back(i < 0 ? walk(0, 1, -i) : i < n ? x[static_cast<size_t>(i)] : walk(n - 1, -1, i - (n - 1)));
  return out;
}

/// The mel spectrogram of one signal, (mels, frames), computed the slow way.
std::vector<std::vector<double>> hand_mel(const std::vector<float>& x, int fft, int stride, int seq, double rate,
                                          int mels, double lo, double hi, double mag_exp) {
  const std::vector<double> p = reflect(x, fft / 2);
  const int bins = fft / 2 + 1, frames = (static_cast<int>(p.size()) - fft) / stride + 1, left = (fft - seq) / 2;
  std::vector<double> win(static_cast<size_t>(fft), 0.0);
  for (int n = 0; n < seq; ++n) win[n + left] = 0.5 - 0.5 * std::cos(2 * pi * n / seq);  // periodic hann
  const auto w = hand_mel_matrix(mels, bins, rate, lo, hi);
  std::vector<std::vector<double>> out(static_cast<size_t>(mels), std::vector<double>(static_cast<size_t>(frames)));
  for (int f = 0; f < frames; ++f)
    for (int k = 0; k < bins; ++k) {
      double re = 0, im = 0;
      for (int t = 0; t < fft; ++t) {
        re += p[f * stride + t] * win[t] * std::cos(2 * pi * t * k / fft);
        im -= p[f * stride + t] * win[t] * std::sin(2 * pi * t * k / fft);
      }
      const double s = std::pow(std::sqrt(re * re + im * im), mag_exp);
      for (int m = 0; m < mels; ++m) out[m][f] += s * w[k][m];
    }
  return out;
}

TEST(MelSpectrogram, FilterbankIsTheHTKTriangles) {
  const Tensor m = linear_to_mel_weight_matrix(6, 17, 8000, 100, 3500);
  ASSERT_EQ(m.shape(), (Shape{17, 6}));
  const auto want = hand_mel_matrix(6, 17, 8000, 100, 3500);
  for (int64_t i = 0; i < 17; ++i)
    for (int64_t j = 0; j < 6; ++j) EXPECT_NEAR(m.at<float>({i, j}), want[i][j], 1e-5) << i << " " << j;
  for (int64_t j = 0; j < 6; ++j) EXPECT_EQ(m.at<float>({0, j}), 0.f);  // no DC
}

TEST(MelSpectrogram, MatchesASlowReference) {
  const Tensor x = testing::random_tensor({2, 30}, 3);
  // fft 16, a window of 12 samples centred in it, stride 5; frames = (30 + 16 - 16) / 5 + 1 = 7.
  MelSpectrogram layer({.fft_length = 16,
                        .sequence_stride = 5,
                        .sequence_length = 12,
                        .sampling_rate = 8000,
                        .num_mel_bins = 5,
                        .min_freq = 50.0,
                        .max_freq = 3000.0,
                        .power_to_db = false,
                        .mag_exp = 1.5});
  const Tensor y = layer(x);
  ASSERT_EQ(y.shape(), (Shape{2, 5, 7}));
  EXPECT_EQ(layer.compute_output_shape(Shape{kNone, 30}), (Shape{kNone, 5, 7}));
  const std::vector<float> xv = x.to_vector<float>();
  for (int64_t b = 0; b < 2; ++b) {
    const std::vector<float> one(xv.begin() + b * 30, xv.begin() + (b + 1) * 30);
    const auto want = hand_mel(one, 16, 5, 12, 8000, 5, 50, 3000, 1.5);
    for (int64_t m = 0; m < 5; ++m)
      for (int64_t f = 0; f < 7; ++f)
        EXPECT_NEAR(y.at<float>({b, m, f}), want[m][f], 1e-4 * (1 + std::abs(want[m][f]))) << b << " " << m << " " << f;
  }
}

TEST(MelSpectrogram, DecibelsClipAtTopDbOverTheWholeBatch) {
  // Item 0 loud, item 1 nearly silent: item 1 is clipped at the batch's maximum - top_db.
  std::vector<float> v(64);
  for (int i = 0; i < 32; ++i) v[i] = static_cast<float>(std::sin(0.7 * i));
  for (int i = 32; i < 64; ++i) v[i] = 1e-6f * static_cast<float>(std::cos(0.3 * i));
  const Tensor x = Tensor::from_vector(v, {2, 32});
  const MelSpectrogramOptions o{.fft_length = 16,
                                .sequence_stride = 8,
                                .sampling_rate = 8000,
                                .num_mel_bins = 4,
                                .top_db = 30.0,
                                .ref_power = 2.0};
  const Tensor db = MelSpectrogram(o)(x);
  auto lin_opts = o;
  lin_opts.power_to_db = false;
  const std::vector<float> lin = MelSpectrogram(lin_opts)(x).to_vector<float>();
  std::vector<double> want(lin.size());
  double top = -1e30;
  for (size_t i = 0; i < lin.size(); ++i) {
    want[i] = 10 * std::log10(std::max<double>(lin[i], 1e-10)) - 10 * std::log10(2.0);
    top = std::max(top, want[i]);
  }
  const std::vector<float> got = db.to_vector<float>();
  int clipped = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], std::max(want[i], top - 30.0), 1e-3) << i;
    clipped += want[i] < top - 30.0;
  }
  EXPECT_GT(clipped, 0);
  // Silence: everything at 10 log10(min_power) - 10 log10(ref) (then clipped to itself).
  const Tensor zeros = MelSpectrogram(o)(Tensor::zeros({1, 32}));
  for (float g : zeros.to_vector<float>()) EXPECT_NEAR(g, -100.0 - 10 * std::log10(2.0), 1e-3);
}

TEST(MelSpectrogram, UnbatchedShortAndWindowlessInputs) {
  // One signal of 3 samples reflect-padded by 8 on each side (it bounces off both ends).
  const Tensor x = Tensor::from_vector<float>({0.5f, -1.0f, 0.25f}, {3});
  MelSpectrogram layer(
      {.fft_length = 16, .sequence_stride = 4, .sampling_rate = 1000, .num_mel_bins = 3, .power_to_db = false});
  const Tensor y = layer(x);
  ASSERT_EQ(y.shape(), (Shape{3, 1}));
  const auto want = hand_mel({0.5f, -1.0f, 0.25f}, 16, 4, 16, 1000, 3, 20, 500, 2.0);
  for (int64_t m = 0; m < 3; ++m) EXPECT_NEAR(y.at<float>({m, 0}), want[m][0], 1e-4 * (1 + want[m][0]));
  // window None: a rectangular window (a constant signal has only DC, which the mel bank drops).
  const Tensor flat = MelSpectrogram(
      {.fft_length = 8, .sequence_stride = 8, .window = std::nullopt, .num_mel_bins = 2, .power_to_db = false})(
      Tensor::ones({1, 24}));
  for (float v : flat.to_vector<float>()) EXPECT_NEAR(v, 0.0, 1e-4);
  // Integer audio is converted to float32 first, as Keras does.
  const Tensor pcm = Tensor::from_vector<int32_t>({3, -7, 12, 5, -2, 9, 0, -4, 6, 1, -8, 2}, {1, 12});
  const MelSpectrogramOptions small{.fft_length = 8, .sequence_stride = 4, .sampling_rate = 800, .num_mel_bins = 3};
  testing::expect_allclose(MelSpectrogram(small)(pcm), MelSpectrogram(small)(pcm.astype(DType::float32)), 0, 0, "int");
}

TEST(MelSpectrogram, RunLayerTest) {
  testing::run_layer_test(
      [] {
        return LayerHandle(MelSpectrogram(
            {.fft_length = 8, .sequence_stride = 4, .sampling_rate = 800, .num_mel_bins = 3, .power_to_db = false}));
      },
      {2, 12}, {2, 3, 4});
}

TEST(MelSpectrogram, ConfigAsKerasWritesIt) {
  const MelSpectrogram layer({.fft_length = 64, .sequence_stride = 16, .sampling_rate = 8000, .num_mel_bins = 10});
  const Config c = layer.get_config();
  std::vector<std::string> keys;
  for (auto it = c.begin(); it != c.end(); ++it) keys.push_back(it.key());
  const std::vector<std::string> tail(keys.end() - 13, keys.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"fft_length", "sequence_stride", "sequence_length", "window",
                                            "sampling_rate", "num_mel_bins", "min_freq", "max_freq", "power_to_db",
                                            "top_db", "mag_exp", "min_power", "ref_power"}));
  EXPECT_EQ(c["sequence_length"], 64);
  EXPECT_EQ(c["max_freq"].dump(), "4000");  // Keras's int(sampling_rate / 2)
  EXPECT_EQ(c["window"], "hann");
  EXPECT_EQ(c["min_freq"].dump(), "20.0");
  auto back = MelSpectrogram::from_config(c);
  EXPECT_EQ(back->get_config().dump(), c.dump());
  const MelSpectrogram given({.window = std::nullopt, .max_freq = 7000.5});
  EXPECT_TRUE(given.get_config()["window"].is_null());
  EXPECT_EQ(given.get_config()["max_freq"], 7000.5);
  EXPECT_EQ(MelSpectrogram::from_config(given.get_config())->get_config().dump(), given.get_config().dump());
}

TEST(MelSpectrogram, ErrorsNameTheLayerTheArgumentAndTheShape) {
  using testing::expect_error;
  expect_error<ValueError>([] { MelSpectrogram({.fft_length = 256, .sequence_length = 512, .name = "m1"}); },
                           {"m1", "`sequence_length`=512", "`fft_length`=256"});
  expect_error<ValueError>([] { MelSpectrogram({.window = "kaiser"}); }, {"window", "kaiser"});
  expect_error<ValueError>([] { MelSpectrogram({.sequence_stride = 0}); }, {"sequence_stride=0"});
  expect_error<ValueError>([] { MelSpectrogram({.min_freq = 9000.0}); }, {"min_freq", "max_freq=8000"});
  expect_error<ValueError>(
      [] {
        MelSpectrogram({.fft_length = 8, .name = "m2"})(Tensor::ones({2, 3, 16}));
      },
      {"m2", "(2, 3, 16)"});
  expect_error<ValueError>([] { MelSpectrogram({.fft_length = 8})(Tensor::zeros({1, 0})); }, {"(1, 0)"});
}

}  // namespace
}  // namespace keras::layers

// Time series: LSTM and GRU forecasters of the next value of a noisy series from the
// last 30 values, against the naive forecast "the next value equals the last one".
//
// The series is generated (no real series ships in Debian in a usable form):
// sin(2 pi t / 50) + 0.5 sin(2 pi t / 23) + Gaussian noise (sd 0.1). The first 80% trains,
// the rest tests.
//
// Usage: time_series [--points N (3000)] [--epochs N (10)] [--batch-size N (32)]
#include <cmath>
#include <cstdio>
#include <random>

#include "example_utils.h"

using namespace keras;

namespace {

constexpr int64_t kWindow = 30;

struct Windows {
  Tensor x, y;  // (n, kWindow, 1), (n, 1)
  double naive_mse = 0;
};

Windows windows(const std::vector<float>& s, int64_t begin, int64_t end) {
  std::vector<float> x, y;
  double naive = 0;
  for (int64_t t = begin; t + kWindow < end; ++t) {
    for (int64_t k = 0; k < kWindow; ++k) x.push_back(s[static_cast<size_t>(t + k)]);
    const float next = s[static_cast<size_t>(t + kWindow)], last = s[static_cast<size_t>(t + kWindow - 1)];
    y.push_back(next);
    naive += (next - last) * (next - last);
  }
  const int64_t n = static_cast<int64_t>(y.size());
  return {Tensor::from_vector(x, {n, kWindow, 1}), Tensor::from_vector(y, {n, 1}), naive / static_cast<double>(n)};
}

}  // namespace

int main(int argc, char** argv) try {
  const int64_t points = examples::int_flag(argc, argv, "--points", 3000);
  const int epochs = static_cast<int>(examples::int_flag(argc, argv, "--epochs", 10));
  const int64_t batch = examples::int_flag(argc, argv, "--batch-size", 32);
  std::mt19937 rng(5);
  std::normal_distribution<float> noise(0.f, 0.1f);
  std::vector<float> s(static_cast<size_t>(points));
  const double pi = std::acos(-1.0);
  for (int64_t t = 0; t < points; ++t)
    s[static_cast<size_t>(t)] =
        static_cast<float>(std::sin(2 * pi * t / 50.0) + 0.5 * std::sin(2 * pi * t / 23.0)) + noise(rng);
  const int64_t split = points * 8 / 10;
  const Windows train = windows(s, 0, split), test = windows(s, split, points);
  std::printf("%ld training windows, %ld test windows of %ld steps\n", static_cast<long>(train.x.dim(0)),
              static_cast<long>(test.x.dim(0)), static_cast<long>(kWindow));

  auto run = [&](const char* name, layers::LayerHandle rnn) {
    utils::set_random_seed(11);
    Sequential model({Input({kWindow, 1}), rnn, layers::Dense(1)});
    model.compile("adam", "mse");
    model.fit(train.x, train.y, {.batch_size = batch, .epochs = epochs, .verbose = 2});
    const double mse = model.evaluate(test.x, test.y, {.batch_size = 256, .verbose = 0, .callbacks = {}}).at("loss");
    std::printf("%s test MSE: %.5f\n\n", name, mse);
    return mse;
  };
  const double lstm = run("LSTM(32)", layers::LSTM(32));
  const double gru = run("GRU(32)", layers::GRU(32));
  std::printf("test MSE  naive last value: %.5f  LSTM: %.5f (%.2fx lower)  GRU: %.5f (%.2fx lower)\n", test.naive_mse,
              lstm, test.naive_mse / lstm, gru, test.naive_mse / gru);
  std::printf("(the noise alone puts a floor of about %.4f under any forecaster)\n", 0.1 * 0.1);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "time_series: %s\n", e.what());
  return 1;
}

// Times the seed CNN in this library: a training epoch on Fashion-MNIST (batch 32 and
// 128), predict throughput on the 10k test images, and single-image latency. Prints one
// "name value" line per measurement; bench/seed_cnn.py runs it beside PyTorch.
//
// Usage: seed_cnn_bench [--threads N] [--only train|predict|latency] [--dtype-policy NAME]
//                       [--device cpu|cuda]
// (--dtype-policy mixed_bfloat16: mixed precision, float32 weights; --device cuda: the
// models on the GPU, the data in host memory as a user's would be, so each batch's copy
// to the device is part of the time, as in PyTorch with a DataLoader)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "keras/keras.h"

using namespace keras;
using Clock = std::chrono::steady_clock;

namespace {

Sequential make_model() {
  return Sequential({
      layers::Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = Shape{28, 28, 1}}),
      layers::MaxPooling2D(),
      layers::Flatten(),
      layers::Dense(128, "relu"),
      layers::Dense(10, "softmax"),
  });
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

int main(int argc, char** argv) {
  std::string only;
  for (int i = 1; i + 1 < argc; ++i) {
    if (!std::strcmp(argv[i], "--threads")) config::set_num_threads(std::atoi(argv[i + 1]));
    if (!std::strcmp(argv[i], "--only")) only = argv[i + 1];
    if (!std::strcmp(argv[i], "--dtype-policy")) mixed_precision::set_global_policy(argv[i + 1]);
  }
  utils::set_random_seed(0);
  auto [train, test] = datasets::fashion_mnist::load_data();
  Tensor x_train = (train.first.astype(DType::float32) / 255.0).reshape({-1, 28, 28, 1});
  Tensor x_test = (test.first.astype(DType::float32) / 255.0).reshape({-1, 28, 28, 1});
  for (int i = 1; i + 1 < argc; ++i)
    if (!std::strcmp(argv[i], "--device"))
      config::set_default_device(!std::strcmp(argv[i + 1], "cuda") ? Device::cuda() : Device::cpu());
  std::printf("threads %d\n", config::num_threads());
  std::printf("device %s\n", config::get_default_device().to_string().c_str());

  if (only.empty() || only == "train") {
    for (int64_t batch : {32, 128}) {
      Sequential model = make_model();
      model.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
      // Warm-up: primitive creation and first-touch of buffers are not part of an epoch.
      model.fit(x_train.slice(0, batch * 4), train.second.slice(0, batch * 4),
                {.batch_size = batch, .epochs = 1, .verbose = 0});
      const auto t = Clock::now();
      auto h = model.fit(x_train, train.second, {.batch_size = batch, .epochs = 1, .verbose = 0});
      std::printf("train_epoch_b%ld_s %.3f\n", static_cast<long>(batch), seconds_since(t));
      std::printf("train_epoch_b%ld_accuracy %.4f\n", static_cast<long>(batch), h.history.at("accuracy")[0]);
    }
  }

  Sequential model = make_model();
  if (only.empty() || only == "predict") {
    for (int64_t batch : {32, 256}) {
      model.predict(x_test.slice(0, 512), {.batch_size = batch, .verbose = 0, .callbacks = {}});
      double best = 1e9;
      for (int rep = 0; rep < 3; ++rep) {
        const auto t = Clock::now();
        model.predict(x_test, {.batch_size = batch, .verbose = 0, .callbacks = {}});
        best = std::min(best, seconds_since(t));
      }
      std::printf("predict_b%ld_images_per_s %.1f\n", static_cast<long>(batch), 10000.0 / best);
    }
  }

  if (only.empty() || only == "latency") {
    Tensor one = x_test.slice(0, 1);
    for (int i = 0; i < 200; ++i) model.predict_on_batch(one);
    std::vector<double> us;
    for (int i = 0; i < 2000; ++i) {
      const auto t = Clock::now();
      model.predict_on_batch(one);
      us.push_back(seconds_since(t) * 1e6);
    }
    std::sort(us.begin(), us.end());
    std::printf("latency_1_image_median_us %.1f\n", us[us.size() / 2]);
  }
  return 0;
}

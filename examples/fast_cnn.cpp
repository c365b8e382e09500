// The seed's "fast CNN -> SeparableConv2D" row: the same two-block network built with
// Conv2D and with SeparableConv2D, trained on Fashion-MNIST; prints each one's parameter
// count, time per epoch and test accuracy.
//
// Usage: fast_cnn [--epochs N (2)] [--batch-size N (64)] [--train N (60000)]
#include <chrono>
#include <cstdio>

#include "example_utils.h"

using namespace keras;

namespace {

Sequential network(bool separable) {
  auto conv = [&](int64_t filters) -> layers::LayerHandle {
    if (separable) return layers::SeparableConv2D(filters, 3, {.padding = "same", .activation = "relu"});
    return layers::Conv2D(filters, 3, {.padding = "same", .activation = "relu"});
  };
  // The first block stays a Conv2D in both: a separable conv on one input channel saves nothing.
  return Sequential({Input({28, 28, 1}), layers::Conv2D(32, 3, {.padding = "same", .activation = "relu"}),
                     layers::MaxPooling2D(), conv(64), layers::MaxPooling2D(), conv(128), layers::MaxPooling2D(),
                     layers::GlobalAveragePooling2D(), layers::Dense(10, "softmax")},
                    separable ? "separable_cnn" : "conv_cnn");
}

}  // namespace

int main(int argc, char** argv) try {
  const int epochs = static_cast<int>(examples::int_flag(argc, argv, "--epochs", 2));
  const int64_t batch = examples::int_flag(argc, argv, "--batch-size", 64);
  const auto data = examples::load_fashion_mnist(examples::int_flag(argc, argv, "--train", 60000), 10000);
  std::printf("%-16s %10s %14s %14s\n", "network", "params", "s per epoch", "test_accuracy");
  for (bool separable : {false, true}) {
    utils::set_random_seed(3);
    Sequential model = network(separable);
    model.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
    const auto t = std::chrono::steady_clock::now();
    model.fit(data.x_train, data.y_train, {.batch_size = batch, .epochs = epochs, .verbose = 0});
    const double per_epoch = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count() / epochs;
    const double acc = model.evaluate(data.x_test, data.y_test, {.batch_size = 256, .verbose = 0}).at("accuracy");
    std::printf("%-16s %10ld %14.2f %14.4f\n", model.name().c_str(), static_cast<long>(model.count_params()), per_epoch, acc);
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "fast_cnn: %s\n", e.what());
  return 1;
}

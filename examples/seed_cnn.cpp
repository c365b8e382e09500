// The seed's complete example: a small CNN trained on Fashion-MNIST, as in Keras
//
//   model = Sequential([Conv2D(32, (3,3), activation='relu', input_shape=(28,28,1)),
//                       MaxPooling2D(), Flatten(), Dense(128, activation='relu'),
//                       Dense(10, activation='softmax')])
//
// Usage: seed_cnn [--epochs N] [--batch-size N] [--threads N] [--seed N] [--save PATH]
//                 [--dtype-policy mixed_bfloat16|mixed_float16|float32] [--device cpu|cuda]
// Prints the summary and the progress bar, saves the trained model (default
// seed_cnn.keras), loads it back to check it gives the same predictions, and ends with
// "test_accuracy: 0.9123". `mpirun -np 2 seed_cnn` trains it on two processes
// (data parallelism, each computing half of every batch of 32).
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "keras/keras.h"
#include "keras/saving/saving.h"

using namespace keras;

namespace {
int64_t int_flag(int argc, char** argv, const std::string& flag, int64_t fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (argv[i] == flag) {
      char* end = nullptr;
      const long long v = std::strtoll(argv[i + 1], &end, 10);
      if (!end || *end || v <= 0) {
        std::cerr << "seed_cnn: " << flag << " needs a positive integer, got '" << argv[i + 1] << "'\n";
        std::exit(2);
      }
      return v;
    }
  return fallback;
}
}  // namespace

int main(int argc, char** argv) try {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::cout << "usage: seed_cnn [--epochs N] [--batch-size N] [--threads N] [--seed N] [--save PATH]"
                   " [--dtype-policy NAME] [--device cpu|cuda]\n";
      return 0;
    }
    if (a != "--epochs" && a != "--batch-size" && a != "--threads" && a != "--seed" && a != "--save" &&
        a != "--dtype-policy" && a != "--device") {
      std::cerr << "seed_cnn: unknown argument '" << a << "' (try --help)\n";
      return 2;
    }
    ++i;
  }
  std::string save_path = "seed_cnn.keras";
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--save") save_path = argv[i + 1];
  // Mixed precision: the layers compute in 16 bits with float32 weights.
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--dtype-policy") mixed_precision::set_global_policy(argv[i + 1]);
  const int epochs = static_cast<int>(int_flag(argc, argv, "--epochs", 3));
  const int64_t batch_size = int_flag(argc, argv, "--batch-size", 32);
  if (const int64_t threads = int_flag(argc, argv, "--threads", 0)) config::set_num_threads(static_cast<int>(threads));
  utils::set_random_seed(static_cast<uint64_t>(int_flag(argc, argv, "--seed", 42)));

  auto [train, test] = datasets::fashion_mnist::load_data();
  // Scale to [0, 1] and add the channel axis, as the Keras example does.
  Tensor x_train = (train.first.astype(DType::float32) / 255.0).reshape({-1, 28, 28, 1});
  Tensor x_test = (test.first.astype(DType::float32) / 255.0).reshape({-1, 28, 28, 1});
  Tensor y_train = train.second, y_test = test.second;
  // The data stays in host memory; the model (built next) goes to the chosen device, and
  // fit/evaluate/predict move each batch there.
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) != "--device") continue;
    const std::string name = argv[i + 1];
    if (name != "cpu" && name != "cuda") {
      std::cerr << "seed_cnn: --device takes cpu or cuda, got '" << name << "'\n";
      return 2;
    }
    config::set_default_device(name == "cuda" ? Device::cuda() : Device::cpu());
  }

  Sequential model({
      layers::Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = Shape{28, 28, 1}}),
      layers::MaxPooling2D(),
      layers::Flatten(),
      layers::Dense(128, "relu"),
      layers::Dense(10, "softmax"),
  });
  // Under `mpirun -np N` the same program trains data-parallel (keras::distribution);
  // rank 0 alone prints, as it alone shows the progress bar and writes the file.
  const bool chief = distribution::distribution()->is_chief();
  if (chief) model.summary();
  model.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
  model.fit(x_train, y_train, {.batch_size = batch_size, .epochs = epochs});
  const auto result = model.evaluate(x_test, y_test, {.batch_size = 32, .verbose = 0});

  // Save, load back, and check the reloaded model predicts the same.
  model.save(save_path);
  auto reloaded = models::load_model(save_path);
  const Tensor a = model.predict(x_test.slice(0, 256), {.batch_size = 256, .verbose = 0});
  const Tensor b = reloaded->predict(x_test.slice(0, 256), {.batch_size = 256, .verbose = 0});
  const bool same = a.astype(DType::float32).to_vector<float>() == b.astype(DType::float32).to_vector<float>();
  if (chief) {
    std::printf("saved %s and reloaded it: %s\n", save_path.c_str(),
                same ? "identical predictions" : "PREDICTIONS DIFFER");
    std::printf("test_loss: %.4f\n", result.at("loss"));
    std::printf("test_accuracy: %.4f\n", result.at("accuracy"));
  }
  if (!same) return 1;
  return 0;
} catch (const std::exception& e) {
  std::cerr << "seed_cnn: " << e.what() << "\n";
  return 1;
}

// Uses keras-cpp from an installed package: builds a small classifier, trains it on a
// two-class problem, saves it as .keras, loads it back, and checks that a library
// exception reaches this program intact. Prints "consumer: ok" and exits 0 on success.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <vector>

#include "keras/keras.h"

using namespace keras;

int main() try {
  utils::set_random_seed(7);
  // Points inside / outside the unit circle: not linearly separable, so the hidden
  // layer has to learn something.
  const int64_t n = 512;
  const Tensor x = random::uniform({n, 2}, -1.5, 1.5, 1);
  std::vector<float> labels(n);
  for (int64_t i = 0; i < n; ++i) {
    const float a = x.at<float>({i, 0}), b = x.at<float>({i, 1});
    labels[i] = a * a + b * b < 1.0f ? 1.0f : 0.0f;
  }
  const Tensor y = Tensor::from_vector(labels, {n, 1});

  Sequential model({
      Input(Shape{2}),
      layers::Dense(16, "relu"),
      layers::Dense(16, "relu"),
      layers::Dense(1, "sigmoid"),
  });
  model.compile("adam", "binary_crossentropy", {"accuracy"});
  model.fit(x, y, {.batch_size = 32, .epochs = 60, .verbose = 0});
  const auto result = model.evaluate(x, y, {.verbose = 0});
  const double accuracy = result.at("accuracy");

  const auto path = std::filesystem::temp_directory_path() / "keras_consumer.keras";
  model.save(path.string());
  auto reloaded = models::load_model(path.string());
  const Tensor a = model.predict(x, {.verbose = 0});
  const Tensor b = reloaded->predict(x, {.verbose = 0});
  double max_diff = 0;
  for (int64_t i = 0; i < n; ++i)
    max_diff = std::max(max_diff, double(std::fabs(a.at<float>({i, 0}) - b.at<float>({i, 0}))));
  std::filesystem::remove(path);

  bool caught = false;
  try {
    model.predict(Tensor::zeros({4, 3}), {.verbose = 0});
  } catch (const ValueError&) {
    caught = true;
  }

  std::printf("consumer: accuracy=%.4f reload_max_diff=%.3g exception_caught=%d\n", accuracy, max_diff, int(caught));
  if (accuracy < 0.9 || max_diff > 1e-6 || !caught) {
    std::cerr << "consumer: FAILED\n";
    return 1;
  }
  std::puts("consumer: ok");
  return 0;
} catch (const std::exception& e) {
  std::cerr << "consumer: " << e.what() << "\n";
  return 1;
}

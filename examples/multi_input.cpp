// The seed's "multi-input -> Concatenate" row: a functional model with two inputs, the
// image (through a small CNN) and hand-made features of it (the 28 row and 28 column
// mean intensities, a silhouette profile), joined with Concatenate. Prints the test
// accuracy of the joined model and of the image branch alone.
//
// Usage: multi_input [--epochs N (2)] [--batch-size N (64)] [--train N (60000)]
#include <cstdio>

#include "example_utils.h"

using namespace keras;

namespace {

/// Row and column means of each image: (n, 28, 28, 1) -> (n, 56).
Tensor profiles(const Tensor& images) {
  Tensor rows = ops::reshape(ops::mean(images, {2, 3}), {-1, 28});
  Tensor cols = ops::reshape(ops::mean(images, {1, 3}), {-1, 28});
  return ops::concatenate({rows, cols}, 1);
}

layers::KerasTensors image_branch(const layers::KerasTensor& image) {
  auto h = layers::Conv2D(32, 3, {.activation = "relu"})(image);
  h = layers::MaxPooling2D()(h);
  h = layers::Conv2D(32, 3, {.activation = "relu"})(h);
  h = layers::MaxPooling2D()(h);
  return layers::Dense(64, "relu")(layers::Flatten()(h));
}

}  // namespace

int main(int argc, char** argv) try {
  const int epochs = static_cast<int>(examples::int_flag(argc, argv, "--epochs", 2));
  const int64_t batch = examples::int_flag(argc, argv, "--batch-size", 64);
  const auto data = examples::load_fashion_mnist(examples::int_flag(argc, argv, "--train", 60000), 10000);
  const Tensor f_train = profiles(data.x_train), f_test = profiles(data.x_test);

  utils::set_random_seed(11);
  auto image = Input({28, 28, 1}, {.batch_size = {}, .dtype = DType::float32, .name = "image"});
  auto profile = Input({56}, {.batch_size = {}, .dtype = DType::float32, .name = "profile"});
  auto joined = layers::Concatenate()({image_branch(image), layers::Dense(32, "relu")(profile)});
  Model model({image, profile}, layers::Dense(10, "softmax", {.name = "label"})(joined), "two_inputs");
  model.summary();
  model.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
  model.fit({data.x_train, f_train}, {data.y_train}, {.batch_size = batch, .epochs = epochs, .verbose = 1});
  const double joined_acc =
      model.evaluate({data.x_test, f_test}, {data.y_test}, {.batch_size = 256, .verbose = 0}).at("accuracy");

  utils::set_random_seed(11);
  auto image_only = Input({28, 28, 1});
  Model baseline(image_only, layers::Dense(10, "softmax")(image_branch(image_only)), "image_only");
  baseline.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
  baseline.fit(data.x_train, data.y_train, {.batch_size = batch, .epochs = epochs, .verbose = 0});
  const double image_acc = baseline.evaluate(data.x_test, data.y_test, {.batch_size = 256, .verbose = 0}).at("accuracy");

  std::printf("test_accuracy image + profiles: %.4f\n", joined_acc);
  std::printf("test_accuracy image only:       %.4f\n", image_acc);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "multi_input: %s\n", e.what());
  return 1;
}

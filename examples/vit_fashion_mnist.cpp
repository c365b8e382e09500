// A small Vision Transformer on Fashion-MNIST, as Keras's example "Image classification
// with Vision Transformer" builds it: the image cut into 7x7 patches by a Conv2D with
// stride 7 (16 patches), a learned position embedding, transformer blocks
// (MultiHeadAttention, LayerNormalization, a feed-forward net), pooled and classified.
// Prints its test accuracy beside the seed CNN's (examples/seed_cnn: 0.903 after 5
// epochs, docs/STATUS.md). Saved to .keras and loaded back with the same predictions.
//
// Usage: vit_fashion_mnist [--train N (60000)] [--epochs N (5)] [--blocks N (2)]
#include <cstdio>
#include <filesystem>

#include "example_utils.h"

using namespace keras;

int main(int argc, char** argv) try {
  const int64_t n_train = examples::int_flag(argc, argv, "--train", 60000);
  const int epochs = static_cast<int>(examples::int_flag(argc, argv, "--epochs", 5));
  const int64_t blocks = examples::int_flag(argc, argv, "--blocks", 2);
  constexpr int64_t kPatch = 7, kDim = 64, kHeads = 4;
  examples::register_position_embedding();
  const auto data = examples::load_fashion_mnist(n_train);

  utils::set_random_seed(5);
  auto inputs = Input({28, 28, 1}, {.name = "image"});
  auto x = layers::Conv2D(kDim, kPatch, {.strides = kPatch})(inputs);  // (4, 4, kDim): one vector per patch
  x = layers::Reshape({(28 / kPatch) * (28 / kPatch), kDim})(x);
  x = examples::PositionEmbedding()(x);
  for (int64_t b = 0; b < blocks; ++b) x = examples::transformer_block(x, kHeads, kDim / kHeads, 2 * kDim, kDim);
  x = layers::GlobalAveragePooling1D()(x);
  x = layers::Dropout(0.1)(x);
  auto outputs = layers::Dense(10, "softmax")(x);
  Model model(inputs, outputs, "vit_tiny");
  model.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
  model.summary();
  model.fit(data.x_train, data.y_train, {.batch_size = 128, .epochs = epochs, .verbose = 2, .validation_split = 0.1});
  const double accuracy =
      model.evaluate(data.x_test, data.y_test, {.batch_size = 256, .verbose = 0, .callbacks = {}}).at("accuracy");
  std::printf("ViT test accuracy: %.4f (the seed CNN: 0.903, chance 0.1)\n", accuracy);

  const std::string path = (std::filesystem::temp_directory_path() / "vit_fashion_mnist.keras").string();
  model.save(path);
  auto loaded = models::load_model(path);
  const Tensor probe = data.x_test.slice(0, 256);
  const auto a = model.predict(probe, {.verbose = 0}).to_vector<float>();
  const auto b = loaded->predict(probe, {.verbose = 0}).to_vector<float>();
  float worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  std::printf("saved and loaded: largest difference over 256 test images %.2g\n", worst);
  std::filesystem::remove(path);
  return worst < 1e-5f ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "error: %s\n", e.what());
  return 1;
}

// Transfer learning with a keras::applications base, as in Keras's guide: a MobileNetV2
// feature extractor (include_top = false, average pooling) under a new classifier, first
// frozen (only the head trains), then fine-tuned with its last blocks unfrozen at a low
// learning rate. Fashion-MNIST is resized to 32x32, MobileNetV2's smallest input, and made
// 3-channel.
//
// The base's weights: --weights PATH loads a Keras ImageNet file for MobileNetV2(alpha
// 0.35, no top), e.g. mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5.
// Without one (nothing is downloaded here) the base is first pre-trained on a source task,
// Fashion-MNIST's classes 0-4, and transferred to the target task, classes 5-9, learned
// from a small training set. Prints the target accuracy after the frozen phase and after
// fine-tuning.
//
// Usage: transfer_learning [--weights PATH] [--target-train N (2000)] [--source-epochs N (2)]
//                          [--epochs N (3)] [--fine-tune-epochs N (3)]
#include <cstdio>
#include <cstring>

#include "example_utils.h"
#include "keras/applications/mobilenet_v2.h"

using namespace keras;

namespace {

struct Split {
  Tensor x, y;
};

/// The images of classes [first, first + 5), labels shifted to 0..4, resized to 32x32
/// RGB in 0..255 (at most `limit` of them).
Split classes(const Tensor& images, const Tensor& labels, int first, int64_t limit) {
  std::vector<int32_t> index, y;
  const auto all = labels.astype(DType::int32).to_vector<int32_t>();
  for (size_t i = 0; i < all.size() && static_cast<int64_t>(index.size()) < limit; ++i)
    if (all[i] >= first && all[i] < first + 5) {
      index.push_back(static_cast<int32_t>(i));
      y.push_back(all[i] - first);
    }
  const auto n = static_cast<int64_t>(index.size());
  Tensor x = ops::take_rows(images, Tensor::from_vector(index, Shape({n})));
  x = ops::image::resize(x, {32, 32}, "bilinear") * 255.0;
  return {ops::concatenate({x, x, x}, 3), Tensor::from_vector(y, Shape({n}))};
}

std::string weights_flag(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i)
    if (!std::strcmp(argv[i], "--weights")) return argv[i + 1];
  return "";
}

}  // namespace

int main(int argc, char** argv) try {
  const std::string weights = weights_flag(argc, argv);
  const int64_t target_train = examples::int_flag(argc, argv, "--target-train", 2000);
  const int source_epochs = static_cast<int>(examples::int_flag(argc, argv, "--source-epochs", 2));
  const int epochs = static_cast<int>(examples::int_flag(argc, argv, "--epochs", 3));
  const int fine_tune_epochs = static_cast<int>(examples::int_flag(argc, argv, "--fine-tune-epochs", 3));
  const auto data = examples::load_fashion_mnist();
  utils::set_random_seed(7);

  // The base: Keras's MobileNetV2 (alpha 0.35) without its classifier, pooled to a vector.
  auto base = applications::MobileNetV2(
      {.input_shape = Shape({32, 32, 3}), .alpha = 0.35, .include_top = false, .weights = weights, .pooling = "avg"});
  auto preprocess = [](const Tensor& x) { return applications::mobilenet_v2::preprocess_input(x); };

  if (weights.empty()) {
    // No ImageNet file: learn features on the source task (classes 0-4) first.
    // MobileNetV2's BatchNormalization layers average their statistics with momentum
    // 0.999, which needs thousands of steps to forget the initial (0, 1); this short run
    // has about a thousand, and inference on half-settled statistics predicts one class.
    // As one would in Keras (`layer.momentum = 0.9`), let them settle within the run.
    for (const auto& layer : base->layers())
      if (auto* bn = dynamic_cast<layers::BatchNormalization*>(layer.get())) bn->set_momentum(0.9);
    const Split source = classes(data.x_train, data.y_train, 0, 30000);
    auto input = Input({32, 32, 3});
    Model pretrain(input, layers::Dense(5, "softmax")((*base)(input)), "source_task");
    pretrain.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
    pretrain.fit(preprocess(source.x), source.y, {.batch_size = 64, .epochs = source_epochs, .verbose = 2});
  }

  const Split train = classes(data.x_train, data.y_train, 5, target_train);
  const Split test = classes(data.x_test, data.y_test, 5, 5000);
  const Tensor x_train = preprocess(train.x), x_test = preprocess(test.x);

  // Frozen base, new head. (Frozen BatchNormalization layers run in inference mode, as in Keras.)
  base->set_trainable(false);
  auto input = Input({32, 32, 3});
  auto features = (*base)(input);
  auto output = layers::Dense(5, "softmax", {.name = "target_head"})(layers::Dropout(0.2)(features));
  Model model(input, output, "transfer");
  model.compile(optimizers::Adam({.learning_rate = 1e-3}), "sparse_categorical_crossentropy", {"accuracy"});
  model.summary();
  model.fit(x_train, train.y, {.batch_size = 32, .epochs = epochs, .verbose = 2});
  const double frozen = model.evaluate(x_test, test.y, {.batch_size = 256, .verbose = 0}).at("accuracy");

  // Fine-tuning: unfreeze the last two inverted residual blocks and the final convolution,
  // recompile (the trainable set changed) with a ten times lower learning rate.
  base->set_trainable(true);
  bool unfrozen = false;
  for (const auto& layer : base->layers()) {
    if (layer->name() == "block_15_expand") unfrozen = true;
    layer->set_trainable(unfrozen);
  }
  model.compile(optimizers::Adam({.learning_rate = 1e-4}), "sparse_categorical_crossentropy", {"accuracy"});
  model.fit(x_train, train.y, {.batch_size = 32, .epochs = fine_tune_epochs, .verbose = 2});
  const double tuned = model.evaluate(x_test, test.y, {.batch_size = 256, .verbose = 0}).at("accuracy");

  std::printf("target classes 5-9, %lld training images\n", static_cast<long long>(train.x.dim(0)));
  std::printf("test_accuracy frozen base:  %.4f\n", frozen);
  std::printf("test_accuracy fine-tuned:   %.4f\n", tuned);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "transfer_learning: %s\n", e.what());
  return 1;
}

// The seed's "overfitting -> Dropout" row: the seed CNN trained on a small slice of
// Fashion-MNIST without regularization, with Dropout, and with an L2 penalty on the
// kernels, printing how far training accuracy runs ahead of validation accuracy in each.
// Both should keep the gap smaller. The L2 run also keeps its best epoch with
// ModelCheckpoint and reloads it.
//
// Usage: overfitting [--train N (10000)] [--epochs N (10)] [--batch-size N (64)]
#include <cstdio>

#include "example_utils.h"
#include "keras/saving/saving.h"

using namespace keras;

namespace {

enum class Variant { plain, dropout, l2 };

Sequential seed_cnn(Variant v) {
  const regularizers::Regularizer l2 = v == Variant::l2 ? regularizers::L2(1e-3) : regularizers::Regularizer();
  Sequential m({Input({28, 28, 1}), layers::Conv2D(32, {3, 3}, {.activation = "relu", .kernel_regularizer = l2}),
                layers::MaxPooling2D()});
  if (v == Variant::dropout) m.add(layers::Dropout(0.25));
  m.add(layers::Flatten());
  m.add(layers::Dense(128, {.activation = "relu", .kernel_regularizer = l2}));
  if (v == Variant::dropout) m.add(layers::Dropout(0.5));
  m.add(layers::Dense(10, {.activation = "softmax", .kernel_regularizer = l2}));
  return m;
}

}  // namespace

int main(int argc, char** argv) try {
  const int64_t n_train = examples::int_flag(argc, argv, "--train", 10000);
  const int epochs = static_cast<int>(examples::int_flag(argc, argv, "--epochs", 10));
  const int64_t batch = examples::int_flag(argc, argv, "--batch-size", 64);
  const auto data = examples::load_fashion_mnist(n_train, 10000);
  std::printf("Training on %ld images, validating on %ld, %d epochs\n", static_cast<long>(data.x_train.dim(0)),
              static_cast<long>(data.x_test.dim(0)), epochs);

  const char* names[] = {"Without regularization:", "With Dropout(0.25, 0.5):", "With L2(1e-3) on every kernel:"};
  double final_gap[3] = {0, 0, 0}, final_val[3] = {0, 0, 0};
  const std::string best_path = "overfitting_best_l2.keras";
  std::shared_ptr<callbacks::ModelCheckpoint> checkpoint;
  for (int v = 0; v < 3; ++v) {
    utils::set_random_seed(7);
    Sequential model = seed_cnn(static_cast<Variant>(v));
    model.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
    std::vector<std::shared_ptr<callbacks::Callback>> cbs;
    if (v == 2) {
      checkpoint = std::make_shared<callbacks::ModelCheckpoint>(
          best_path, callbacks::ModelCheckpointOptions{.monitor = "val_accuracy", .save_best_only = true});
      cbs.push_back(checkpoint);
    }
    auto h = model.fit(data.x_train, data.y_train,
                       {.batch_size = batch, .epochs = epochs, .verbose = 0, .callbacks = cbs,
                        .validation_data = std::pair{data.x_test, data.y_test}});
    std::printf("\n%s\n epoch  train_acc  val_acc    gap\n", names[v]);
    for (int e = 0; e < epochs; ++e) {
      const double tr = h.history.at("accuracy")[static_cast<size_t>(e)];
      const double va = h.history.at("val_accuracy")[static_cast<size_t>(e)];
      std::printf(" %5d  %9.4f  %7.4f  %+.4f\n", e + 1, tr, va, tr - va);
      final_gap[v] = tr - va;
      final_val[v] = va;
    }
  }
  std::printf("\nfinal gap without regularization: %+.4f (val_accuracy %.4f)\n", final_gap[0], final_val[0]);
  for (int v = 1; v < 3; ++v)
    std::printf("final gap %-22s %+.4f (val_accuracy %.4f): %s the gap by %.4f\n",
                v == 1 ? "with dropout:" : "with L2:", final_gap[v], final_val[v],
                final_gap[v] < final_gap[0] ? "shrank" : "did NOT shrink", final_gap[0] - final_gap[v]);
  auto best = models::load_model(best_path);
  const auto logs = best->evaluate(data.x_test, data.y_test, {.batch_size = 256, .verbose = 0, .callbacks = {}});
  std::printf("best L2 epoch reloaded from %s: val_accuracy %.4f (checkpoint saw %.4f)\n", best_path.c_str(),
              logs.at("accuracy"), checkpoint->best());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "overfitting: %s\n", e.what());
  return 1;
}

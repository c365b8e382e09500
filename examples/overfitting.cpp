// The seed's "overfitting -> Dropout" row: the seed CNN trained on a small slice of
// Fashion-MNIST with and without Dropout, printing how far training accuracy runs ahead
// of validation accuracy in each. Dropout should keep the gap smaller.
//
// Usage: overfitting [--train N (10000)] [--epochs N (10)] [--batch-size N (64)]
#include <cstdio>

#include "example_utils.h"

using namespace keras;

namespace {

Sequential seed_cnn(bool dropout) {
  Sequential m({Input({28, 28, 1}), layers::Conv2D(32, {3, 3}, {.activation = "relu"}), layers::MaxPooling2D()});
  if (dropout) m.add(layers::Dropout(0.25));
  m.add(layers::Flatten());
  m.add(layers::Dense(128, "relu"));
  if (dropout) m.add(layers::Dropout(0.5));
  m.add(layers::Dense(10, "softmax"));
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

  double final_gap[2] = {0, 0}, final_val[2] = {0, 0};
  for (int with_dropout = 0; with_dropout < 2; ++with_dropout) {
    utils::set_random_seed(7);
    Sequential model = seed_cnn(with_dropout);
    model.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
    auto h = model.fit(data.x_train, data.y_train,
                       {.batch_size = batch, .epochs = epochs, .verbose = 0,
                        .validation_data = std::pair{data.x_test, data.y_test}});
    std::printf("\n%s\n epoch  train_acc  val_acc    gap\n", with_dropout ? "With Dropout(0.25, 0.5):" : "Without Dropout:");
    for (int e = 0; e < epochs; ++e) {
      const double tr = h.history.at("accuracy")[static_cast<size_t>(e)];
      const double va = h.history.at("val_accuracy")[static_cast<size_t>(e)];
      std::printf(" %5d  %9.4f  %7.4f  %+.4f\n", e + 1, tr, va, tr - va);
      final_gap[with_dropout] = tr - va;
      final_val[with_dropout] = va;
    }
  }
  std::printf("\nfinal gap without dropout: %+.4f (val_accuracy %.4f)\n", final_gap[0], final_val[0]);
  std::printf("final gap with dropout:    %+.4f (val_accuracy %.4f)\n", final_gap[1], final_val[1]);
  std::printf("dropout %s the gap by %.4f\n", final_gap[1] < final_gap[0] ? "shrank" : "did NOT shrink",
              final_gap[0] - final_gap[1]);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "overfitting: %s\n", e.what());
  return 1;
}

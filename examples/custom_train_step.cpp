// Customizing what happens in fit(), as Keras's guide does it: a Model subclass whose
// train_step computes its own loss, takes the gradients, lets the optimizer apply them
// and updates its own metric trackers; fit() still drives it (progress bar, callbacks,
// History). test_step is overridden the same way, so evaluate() uses the same trackers.
//
//   class CustomModel(keras.Model):
//       def __init__(self, *args, **kwargs):
//           super().__init__(*args, **kwargs)
//           self.loss_tracker = keras.metrics.Mean(name="loss")
//           self.acc_metric = keras.metrics.SparseCategoricalAccuracy(name="accuracy")
//       def train_step(self, data):
//           x, y = data
//           with tf.GradientTape() as tape:
//               y_pred = self(x, training=True)
//               loss = self.loss_fn(y, y_pred)
//           grads = tape.gradient(loss, self.trainable_variables)
//           self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
//           self.loss_tracker.update_state(loss)
//           self.acc_metric.update_state(y, y_pred)
//           return {m.name: m.result() for m in self.metrics}
//       @property
//       def metrics(self):
//           return [self.loss_tracker, self.acc_metric]
//
// Trained on 12,000 Fashion-MNIST images for two epochs (seconds), tested on all 10,000.
// Usage: custom_train_step [--samples N] [--epochs N]; ends with "test_accuracy: 0.8123".
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "example_utils.h"
#include "keras/keras.h"

using namespace keras;

namespace {

class CustomModel : public Model {
 public:
  using Model::Model;
  using Model::test_step;  // the forms with sample weights stay visible
  using Model::train_step;

  models::Logs train_step(const TensorList& x, const TensorList& y) override {
    const std::vector<Variable> vars = trainable_weights();
    TensorList sources;
    for (const auto& v : vars) sources.push_back(v.value());
    Tensor y_pred, loss;
    TensorList grads;
    {
      autograd::GradientTape tape;
      y_pred = (*this)(x, /*training=*/true)[0];  // forward
      loss = loss_fn_(y[0], y_pred);              // our own loss, not compile()'s
      grads = tape.gradient(loss, sources);       // gradients
    }
    distribution()->reduce_gradients(grads);  // a no-op in one process; all-reduce in several
    optimizer()->apply_gradients(grads, vars);
    loss_tracker_.update(loss.item<double>(), static_cast<double>(y_pred.dim(0)));
    acc_metric_.update_state(y[0], y_pred);
    return get_metrics_result();  // {m.name(): m.result() for m in metrics()}, summed over processes
  }

  models::Logs test_step(const TensorList& x, const TensorList& y) override {
    const Tensor y_pred = (*this)(x, /*training=*/false)[0];
    loss_tracker_.update(loss_fn_(y[0], y_pred).item<double>(), static_cast<double>(y_pred.dim(0)));
    acc_metric_.update_state(y[0], y_pred);
    return get_metrics_result();
  }

  // Listed here so that fit() and evaluate() reset them at the start of each epoch.
  std::vector<metrics::Metric*> metrics() override { return {&loss_tracker_, &acc_metric_}; }

 private:
  losses::Loss loss_fn_ = "sparse_categorical_crossentropy";
  metrics::Mean loss_tracker_{"loss"};
  metrics::SparseCategoricalAccuracy acc_metric_{"accuracy"};
};

}  // namespace

int main(int argc, char** argv) try {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::cout << "usage: custom_train_step [--samples N] [--epochs N]\n";
      return 0;
    }
    if (a != "--samples" && a != "--epochs") {
      std::cerr << "custom_train_step: unknown argument '" << a << "' (try --help)\n";
      return 2;
    }
    ++i;
  }
  const int64_t samples = examples::int_flag(argc, argv, "--samples", 12000);
  const int epochs = static_cast<int>(examples::int_flag(argc, argv, "--epochs", 2));
  utils::set_random_seed(42);

  // A slice of the training images keeps the run short; the whole test set measures it.
  const examples::FashionMnist data = examples::load_fashion_mnist(samples);

  auto inputs = Input({28, 28, 1});
  auto h = layers::Flatten()(inputs);
  h = layers::Dense(128, "relu")(h);
  auto outputs = layers::Dense(10, "softmax")(h);
  CustomModel model(inputs, outputs, "custom_model");
  model.compile(models::CompileOptions{.optimizer = "adam"});  // no loss or metrics: train_step has its own

  model.fit(data.x_train, data.y_train, {.batch_size = 32, .epochs = epochs});
  const models::Logs result = model.evaluate(data.x_test, data.y_test, {.batch_size = 32, .verbose = 0});
  std::printf("test_loss: %.4f\n", result.at("loss"));
  std::printf("test_accuracy: %.4f\n", result.at("accuracy"));
  return 0;
} catch (const std::exception& e) {
  std::cerr << "custom_train_step: " << e.what() << "\n";
  return 1;
}

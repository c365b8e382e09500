#include "keras/layers/core/lambda.h"

#include "keras/saving/saving.h"
#include "test_utils.h"

namespace keras::layers {
namespace {

TEST(Lambda, TrainsAndInfersShape) {
  Lambda gate([](const Tensor& x) { return ops::multiply(x, ops::sigmoid(x)); });
  testing::check_layer_gradients(gate, testing::random_tensor({3, 4}, 1));
  Lambda halve([](const Tensor& x) { return ops::reshape(x, {x.dim(0), -1, 2}); });
  EXPECT_EQ(halve.compute_output_shape(Shape{kNone, 6}), Shape({kNone, 3, 2}));
  Lambda declared([](const Tensor& x) { return x; }, {.output_shape = Shape{7}});
  EXPECT_EQ(declared.compute_output_shape(Shape{kNone, 7}), Shape({kNone, 7}));

  // A model with a Lambda (and weights around it) trains.
  Sequential m({Input({4}), Dense(4), Lambda([](const Tensor& x) { return ops::square(x); }), Dense(1)});
  m.compile("adam", "mse");
  Tensor x = testing::random_tensor({16, 4}, 2);
  const double first = m.train_on_batch(x, Tensor::zeros({16, 1})).at("loss");
  double last = first;
  for (int i = 0; i < 30; ++i) last = m.train_on_batch(x, Tensor::zeros({16, 1})).at("loss");
  EXPECT_LT(last, first);
}

TEST(Lambda, SavesByRegisteredName) {
  saving::register_function("double_it", [](const Tensor& x) { return x * 2.0; });
  Sequential m({Input({3}), Lambda(saving::find_function("double_it"), {.function_name = "double_it"}), Dense(2)});
  const std::string path = testing::temp_dir() + "/lambda.keras";
  m.save(path);
  Tensor x = testing::random_tensor({2, 3}, 3);
  EXPECT_EQ(saving::load_model(path)->predict(x, {.batch_size = 32, .verbose = 0, .callbacks = {}}).to_vector<float>(),
            m.predict(x, {.batch_size = 32, .verbose = 0, .callbacks = {}}).to_vector<float>());
  Sequential unnamed({Input({3}), Lambda([](const Tensor& t) { return t; })});
  testing::expect_error<ValueError>([&] { unnamed.save(testing::temp_dir() + "/unnamed.keras"); }, {"function_name"});
}

}  // namespace
}  // namespace keras::layers

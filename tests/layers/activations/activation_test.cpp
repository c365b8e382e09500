#include "keras/layers/activations/activation.h"

#include "test_utils.h"

namespace keras::layers {
namespace {

TEST(Activation, EveryNameRunsAndTrains) {
  for (const auto& name : activations::names()) {
    SCOPED_TRACE(name);
    Activation a(name);
    Tensor x = testing::random_tensor({3, 4}, 7, -2.0, 2.0, /*away_from_zero=*/true);
    EXPECT_EQ(a(x).shape(), x.shape());
    testing::check_layer_gradients(a, x);
  }
}

TEST(Activation, CustomFunction) {
  Activation a(activations::Activation("cube", [](const Tensor& x) { return ops::multiply(x, ops::square(x)); }));
  EXPECT_FLOAT_EQ(a(Tensor::from_vector<float>({2.f})).item<float>(), 8.f);
  testing::check_layer_gradients(a, testing::random_tensor({2, 3}, 3));
}

TEST(Activation, UnknownName) {
  testing::expect_error<ValueError>([] { Activation("softmaxx"); }, {"Could not interpret activation", "softmaxx"});
}

}  // namespace
}  // namespace keras::layers

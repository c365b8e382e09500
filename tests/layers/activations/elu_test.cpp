// The ELU layer.
#include "keras/layers/activations/elu.h"

#include <cmath>

#include "test_utils.h"

namespace keras::layers {
namespace {

TEST(ELU, ValuesDefaultAndAlpha) {
  const Tensor x = Tensor::from_vector<float>({-3, -1, -0.1f, 0, 0.5f, 2});
  const auto d = ELU()(x).to_vector<float>(), h = ELU({.alpha = 0.5})(x).to_vector<float>();
  const auto xv = x.to_vector<float>();
  for (size_t i = 0; i < xv.size(); ++i) {
    const double e = xv[i] > 0 ? xv[i] : std::expm1(xv[i]);
    EXPECT_NEAR(d[i], e, 1e-6);
    EXPECT_NEAR(h[i], xv[i] > 0 ? xv[i] : 0.5 * e, 1e-6);
  }
}

TEST(ELU, RunLayerTestAndGradients) {
  testing::run_layer_test([] { return LayerHandle(ELU()); }, {3, 5}, {3, 5});
  testing::run_layer_test([] { return LayerHandle(ELU({.alpha = 0.3})); }, {2, 3, 4}, {2, 3, 4});
  ELU e({.alpha = 2.0});
  testing::check_layer_gradients(e, testing::random_tensor({4, 6}, 3, -3.0, 3.0, true));
}

TEST(ELU, ConfigInKerasOrder) {
  const Config c = ELU({.alpha = 0.5, .name = "e"}).get_config();
  std::vector<std::string> keys;
  for (const auto& [k, v] : c.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"name", "alpha", "trainable", "dtype"}));
  EXPECT_EQ(c["alpha"], 0.5);
  const auto copy = deserialize(serialize(ELU({.alpha = 0.25})));
  EXPECT_EQ(dynamic_cast<const ELU&>(*copy).alpha(), 0.25);
}

}  // namespace
}  // namespace keras::layers

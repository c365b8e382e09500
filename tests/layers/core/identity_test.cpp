#include "keras/layers/core/identity.h"

#include "test_utils.h"

namespace keras::layers {
namespace {

TEST(Identity, RunLayerTest) {
  testing::run_layer_test([] { return LayerHandle(Identity()); }, Shape{3, 4, 2}, Shape{3, 4, 2});
}

TEST(Identity, PassesValuesMasksAndIntegerDtypes) {
  const Tensor x = testing::random_tensor({2, 5}, 4);
  Identity id;
  testing::expect_allclose(id(x), x, 0, 0);
  // Embedding(mask_zero)'s mask goes through, as Keras's supports_masking = True.
  auto ids = keras::Input({5}, {.dtype = DType::int32});
  auto embedded = Embedding(10, 3, {.mask_zero = true})(ids);
  auto kept = Identity()(embedded);
  Model model(ids, LSTM(2)(kept));
  const Tensor tokens = Tensor::from_vector<int32_t>({1, 2, 0, 0, 0, 3, 4, 5, 0, 0}, {2, 5});
  const Tensor direct = model.predict(tokens, {.verbose = 0});
  Model unmasked(ids, LSTM(2)(Identity()(Embedding(10, 3)(ids))));
  unmasked.set_weights(model.get_weights());
  EXPECT_GT(ops::max(ops::abs(direct - unmasked.predict(tokens, {.verbose = 0}))).item<double>(), 1e-4)
      << "the mask did not reach the LSTM";
  auto i = keras::Input({4}, {.dtype = DType::int32});
  EXPECT_EQ(Identity()(i)[0].dtype, DType::int32);
}

TEST(Identity, ConfigIsKerasBaseConfig) {
  Identity id({.name = "skip"});
  EXPECT_EQ(saving::serialize_layer(id)["config"].dump(),
            R"({"name":"skip","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null}})");
}

}  // namespace
}  // namespace keras::layers

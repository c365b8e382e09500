// Forward numbers against real Keras: each case's model is rebuilt here with the same
// layers and arguments, its weights set through set_weights (the file loaders come
// with the saving module), and its outputs compared within the case's tolerance.
#include "test_utils.h"

namespace keras {
namespace {

using namespace layers;

void run_case(const std::string& name, const std::function<Sequential()>& make) {
  SCOPED_TRACE(name);
  utils::clear_session();  // layer names as Keras gave them in a fresh session
  Sequential model = make();
  const auto c = testing::load_case(name);
  ASSERT_EQ(c.inputs.size(), 1u);
  testing::set_case_weights(model, c);
  const Tensor got = model.predict(c.inputs[0], {.batch_size = 32, .verbose = 0, .callbacks = {}});
  testing::expect_allclose(got, c.outputs[0], c.atol, c.rtol, name);
}

Shape case_input_shape(const std::string& name) {
  return testing::load_case(name).inputs[0].shape().slice(1);
}

TEST(KerasCases, Activations) {
  for (const std::string act : {"elu", "exponential", "gelu", "hard_sigmoid", "leaky_relu", "linear", "relu", "relu6",
                                "selu", "sigmoid", "silu", "softmax", "softplus", "softsign", "swish", "tanh"}) {
    const std::string name = "activation_" + act;
    run_case(name, [&] { return Sequential({Input(case_input_shape(name)), Activation(act)}); });
  }
}

TEST(KerasCases, Dense) {
  run_case("dense_relu", [] { return Sequential({Input({8}), Dense(6, "relu")}); });
  run_case("dense_softmax", [] { return Sequential({Input({8}), Dense(5, "softmax")}); });
  run_case("dense_tanh_sigmoid", [] { return Sequential({Input({6}), Dense(7, "tanh"), Dense(3, "sigmoid")}); });
  run_case("dense_linear_nobias", [] { return Sequential({Input({5}), Dense(4, {.use_bias = false})}); });
  run_case("dense_on_sequence", [] { return Sequential({Input({5, 8}), Dense(6)}); });
}

TEST(KerasCases, Conv2D) {
  run_case("conv2d_valid_relu", [] { return Sequential({Input({8, 8, 3}), Conv2D(4, {3, 3}, {.activation = "relu"})}); });
  run_case("conv2d_same_stride2", [] { return Sequential({Input({9, 9, 2}), Conv2D(6, {3, 3}, {.strides = 2, .padding = "same"})}); });
  run_case("conv2d_dilated_same", [] { return Sequential({Input({8, 7, 2}), Conv2D(4, {3, 3}, {.padding = "same", .dilation_rate = 2})}); });
  run_case("conv2d_rect_nobias_sigmoid", [] { return Sequential({Input({6, 9, 3}),
                       Conv2D(3, {2, 4}, {.strides = {1, 2}, .activation = "sigmoid", .use_bias = false})}); });
}

TEST(KerasCases, MaxPooling2D) {
  run_case("maxpool2d_default", [] { return Sequential({Input({8, 8, 3}), MaxPooling2D()}); });
  run_case("maxpool2d_3x3_s2_same", [] { return Sequential({Input({7, 7, 2}), MaxPooling2D({3, 3}, {.strides = 2, .padding = "same"})}); });
}

TEST(KerasCases, FlattenAndDropout) {
  run_case("flatten_dense", [] { return Sequential({Input({4, 3, 2}), Flatten(), Dense(5, "relu")}); });
  run_case("dropout_identity", [] { return Sequential({Input({6}), Dense(8, "relu"), Dropout(0.5), Dense(3)}); });
}

TEST(KerasCases, SeedCnn) {
  run_case("model_mnist_cnn", [] { return Sequential({
                                  Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = Shape{28, 28, 1}}),
                                  MaxPooling2D(),
                                  Flatten(),
                                  Dense(128, "relu"),
                                  Dense(10, "softmax"),
                              }); });
}

}  // namespace
}  // namespace keras

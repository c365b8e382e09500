// Bidirectional and TimeDistributed: shapes, merge modes, masks, gradients, configs.
#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;

TEST(Bidirectional, MergeModesAndShapes) {
  const Tensor x = testing::random_tensor({2, 5, 3}, 1);
  Bidirectional concat(LSTM(4, {.return_sequences = true}));
  const Tensor y = concat(x);
  EXPECT_EQ(y.shape(), Shape({2, 5, 8}));
  EXPECT_EQ(concat.forward_layer()->name().rfind("forward_", 0), 0u);
  EXPECT_TRUE(concat.backward_layer()->rnn_options().go_backwards);
  // Step t of both halves is input step t: the backward half equals a backward LSTM's
  // output flipped back.
  const Tensor back = (*concat.backward_layer())(x);
  testing::expect_allclose(ops::slice(y, {0, 0, 4}, {2, 5, 4}), ops::flip(back, 1), 1e-6, 1e-6, "backward half");
  for (const char* mode : {"sum", "mul", "ave"}) {
    Bidirectional b(GRU(4, {.return_sequences = true}), {.merge_mode = mode});
    EXPECT_EQ(b(x).shape(), Shape({2, 5, 4})) << mode;
  }
  Bidirectional none(SimpleRNN(4), {.merge_mode = std::nullopt});
  EXPECT_EQ(none({x}, CallContext{}).size(), 2u);
  Bidirectional states(LSTM(4, {.return_state = true}));
  const TensorList s = states({x}, CallContext{});
  ASSERT_EQ(s.size(), 5u);  // merged, forward h, c, backward h, c
  EXPECT_EQ(s[0].shape(), Shape({2, 8}));
  EXPECT_EQ(states.compute_output_shape({Shape{kNone, 5, 3}}).size(), 5u);
  EXPECT_EQ(states.weights().size(), 6u);
}

TEST(Bidirectional, GradientsWithMask) {
  Bidirectional b(LSTM(3, {.return_sequences = true}));
  Tensor x = testing::random_tensor({2, 4, 3}, 2);
  x.set_requires_grad(true);
  std::vector<uint8_t> m{1, 1, 1, 0, 0, 1, 1, 1};
  Tensor mask = Tensor::empty({2, 4}, DType::bool_);
  std::copy(m.begin(), m.end(), static_cast<uint8_t*>(mask.raw_data()));
  b({x}, CallContext{});
  TensorList inputs{x};
  for (const auto& w : b.trainable_weights()) inputs.push_back(w.value());
  testing::check_gradients([&](const TensorList& in) { return b({in[0]}, CallContext{.masks = {mask}})[0]; }, inputs,
                           1e-3, 3e-3, 3e-2);
  // The mask goes on with the sequence; masked steps give zeros in both halves.
  const Tensor y = b({x}, CallContext{.masks = {mask}})[0];
  EXPECT_TRUE(y.keras_mask().defined());
  for (int64_t u = 0; u < 6; ++u) EXPECT_EQ(y.at<float>({0, 3, u}), 0.f);
}

TEST(Bidirectional, LayerTestAndCustomBackwardLayer) {
  testing::run_layer_test([] { return Bidirectional(GRU(3)); }, {2, 4, 3}, {2, 6});
  Bidirectional custom(LSTM(3, {.return_sequences = true}),
                       {.backward_layer = GRU(2, {.return_sequences = true, .go_backwards = true})});
  EXPECT_EQ(custom(testing::random_tensor({2, 4, 3}, 1)).shape(), Shape({2, 4, 5}));
  expect_error<ValueError>([] { Bidirectional(Dense(3)); }, {"Bidirectional", "recurrent", "Dense"});
  expect_error<ValueError>([] { Bidirectional(LSTM(3), {.merge_mode = "max"}); }, {"merge mode", "max"});
  expect_error<ValueError>([] { Bidirectional(LSTM(3), {.backward_layer = LSTM(3)}); }, {"go_backwards"});
}

TEST(TimeDistributed, DenseAndConv2D) {
  testing::run_layer_test([] { return TimeDistributed(Dense(4, "relu")); }, {2, 3, 5}, {2, 3, 4});
  testing::run_layer_test([] { return TimeDistributed(Conv2D(2, 3)); }, {2, 3, 5, 5, 1}, {2, 3, 3, 3, 2});
  TimeDistributed td(Dense(2));
  const Tensor x = testing::random_tensor({2, 3, 4}, 1);
  const Tensor y = td(x);
  // Each step is the inner layer on that step alone.
  const Tensor step1 = (*td.layer())(ops::squeeze(ops::slice(x, {0, 1, 0}, {2, 1, 4}), 1));
  testing::expect_allclose(ops::squeeze(ops::slice(y, {0, 1, 0}, {2, 1, 2}), 1), step1, 1e-6, 1e-6, "step 1");
  // A mask passes through.
  const Tensor mask = Tensor::ones({2, 3}, DType::bool_);
  EXPECT_TRUE(td({x}, CallContext{.masks = {mask}})[0].keras_mask().defined());
  expect_error<ValueError>([&] { td(testing::random_tensor({2, 4}, 1)); }, {"time_distributed", "ndim"});
}

}  // namespace
}  // namespace keras::layers

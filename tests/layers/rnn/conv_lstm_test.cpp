// ConvLSTM1D, ConvLSTM2D, ConvLSTM3D (keras/src/layers/rnn/conv_lstm*.py): run_layer_test
// in every mode; a kernel-1 ConvLSTM1D against an LSTM run at each position (masks
// included); channels_first against channels_last; the per-gate dropout copies against
// zeroed kernels; gradients with masks and initial states; stateful carrying; weights,
// configs and the errors users see. (Keras's numbers: the convlstm* reference cases.)
#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;

Tensor flat_outputs(const TensorList& out) {
  TensorList flat;
  for (const Tensor& t : out) flat.push_back(ops::reshape(t, Shape{-1}));
  return ops::concatenate(flat, 0);
}

/// A (batch, time) mask: row 0 drops its last step, row 1 its first, row 2 none.
Tensor step_mask(int64_t batch, int64_t steps) {
  Tensor m = Tensor::ones(Shape{batch, steps}, DType::bool_);
  auto* p = static_cast<uint8_t*>(m.raw_data());
  p[steps - 1] = 0;
  if (batch > 1) p[steps] = 0;
  return m;
}

TEST(ConvLSTM, LayerTests) {
  testing::run_layer_test([] { return ConvLSTM1D(2, 2); }, {2, 3, 5, 2}, {2, 4, 2});
  testing::run_layer_test([] { return ConvLSTM1D(3, 3, {.padding = "same", .return_sequences = true}); }, {2, 3, 5, 2},
                          {2, 3, 5, 3});
  testing::run_layer_test([] { return ConvLSTM1D(2, 3, {.strides = 2, .go_backwards = true}); }, {2, 3, 7, 1},
                          {2, 3, 2});
  testing::run_layer_test([] { return ConvLSTM2D(2, 2, {.strides = 2, .go_backwards = true}); }, {2, 3, 5, 5, 2},
                          {2, 2, 2, 2});
  testing::run_layer_test(
      [] { return ConvLSTM2D(2, 3, {.padding = "same", .data_format = "channels_first", .return_sequences = true}); },
      {2, 3, 2, 4, 4}, {2, 3, 2, 4, 4});
  testing::run_layer_test(
      [] {
        return ConvLSTM2D(2, {2, 3}, {.dilation_rate = {2, 1}, .use_bias = false});
      },
      {2, 2, 5, 4, 1}, {2, 3, 2, 2});
  testing::run_layer_test(
      [] {
        return ConvLSTM2D(2, 2, {.activation = "softsign", .recurrent_activation = "silu", .unit_forget_bias = false});
      },
      {2, 2, 3, 3, 1}, {2, 2, 2, 2});
  testing::run_layer_test([] { return ConvLSTM3D(2, 2, {.return_sequences = true}); }, {2, 2, 3, 3, 3, 1},
                          {2, 2, 2, 2, 2, 2});
  testing::run_layer_test([] { return ConvLSTM3D(1, 2, {.padding = "same", .data_format = "channels_first"}); },
                          {2, 2, 1, 3, 2, 2}, {2, 1, 3, 2, 2});
}

TEST(ConvLSTM, KernelOneIsAnLSTMAtEachPosition) {
  // ConvLSTM1D(f, 1) on (b, t, L, c) is an LSTM(f) run on each of the L positions, with
  // kernel (1, c, 4f) -> (c, 4f) and recurrent_kernel (1, f, 4f) -> (f, 4f).
  const int64_t b = 3, t = 4, L = 2, c = 3, f = 2;
  for (bool backwards : {false, true}) {
    SCOPED_TRACE(backwards ? "go_backwards" : "forwards");
    ConvLSTM1D conv(f, 1, {.return_sequences = true, .go_backwards = backwards});
    LSTM lstm(f, {.return_sequences = true, .go_backwards = backwards});
    const Tensor x = testing::random_tensor({b, t, L, c}, 3);
    conv(x);
    lstm(testing::random_tensor({b, t, c}, 1));
    const auto w = conv.get_weights();
    lstm.set_weights(
        {ops::reshape(w[0], Shape{c, 4 * f}), ops::reshape(w[1], Shape{f, 4 * f}), testing::random_tensor({4 * f}, 9)});
    conv.set_weights({w[0], w[1], lstm.get_weights()[2]});
    const Tensor mask = step_mask(b, t);
    for (bool masked : {false, true}) {
      CallContext ctx;
      if (masked) ctx.masks = {mask};
      const Tensor got = conv({x}, ctx)[0];  // (b, t, L, f)
      for (int64_t p = 0; p < L; ++p) {
        const Tensor xp = ops::squeeze(ops::slice(x, {0, 0, p, 0}, {b, t, 1, c}), 2);
        const Tensor want = lstm({xp}, ctx)[0];
        testing::expect_allclose(ops::squeeze(ops::slice(got, {0, 0, p, 0}, {b, t, 1, f}), 2), want, 1e-6, 1e-5,
                                 masked ? "masked" : "unmasked");
      }
    }
  }
}

TEST(ConvLSTM, ChannelsFirstIsChannelsLastTransposed) {
  ConvLSTM2D last(3, {2, 3}, {.padding = "same", .return_sequences = true, .return_state = true});
  ConvLSTM2D first(
      3, {2, 3}, {.padding = "same", .data_format = "channels_first", .return_sequences = true, .return_state = true});
  const Tensor x = testing::random_tensor({2, 3, 4, 5, 2}, 4);
  const Tensor xf = ops::transpose(x, {0, 1, 4, 2, 3});
  last({x}, CallContext{});
  first({xf}, CallContext{});
  first.set_weights(last.get_weights());
  const TensorList a = last({x}, CallContext{}), b = first({xf}, CallContext{});
  ASSERT_EQ(b.size(), 3u);
  testing::expect_allclose(b[0], ops::transpose(a[0], {0, 1, 4, 2, 3}), 1e-6, 1e-5, "sequence");
  for (size_t i = 1; i < 3; ++i)
    testing::expect_allclose(b[i], ops::transpose(a[i], {0, 3, 1, 2}), 1e-6, 1e-5, "state");
  EXPECT_EQ(first.compute_output_shape({Shape{kNone, 3, 2, 4, 5}})[1], Shape({kNone, 3, 4, 5}));
}

TEST(ConvLSTM, ShapesStatesAndWeights) {
  ConvLSTM2D layer(4, 3, {.strides = {1, 2}, .return_sequences = true, .return_state = true});
  const Tensor x = testing::random_tensor({2, 3, 6, 7, 2}, 1);
  const TensorList out = layer({x}, CallContext{});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].shape(), Shape({2, 3, 4, 3, 4}));
  EXPECT_EQ(out[1].shape(), Shape({2, 4, 3, 4}));
  EXPECT_EQ(out[2].shape(), Shape({2, 4, 3, 4}));
  // The last step of the sequence is the final h.
  testing::expect_allclose(ops::squeeze(ops::slice(out[0], {0, 2, 0, 0, 0}, {2, 1, 4, 3, 4}), 1), out[1], 0, 0, "h");
  const auto shapes = layer.compute_output_shape({Shape{kNone, kNone, 6, 7, 2}});
  EXPECT_EQ(shapes, (std::vector<Shape>{Shape{kNone, kNone, 4, 3, 4}, Shape{kNone, 4, 3, 4}, Shape{kNone, 4, 3, 4}}));
  // Weights as Keras names and shapes them, under the cell.
  ASSERT_EQ(layer.weights().size(), 3u);
  EXPECT_EQ(layer.weights()[0].path(), "conv_lstm_cell/kernel");
  EXPECT_EQ(layer.weights()[0].shape(), Shape({3, 3, 2, 16}));
  EXPECT_EQ(layer.weights()[1].path(), "conv_lstm_cell/recurrent_kernel");
  EXPECT_EQ(layer.weights()[1].shape(), Shape({3, 3, 4, 16}));
  EXPECT_EQ(layer.weights()[2].shape(), Shape({16}));
  // unit_forget_bias: the forget gate's bias starts at one.
  std::vector<float> bias(16, 0.f);
  std::fill(bias.begin() + 4, bias.begin() + 8, 1.f);
  EXPECT_EQ(layer.weights()[2].value().to_vector<float>(), bias);
  ConvLSTM1D plain(2, 2, {.use_bias = false});
  plain(testing::random_tensor({1, 2, 4, 3}, 1));
  EXPECT_EQ(plain.weights().size(), 2u);
  EXPECT_EQ(plain.cell().name(), "conv_lstm_cell");
}

TEST(ConvLSTM, GradientsWithMasksAndInitialStates) {
  for (bool seq : {true, false})
    for (bool backwards : {false, true}) {
      SCOPED_TRACE(std::string(seq ? "sequences" : "last") + (backwards ? ", go_backwards" : ""));
      ConvLSTM1D layer(2, 2,
                       {.padding = "same", .return_sequences = seq, .return_state = true, .go_backwards = backwards});
      Tensor x = testing::random_tensor({3, 3, 3, 2}, 11);
      x.set_requires_grad(true);
      layer({x}, CallContext{});
      TensorList inputs{x};
      for (int i = 0; i < 2; ++i) {
        Tensor s = testing::random_tensor({3, 3, 2}, 20 + i, -0.5, 0.5);
        s.set_requires_grad(true);
        inputs.push_back(s);
      }
      for (const auto& w : layer.trainable_weights()) inputs.push_back(w.value());
      const Tensor mask = step_mask(3, 3);
      testing::check_gradients(
          [&](const TensorList& in) {
            return flat_outputs(
                layer({in[0]}, CallContext{.training = false, .masks = {mask}, .initial_state = {in[1], in[2]}}));
          },
          inputs, 1e-3, 3e-3, 3e-2);
    }
}

TEST(ConvLSTM, StatefulTwoHalvesEqualOneWholePass) {
  ConvLSTM2D whole(2, 2, {.padding = "same", .return_sequences = true});
  ConvLSTM2D halves(2, 2, {.padding = "same", .return_sequences = true, .stateful = true});
  const Tensor x = testing::random_tensor({2, 4, 3, 3, 1}, 9);
  const Tensor full = whole(x);
  const Tensor a = ops::slice(x, {0, 0, 0, 0, 0}, {2, 2, 3, 3, 1}), b = ops::slice(x, {0, 2, 0, 0, 0}, {2, 2, 3, 3, 1});
  halves(a);
  halves.set_weights(whole.get_weights());
  halves.reset_states();
  const Tensor first = halves(a), second = halves(b);
  testing::expect_allclose(ops::concatenate({first, second}, 1), full, 1e-6, 1e-5, "two halves");
  ASSERT_EQ(halves.states().size(), 2u);
  EXPECT_EQ(halves.states()[1].shape(), Shape({2, 3, 3, 2}));
  halves.reset_states();
  EXPECT_GT(ops::max(ops::abs(halves(b) - second)).item<double>(), 1e-4);
  expect_error<ValueError>(
      [&] {
        halves(testing::random_tensor({3, 2, 3, 3, 1}, 1));
      },
      {"stateful", "batches of 2", "batch of 3", "reset_states"});
}

TEST(ConvLSTM, EachGateSeesItsOwnDropoutCopy) {
  // Zeroing gate g's copy of the input (or of h) equals zeroing gate g's slice of the
  // kernel (or the recurrent kernel): the four copies meet the four gates in order.
  const int64_t f = 2, c = 3;
  ConvLSTM1D base(f, 2, {.padding = "same"});
  const Tensor x = testing::random_tensor({2, 1, 4, c}, 5);
  base(x);
  const RNNCell& cell = base.cell();
  const TensorList states{testing::random_tensor({2, 4, f}, 6), testing::random_tensor({2, 4, f}, 7)};
  const Tensor xt = ops::squeeze(x, 1);
  for (int64_t g = 0; g < 4; ++g)
    for (bool recurrent : {false, true}) {
      SCOPED_TRACE(std::to_string(g) + (recurrent ? " recurrent" : " input"));
      const int64_t width = recurrent ? f : c;
      std::vector<float> m(static_cast<size_t>(2 * 4 * 4 * width), 1.f);
      for (size_t i = 0; i < m.size(); ++i)
        if (static_cast<int64_t>(i % static_cast<size_t>(4 * width)) / width == g) m[i] = 0.f;
      DropoutMasks masks;
      (recurrent ? masks.recurrent : masks.input) = Tensor::from_vector<float>(m).reshape(Shape{2, 4, 4 * width});
      const TensorList got = cell.step(cell.project_inputs(cell.drop_inputs(xt, masks)), states, masks);
      auto w = base.get_weights();
      Tensor& k = recurrent ? w[1] : w[0];
      std::vector<float> kv = k.to_vector<float>();
      for (size_t i = 0; i < kv.size(); ++i)
        if (static_cast<int64_t>(i % static_cast<size_t>(4 * f)) / f == g) kv[i] = 0.f;
      k = Tensor::from_vector<float>(kv).reshape(k.shape());
      ConvLSTM1D zeroed(f, 2, {.padding = "same"});
      zeroed(x);
      zeroed.set_weights(w);
      const TensorList want = zeroed.cell().step(zeroed.cell().project_inputs(xt), states, DropoutMasks{});
      for (size_t i = 0; i < 3; ++i) testing::expect_allclose(got[i], want[i], 1e-6, 1e-5, "output/state");
    }
}

TEST(ConvLSTM, DropoutOnlyInTraining) {
  ConvLSTM2D dropped(2, 2, {.dropout = 0.5, .recurrent_dropout = 0.5, .seed = 3, .return_sequences = true});
  const Tensor x = testing::random_tensor({2, 3, 4, 4, 2}, 2);
  const Tensor a = dropped(x, false);
  testing::expect_allclose(dropped(x, false), a, 0, 0, "inference is deterministic");
  const Tensor b = dropped(x, true);
  EXPECT_GT(ops::max(ops::abs(a - b)).item<double>(), 1e-4);
  EXPECT_TRUE(std::isfinite(ops::sum(b).item<double>()));
  // Trains with dropout.
  testing::run_layer_test([] { return ConvLSTM1D(2, 2, {.dropout = 0.3, .recurrent_dropout = 0.3}); }, {2, 3, 4, 2},
                          {2, 3, 2});
  // Keras clips the rates to [0, 1] and applies none at 1.
  ConvLSTM1D clipped(2, 2, {.dropout = 1.5, .recurrent_dropout = -1.0});
  EXPECT_DOUBLE_EQ(clipped.options().dropout, 1.0);
  EXPECT_DOUBLE_EQ(clipped.options().recurrent_dropout, 0.0);
  const Tensor y = testing::random_tensor({2, 3, 4, 2}, 1);
  testing::expect_allclose(clipped(y, true), clipped(y, false), 0, 0, "rate 1 applies nothing");
}

TEST(ConvLSTM, ConfigsAsKerasWritesThem) {
  ConvLSTM2D layer(3, {2, 3},
                   {.strides = {1, 2},
                    .padding = "SAME",
                    .dilation_rate = 1,
                    .activation = "relu",
                    .kernel_regularizer = regularizers::L2(0.01),
                    .dropout = 0.25,
                    .seed = 7,
                    .return_sequences = true,
                    .stateful = true,
                    .name = "clstm"});
  const Config c = layer.get_config();
  std::vector<std::string> keys;
  for (auto it = c.begin(); it != c.end(); ++it) keys.push_back(it.key());
  const std::vector<std::string> want{"name",
                                      "trainable",
                                      "dtype",
                                      "return_sequences",
                                      "return_state",
                                      "go_backwards",
                                      "stateful",
                                      "unroll",
                                      "zero_output_for_mask",
                                      "filters",
                                      "kernel_size",
                                      "strides",
                                      "padding",
                                      "data_format",
                                      "dilation_rate",
                                      "activation",
                                      "recurrent_activation",
                                      "use_bias",
                                      "kernel_initializer",
                                      "recurrent_initializer",
                                      "bias_initializer",
                                      "unit_forget_bias",
                                      "kernel_regularizer",
                                      "recurrent_regularizer",
                                      "bias_regularizer",
                                      "activity_regularizer",
                                      "kernel_constraint",
                                      "recurrent_constraint",
                                      "bias_constraint",
                                      "dropout",
                                      "recurrent_dropout",
                                      "seed"};
  EXPECT_EQ(keys, want);
  EXPECT_EQ(c["kernel_size"].dump(), "[2,3]");
  EXPECT_EQ(c["strides"].dump(), "[1,2]");
  EXPECT_EQ(c["padding"], "same");
  EXPECT_EQ(c["data_format"], "channels_last");
  EXPECT_EQ(c["dilation_rate"].dump(), "[1,1]");
  auto copy = deserialize(serialize(layer));
  const auto& back = dynamic_cast<const ConvLSTM2D&>(*copy);
  EXPECT_EQ(back.filters(), 3);
  EXPECT_TRUE(back.rnn_options().stateful);
  EXPECT_DOUBLE_EQ(back.options().dropout, 0.25);
  EXPECT_EQ(serialize(back).dump(), serialize(layer).dump());
  // Missing keys keep the defaults.
  auto d = deserialize(
      Config::parse(R"({"class_name": "ConvLSTM1D", "config": {"name": "c1", "filters": 2, "kernel_size": 3}})"));
  const auto& one = dynamic_cast<const ConvLSTM1D&>(*d);
  EXPECT_EQ(one.kernel_size()[0], 3);
  EXPECT_TRUE(options_equal(one.options(), ConvLSTM1DOptions{.name = "c1"}));
  EXPECT_EQ(ConvLSTM3D(1, 1).name().rfind("conv_lstm3d", 0), 0u);
}

TEST(ConvLSTM, ErrorsNameTheLayerAndTheArgument) {
  expect_error<ValueError>([] { ConvLSTM2D(0, 3); }, {"filters", "0"});
  expect_error<ValueError>([] { ConvLSTM2D(2, {3, 0}); }, {"kernel_size", "(3, 0)"});
  expect_error<ValueError>([] { ConvLSTM1D(2, 3, {.strides = 2, .dilation_rate = 2}); }, {"strides", "dilation_rate"});
  expect_error<ValueError>([] { ConvLSTM1D(2, 3, {.padding = "causal"}); }, {"padding", "causal"});
  expect_error<ValueError>([] { ConvLSTM2D(2, 3, {.data_format = "channels_middle"}); },
                           {"data_format", "channels_middle"});
  ConvLSTM2D layer(2, 3, {.name = "clstm"});
  expect_error<ValueError>([&] { layer(testing::random_tensor({2, 3, 5, 2}, 1)); }, {"clstm", "ndim=5", "ndim=4"});
  expect_error<ValueError>([&] { layer(testing::random_tensor({2, 3, 2, 2, 1}, 1)); }, {"clstm", "negative or zero"});
  ConvLSTM2D built(2, 3, {.name = "built"});
  built(testing::random_tensor({2, 3, 5, 5, 2}, 1));
  expect_error<ValueError>([&] { built(testing::random_tensor({2, 3, 5, 5, 3}, 1)); }, {"built", "axis -1", "2"});
  expect_error<ValueError>(
      [&] {
        built({testing::random_tensor({2, 3, 5, 5, 2}, 1)},
              CallContext{.initial_state = {Tensor::zeros({2, 3, 3, 2})}});
      },
      {"built", "initial_state", "2 state"});
  expect_error<ValueError>(
      [&] {
        built({testing::random_tensor({2, 3, 5, 5, 2}, 1)},
              CallContext{.initial_state = {Tensor::zeros({2, 3, 3, 2}), Tensor::zeros({2, 2, 2, 2})}});
      },
      {"built", "(2, 2, 2, 2)", "(2, 3, 3, 2)"});
  // Unknown spatial sizes cannot be built (the states' shape depends on them).
  auto x = Input(Shape{3, kNone, 5, 2});
  expect_error<ValueError>([&] { ConvLSTM2D(2, 3, {.name = "dyn"})(x); }, {"dyn", "static input shapes", "spatial"});
}

}  // namespace
}  // namespace keras::layers

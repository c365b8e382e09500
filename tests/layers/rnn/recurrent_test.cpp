// SimpleRNN, LSTM and GRU: finite-difference gradients for every cell, with and without
// masks, for sequences and last outputs; the fused oneDNN path against the per-step path;
// stateful carrying; initial states; configs and a training step; the errors users see.
// (Keras's numbers come from the reference cases in tests/saving/keras_cases_load_test.cpp.)
#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;

/// Every output of a call flattened into one tensor, so one gradient check covers all.
Tensor flat_outputs(const TensorList& out) {
  TensorList flat;
  for (const Tensor& t : out) flat.push_back(ops::reshape(t, Shape{-1}));
  return ops::concatenate(flat, 0);
}

/// A (batch, time) mask with right padding in row 0, left padding in row 1 and a hole in row 2.
Tensor padding_mask(int64_t batch, int64_t steps) {
  std::vector<uint8_t> m(static_cast<size_t>(batch * steps), 1);
  for (int64_t t = steps - 2; t < steps; ++t) m[static_cast<size_t>(t)] = 0;
  if (batch > 1) m[static_cast<size_t>(steps)] = 0;
  if (batch > 2) m[static_cast<size_t>(2 * steps + steps / 2)] = 0;
  Tensor t = Tensor::empty(Shape{batch, steps}, DType::bool_);
  std::copy(m.begin(), m.end(), static_cast<uint8_t*>(t.raw_data()));
  return t;
}

/// Checks the gradients of the layer's outputs with respect to the input, the initial
/// states and every weight against finite differences.
void check_rnn(RNN& layer, const Tensor& mask, bool with_initial_state, const std::string& what) {
  SCOPED_TRACE(what);
  Tensor x = testing::random_tensor({3, 5, 4}, 11);
  x.set_requires_grad(true);
  layer({x}, CallContext{});  // build
  TensorList inputs{x};
  const int n_states = layer.cell().num_states();
  if (with_initial_state)
    for (int i = 0; i < n_states; ++i) {
      Tensor s = testing::random_tensor({3, layer.cell().units()}, 20 + i, -0.5, 0.5);
      s.set_requires_grad(true);
      inputs.push_back(s);
    }
  const size_t first_weight = inputs.size();
  for (const auto& w : layer.trainable_weights()) inputs.push_back(w.value());
  testing::check_gradients(
      [&](const TensorList& in) {
        CallContext ctx;
        if (mask.defined()) ctx.masks = {mask};
        ctx.initial_state.assign(in.begin() + 1, in.begin() + static_cast<std::ptrdiff_t>(first_weight));
        return flat_outputs(layer({in[0]}, ctx));
      },
      inputs, 1e-3, 3e-3, 3e-2);
}

std::vector<std::pair<std::string, std::function<std::shared_ptr<RNN>(bool seq, bool backwards)>>> all_kinds() {
  return {
      {"SimpleRNN",
       [](bool s, bool b) { return std::make_shared<SimpleRNN>(3, SimpleRNNOptions{.return_sequences = s, .return_state = true, .go_backwards = b}); }},
      {"SimpleRNN relu",
       [](bool s, bool b) {
         return std::make_shared<SimpleRNN>(3, SimpleRNNOptions{.activation = "relu", .return_sequences = s, .go_backwards = b});
       }},
      {"LSTM", [](bool s, bool b) { return std::make_shared<LSTM>(3, LSTMOptions{.return_sequences = s, .return_state = true, .go_backwards = b}); }},
      {"LSTM hard_sigmoid",
       [](bool s, bool b) {
         return std::make_shared<LSTM>(3, LSTMOptions{.recurrent_activation = "hard_sigmoid", .return_sequences = s, .go_backwards = b});
       }},
      {"GRU", [](bool s, bool b) { return std::make_shared<GRU>(3, GRUOptions{.return_sequences = s, .return_state = true, .go_backwards = b}); }},
      {"GRU reset_before",
       [](bool s, bool b) { return std::make_shared<GRU>(3, GRUOptions{.return_sequences = s, .go_backwards = b, .reset_after = false}); }},
  };
}

TEST(Recurrent, GradientsEveryCellWithAndWithoutMasks) {
  utils::clear_session();
  for (const auto& [name, make] : all_kinds())
    for (bool seq : {true, false}) {
      const std::string what = name + (seq ? " sequences" : " last");
      auto plain = make(seq, false);
      check_rnn(*plain, Tensor(), true, what + ", unmasked, initial state");
      auto masked = make(seq, false);
      check_rnn(*masked, padding_mask(3, 5), false, what + ", masked");
      auto backwards = make(seq, true);
      check_rnn(*backwards, padding_mask(3, 5), true, what + ", masked, go_backwards, initial state");
    }
}

TEST(Recurrent, ZeroOutputForMask) {
  LSTM carry(2, {.return_sequences = true}), zeros(2, {.return_sequences = true, .zero_output_for_mask = true});
  const Tensor x = testing::random_tensor({3, 5, 4}, 3);
  carry({x}, CallContext{});
  zeros({x}, CallContext{});
  zeros.set_weights(carry.get_weights());
  const Tensor mask = padding_mask(3, 5);
  const Tensor a = carry({x}, CallContext{.masks = {mask}})[0], b = zeros({x}, CallContext{.masks = {mask}})[0];
  // Row 0 is padded at steps 3 and 4: the carried output repeats step 2, the other gives zeros.
  for (int64_t t : {3, 4})
    for (int64_t u = 0; u < 2; ++u) {
      EXPECT_FLOAT_EQ(a.at<float>({0, t, u}), a.at<float>({0, 2, u}));
      EXPECT_EQ(b.at<float>({0, t, u}), 0.f);
    }
  // Row 1 is padded at step 0: nothing to carry yet, so zeros either way; the state stays at zero.
  EXPECT_EQ(a.at<float>({1, 0, 0}), 0.f);
  check_rnn(zeros, mask, false, "zero_output_for_mask");
  // The sequence output keeps the mask; it reaches the next layer.
  EXPECT_TRUE(carry({x}, CallContext{.masks = {mask}})[0].keras_mask().defined());
}

TEST(Recurrent, FusedKernelAgreesWithStepByStep) {
  utils::clear_session();
  for (const auto& [name, make] : all_kinds())
    for (bool backwards : {false, true}) {
      SCOPED_TRACE(name + (backwards ? " go_backwards" : ""));
      auto fused = make(true, backwards), steps = make(true, backwards);
      if (fused->cell().fused() == FusedRecurrence::none) continue;  // hard_sigmoid, reset_before: per-step only
      Tensor x = testing::random_tensor({4, 7, 5}, 5);
      (*fused)({x}, CallContext{});
      (*steps)({x}, CallContext{});
      steps->set_weights(fused->get_weights());
      steps->set_use_fused_kernel(false);
      TensorList init;
      for (int i = 0; i < fused->cell().num_states(); ++i) init.push_back(testing::random_tensor({4, 3}, 30 + i));
      // Forward: every output; backward: the gradients of all of them.
      auto run = [&](RNN& layer) {
        Tensor xi = x.clone();
        xi.set_requires_grad(true);
        TensorList states;
        for (const auto& s : init) states.push_back(s.clone().set_requires_grad(true));
        TensorList sources{xi};
        sources.insert(sources.end(), states.begin(), states.end());
        for (const auto& w : layer.trainable_weights()) sources.push_back(w.value());
        autograd::GradientTape tape;
        for (auto& s : sources) tape.watch(s);
        const Tensor y = flat_outputs(layer({xi}, CallContext{.training = true, .masks = {}, .initial_state = states}));
        const Tensor w = testing::random_tensor(y.shape(), 77);
        TensorList out{y};
        for (const auto& g : tape.gradient(y, sources, w)) out.push_back(g);
        return out;
      };
      const TensorList a = run(*fused), b = run(*steps);
      ASSERT_EQ(a.size(), b.size());
      for (size_t i = 0; i < a.size(); ++i)
        testing::expect_allclose(a[i], b[i], 1e-5, 1e-4, i == 0 ? "outputs" : "gradient " + std::to_string(i - 1));
    }
}

TEST(Recurrent, StatefulTwoHalvesEqualOneWholePass) {
  for (int kind = 0; kind < 3; ++kind) {
    SCOPED_TRACE(kind);
    auto make = [&](bool stateful) -> std::shared_ptr<RNN> {
      if (kind == 0) return std::make_shared<SimpleRNN>(4, SimpleRNNOptions{.return_sequences = true, .stateful = stateful});
      if (kind == 1) return std::make_shared<LSTM>(4, LSTMOptions{.return_sequences = true, .stateful = stateful});
      return std::make_shared<GRU>(4, GRUOptions{.return_sequences = true, .stateful = stateful});
    };
    auto whole = make(false), halves = make(true);
    const Tensor x = testing::random_tensor({2, 8, 3}, 9);
    const Tensor full = (*whole)({x}, CallContext{})[0];
    (*halves)({ops::slice(x, {0, 0, 0}, {2, 4, 3})}, CallContext{});
    halves->set_weights(whole->get_weights());
    halves->reset_states();
    const Tensor first = (*halves)({ops::slice(x, {0, 0, 0}, {2, 4, 3})}, CallContext{})[0];
    const Tensor second = (*halves)({ops::slice(x, {0, 4, 0}, {2, 4, 3})}, CallContext{})[0];
    testing::expect_allclose(ops::concatenate({first, second}, 1), full, 1e-6, 1e-5, "two halves");
    // reset_states starts over: the second half alone is not the continuation.
    halves->reset_states();
    const Tensor fresh = (*halves)({ops::slice(x, {0, 4, 0}, {2, 4, 3})}, CallContext{})[0];
    EXPECT_GT(ops::max(ops::abs(fresh - second)).item<double>(), 1e-4);
    expect_error<ValueError>([&] { (*halves)({testing::random_tensor({3, 4, 3}, 1)}, CallContext{}); },
                 {"stateful", "batches of 2", "batch of 3", "reset_states"});
  }
}

TEST(Recurrent, ShapesOfEveryReturnMode) {
  const Tensor x = testing::random_tensor({2, 6, 3}, 1);
  EXPECT_EQ(LSTM(5)(x).shape(), Shape({2, 5}));
  EXPECT_EQ(LSTM(5, {.return_sequences = true})(x).shape(), Shape({2, 6, 5}));
  LSTM both(5, {.return_sequences = true, .return_state = true});
  const TensorList out = both({x}, CallContext{});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[1].shape(), Shape({2, 5}));
  // The last step of the sequence is the final h.
  testing::expect_allclose(ops::squeeze(ops::slice(out[0], {0, 5, 0}, {2, 1, 5}), 1), out[1], 0, 0, "h");
  EXPECT_EQ(GRU(4, {.return_state = true}).compute_output_shape({Shape{kNone, 6, 3}}).size(), 2u);
  EXPECT_EQ(SimpleRNN(4).compute_output_shape({Shape{kNone, kNone, 3}})[0], Shape({kNone, 4}));
  // Weights as Keras names and shapes them.
  GRU gru(4);
  gru(x);
  ASSERT_EQ(gru.weights().size(), 3u);
  EXPECT_EQ(gru.weights()[0].path(), "gru_cell/kernel");
  EXPECT_EQ(gru.weights()[2].shape(), Shape({2, 12}));
  GRU before(4, {.reset_after = false});
  before(x);
  EXPECT_EQ(before.weights()[2].shape(), Shape({12}));
  LSTM lstm(2);
  lstm(x);
  // unit_forget_bias: the forget gate's bias starts at one.
  EXPECT_EQ(lstm.weights()[2].value().to_vector<float>(), (std::vector<float>{0, 0, 1, 1, 0, 0, 0, 0}));
}

TEST(Recurrent, LayerTests) {
  testing::run_layer_test([] { return SimpleRNN(3, {.return_sequences = true}); }, {2, 4, 3}, {2, 4, 3});
  testing::run_layer_test([] { return LSTM(3, {.go_backwards = true}); }, {2, 4, 3}, {2, 3});
  testing::run_layer_test([] { return GRU(3, {.reset_after = false}); }, {2, 4, 3}, {2, 3});
  testing::run_layer_test([] { return RNN(LSTMCell(3), {.return_sequences = true}); }, {2, 4, 3}, {2, 4, 3});
  // Dropout in training is random but finite; it changes outputs only in training.
  LSTM dropped(3, {.dropout = 0.5, .recurrent_dropout = 0.5, .seed = 4, .return_sequences = true});
  const Tensor x = testing::random_tensor({2, 5, 3}, 2);
  const Tensor a = dropped(x, false), b = dropped(x, true);
  testing::expect_allclose(dropped(x, false), a, 0, 0, "inference is deterministic");
  EXPECT_GT(ops::max(ops::abs(a - b)).item<double>(), 1e-4);
}

TEST(Recurrent, CellsRunOneStep) {
  LSTMCell cell(3);
  const Tensor x = testing::random_tensor({2, 4}, 1), h = Tensor::zeros({2, 3}), c = Tensor::zeros({2, 3});
  const TensorList out = cell({x, h, c});
  ASSERT_EQ(out.size(), 3u);
  testing::expect_allclose(out[0], out[1], 0, 0, "output is h");
  // One step of the cell is one step of the layer.
  RNN layer(std::make_shared<LSTMCell>(3));
  layer(ops::expand_dims(x, 1));
  layer.set_weights(cell.get_weights());
  testing::expect_allclose(layer(ops::expand_dims(x, 1)), out[0], 1e-6, 1e-6, "layer of one step");
}

TEST(Recurrent, ErrorsNameTheLayerAndShapes) {
  expect_error<ValueError>([] { LSTM(0); }, {"units", "0"});
  expect_error<ValueError>([] { GRU(3, {.dropout = 1.5}); }, {"dropout", "1.5"});
  LSTM lstm(3, {.name = "enc"});
  expect_error<ValueError>([&] { lstm(testing::random_tensor({2, 3}, 1)); }, {"enc", "ndim"});
  const Tensor x = testing::random_tensor({2, 5, 4}, 1);
  expect_error<ValueError>([&] { lstm({x}, CallContext{.training = false, .masks = {}, .initial_state = {Tensor::zeros({2, 3})}}); },
               {"enc", "initial_state", "1", "2 state"});
  expect_error<ValueError>([&] { lstm({x}, CallContext{.training = false, .masks = {}, .initial_state = {Tensor::zeros({2, 4}), Tensor::zeros({2, 3})}}); },
               {"enc", "(2, 4)", "(2, 3)"});
  expect_error<ValueError>([&] { lstm({x}, CallContext{.masks = {Tensor::ones({2, 4}, DType::bool_)}}); }, {"enc", "mask", "(2, 4)", "(2, 5)"});
  expect_error<ValueError>([&] { lstm(testing::random_tensor({2, 5, 6}, 1)); }, {"enc", "axis -1", "4"});
}

}  // namespace
}  // namespace keras::layers

// StackedRNNCells (keras/src/layers/rnn/stacked_rnn_cells.py) inside RNN: a stack of
// cells equals the same cells as stacked layers (masks included); states in cell order;
// gradients; stateful carrying; dropout per cell; configs with the cells' configs; saving
// under cell/cells/<snake_case(class)>[_n]; errors. (Keras's numbers: the stacked_cells_*
// reference cases.)
#include "test_utils.h"

namespace keras::layers {
namespace {

using testing::expect_error;

Tensor flat_outputs(const TensorList& out) {
  TensorList flat;
  for (const Tensor& t : out) flat.push_back(ops::reshape(t, Shape{-1}));
  return ops::concatenate(flat, 0);
}

Tensor step_mask(int64_t batch, int64_t steps) {
  Tensor m = Tensor::ones(Shape{batch, steps}, DType::bool_);
  auto* p = static_cast<uint8_t*>(m.raw_data());
  p[steps - 1] = 0;
  if (batch > 1) p[steps] = 0;
  if (batch > 2) p[2 * steps + steps / 2] = 0;
  return m;
}

std::vector<std::shared_ptr<RNNCell>> gru_lstm() {
  return {std::make_shared<GRUCell>(3), std::make_shared<LSTMCell>(4)};
}

TEST(StackedRNNCells, EqualsTheCellsAsStackedLayers) {
  for (bool backwards : {false, true}) {
    SCOPED_TRACE(backwards ? "go_backwards" : "forwards");
    RNN stacked(gru_lstm(), {.return_sequences = true, .return_state = true, .go_backwards = backwards});
    // go_backwards reverses the sequence once; the second layer then runs forwards on it.
    GRU first(3, {.return_sequences = true, .return_state = true, .go_backwards = backwards});
    LSTM second(4, {.return_sequences = true, .return_state = true});
    const Tensor x = testing::random_tensor({3, 5, 2}, 1);
    stacked({x}, CallContext{});
    first({x}, CallContext{});
    second({testing::random_tensor({3, 5, 3}, 2)}, CallContext{});
    const auto w = stacked.get_weights();
    first.set_weights({w[0], w[1], w[2]});
    second.set_weights({w[3], w[4], w[5]});
    for (bool masked : {false, true}) {
      CallContext ctx;
      if (masked) ctx.masks = {step_mask(3, 5)};
      const TensorList got = stacked({x}, ctx);
      const TensorList a = first({x}, ctx);
      CallContext ctx2 = ctx;
      if (masked && backwards) ctx2.masks = {ops::flip(ctx.masks[0], 1)};  // the first output is in processing order
      const TensorList b = second({a[0]}, ctx2);
      ASSERT_EQ(got.size(), 4u);
      const std::string what = masked ? "masked" : "unmasked";
      testing::expect_allclose(got[0], b[0], 1e-6, 1e-5, what + " sequence");
      testing::expect_allclose(got[1], a[1], 1e-6, 1e-5, what + " gru h");
      testing::expect_allclose(got[2], b[1], 1e-6, 1e-5, what + " lstm h");
      testing::expect_allclose(got[3], b[2], 1e-6, 1e-5, what + " lstm c");
    }
  }
}

TEST(StackedRNNCells, ShapesAndWeights) {
  RNN layer(StackedRNNCells({std::make_shared<SimpleRNNCell>(4), std::make_shared<LSTMCell>(3)}),
            {.return_state = true});
  const auto shapes = layer.compute_output_shape({Shape{kNone, 5, 2}});
  EXPECT_EQ(shapes, (std::vector<Shape>{Shape{kNone, 3}, Shape{kNone, 4}, Shape{kNone, 3}, Shape{kNone, 3}}));
  const TensorList out = layer({testing::random_tensor({2, 5, 2}, 1)}, CallContext{});
  ASSERT_EQ(out.size(), 4u);
  testing::expect_allclose(out[0], out[2], 0, 0, "output is the last cell's h");
  ASSERT_EQ(layer.weights().size(), 6u);
  EXPECT_EQ(layer.weights()[0].shape(), Shape({2, 4}));
  EXPECT_EQ(layer.weights()[3].shape(), Shape({4, 12}));  // built for the first cell's output
  EXPECT_EQ(layer.cell().num_states(), 3);
  EXPECT_EQ(layer.cell().units(), 3);
  EXPECT_EQ(layer.cell().class_name(), "StackedRNNCells");
  // Called directly, the stack runs one step: {output, states...}.
  auto& cell = const_cast<RNNCell&>(layer.cell());
  const TensorList step =
      cell({testing::random_tensor({2, 2}, 3), Tensor::zeros({2, 4}), Tensor::zeros({2, 3}), Tensor::zeros({2, 3})});
  ASSERT_EQ(step.size(), 4u);
  EXPECT_EQ(step[0].shape(), Shape({2, 3}));
}

TEST(StackedRNNCells, LayerTests) {
  testing::run_layer_test([] { return RNN(gru_lstm()); }, {2, 4, 3}, {2, 4});
  testing::run_layer_test(
      [] {
        return RNN(StackedRNNCells({std::make_shared<SimpleRNNCell>(3), std::make_shared<GRUCell>(2)}),
                   {.return_sequences = true, .go_backwards = true});
      },
      {2, 4, 3}, {2, 4, 2});
}

TEST(StackedRNNCells, GradientsWithMasksAndInitialStates) {
  for (bool seq : {true, false}) {
    SCOPED_TRACE(seq ? "sequences" : "last");
    RNN layer(gru_lstm(), {.return_sequences = seq, .return_state = true});
    Tensor x = testing::random_tensor({3, 5, 2}, 11);
    x.set_requires_grad(true);
    layer({x}, CallContext{});
    TensorList inputs{x};
    const std::vector<int64_t> widths{3, 4, 4};
    for (size_t i = 0; i < widths.size(); ++i) {
      Tensor s = testing::random_tensor({3, widths[i]}, 20 + i, -0.5, 0.5);
      s.set_requires_grad(true);
      inputs.push_back(s);
    }
    for (const auto& w : layer.trainable_weights()) inputs.push_back(w.value());
    const Tensor mask = step_mask(3, 5);
    testing::check_gradients(
        [&](const TensorList& in) {
          return flat_outputs(
              layer({in[0]}, CallContext{.training = false, .masks = {mask}, .initial_state = {in[1], in[2], in[3]}}));
        },
        inputs, 1e-3, 3e-3, 3e-2);
  }
}

TEST(StackedRNNCells, StatefulAndDropout) {
  RNN whole(gru_lstm(), {.return_sequences = true});
  RNN halves(gru_lstm(), {.return_sequences = true, .stateful = true});
  const Tensor x = testing::random_tensor({2, 6, 2}, 9);
  const Tensor full = whole(x);
  halves(ops::slice(x, {0, 0, 0}, {2, 3, 2}));
  halves.set_weights(whole.get_weights());
  halves.reset_states();
  const Tensor a = halves(ops::slice(x, {0, 0, 0}, {2, 3, 2})), b = halves(ops::slice(x, {0, 3, 0}, {2, 3, 2}));
  testing::expect_allclose(ops::concatenate({a, b}, 1), full, 1e-6, 1e-5, "two halves");
  EXPECT_EQ(halves.states().size(), 3u);
  // Each cell draws its own masks; only in training.
  RNN dropped({std::make_shared<GRUCell>(3, GRUOptions{.dropout = 0.5, .seed = 1}),
               std::make_shared<LSTMCell>(4, LSTMOptions{.recurrent_dropout = 0.5, .seed = 2})},
              {.return_sequences = true});
  const Tensor y = dropped(x, false);
  testing::expect_allclose(dropped(x, false), y, 0, 0, "inference is deterministic");
  EXPECT_GT(ops::max(ops::abs(dropped(x, true) - y)).item<double>(), 1e-4);
}

TEST(StackedRNNCells, ConfigHoldsTheCellsConfigs) {
  RNN layer({std::make_shared<GRUCell>(3, GRUOptions{.reset_after = false}), std::make_shared<LSTMCell>(4)},
            {.return_sequences = true, .name = "stack"});
  layer(testing::random_tensor({2, 3, 2}, 1));
  const Config c = serialize(layer);
  const Config& cell = c["config"]["cell"];
  EXPECT_EQ(cell["class_name"], "StackedRNNCells");
  EXPECT_EQ(cell["build_config"]["input_shape"].dump(), "[null,2]");
  const Config& cells = cell["config"]["cells"];
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[0]["class_name"], "GRUCell");
  EXPECT_EQ(cells[0]["config"]["reset_after"], false);
  EXPECT_EQ(cells[1]["config"]["units"], 4);
  EXPECT_EQ(cells[1]["build_config"]["input_shape"].dump(), "[null,3]");  // the GRU cell's output
  auto copy = deserialize(c);
  const auto& back = dynamic_cast<const RNN&>(*copy);
  EXPECT_EQ(back.cell().num_states(), 3);
  EXPECT_EQ(serialize(back).dump(), c.dump());
}

TEST(StackedRNNCells, SavesUnderCellsByClass) {
  auto x = Input(Shape{4, 2});
  auto y = RNN({std::make_shared<LSTMCell>(3), std::make_shared<LSTMCell>(2), std::make_shared<GRUCell>(2)})(x);
  Model m(x, y);
  const Tensor in = testing::random_tensor({2, 4, 2}, 3);
  const Tensor want = m.predict(in, {.batch_size = 32, .verbose = 0, .callbacks = {}});
  for (const std::string file : {"stacked.keras", "stacked.h5"}) {
    SCOPED_TRACE(file);
    const std::string path = testing::temp_dir() + "/" + file;
    m.save(path);
    auto loaded = saving::load_model(path);
    EXPECT_EQ(loaded->predict(in, {.batch_size = 32, .verbose = 0, .callbacks = {}}).to_vector<float>(),
              want.to_vector<float>());
  }
}

TEST(StackedRNNCells, Errors) {
  expect_error<ValueError>([] { StackedRNNCells({}); }, {"at least one cell"});
  expect_error<ValueError>([] { StackedRNNCells({std::make_shared<GRUCell>(2), nullptr}); }, {"cell 1", "null"});
  RNN layer(gru_lstm(), {.name = "stack"});
  const Tensor x = testing::random_tensor({2, 3, 2}, 1);
  expect_error<ValueError>(
      [&] {
        layer({x}, CallContext{.initial_state = {Tensor::zeros({2, 3})}});
      },
      {"stack", "initial_state", "3 state"});
  expect_error<ValueError>(
      [&] {
        layer({x}, CallContext{.initial_state = {Tensor::zeros({2, 3}), Tensor::zeros({2, 3}), Tensor::zeros({2, 4})}});
      },
      {"stack", "(2, 3)", "(2, 4)"});
  expect_error<IOError>(
      [] {
        deserialize(Config::parse(
            R"({"class_name": "StackedRNNCells", "config": {"name": "s", "cells": [{"class_name": "Dense", "config": {"units": 2}}]}})"));
      },
      {"layer \"s\"", "recurrent cell"});
}

}  // namespace
}  // namespace keras::layers

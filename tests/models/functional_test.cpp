#include "test_utils.h"

namespace keras::models {
namespace {

using namespace layers;
using testing::expect_error;

Model two_in_two_out() {
  auto features = Input({8}, {.batch_size = {}, .dtype = DType::float32, .name = "features"});
  auto extra = Input({4}, {.batch_size = {}, .dtype = DType::float32, .name = "extra"});
  auto h1 = Dense(16, "relu")(features);
  auto h2 = Dense(8, "tanh")(extra);
  auto joined = Concatenate()({h1, h2});
  auto h = Dense(12, "relu")(joined);
  auto cls = Dense(3, "softmax", {.name = "cls"})(h);
  auto reg = Dense(1, {.name = "reg"})(h);
  return Model({features, extra}, {cls, reg});
}

TEST(Functional, KerasCasesWithMergeLayers) {
  utils::clear_session();
  {
    Model m = two_in_two_out();
    const auto c = testing::load_case("model_two_in_two_out");
    testing::set_case_weights(m, c);
    const TensorList out = m.predict(c.inputs, {.batch_size = 32, .verbose = 0, .callbacks = {}});
    ASSERT_EQ(out.size(), 2u);
    testing::expect_allclose(out[0], c.outputs[0], c.atol, c.rtol, "cls");
    testing::expect_allclose(out[1], c.outputs[1], c.atol, c.rtol, "reg");
    EXPECT_EQ(m.output_names(), (std::vector<std::string>{"cls", "reg"}));
  }
  {
    utils::clear_session();
    auto a = Input({2, 4}, {.batch_size = {}, .dtype = DType::float32, .name = "a"});
    auto b = Input({2, 4}, {.batch_size = {}, .dtype = DType::float32, .name = "b"});
    auto c = Input({2, 4}, {.batch_size = {}, .dtype = DType::float32, .name = "c"});
    auto out = Concatenate(1)({Subtract()({a, c}), Average()({b, c}), Maximum()({a, b, c}), Minimum()({a, b})});
    Model m({a, b, c}, out);
    const auto kc = testing::load_case("merge_rank3_mix");
    testing::set_case_weights(m, kc);  // also checks Keras's layer order: a, c, b, subtract, ...
    testing::expect_allclose(m.predict(kc.inputs, {.batch_size = 32, .verbose = 0, .callbacks = {}})[0], kc.outputs[0],
                             kc.atol, kc.rtol, "merge_rank3_mix");
  }
  {
    utils::clear_session();
    auto a = Input({4}, {.batch_size = {}, .dtype = DType::float32, .name = "a"});
    auto b = Input({6}, {.batch_size = {}, .dtype = DType::float32, .name = "b"});
    auto d1 = Dense(5, "tanh")(a);
    auto d2 = Dense(5)(b);
    auto out = Dense(3)(Concatenate()({Add()({d1, d2}), Multiply()({d1, d2})}));
    Model m({a, b}, out);
    const auto kc = testing::load_case("merge_after_dense");
    testing::set_case_weights(m, kc);
    testing::expect_allclose(m.predict(kc.inputs, {.batch_size = 32, .verbose = 0, .callbacks = {}})[0], kc.outputs[0],
                             kc.atol, kc.rtol, "merge_after_dense");
  }
  struct Simple { const char* name; std::function<LayerHandle()> make; int inputs; };
  const std::vector<Simple> simple = {
      {"add_two", [] { return LayerHandle(Add()); }, 2},          {"add_three", [] { return LayerHandle(Add()); }, 3},
      {"average_three", [] { return LayerHandle(Average()); }, 3}, {"maximum_two", [] { return LayerHandle(Maximum()); }, 2},
      {"minimum_three", [] { return LayerHandle(Minimum()); }, 3}, {"multiply_two", [] { return LayerHandle(Multiply()); }, 2},
      {"subtract_two", [] { return LayerHandle(Subtract()); }, 2}, {"concat_last", [] { return LayerHandle(Concatenate()); }, 2},
      {"concat_axis1", [] { return LayerHandle(Concatenate(1)); }, 2},
  };
  for (const auto& s : simple) {
    SCOPED_TRACE(s.name);
    const auto kc = testing::load_case(s.name);
    KerasTensors ins;
    for (int i = 0; i < s.inputs; ++i) ins.push_back(Input(kc.inputs[static_cast<size_t>(i)].shape().slice(1)));
    Model m(ins, s.make()(ins));
    testing::expect_allclose(m.predict(kc.inputs, {.batch_size = 32, .verbose = 0, .callbacks = {}})[0], kc.outputs[0],
                             kc.atol, kc.rtol, s.name);
  }
}

TEST(Functional, SummaryWithConnections) {
  utils::clear_session();
  Model m = two_in_two_out();
  const std::string s = m.summary_string();
  EXPECT_NE(s.find("┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃"), std::string::npos) << s;
  EXPECT_NE(s.find("│ features            │ (None, 8)         │          0 │ -                 │\n"
                   "│ (InputLayer)        │                   │            │                   │"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("dense[0][0],"), std::string::npos) << s;
  EXPECT_NE(s.find("dense_1[0][0]"), std::string::npos) << s;
  EXPECT_NE(s.find(" Total params: 536 (2.09 KB)"), std::string::npos) << s;  // 144+40+300+39+13
  // A chain prints like a Sequential, InputLayer included.
  auto x = Input({3});
  Model chain(x, Dense(2)(Dense(4)(x)));
  EXPECT_NE(chain.summary_string().find("┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃"),
            std::string::npos);
  EXPECT_NE(chain.summary_string().find("(InputLayer)"), std::string::npos);
}

TEST(Functional, MultiOutputTraining) {
  utils::set_random_seed(3);
  Model m = two_in_two_out();
  m.compile(CompileOptions{.optimizer = "adam",
                           .loss = {},
                           .losses = {"sparse_categorical_crossentropy", "mse"},
                           .loss_weights = {1.0, 0.5},
                           .metrics = {"accuracy"},
                           .output_metrics = {}});
  TensorList x{testing::random_tensor({64, 8}, 1), testing::random_tensor({64, 4}, 2)};
  std::vector<int64_t> labels(64);
  for (int i = 0; i < 64; ++i) labels[static_cast<size_t>(i)] = i % 3;
  TensorList y{Tensor::from_vector(labels), ops::sum(x[1], {1}, true)};
  auto h = m.fit(x, y, {.batch_size = 16, .epochs = 3, .verbose = 0, .validation_split = 0.25});
  for (const char* k : {"loss", "cls_loss", "reg_loss", "cls_accuracy", "reg_accuracy", "val_loss", "val_cls_loss"})
    EXPECT_TRUE(h.history.count(k)) << k;
  EXPECT_LT(h.history.at("loss")[2], h.history.at("loss")[0]);
  // The total is the weighted sum of the per-output losses.
  const auto logs = m.evaluate(x, y, {.batch_size = 64, .verbose = 0, .callbacks = {}});
  EXPECT_NEAR(logs.at("loss"), logs.at("cls_loss") + 0.5 * logs.at("reg_loss"), 1e-5);
  expect_error<ValueError>([&] { m.fit(x, TensorList{y[0]}); }, {"2 output(s)", "1 target"});
  expect_error<ValueError>([&] { m.predict(x[0]); }, {"expects 2 input(s)", "received 1"});
}

TEST(Functional, GraphsFreeTheirLayersEvenWhenALayerIsAppliedToItsOwnOutput) {
  // y = d(d(x)) is legal Keras; the graph must not keep itself alive (found by fuzzing a
  // config whose InputLayer was called on its own output).
  std::weak_ptr<Layer> dense_alive, input_alive;
  {
    auto x = Input({3});
    input_alive = x.layer;
    LayerHandle d = Dense(3, {.name = "twice"});
    dense_alive = d.ptr();
    auto y = d(d(x));
    Model m(x, y);
    EXPECT_EQ(m.layers().size(), 2u);
    const Tensor in = testing::random_tensor({2, 3}, 3);
    testing::expect_allclose(m.predict(in, {.batch_size = 32, .verbose = 0, .callbacks = {}}), d(d(in)), 1e-6, 1e-6,
                             "d(d(x))");
    EXPECT_NE(m.summary_string().find("twice[0][0]"), std::string::npos);
  }
  EXPECT_TRUE(dense_alive.expired());
  EXPECT_TRUE(input_alive.expired());

  // A call whose outputs were dropped leaves the layer's other calls and the model intact.
  auto x = Input({3});
  LayerHandle d = Dense(2);
  { auto unused = d(Input({3})); }
  Model m(x, d(x));
  ASSERT_EQ(d->inbound_nodes().size(), 2u);
  EXPECT_EQ(d->inbound_nodes()[0], nullptr);
  EXPECT_NE(d->inbound_nodes()[1], nullptr);
  EXPECT_NE(m.summary_string().find("(None, 2)"), std::string::npos);
}

TEST(Functional, SharedLayerAndNesting) {
  auto a = Input({3}), b = Input({3});
  LayerHandle shared = Dense(2, {.name = "shared"});
  auto out = Add()({shared(a), shared(b)});
  Model m({a, b}, out);
  EXPECT_EQ(m.count_params(), 3 * 2 + 2);  // one set of weights
  EXPECT_EQ(shared->inbound_nodes().size(), 2u);
  EXPECT_NE(m.summary_string().find("shared"), std::string::npos);
  const Tensor xa = testing::random_tensor({4, 3}, 1), xb = testing::random_tensor({4, 3}, 2);
  testing::expect_allclose(m.predict({xa, xb}, {.batch_size = 32, .verbose = 0, .callbacks = {}})[0],
                           shared(xa) + shared(xb), 1e-6, 1e-6, "shared");

  // A Sequential inside a functional model, and that model inside a Sequential.
  LayerHandle inner = Sequential({Dense(4, "relu"), Dense(2)});
  auto x = Input({5});
  Model mid(x, Dense(1)(inner(x)));
  LayerHandle mid_handle = std::move(mid);
  Sequential outer({Input({5}), mid_handle, Activation("sigmoid")});
  EXPECT_EQ(outer.count_params(), (5 * 4 + 4) + (4 * 2 + 2) + (2 + 1));
  const Tensor xs = testing::random_tensor({6, 5}, 3);
  EXPECT_EQ(outer.predict(xs, {.batch_size = 32, .verbose = 0, .callbacks = {}}).shape(), Shape({6, 1}));
  // Gradients flow through the nesting.
  testing::check_layer_gradients(outer, xs);
}

TEST(Functional, Errors) {
  auto a = Input({3});
  auto b = Input({3});
  auto y = Dense(2)(Add()({a, b}));
  expect_error<ValueError>([&] { Model m(a, y); }, {"Graph disconnected"});
  Dense named(2);
  expect_error<ValueError>([&] { named(a); }, {"not shared", "LayerHandle"});
  auto d = Dense(2, {.name = "twin"})(a);
  auto e = Dense(2, {.name = "twin"})(d);
  expect_error<ValueError>([&] { Model m(a, e); }, {"\"twin\"", "unique"});
  KerasTensor orphan{Shape{kNone, 3}, DType::float32, nullptr, 0, 0, nullptr};
  expect_error<ValueError>([&] { Dense(2)(orphan); }, {"no history"});
  expect_error<ValueError>([&] { Model m(d, e); }, {"keras::Input"});
}

}  // namespace
}  // namespace keras::models

// The training step's seam: an overridden train_step (Keras's guide "Customizing what
// happens in fit()"), and the distribution hook, simulated with two replicas as two
// threads of this process that all-reduce through shared memory.
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "test_utils.h"

namespace keras::models {
namespace {

using layers::Dense;

/// A small classifier; the same seed gives the same initial weights. The kernel
/// regularizer puts a weight penalty in the loss; `activity` adds an add_loss term too.
/// Data parallelism keeps the weight penalty (every replica adds it whole, the mean of
/// the gradients keeps it whole) but not an activity penalty: Keras 3 sums it over the
/// batch's rows, so each half adds about half of it.
Model make_classifier(uint64_t seed, bool activity = false) {
  utils::set_random_seed(seed);
  auto in = Input({6});
  const regularizers::Regularizer penalty = activity ? regularizers::Regularizer("l1") : regularizers::Regularizer();
  auto h = Dense(8, "tanh", {.kernel_regularizer = "l2", .activity_regularizer = penalty})(in);
  auto out = Dense(3, "softmax")(h);
  return Model(in, out);
}

/// 64 samples, 3 classes that depend on the inputs (so training has something to find).
std::pair<Tensor, Tensor> classification_data(int64_t n = 64) {
  Tensor x = testing::random_tensor({n, 6}, 11);
  const auto v = x.to_vector<float>();
  std::vector<int64_t> labels;
  for (int64_t i = 0; i < n; ++i) {
    const float s = v[static_cast<size_t>(i * 6)] + v[static_cast<size_t>(i * 6 + 1)];
    labels.push_back(s < -0.3f ? 0 : s < 0.3f ? 1 : 2);
  }
  return {x, Tensor::from_vector(labels)};
}

void expect_same_weights(const layers::Layer& a, const layers::Layer& b, double atol) {
  const auto wa = a.get_weights(), wb = b.get_weights();
  ASSERT_EQ(wa.size(), wb.size());
  for (size_t i = 0; i < wa.size(); ++i)
    testing::expect_allclose(wa[i], wb[i], atol, 0.0, "weight " + std::to_string(i));
}

TensorList values_of(const std::vector<Variable>& vars) {
  TensorList out;
  for (const auto& v : vars) out.push_back(v.value());
  return out;
}

// ---- (a) an overridden train_step

/// The guide's first example: the compiled loss, a tape, the optimizer, then every metric
/// updated by hand ("loss" with the loss value, the others with y and y_pred).
class GuideModel : public Model {
 public:
  using Model::Model;
  using Model::test_step;  // the forms with sample weights stay visible
  using Model::train_step;
  int steps = 0;

  Logs train_step(const TensorList& x, const TensorList& y) override {
    ++steps;
    const auto vars = trainable_weights();
    TensorList y_pred, grads;
    Tensor loss;
    {
      autograd::GradientTape tape;
      y_pred = (*this)(x, /*training=*/true);
      loss = compute_loss(x, y, y_pred);
      grads = tape.gradient(loss, values_of(vars));
    }
    optimizer()->apply_gradients(grads, vars);
    for (metrics::Metric* m : metrics()) {
      if (m->name() == "loss") static_cast<metrics::Mean*>(m)->update(loss.item<double>());
      else m->update_state(y[0], y_pred[0]);
    }
    return get_metrics_result();
  }
};

TEST(TrainStep, OverriddenTrainStepMatchesFit) {
  auto [x, y] = classification_data();
  Model plain = make_classifier(7, /*activity=*/true);
  const Model graph = make_classifier(7, /*activity=*/true);  // the same seed: the same initial weights
  GuideModel custom(graph.inputs(), graph.outputs());
  expect_same_weights(plain, custom, 0.0);
  for (Model* m : {&plain, static_cast<Model*>(&custom)})
    m->compile({.optimizer = optimizers::SGD({.learning_rate = 0.1}), .loss = "sparse_categorical_crossentropy",
                .metrics = {"accuracy"}});
  // The same seed again, so both fits shuffle the same way.
  utils::set_random_seed(3);
  auto h_plain = plain.fit(x, y, {.batch_size = 16, .epochs = 3, .verbose = 0});
  utils::set_random_seed(3);
  auto h_custom = custom.fit(x, y, {.batch_size = 16, .epochs = 3, .verbose = 0});

  EXPECT_EQ(custom.steps, 12);
  expect_same_weights(plain, custom, 1e-6);
  // Equal batches: the guide's unweighted loss mean equals fit's batch-size-weighted one.
  for (const char* k : {"loss", "accuracy"})
    for (size_t e = 0; e < 3; ++e) EXPECT_NEAR(h_custom.history.at(k)[e], h_plain.history.at(k)[e], 1e-6) << k << e;
  EXPECT_LT(h_plain.history.at("loss")[2], h_plain.history.at("loss")[0]);
  // The default test_step still serves evaluate.
  const Logs a = plain.evaluate(x, y, {.verbose = 0}), b = custom.evaluate(x, y, {.verbose = 0});
  EXPECT_NEAR(a.at("loss"), b.at("loss"), 1e-6);
}

/// The guide's second example: compiled with an optimizer only, the model keeps its own
/// trackers and lists them in metrics() so fit resets them at each epoch.
class OwnTrackersModel : public Model {
 public:
  using Model::Model;
  using Model::test_step;  // the forms with sample weights stay visible
  using Model::train_step;
  metrics::Mean loss_tracker{"loss"};
  metrics::MeanAbsoluteError mae_metric{"mae"};
  std::vector<double> batch_losses;  // this epoch's

  Logs train_step(const TensorList& x, const TensorList& y) override {
    const auto vars = trainable_weights();
    TensorList grads;
    Tensor loss, y_pred;
    {
      autograd::GradientTape tape;
      y_pred = (*this)(x, /*training=*/true)[0];
      loss = losses::mean_squared_error(y[0], y_pred);
      loss = ops::mean(loss);
      grads = tape.gradient(loss, values_of(vars));
    }
    optimizer()->apply_gradients(grads, vars);
    loss_tracker.update(loss.item<double>());
    mae_metric.update_state(y[0], y_pred);
    batch_losses.push_back(loss.item<double>());
    return {{"loss", loss_tracker.result()}, {"mae", mae_metric.result()}};
  }
  std::vector<metrics::Metric*> metrics() override { return {&loss_tracker, &mae_metric}; }
};

TEST(TrainStep, OwnMetricTrackersAreResetEachEpoch) {
  utils::set_random_seed(5);
  auto in = Input({4});
  OwnTrackersModel m(in, Dense(1)(in));
  m.compile(CompileOptions{.optimizer = "adam"});  // no loss: the train_step has its own
  Tensor x = testing::random_tensor({32, 4}, 2);
  Tensor y = ops::sum(x, {1}, true);

  struct EpochStart : callbacks::Callback {
    OwnTrackersModel* target = nullptr;
    void on_epoch_begin(int, const Logs&) override { target->batch_losses.clear(); }
  };
  auto clear = std::make_shared<EpochStart>();
  clear->target = &m;
  auto h = m.fit(x, y, {.batch_size = 8, .epochs = 2, .verbose = 0, .callbacks = {clear}, .shuffle = false});
  ASSERT_EQ(h.history.size(), 2u);
  ASSERT_TRUE(h.history.count("mae"));
  // Epoch 2's loss is the mean of epoch 2's batches only: the tracker was reset.
  ASSERT_EQ(m.batch_losses.size(), 4u);
  double mean = 0;
  for (double l : m.batch_losses) mean += l / 4;
  EXPECT_NEAR(h.history.at("loss")[1], mean, 1e-9);
  // Without a compiled loss, the default test_step has nothing to compute (Keras's error).
  try {
    m.evaluate(x, y, {.verbose = 0});
    FAIL() << "expected a ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("No loss to compute"), std::string::npos) << e.what();
  }
}

// ---- (b), (c) the distribution hook

/// Two "processes" as threads: each replica deposits its part, waits for the others, and
/// reads everyone's parts in rank order (so every replica computes bitwise the same sum).
/// A replica that fails breaks the rendezvous for all instead of leaving them waiting.
class FakeCluster {
 public:
  explicit FakeCluster(int n) : n_(n), grads_(static_cast<size_t>(n)), states_(static_cast<size_t>(n)) {}
  int size() const { return n_; }

  TensorList all_reduce_mean(int rank, const TensorList& g) {
    grads_[static_cast<size_t>(rank)] = g;
    rendezvous();
    TensorList out(g.size());
    for (size_t i = 0; i < g.size(); ++i) {
      if (!g[i].defined()) continue;
      Tensor sum = grads_[0][i];
      for (int r = 1; r < n_; ++r) sum = ops::add(sum, grads_[static_cast<size_t>(r)][i]);
      out[i] = sum * (1.0 / n_);
    }
    rendezvous();  // nobody deposits the next step's part before all have read this one
    return out;
  }

  void all_reduce_sum(int rank, std::span<double> v) {
    states_[static_cast<size_t>(rank)].assign(v.begin(), v.end());
    rendezvous();
    for (size_t i = 0; i < v.size(); ++i) {
      v[i] = 0;
      for (int r = 0; r < n_; ++r) v[i] += states_[static_cast<size_t>(r)].at(i);
    }
    rendezvous();
  }

  void fail() {
    std::lock_guard<std::mutex> lock(mutex_);
    broken_ = true;
    cv_.notify_all();
  }

 private:
  void rendezvous() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (broken_) throw RuntimeError("FakeCluster: another replica failed");
    const uint64_t generation = generation_;
    if (++arrived_ == n_) {
      arrived_ = 0;
      ++generation_;
      cv_.notify_all();
      return;
    }
    const auto done = [&] { return generation_ != generation || broken_; };
    if (!cv_.wait_for(lock, std::chrono::seconds(120), done)) broken_ = true;
    if (broken_) {
      cv_.notify_all();
      throw RuntimeError("FakeCluster: a replica failed or never arrived");
    }
  }

  int n_;
  std::vector<TensorList> grads_;
  std::vector<std::vector<double>> states_;
  std::mutex mutex_;
  std::condition_variable cv_;
  int arrived_ = 0;
  uint64_t generation_ = 0;
  bool broken_ = false;
};

/// One replica of the cluster: the default contiguous sharding, mean of gradients, sum of
/// metric states; counts how often each hook runs.
class FakeReplica : public distribution::Distribution {
 public:
  FakeReplica(FakeCluster& cluster, int rank) : cluster_(cluster), rank_(rank) {}
  int num_replicas() const override { return cluster_.size(); }
  int rank() const override { return rank_; }
  distribution::BatchShard shard_batch(int64_t batch_size) const override {
    ++shard_calls;
    auto s = Distribution::shard_batch(batch_size);
    shard_rows += s.size();
    return s;
  }
  void reduce_gradients(TensorList& grads) override {
    ++gradient_calls;
    grads = cluster_.all_reduce_mean(rank_, grads);
  }
  void reduce_metric_states(std::span<double> states) override {
    ++metric_calls;
    cluster_.all_reduce_sum(rank_, states);
  }

  mutable int shard_calls = 0;
  mutable int64_t shard_rows = 0;
  int gradient_calls = 0, metric_calls = 0;

 private:
  FakeCluster& cluster_;
  int rank_;
};

/// Runs fn(rank) on one thread per replica; rethrows the first failure.
void run_replicas(FakeCluster& cluster, const std::function<void(int)>& fn) {
  std::vector<std::exception_ptr> errors(static_cast<size_t>(cluster.size()));
  std::vector<std::thread> threads;
  for (int r = 0; r < cluster.size(); ++r)
    threads.emplace_back([&, r] {
      try {
        fn(r);
      } catch (...) {
        errors[static_cast<size_t>(r)] = std::current_exception();
        cluster.fail();
      }
    });
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

void compile_sgd(Model& m) {
  m.compile({.optimizer = optimizers::SGD({.learning_rate = 0.1}), .loss = "sparse_categorical_crossentropy",
             .metrics = {"accuracy"}});
}

TEST(TrainStep, TwoReplicasTrainLikeOneProcess) {
  // Named tensors, not a structured binding: the replica lambdas capture them (clang 14
  // cannot capture structured bindings).
  const auto data = classification_data();
  const Tensor x = data.first, y = data.second;
  Model single = make_classifier(7);
  compile_sgd(single);
  // Shuffling draws from the global seed sequence, which two threads would share; the
  // replicas of a real cluster would each draw the same order.
  const FitOptions fit_options{.batch_size = 16, .epochs = 2, .verbose = 0, .shuffle = false};
  auto h_single = single.fit(x, y, fit_options);

  FakeCluster cluster(2);
  std::vector<std::unique_ptr<Model>> replicas;
  std::vector<std::shared_ptr<FakeReplica>> hooks;
  for (int r = 0; r < 2; ++r) {
    replicas.push_back(std::make_unique<Model>(make_classifier(7)));
    compile_sgd(*replicas.back());
    hooks.push_back(std::make_shared<FakeReplica>(cluster, r));
    replicas.back()->set_distribution(hooks.back());
  }
  std::vector<callbacks::History> histories(2);
  std::vector<Logs> evaluated(2);
  run_replicas(cluster, [&](int r) {
    Model& m = *replicas[static_cast<size_t>(r)];
    histories[static_cast<size_t>(r)] = m.fit(x, y, fit_options);
    evaluated[static_cast<size_t>(r)] = m.evaluate(x, y, {.batch_size = 16, .verbose = 0});
  });

  // Mean loss of 16 rows = mean of the two halves' means, so the averaged gradients are
  // the single process's: the same weights up to rounding, and bitwise equal replicas.
  for (int r = 0; r < 2; ++r) expect_same_weights(*replicas[static_cast<size_t>(r)], single, 1e-5);
  expect_same_weights(*replicas[0], *replicas[1], 0.0);
  // (c) the logs come from states summed over both replicas: the whole batch's numbers,
  // although each replica saw half of it.
  const Logs single_eval = single.evaluate(x, y, {.batch_size = 16, .verbose = 0});
  for (int r = 0; r < 2; ++r) {
    for (const char* k : {"loss", "accuracy"}) {
      for (size_t e = 0; e < 2; ++e)
        EXPECT_NEAR(histories[static_cast<size_t>(r)].history.at(k)[e], h_single.history.at(k)[e], 1e-5) << k << e;
      EXPECT_NEAR(evaluated[static_cast<size_t>(r)].at(k), single_eval.at(k), 1e-5) << k;
    }
  }
  // Hooks: 2 epochs x 4 steps of fit, then 4 of evaluate. One shard per batch (8 rows of
  // 16), one gradient reduction per train step, one metric reduction per step's logs.
  for (const auto& h : hooks) {
    EXPECT_EQ(h->shard_calls, 8 + 4);
    EXPECT_EQ(h->shard_rows, 12 * 8);
    EXPECT_EQ(h->gradient_calls, 8);
    EXPECT_EQ(h->metric_calls, 8 + 4);
  }
}

/// One replica of two whose partner's metric states are known: "it saw 10 samples, loss
/// 0 and all correct". Checks (c) by exact arithmetic, single-threaded.
class KnownPartner : public distribution::Distribution {
 public:
  int num_replicas() const override { return 2; }
  int rank() const override { return 0; }
  distribution::BatchShard shard_batch(int64_t batch_size) const override { return {0, batch_size}; }
  void reduce_gradients(TensorList&) override {}
  void reduce_metric_states(std::span<double> states) override {
    ++calls;
    // metrics(): the loss tracker (total, count), then accuracy (total, count).
    EXPECT_EQ(states.size(), 4u);
    if (states.size() != 4) return;
    const double partner[4] = {0.0, 10.0, 10.0, 10.0};
    for (size_t i = 0; i < 4; ++i) states[i] += partner[i];
  }
  int calls = 0;
};

TEST(TrainStep, MetricStatesReducedBeforeResultsAreRead) {
  auto [x, y] = classification_data(30);
  Model m = make_classifier(4);
  compile_sgd(m);
  const Logs local = m.evaluate(x, y, {.batch_size = 30, .verbose = 0});
  auto hook = std::make_shared<KnownPartner>();
  distribution::set_distribution(hook);  // the global one, which m has no override for
  Logs reduced;
  try {
    reduced = m.evaluate(x, y, {.batch_size = 30, .verbose = 0});
  } catch (...) {
    distribution::set_distribution(nullptr);
    throw;
  }
  EXPECT_EQ(hook->calls, 1);
  // Reading again sums again from the local states, never from an earlier sum.
  const Logs again = m.get_metrics_result();
  distribution::set_distribution(nullptr);
  EXPECT_EQ(distribution::distribution()->num_replicas(), 1);
  EXPECT_EQ(hook->calls, 2);

  EXPECT_NEAR(reduced.at("loss"), local.at("loss") * 30 / 40, 1e-6);
  EXPECT_NEAR(reduced.at("accuracy"), (local.at("accuracy") * 30 + 10) / 40, 1e-9);
  EXPECT_EQ(again, reduced);
  // The local states were put back: without the hook the model reads its own numbers.
  EXPECT_NEAR(m.get_metrics_result().at("loss"), local.at("loss"), 1e-12);
}

/// One process that records what the step hands it early and checks it against the
/// gradients reduce_gradients then gets.
class EarlyRecorder : public distribution::Distribution {
 public:
  int num_replicas() const override { return 1; }
  int rank() const override { return 0; }
  void gradient_ready(size_t index, const Tensor& grad) override { early.emplace_back(index, grad.clone()); }
  void reduce_gradients(TensorList& grads) override {
    ++steps;
    size_t defined = 0;
    for (const auto& g : grads) defined += g.defined();
    EXPECT_EQ(early.size(), defined);
    for (const auto& [i, g] : early) {
      ASSERT_LT(i, grads.size());
      testing::expect_allclose(g, grads[i], 0, 0, "gradient " + std::to_string(i));
    }
    early.clear();
  }
  void reduce_metric_states(std::span<double>) override {}
  std::vector<std::pair<size_t, Tensor>> early;
  int steps = 0;
};

TEST(TrainStep, GradientsReachTheHookAsTheyBecomeFinal) {
  auto [x, y] = classification_data(32);
  Model m = make_classifier(4);
  compile_sgd(m);
  auto hook = std::make_shared<EarlyRecorder>();
  m.set_distribution(hook);
  m.fit(x, y, {.batch_size = 16, .epochs = 1, .verbose = 0});
  EXPECT_EQ(hook->steps, 2);
}

TEST(TrainStep, ShardErrorsNameTheSizes) {
  auto [x, y] = classification_data(16);
  Model m = make_classifier(4);
  compile_sgd(m);
  FakeCluster cluster(2);
  m.set_distribution(std::make_shared<FakeReplica>(cluster, 0));
  // A batch of one row cannot be split over two replicas (the shard fails before any
  // collective call, so nothing waits for the partner).
  try {
    m.train_on_batch(x.slice(0, 1), y.slice(0, 1));
    FAIL() << "expected a ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("a batch of 1 rows cannot be split over 2 replicas"), std::string::npos)
        << e.what();
  }
  m.set_distribution(nullptr);
  EXPECT_EQ(m.distribution()->num_replicas(), 1);
}

TEST(TrainStep, PredictStepServesPredict) {
  struct Doubled : Model {
    using Model::Model;
    TensorList predict_step(const TensorList& x) override {
      TensorList out = Model::predict_step(x);
      for (auto& t : out) t = t * 2.0;
      return out;
    }
  };
  Model plain = make_classifier(4);
  Doubled doubled(plain.inputs(), plain.outputs());
  Tensor x = testing::random_tensor({5, 6}, 1);
  testing::expect_allclose(doubled.predict(x, {.batch_size = 2, .verbose = 0}),
                           plain.predict(x, {.batch_size = 2, .verbose = 0}) * 2.0, 1e-6, 0.0);
  testing::expect_allclose(doubled.predict_on_batch(x), plain.predict_on_batch(x) * 2.0, 1e-6, 0.0);
}

}  // namespace
}  // namespace keras::models

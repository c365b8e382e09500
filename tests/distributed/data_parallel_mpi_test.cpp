// DataParallel on real MPI processes: run by ctest under `mpirun -np 2` and `-np 3
// --oversubscribe` (tests/distributed/CMakeLists.txt). Every process runs every test, and
// each test is collective: the same calls in the same order on every rank. Each compares
// a model trained data-parallel with the same model trained in this process alone on the
// whole global batch (Model::set_distribution(SingleProcess)): the same weights within
// float32 rounding.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "keras/keras.h"
#include "keras/saving/saving.h"

using namespace keras;
using namespace keras::layers;
using keras::models::Model;

namespace {

distribution::DataParallel& data_parallel() {
  static auto dp = [] {
    auto d = std::make_shared<distribution::DataParallel>(distribution::DataParallelOptions{.bucket_bytes = 2048});
    distribution::set_distribution(d);
    return d;
  }();
  return *dp;
}

int ranks() { return data_parallel().num_replicas(); }
int my_rank() { return data_parallel().rank(); }

/// A small CNN: convolution, batch of images, two dense layers (several gradients of
/// different sizes, so that several buckets are filled during backward).
Model make_cnn(uint64_t seed, bool batch_norm = false, bool synchronized = false) {
  utils::set_random_seed(seed);
  auto in = Input({8, 8, 1});
  auto h = Conv2D(4, {3, 3}, {.activation = "relu"})(in);
  if (batch_norm) h = BatchNormalization({.synchronized = synchronized})(h);
  h = Flatten()(h);
  h = Dense(16, "tanh")(h);
  auto out = Dense(3, "softmax")(h);
  return Model(in, out);
}

/// 60 images of 8x8 whose class depends on their pixels; the same on every rank.
std::pair<Tensor, Tensor> image_data(int64_t n = 60) {
  utils::set_random_seed(5);
  Tensor x = random::uniform({n, 8, 8, 1}, -1.0, 1.0, uint64_t{5});
  const auto v = x.to_vector<float>();
  std::vector<int64_t> labels;
  for (int64_t i = 0; i < n; ++i) {
    const float s = v[static_cast<size_t>(i * 64)] + v[static_cast<size_t>(i * 64 + 9)];
    labels.push_back(s < -0.3f ? 0 : s < 0.3f ? 1 : 2);
  }
  return {x, Tensor::from_vector(labels)};
}

void expect_same_weights(const Model& a, const Model& b, double atol) {
  const auto wa = a.get_weights(), wb = b.get_weights();
  ASSERT_EQ(wa.size(), wb.size());
  for (size_t i = 0; i < wa.size(); ++i) {
    const auto va = wa[i].astype(DType::float32).to_vector<float>();
    const auto vb = wb[i].astype(DType::float32).to_vector<float>();
    ASSERT_EQ(va.size(), vb.size());
    double worst = 0;
    for (size_t k = 0; k < va.size(); ++k) worst = std::max(worst, std::abs(double(va[k]) - double(vb[k])));
    EXPECT_LE(worst, atol) << "weight " << i << " on rank " << my_rank() << " of " << ranks();
  }
}

/// Trains `make()` on one process and data-parallel, with the same shuffles; returns both.
struct Pair {
  std::unique_ptr<Model> alone, parallel;
  callbacks::History h_alone, h_parallel;
};

Pair train_both(const std::function<Model()>& make, const std::function<void(Model&)>& compile,
                const models::FitOptions& options, const std::function<Model()>& make_alone = {}) {
  const auto [x, y] = image_data();
  Pair p;
  p.alone = std::make_unique<Model>(make_alone ? make_alone() : make());
  p.alone->set_distribution(std::make_shared<distribution::SingleProcess>());
  compile(*p.alone);
  utils::set_random_seed(77);  // the same shuffles for both
  p.h_alone = p.alone->fit(x, y, options);
  p.parallel = std::make_unique<Model>(make());
  compile(*p.parallel);
  utils::set_random_seed(77);
  p.h_parallel = p.parallel->fit(x, y, options);
  return p;
}

TEST(DataParallelMpi, SgdTrainsLikeOneProcessOnTheGlobalBatch) {
  ASSERT_GT(ranks(), 1) << "run under mpirun -np 2 or more";
  const auto before = data_parallel().stats();
  Pair p = train_both([] { return make_cnn(3); },
                      [](Model& m) {
                        m.compile({.optimizer = optimizers::SGD({.learning_rate = 0.2, .momentum = 0.5}),
                                   .loss = "sparse_categorical_crossentropy",
                                   .metrics = {"accuracy"}});
                      },
                      {.batch_size = 12, .epochs = 3, .verbose = 0});
  expect_same_weights(*p.alone, *p.parallel, 2e-6);
  // The logs are the global batch's: the same losses and accuracies as alone.
  for (const char* k : {"loss", "accuracy"})
    for (size_t e = 0; e < 3; ++e)
      EXPECT_NEAR(p.h_parallel.history.at(k)[e], p.h_alone.history.at(k)[e], 2e-6) << k << " epoch " << e;
  EXPECT_LT(p.h_alone.history.at("loss")[2], p.h_alone.history.at("loss")[0]);
  // Every step reduced the whole gradient (its size in float32 bytes), in several buckets
  // of which most started while backward was still running.
  const auto after = data_parallel().stats();
  int64_t grad_bytes = 0;
  for (const auto& w : p.parallel->trainable_weights()) grad_bytes += w.shape().num_elements() * 4;
  EXPECT_EQ(after.steps - before.steps, 15);
  EXPECT_EQ(after.gradient_bytes - before.gradient_bytes, 15 * grad_bytes);
  EXPECT_GT(after.buckets - before.buckets, 15);
  EXPECT_GT(after.buckets_started_early - before.buckets_started_early, 0);
}

TEST(DataParallelMpi, AdamWithUnequalShardsTrainsLikeOneProcess) {
  // Batches of 10 over 3 processes are 3 + 3 + 4 rows (and the last batch of each epoch
  // over 2 is 5 + 5): each process's gradient is weighted by its share of the batch.
  Pair p = train_both([] { return make_cnn(4); },
                      [](Model& m) {
                        m.compile({.optimizer = optimizers::Adam({.learning_rate = 0.01}),
                                   .loss = "sparse_categorical_crossentropy",
                                   .metrics = {"accuracy"}});
                      },
                      {.batch_size = 10, .epochs = 2, .verbose = 0});
  expect_same_weights(*p.alone, *p.parallel, 5e-6);
  for (size_t e = 0; e < 2; ++e)
    EXPECT_NEAR(p.h_parallel.history.at("loss")[e], p.h_alone.history.at("loss")[e], 2e-6) << e;
}

TEST(DataParallelMpi, ProcessesStartFromRankZerosWeights) {
  // Each rank initialises differently (its own seed); fit starts them all from rank 0's.
  Pair p = train_both(
      [] { return make_cnn(20 + static_cast<uint64_t>(my_rank())); },
      [](Model& m) {
        m.compile({.optimizer = optimizers::SGD({.learning_rate = 0.1}), .loss = "sparse_categorical_crossentropy"});
      },
      {.batch_size = 12, .epochs = 1, .verbose = 0});
  // Alone, each rank trained its own initialisation; in parallel, rank 0's. So on rank 0
  // they agree, and every rank's parallel model equals rank 0's.
  if (my_rank() == 0) expect_same_weights(*p.alone, *p.parallel, 2e-6);
  for (const auto& w : p.parallel->get_weights()) {
    const Tensor flat = w.reshape({1, -1});
    const Tensor all = data_parallel().all_gather_rows(flat);
    ASSERT_EQ(all.dim(0), ranks());
    for (int r = 1; r < ranks(); ++r)
      EXPECT_EQ(all.slice(r, r + 1).to_vector<float>(), all.slice(0, 1).to_vector<float>()) << "rank " << r;
  }
}

TEST(DataParallelMpi, EvaluateAndPredictAreGlobalAndInOrder) {
  const auto [x, y] = image_data();
  Model alone = make_cnn(9);
  alone.set_distribution(std::make_shared<distribution::SingleProcess>());
  Model parallel = make_cnn(9);
  for (Model* m : {&alone, &parallel})
    m->compile({.optimizer = "sgd", .loss = "sparse_categorical_crossentropy", .metrics = {"accuracy"}});
  const callbacks::Logs a = alone.evaluate(x, y, {.batch_size = 16, .verbose = 0});
  const callbacks::Logs b = parallel.evaluate(x, y, {.batch_size = 16, .verbose = 0});
  for (const char* k : {"loss", "accuracy"}) EXPECT_NEAR(a.at(k), b.at(k), 1e-6) << k;
  // predict: each rank predicts its rows of each batch; the gathered rows are in order.
  const Tensor pa = alone.predict(x, {.batch_size = 16, .verbose = 0});
  const Tensor pb = parallel.predict(x, {.batch_size = 16, .verbose = 0});
  ASSERT_EQ(pb.shape(), pa.shape());
  const auto va = pa.to_vector<float>(), vb = pb.to_vector<float>();
  double worst = 0;
  for (size_t i = 0; i < va.size(); ++i) worst = std::max(worst, std::abs(double(va[i]) - double(vb[i])));
  EXPECT_LE(worst, 1e-6);
}

TEST(DataParallelMpi, RankZeroSavesAndEveryRankLoads) {
  Model m = make_cnn(11);
  m.compile({.optimizer = "adam", .loss = "sparse_categorical_crossentropy"});
  const auto [x, y] = image_data();
  m.fit(x, y, {.batch_size = 12, .epochs = 1, .verbose = 0});
  // One path for all (the processes share this machine's file system).
  const std::string path = (std::filesystem::temp_directory_path() / "keras_mpi_test_save.keras").string();
  m.save(path);  // collective: returns once rank 0 has written it
  auto loaded = models::load_model(path);
  expect_same_weights(m, *loaded, 0.0);
  data_parallel().barrier();  // everyone has read it
  if (my_rank() == 0) std::filesystem::remove(path);
}

TEST(DataParallelMpi, SynchronizedBatchNormalizationUsesTheGlobalBatch) {
  // With synchronized=True the batch statistics are the global batch's: the same
  // weights and moving statistics as one process. Without it, each process normalises
  // by its own rows' statistics (Keras's default), which is a different computation.
  Pair p = train_both(
      [] { return make_cnn(13, /*batch_norm=*/true, /*synchronized=*/true); },
      [](Model& m) {
        m.compile({.optimizer = optimizers::SGD({.learning_rate = 0.1}), .loss = "sparse_categorical_crossentropy"});
      },
      {.batch_size = 12, .epochs = 2, .verbose = 0},
      // Alone (the layers see the global distribution, not the model's):
      // one process's statistics are the whole batch's anyway.
      [] { return make_cnn(13, /*batch_norm=*/true, /*synchronized=*/false); });
  expect_same_weights(*p.alone, *p.parallel, 1e-5);

  Pair local = train_both(
      [] { return make_cnn(13, /*batch_norm=*/true, /*synchronized=*/false); },
      [](Model& m) {
        m.compile({.optimizer = optimizers::SGD({.learning_rate = 0.1}), .loss = "sparse_categorical_crossentropy"});
      },
      {.batch_size = 12, .epochs = 2, .verbose = 0});
  double worst = 0;
  const auto wa = local.alone->get_weights(), wb = local.parallel->get_weights();
  for (size_t i = 0; i < wa.size(); ++i) {
    const auto va = wa[i].to_vector<float>(), vb = wb[i].to_vector<float>();
    for (size_t k = 0; k < va.size(); ++k) worst = std::max(worst, std::abs(double(va[k]) - double(vb[k])));
  }
  EXPECT_GT(worst, 1e-4) << "per-replica statistics should differ from the global batch's";
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  data_parallel();  // joins the job before any test
  // Only rank 0 reports passes; every rank reports its failures.
  if (my_rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    struct FailuresOnly : ::testing::EmptyTestEventListener {
      void OnTestPartResult(const ::testing::TestPartResult& r) override {
        if (r.failed())
          std::fprintf(stderr, "[rank %d] %s:%d: %s\n", my_rank(), r.file_name() ? r.file_name() : "?", r.line_number(),
                       r.summary());
      }
    };
    listeners.Append(new FailuresOnly);
  }
  return RUN_ALL_TESTS();
}

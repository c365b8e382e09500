// Servers run one loaded model from many threads. Every reference case's model predicts
// from 4 threads at once, each thread many times, and must give exactly what it gives
// alone; recurrent models (cached oneDNN RNN primitives) first crashed from a second thread.
#include <atomic>
#include <filesystem>
#include <thread>

#include "keras/saving/saving.h"
#include "test_utils.h"

namespace keras {
namespace {

std::vector<std::string> case_names() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(testing::data_dir() + "/keras_cases"))
    if (e.is_directory() && std::filesystem::exists(e.path() / "model.keras"))
      out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

/// Whether two results are bit-identical (the same kernels on the same inputs).
bool same(const TensorList& a, const TensorList& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].shape() != b[i].shape() || a[i].to_vector<float>() != b[i].to_vector<float>()) return false;
  return true;
}

TEST(ConcurrentPredict, ARecurrentModelPredictsFromASecondThread) {
  auto model = saving::load_model(testing::data_dir() + "/keras_cases/lstm_last/model.keras");
  const auto c = testing::load_case("lstm_last");
  const TensorList first = model->predict(c.inputs, {.verbose = 0});
  TensorList second;
  std::thread([&] { second = model->predict(c.inputs, {.verbose = 0}); }).join();
  EXPECT_TRUE(same(first, second));
}

TEST(ConcurrentPredict, EveryReferenceModelFromFourThreadsAtOnce) {
  constexpr int kThreads = 4, kPredictions = 100;
  int models = 0;
  for (const std::string& name : case_names()) {
    SCOPED_TRACE(name);
    auto model = saving::load_model(testing::data_dir() + "/keras_cases/" + name + "/model.keras");
    const auto c = testing::load_case(name);
    const TensorList alone = model->predict_on_batch(c.inputs);
    std::atomic<int> mismatches{0}, errors{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&] {
        try {
          for (int i = 0; i < kPredictions; ++i)
            if (!same(model->predict_on_batch(c.inputs), alone)) ++mismatches;
        } catch (const std::exception&) {
          ++errors;
        }
      });
    for (auto& t : threads) t.join();
    EXPECT_EQ(mismatches.load(), 0);
    EXPECT_EQ(errors.load(), 0);
    ++models;
  }
  EXPECT_GT(models, 250);
}

}  // namespace
}  // namespace keras

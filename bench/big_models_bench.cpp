// One deep CNN from keras::applications in a fresh process (issue 16): what a user who
// deploys it waits for and pays in memory. bench/big_models.py runs it once per model and
// batch beside torchvision and prints the ratios. Prints "key value" lines:
//
//   build_ms       building the model (random weights)
//   first_ms       the first predict_on_batch (creates every oneDNN primitive)
//   steady_ms      the median of the next calls
//   peak_rss_mb    the process's peak resident memory (getrusage), everything included
//   peak_alloc_mb  the most bytes in tensors at once (config::get_memory_info)
//   cached_mb      what the allocator keeps for reuse at the end
//
// Usage: big_models_bench --model inceptionv3|resnet50|mobilenetv2 --batch N [--threads N]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "bench_utils.h"
#include "keras/applications/inception_v3.h"
#include "keras/applications/mobilenet_v2.h"
#include "keras/applications/resnet.h"

using namespace keras;

int main(int argc, char** argv) {
  bench::apply_thread_flag(argc, argv);
  const char* model_flag = bench::flag_value(argc, argv, "--model");
  const char* batch_flag = bench::flag_value(argc, argv, "--batch");
  const std::string name = model_flag ? model_flag : "inceptionv3";
  const int64_t batch = batch_flag ? std::atoll(batch_flag) : 1;
  const std::map<std::string, std::pair<std::function<std::shared_ptr<models::Model>()>, int64_t>> models{
      {"inceptionv3", {[] { return applications::InceptionV3(); }, 299}},
      {"resnet50", {[] { return applications::ResNet50(); }, 224}},
      {"mobilenetv2", {[] { return applications::MobileNetV2(); }, 224}}};
  const auto it = models.find(name);
  if (it == models.end() || batch < 1) {
    std::fprintf(stderr, "usage: big_models_bench --model inceptionv3|resnet50|mobilenetv2 --batch N\n");
    return 2;
  }
  using Clock = std::chrono::steady_clock;
  auto ms_since = [](Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); };
  utils::set_random_seed(0);
  const int64_t side = it->second.second;
  const Tensor x = random::uniform({batch, side, side, 3}, 0, 255);

  auto t = Clock::now();
  auto model = it->second.first();
  std::printf("build_ms %.3f\n", ms_since(t));
  config::reset_memory_stats();
  auto page_faults = [] {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_minflt + u.ru_majflt;
  };
  const long faults_before = page_faults();
  t = Clock::now();
  model->predict_on_batch(x);
  std::printf("first_ms %.3f\n", ms_since(t));
  std::printf("first_page_faults %ld\n", page_faults() - faults_before);
  std::printf("steady_ms %.3f\n", bench::median_ms([&] { model->predict_on_batch(x); }, 0, batch > 4 ? 3 : 10));
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak_rss_mb %.1f\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
  const auto memory = config::get_memory_info();
  std::printf("peak_alloc_mb %.1f\n", static_cast<double>(memory.peak) / (1 << 20));
  std::printf("cached_mb %.1f\n", static_cast<double>(memory.cached) / (1 << 20));
  return 0;
}

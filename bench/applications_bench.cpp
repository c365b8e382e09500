// keras.applications models at 224x224, timed in this library; bench/applications.py runs
// the same architectures from torchvision and prints the ratios. One "name milliseconds"
// line each, for each model M of --models (default resnet50 mobilenetv2 efficientnetb0
// densenet121):
//
//   M_predict_b1       predict_on_batch of one image (latency)
//   M_predict_b32      predict_on_batch of 32 images (throughput = 32 / time)
//   M_train_step_b16   train_on_batch of 16 images: forward, backward, SGD
//                      (sparse categorical cross-entropy on the 1000-way softmax)
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "bench_utils.h"
#include "keras/applications/densenet.h"
#include "keras/applications/efficientnet.h"
#include "keras/applications/mobilenet_v2.h"
#include "keras/applications/resnet.h"

using namespace keras;
using bench::median_ms;

int main(int argc, char** argv) {
  bench::apply_thread_flag(argc, argv);
  std::vector<std::string> models{"resnet50", "mobilenetv2", "efficientnetb0", "densenet121"};
  for (int i = 1; i + 1 < argc; ++i)
    if (!std::strcmp(argv[i], "--models")) {
      models.clear();
      for (int k = i + 1; k < argc && argv[k][0] != '-'; ++k) models.emplace_back(argv[k]);
    }
  const std::map<std::string, std::function<std::shared_ptr<models::Model>()>> builders{
      {"resnet50", [] { return applications::ResNet50(); }},
      {"mobilenetv2", [] { return applications::MobileNetV2(); }},
      {"efficientnetb0", [] { return applications::EfficientNetB0(); }},
      {"densenet121", [] { return applications::DenseNet121(); }}};
  utils::set_random_seed(0);
  std::printf("threads %d\n", config::num_threads());
  const Tensor x1 = random::uniform({1, 224, 224, 3}, 0, 255);
  const Tensor x16 = random::uniform({16, 224, 224, 3}, 0, 255);
  const Tensor x32 = random::uniform({32, 224, 224, 3}, 0, 255);
  const Tensor y16 = Tensor::zeros({16}, DType::int32);
  for (const auto& name : models) {
    auto model = builders.at(name)();
    model->compile(optimizers::SGD({.learning_rate = 0.01}), "sparse_categorical_crossentropy");
    std::printf("%s_predict_b1 %.3f\n", name.c_str(), median_ms([&] { model->predict_on_batch(x1); }, 2, 10));
    std::printf("%s_predict_b32 %.3f\n", name.c_str(), median_ms([&] { model->predict_on_batch(x32); }, 1, 3));
    std::printf("%s_train_step_b16 %.3f\n", name.c_str(), median_ms([&] { model->train_on_batch(x16, y16); }, 1, 3));
    std::fflush(stdout);
  }
  return 0;
}

// The CUDA backend end to end: every reference case predicted on the GPU, and a model
// that trains there as on the CPU. These run where a CUDA device is usable (the CUDA
// build on a GPU machine: scripts/gpu_check.sh) and are skipped elsewhere; the kernels'
// comparison with the reference, op by op, is BackendOps (backend_ops_test.cpp), which
// covers every registered backend. What runs everywhere: the error a program gets when
// it asks for a GPU that is not there.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "backend/backend.h"
#include "keras/saving/saving.h"
#include "test_utils.h"

namespace keras {
namespace {

bool gpu_usable() { return backend::has_backend(DeviceType::cuda); }

TEST(CudaDevice, WithoutAUsableGpuTheErrorSaysWhy) {
  if (gpu_usable()) GTEST_SKIP() << "a CUDA device is usable here";
  testing::expect_error<RuntimeError>([] { backend::backend_for(Device::cuda()); }, {"No backend for device cuda:0"});
  testing::expect_error<RuntimeError>([] { (void)Tensor::zeros({2}, DType::float32, Device::cuda()); }, {"cuda:0"});
  auto model = std::make_shared<models::Sequential>(std::vector<layers::LayerHandle>{Input({3}), layers::Dense(2)});
  testing::expect_error<RuntimeError>([&] { model->to(Device::cuda()); }, {"cuda:0"});
}

/// Every reference case whose layers exist, loaded, moved to the GPU and predicted there.
TEST(CudaDevice, EveryKerasCasePredictsOnTheGpuAsInKeras) {
  if (!gpu_usable()) GTEST_SKIP() << "no usable CUDA device";
  int checked = 0;
  for (const auto& e : std::filesystem::directory_iterator(testing::data_dir() + "/keras_cases")) {
    if (!e.is_directory()) continue;
    const std::string name = e.path().filename().string(), dir = e.path().string();
    std::ifstream meta_file(dir + "/meta.json");
    const auto meta = nlohmann::json::parse(meta_file);
    bool known = true;
    for (const auto& cls : meta.at("layers")) known = known && saving::is_known_layer_class(cls.get<std::string>());
    if (!known || !std::filesystem::exists(dir + "/model.keras")) continue;
    SCOPED_TRACE(name);
    const auto c = testing::load_case(name);
    try {
      auto model = saving::load_model(dir + "/model.keras");
      model->to(Device::cuda());
      const TensorList out = model->predict(c.inputs, {.batch_size = 32, .verbose = 0, .callbacks = {}});
      ASSERT_EQ(out.size(), c.outputs.size());
      // Other summation orders than the CPU's: a little more room than the CPU cases get.
      for (size_t i = 0; i < out.size(); ++i)
        testing::expect_allclose(out[i], c.outputs[i], std::max(c.atol, 1e-4), std::max(c.rtol, 1e-4),
                                 name + " output " + std::to_string(i));
      ++checked;
    } catch (const std::exception& err) {
      ADD_FAILURE() << name << ": " << err.what();
    }
  }
  std::printf("[ CudaDevice ] %d Keras cases predicted on the GPU\n", checked);
  EXPECT_GT(checked, 100);
}

std::shared_ptr<models::Sequential> seed_like_model() {
  using namespace layers;
  auto model = std::make_shared<models::Sequential>(
      std::vector<LayerHandle>{Input({8, 8, 1}), Conv2D(4, {3, 3}, {.activation = "relu"}), MaxPooling2D(),
                               BatchNormalization(), Flatten(), Dense(6, "relu"), Dense(3, "softmax")});
  model->compile(optimizers::Adam({.learning_rate = 0.01}), "sparse_categorical_crossentropy", {"accuracy"});
  return model;
}

TEST(CudaDevice, AModelTrainsOnTheGpuAsOnTheCpu) {
  if (!gpu_usable()) GTEST_SKIP() << "no usable CUDA device";
  const Tensor x = testing::random_tensor({32, 8, 8, 1}, 5);
  std::vector<float> labels;
  for (int i = 0; i < 32; ++i) labels.push_back(static_cast<float>(i % 3));
  const Tensor y = Tensor::from_vector<float>(labels, {32});
  const models::FitOptions fit{.batch_size = 8, .epochs = 3, .verbose = 0, .shuffle = false};

  utils::set_random_seed(3);
  auto cpu = seed_like_model();
  cpu->fit(x, y, fit);
  utils::set_random_seed(3);
  auto gpu = seed_like_model();
  gpu->to(Device::cuda());
  gpu->fit(x, y, fit);
  for (const auto& w : gpu->weights()) EXPECT_EQ(w.value().device(), Device::cuda()) << w.name();
  const auto cw = cpu->weights(), gw = gpu->weights();
  ASSERT_EQ(cw.size(), gw.size());
  for (size_t i = 0; i < cw.size(); ++i)
    testing::expect_allclose(gw[i].value().to(Device::cpu()), cw[i].value(), 1e-4, 1e-3, cw[i].name());
  testing::expect_allclose(gpu->predict(x, {.batch_size = 8, .verbose = 0}),
                           cpu->predict(x, {.batch_size = 8, .verbose = 0}), 1e-4, 1e-3, "predictions");
  // The allocator serves the second epoch's steps from blocks the first freed.
  const auto info = config::get_memory_info(Device::cuda());
  EXPECT_GT(info.peak, 0);
  EXPECT_GT(info.cached + info.current, 0);
}

}  // namespace
}  // namespace keras

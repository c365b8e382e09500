#include "keras/tensor/npy.h"

#include <filesystem>
#include <fstream>

#include "test_utils.h"

namespace keras {
namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("keras_npy_test_" + std::to_string(::getpid()) + "_" + name)).string();
}

TEST(Npy, RoundTripEveryDtype) {
  const std::string p = temp_path("rt.npy");
  const std::vector<Tensor> ts = {Tensor::from_vector<float>({1.5f, -2.f, 3.f, 4.f}, {2, 2}),
                                  Tensor::from_vector<int64_t>({7, -8, 9}), Tensor::from_vector<int32_t>({1, 2}, {1, 2}),
                                  Tensor::from_vector<uint8_t>({0, 255}), Tensor::scalar(3.0, DType::float64)};
  for (const auto& t : ts) {
    save_npy(p, t);
    Tensor back = load_npy(p);
    EXPECT_EQ(back.shape(), t.shape());
    EXPECT_EQ(back.dtype(), t.dtype());
    EXPECT_EQ(back.to_vector<double>(), t.to_vector<double>());
  }
  std::filesystem::remove(p);
}

TEST(Npy, ReadsNumpyWrittenFiles) {
  // A case input written by NumPy.
  Tensor x = load_npy(testing::data_dir() + "/keras_cases/model_mnist_cnn/input_0.npy");
  EXPECT_EQ(x.shape(), Shape({2, 28, 28, 1}));
  EXPECT_EQ(x.dtype(), DType::float32);
}

TEST(Npy, RejectsBadFiles) {
  const std::string p = temp_path("bad.npy");
  auto write = [&](const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; };
  write("not numpy at all");
  testing::expect_error<IOError>([&] { load_npy(p); }, {"not a .npy"});
  // A valid header promising more data than the file holds.
  save_npy(p, Tensor::ones({100}));
  std::filesystem::resize_file(p, 200);
  testing::expect_error<IOError>([&] { load_npy(p); }, {"truncated"});
  // An absurd shape must not allocate.
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (100000000000, 100000000000), }";
  header += std::string(118 - header.size(), ' ') + "\n";
  write(std::string("\x93NUMPY\x01\x00", 8) + std::string(1, static_cast<char>(header.size())) + std::string(1, '\0') + header);
  testing::expect_error<IOError>([&] { load_npy(p); }, {});
  testing::expect_error<IOError>([&] { load_npy(p + ".missing"); }, {"Cannot open"});
  std::filesystem::remove(p);
}

TEST(Npy, SaveIsAtomic) {
  const std::string p = temp_path("atomic.npy");
  save_npy(p, Tensor::ones({3}));
  // A save that fails halfway leaves the old file intact and no temporary behind.
  testing::expect_error<std::runtime_error>(
      [&] { utils::write_file_atomically(p, [](std::ostream& out) { out << "partial"; throw std::runtime_error("boom"); }); },
      {"boom"});
  EXPECT_EQ(load_npy(p).to_vector<float>(), (std::vector<float>{1, 1, 1}));
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(p).parent_path()))
    EXPECT_EQ(e.path().filename().string().find(".keras_npy_test_" + std::to_string(::getpid()) + "_atomic.npy.tmp"),
              std::string::npos);
  testing::expect_error<IOError>([&] { save_npy("/nonexistent_dir/x.npy", Tensor::ones({1})); }, {"does not exist"});
  std::filesystem::remove(p);
}

}  // namespace
}  // namespace keras

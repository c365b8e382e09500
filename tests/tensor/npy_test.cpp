#include "keras/tensor/npy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "keras/saving/saving.h"
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

TEST(Npy, ReadsEveryWidthByteOrderAndFortranOrderNumpyWrites) {
  // Files written by NumPy 1.24 (tests/data/npy_dtypes): each as np.save wrote it and as
  // np.asfortranarray of it. Types we lack load widened, as the values fit.
  const std::string dir = testing::data_dir() + "/npy_dtypes/";
  const std::vector<double> base{1, -2, 3, 4, 5, -6}, ubase{1, 2, 3, 4, 5, 250};
  auto times = [](std::vector<double> v, double k) {
    for (double& x : v) x *= k;
    return v;
  };
  const std::vector<std::tuple<std::string, DType, std::vector<double>>> cases = {
      {"int8", DType::int32, base},
      {"int16_be", DType::int32, base},
      {"uint16", DType::int32, times(ubase, 200)},
      {"uint32_be", DType::int64, times(ubase, 100000)},
      {"uint64", DType::int64, ubase},
      {"int32_be", DType::int32, base},
      {"int64_be", DType::int64, base},
      {"float32_be", DType::float32, times(base, 0.5)},
      {"float64_be", DType::float64, times(base, 0.25)}};
  for (const auto& [name, dtype, values] : cases)
    for (const std::string suffix : {"", "_fortran"}) {
      SCOPED_TRACE(name + suffix);
      const Tensor t = load_npy(dir + name + suffix + ".npy");
      EXPECT_EQ(t.shape(), Shape({2, 3}));
      EXPECT_EQ(t.dtype(), dtype);
      EXPECT_EQ(t.to_vector<double>(), values);
    }
  // float16 stays float16 (storage only): the same bits either way, 0.5 first.
  const Tensor h = load_npy(dir + "float16_be.npy"), hf = load_npy(dir + "float16_be_fortran.npy");
  ASSERT_EQ(h.dtype(), DType::float16);
  EXPECT_EQ(std::memcmp(h.raw_data(), hf.raw_data(), h.nbytes()), 0);
  EXPECT_EQ(static_cast<const uint16_t*>(h.raw_data())[0], 0x3800);
  std::vector<double> iota(24);
  for (size_t i = 0; i < iota.size(); ++i) iota[i] = static_cast<double>(i);
  const Tensor f3 = load_npy(dir + "float32_3d_fortran.npy");
  EXPECT_EQ(f3.shape(), Shape({2, 3, 4}));
  EXPECT_EQ(f3.to_vector<double>(), iota);
  testing::expect_error<IOError>([&] { load_npy(dir + "uint64_too_big.npy"); }, {"does not fit int64"});
  // An empty array (found by fuzz_npy: memcpy from a null pointer).
  const std::string empty = temp_path("empty.npy");
  save_npy(empty, Tensor::zeros({0, 2}, DType::int32));
  EXPECT_EQ(load_npy(empty).shape(), Shape({0, 2}));
  std::filesystem::remove(empty);
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

TEST(Npy, SavesFollowSymlinksWriteThroughDevicesAndSweepDeadTemporaries) {
  namespace fs = std::filesystem;
  const fs::path dir = temp_path("targets");
  fs::create_directories(dir);
  // A (dangling) symlink keeps being a link; its target gets the file.
  fs::create_symlink("real.npy", dir / "link.npy");
  save_npy((dir / "link.npy").string(), Tensor::ones({2}));
  EXPECT_TRUE(fs::is_symlink(dir / "link.npy"));
  EXPECT_EQ(load_npy((dir / "real.npy").string()).to_vector<float>(), (std::vector<float>{1, 1}));
  // A character device is written through, never replaced by a regular file.
  save_npy("/dev/null", Tensor::ones({2}));
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  // A killed save's temporary (its process gone) is removed by the next save of that target.
  const fs::path stale = dir / ".x.npy.tmp.99999999";
  std::ofstream(stale) << "half";
  save_npy((dir / "x.npy").string(), Tensor::ones({1}));
  EXPECT_FALSE(fs::exists(stale));
  testing::expect_error<IOError>([&] { save_npy(dir.string(), Tensor::ones({1})); }, {"is a directory"});
  fs::remove_all(dir);
}

TEST(Npy, ReadsPipesAndNeverHangsOnAFifoNobodyWrites) {
  namespace fs = std::filesystem;
  const std::string fifo = temp_path("fifo.npy"), file = temp_path("plain.npy");
  save_npy(file, Tensor::from_vector<float>({1, 2, 3}));
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // No writer: empty, refused at once.
  testing::expect_error<IOError>([&] { load_npy(fifo); }, {fifo});
  // A pipe with a writer, as a shell's process substitution hands it over (/dev/fd/N):
  // read whole, then parsed.
  std::ifstream in(file, std::ios::binary);
  const std::string content((std::istreambuf_iterator<char>(in)), {});
  int ends[2];
  ASSERT_EQ(::pipe(ends), 0);
  std::thread writer([&] {
    ASSERT_EQ(::write(ends[1], content.data(), content.size()), static_cast<ssize_t>(content.size()));
    ::close(ends[1]);
  });
  const Tensor t = load_npy("/dev/fd/" + std::to_string(ends[0]));
  writer.join();
  ::close(ends[0]);
  EXPECT_EQ(t.to_vector<float>(), (std::vector<float>{1, 2, 3}));
  testing::expect_error<IOError>([&] { saving::load_model(fifo); }, {"not a regular file"});
  fs::remove(fifo);
  fs::remove(file);
}

}  // namespace
}  // namespace keras

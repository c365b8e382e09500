// Images from disk: writes Fashion-MNIST out as a folder tree of PNG files, one folder
// per class (as a user's own photos would sit), then trains the seed's CNN twice, from
// the folder with utils::image_dataset_from_directory (worker threads decode the PNGs
// while the model trains) and from the same images in memory, and prints both test
// accuracies and epoch times.
//
//   DIR/train/0_t-shirt_top/00000.png ... DIR/train/9_ankle_boot/...   (60000 files)
//   DIR/test/...                                                        (10000 files)
//
// Usage: image_folder [--dir PATH (fashion_mnist_png)] [--limit N (all: at most N training
//        and N test images)] [--epochs N (3)] [--batch-size N (32)] [--workers N (2)]
//        [--threads N]
// The tree is written once per --limit and reused by later runs.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "../example_utils.h"
#include "keras/utils/image_dataset.h"
#include "keras/utils/image_utils.h"

using namespace keras;
namespace fs = std::filesystem;

namespace {

std::string string_flag(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (argv[i] == name) return argv[i + 1];
  return fallback;
}

// "0_t-shirt_top": the label first, so the sorted folder names give the labels 0..9.
std::string class_folder(int label) {
  std::string name = std::to_string(label) + "_";
  for (const char* p = datasets::fashion_mnist::class_name(label); *p; ++p)
    name += std::isalnum(static_cast<unsigned char>(*p)) || *p == '-' ? static_cast<char>(std::tolower(*p)) : '_';
  return name;
}

// Writes images (n, 28, 28) uint8 with labels (n,) under `root` as PNG files. Each
// save_img flushes its file to disk before renaming it into place, so the files are
// written from several threads to overlap those waits.
void write_tree(const std::string& root, const Tensor& images, const Tensor& labels) {
  const std::vector<int> y = labels.to_vector<int>();
  const std::vector<uint8_t> pixels = images.to_vector<uint8_t>();
  for (int label = 0; label < 10; ++label) fs::create_directories(fs::path(root) / class_folder(label));
  std::atomic<int64_t> next{0};
  std::exception_ptr error;
  std::mutex error_mu;
  auto work = [&] {
    try {
      for (int64_t i; (i = next++) < images.dim(0);) {
        char name[32];
        std::snprintf(name, sizeof name, "%05lld.png", static_cast<long long>(i));
        const std::vector<float> img(pixels.begin() + i * 784, pixels.begin() + (i + 1) * 784);
        utils::save_img((fs::path(root) / class_folder(y[static_cast<size_t>(i)]) / name).string(),
                        Tensor::from_vector(img, Shape{28, 28, 1}), {.scale = false});
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mu);
      if (!error) error = std::current_exception();
      next = images.dim(0);
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) threads.emplace_back(work);
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
}

Sequential seed_cnn() {
  // The seed's CNN with a Rescaling layer in front, so both runs feed it 0..255 pixels.
  return Sequential({Input({28, 28, 1}), layers::Rescaling(1.0 / 255),
                     layers::Conv2D(32, {3, 3}, {.activation = "relu"}), layers::MaxPooling2D(), layers::Flatten(),
                     layers::Dense(128, "relu"), layers::Dense(10, "softmax")});
}

template <class FitEpoch>
std::vector<double> timed_epochs(int epochs, FitEpoch&& fit_epoch) {
  std::vector<double> seconds;
  for (int e = 0; e < epochs; ++e) {
    const auto t = std::chrono::steady_clock::now();
    fit_epoch(e);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count());
  }
  return seconds;
}

void report(const char* what, const std::vector<double>& seconds, double accuracy) {
  std::printf("%-8s test_accuracy: %.4f  epoch seconds:", what, accuracy);
  for (double s : seconds) std::printf(" %.2f", s);
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) try {
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
      std::printf(
          "usage: image_folder [--dir PATH] [--limit N] [--epochs N] [--batch-size N] [--workers N] "
          "[--threads N]\n");
      return 0;
    }
  const std::string dir = string_flag(argc, argv, "--dir", "fashion_mnist_png");
  const int64_t limit = examples::int_flag(argc, argv, "--limit", 60000);
  const int epochs = static_cast<int>(examples::int_flag(argc, argv, "--epochs", 3));
  const int64_t batch_size = examples::int_flag(argc, argv, "--batch-size", 32);
  const int workers = static_cast<int>(examples::int_flag(argc, argv, "--workers", 2));
  if (const int64_t threads = examples::int_flag(argc, argv, "--threads", 0))
    config::set_num_threads(static_cast<int>(threads));

  auto [train, test] = datasets::fashion_mnist::load_data();
  const int64_t n_train = std::min(limit, train.first.dim(0)), n_test = std::min(limit, test.first.dim(0));
  const Tensor x_train = train.first.slice(0, n_train), y_train = train.second.slice(0, n_train);
  const Tensor x_test = test.first.slice(0, n_test), y_test = test.second.slice(0, n_test);

  // 1. The folder tree (written once for this size).
  const std::string marker =
      (fs::path(dir) / (".complete_" + std::to_string(n_train) + "_" + std::to_string(n_test))).string();
  if (!fs::exists(marker)) {
    const auto t = std::chrono::steady_clock::now();
    fs::remove_all(dir);
    write_tree(dir + "/train", x_train, y_train);
    write_tree(dir + "/test", x_test, y_test);
    std::ofstream(marker) << "written by image_folder\n";
    std::printf("wrote %lld PNG files under %s in %.1f s\n", static_cast<long long>(n_train + n_test), dir.c_str(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count());
  } else {
    std::printf("reusing the PNG files under %s\n", dir.c_str());
  }

  // 2. From the folder: decoded on `workers` threads while the model trains.
  const utils::ImageDatasetOptions options{
      .color_mode = "grayscale", .batch_size = batch_size, .image_size = {{28, 28}}, .seed = 42, .workers = workers};
  auto train_ds = utils::image_dataset_from_directory(dir + "/train", options);
  auto test_ds = utils::image_dataset_from_directory(dir + "/test", options);
  std::printf("classes:");
  for (const auto& c : train_ds.class_names()) std::printf(" %s", c.c_str());
  std::printf("\n");
  utils::set_random_seed(42);
  Sequential from_folder = seed_cnn();
  from_folder.summary();
  from_folder.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
  const auto folder_times =
      timed_epochs(epochs, [&](int e) { from_folder.fit(train_ds, {.epochs = e + 1, .initial_epoch = e}); });
  const double folder_accuracy = from_folder.evaluate(test_ds, {.verbose = 0}).at("accuracy");

  // 3. From memory: the same pixels as float32 tensors.
  utils::set_random_seed(42);
  Sequential from_memory = seed_cnn();
  from_memory.compile("adam", "sparse_categorical_crossentropy", {"accuracy"});
  const Tensor xm_train = x_train.astype(DType::float32).reshape({-1, 28, 28, 1});
  const Tensor xm_test = x_test.astype(DType::float32).reshape({-1, 28, 28, 1});
  const auto memory_times = timed_epochs(epochs, [&](int e) {
    from_memory.fit(xm_train, y_train, {.batch_size = batch_size, .epochs = e + 1, .initial_epoch = e});
  });
  const double memory_accuracy = from_memory.evaluate(xm_test, y_test, {.verbose = 0}).at("accuracy");

  report("folder", folder_times, folder_accuracy);
  report("memory", memory_times, memory_accuracy);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "image_folder: %s\n", e.what());
  return 1;
}

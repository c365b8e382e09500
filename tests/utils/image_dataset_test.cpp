// keras/utils/image_dataset.h against keras/src/utils/image_dataset_utils.py and
// dataset_utils.py: directory indexing (order, labels, class_names), numpy's shuffle,
// validation subsets, label modes, resizing as tf.image.resize, and a fit that learns.
#include "keras/utils/image_dataset.h"

#include <filesystem>
#include <fstream>
#include <set>

#include "keras/utils/image_utils.h"
#include "test_utils.h"

namespace keras {
namespace {

using testing::expect_error;
namespace fs = std::filesystem;

std::string fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(testing::temp_dir()) / "image_dataset" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

void touch(const std::string& path) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << "x";
}

void png(const std::string& path, const Tensor& pixels) {
  fs::create_directories(fs::path(path).parent_path());
  utils::save_img(path, pixels, {.scale = false});
}

std::vector<std::string> relative(const std::vector<std::string>& paths, const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& p : paths) out.push_back(p.substr(dir.size() + 1));
  return out;
}

TEST(ImageDataset, IndexDirectoryOrderAsKeras) {
  const std::string dir = fresh_dir("index");
  touch(dir + "/b/z.png");
  touch(dir + "/b/a.JPG");  // extensions match case-insensitively
  touch(dir + "/b/notes.txt");
  touch(dir + "/b/sub/deep/k.jpeg");
  touch(dir + "/b/sub/c.gif");
  touch(dir + "/b/sub b/d.bmp");  // root "b/sub b" sorts before "b/sub" + "/deep"
  touch(dir + "/a/x.png");
  touch(dir + "/.hidden/h.png");  // hidden class folders are skipped
  touch(dir + "/loose.png");      // files beside the class folders are not in any class
  const utils::DirectoryIndex idx =
      utils::index_directory(dir, "inferred", {".bmp", ".gif", ".jpeg", ".jpg", ".png"}, {}, false);
  EXPECT_EQ(idx.class_names, (std::vector<std::string>{"a", "b"}));
  // os.walk roots sorted as strings: "b" < "b/sub" < "b/sub b" < "b/sub/deep"; files sorted.
  EXPECT_EQ(relative(idx.file_paths, dir), (std::vector<std::string>{"a/x.png", "b/a.JPG", "b/z.png", "b/sub/c.gif",
                                                                     "b/sub b/d.bmp", "b/sub/deep/k.jpeg"}));
  EXPECT_EQ(idx.labels, (std::vector<int32_t>{0, 1, 1, 1, 1, 1}));
  // Explicit class_names: a subset, in the given order.
  const auto only_b = utils::index_directory(dir, "inferred", {".png"}, {"b", "a"}, false);
  EXPECT_EQ(relative(only_b.file_paths, dir), (std::vector<std::string>{"b/z.png", "a/x.png"}));
  EXPECT_EQ(only_b.labels, (std::vector<int32_t>{0, 1}));
  expect_error<ValueError>(
      [&] {
        utils::index_directory(dir, "inferred", {".png"}, {"a", "c"});
      },
      {"did not match the names of the subdirectories", "Expected: ['a', 'b']", "'c'"});
  // No labels: the whole tree from the top, loose files included.
  const auto all = utils::index_directory(dir, std::nullopt, {".png"}, {}, false);
  EXPECT_EQ(relative(all.file_paths, dir),
            (std::vector<std::string>{"loose.png", ".hidden/h.png", "a/x.png", "b/z.png"}));
  EXPECT_TRUE(all.labels.empty());
  expect_error<ValueError>([&] { utils::index_directory(dir + "/nope", "inferred", {".png"}); }, {"nope"});
}

TEST(ImageDataset, FollowLinks) {
  // os.walk(followlinks=False) lists a symlinked folder but does not enter it; with
  // follow_links it does, and a link back up (a loop) is entered only once.
  const std::string dir = fresh_dir("links");
  const std::string outside = fresh_dir("links_target");
  touch(dir + "/a/own.png");
  touch(outside + "/far.png");
  fs::create_directory_symlink(outside, dir + "/a/link");
  fs::create_directory_symlink(dir + "/a", dir + "/a/loop");
  const auto plain = utils::index_directory(dir, "inferred", {".png"}, {}, false);
  EXPECT_EQ(relative(plain.file_paths, dir), (std::vector<std::string>{"a/own.png"}));
  const auto followed = utils::index_directory(dir, "inferred", {".png"}, {}, false, {}, true);
  EXPECT_EQ(relative(followed.file_paths, dir), (std::vector<std::string>{"a/own.png", "a/link/far.png"}));
}

TEST(ImageDataset, ShuffleIsNumpyRandomState) {
  // np.random.seed(0); np.random.permutation(10) -> [2 8 4 9 1 6 7 3 0 5], and with seed
  // 42 -> [8 1 5 0 7 2 9 4 3 6]: permutation shuffles arange in place as shuffle does.
  const std::string dir = fresh_dir("shuffle");
  for (int i = 0; i < 10; ++i) touch(dir + "/f" + std::to_string(i) + ".png");
  auto order = [&](uint64_t seed) {
    std::vector<int> out;
    for (const auto& p : utils::index_directory(dir, std::nullopt, {".png"}, {}, true, seed).file_paths)
      out.push_back(p[p.size() - 5] - '0');
    return out;
  };
  EXPECT_EQ(order(0), (std::vector<int>{2, 8, 4, 9, 1, 6, 7, 3, 0, 5}));
  EXPECT_EQ(order(42), (std::vector<int>{8, 1, 5, 0, 7, 2, 9, 4, 3, 6}));
  // Labels move with their files.
  const auto idx =
      utils::index_directory(dir, std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {".png"}, {}, true, 0);
  EXPECT_EQ(idx.labels, (std::vector<int32_t>{2, 8, 4, 9, 1, 6, 7, 3, 0, 5}));
  EXPECT_EQ(idx.class_names.size(), 10u);
  expect_error<ValueError>(
      [&] {
        utils::index_directory(dir, std::vector<int64_t>{1, 2}, {".png"});
      },
      {"len(labels) is 2 while we found 10 files"});
}

std::string two_class_tree(const std::string& name, int per_class, int64_t size = 4) {
  const std::string dir = fresh_dir(name);
  for (int i = 0; i < per_class; ++i) {
    png(dir + "/cats/c" + std::to_string(i) + ".png", Tensor::full({size, size, 3}, 10.0 + i));
    png(dir + "/dogs/d" + std::to_string(i) + ".png", Tensor::full({size, size, 3}, 200.0 + i));
  }
  return dir;
}

TEST(ImageDataset, BatchesAndLabelModes) {
  const std::string dir = two_class_tree("modes", 5);
  auto ds = utils::image_dataset_from_directory(
      dir, {.batch_size = 4, .image_size = {{2, 3}}, .shuffle = false, .verbose = false, .workers = 1});
  EXPECT_EQ(ds.class_names(), (std::vector<std::string>{"cats", "dogs"}));
  EXPECT_EQ(ds.size(), 3);
  utils::DataBatch b = ds.get(0);
  EXPECT_EQ(b.x[0].shape(), (Shape{4, 2, 3, 3}));
  EXPECT_EQ(b.x[0].dtype(), DType::float32);
  EXPECT_EQ(b.y[0].dtype(), DType::int32);
  EXPECT_EQ(b.y[0].to_vector<int>(), (std::vector<int>{0, 0, 0, 0}));
  EXPECT_FLOAT_EQ(b.x[0].to_vector<float>()[0], 10.0f);
  const utils::DataBatch last = ds.get(2);
  EXPECT_EQ(last.x[0].dim(0), 2);  // 10 images: 4 + 4 + 2
  EXPECT_EQ(last.y[0].to_vector<int>(), (std::vector<int>{1, 1}));
  expect_error<ValueError>([&] { ds.get(3); }, {"out of range"});

  auto cat = utils::image_dataset_from_directory(dir, {.label_mode = "categorical",
                                                       .color_mode = "grayscale",
                                                       .batch_size = 10,
                                                       .image_size = {{2, 2}},
                                                       .shuffle = false,
                                                       .verbose = false});
  b = cat.get(0);
  EXPECT_EQ(b.x[0].shape(), (Shape{10, 2, 2, 1}));
  EXPECT_EQ(b.y[0].shape(), (Shape{10, 2}));
  EXPECT_EQ(b.y[0].dtype(), DType::float32);
  EXPECT_EQ(b.y[0].slice(4, 6).to_vector<float>(), (std::vector<float>{1, 0, 0, 1}));
  auto bin = utils::image_dataset_from_directory(
      dir, {.label_mode = "binary", .batch_size = 10, .image_size = {{2, 2}}, .shuffle = false, .verbose = false});
  EXPECT_EQ(bin.get(0).y[0].shape(), (Shape{10, 1}));
  EXPECT_EQ(bin.get(0).y[0].to_vector<float>()[9], 1.0f);
  auto none = utils::image_dataset_from_directory(
      dir, {.label_mode = std::nullopt, .batch_size = 10, .image_size = {{2, 2}}, .verbose = false});
  EXPECT_TRUE(none.get(0).y.empty());
  auto rgba = utils::image_dataset_from_directory(
      dir, {.color_mode = "rgba", .image_size = {{2, 2}}, .data_format = "channels_first", .verbose = false});
  EXPECT_EQ(rgba.get(0).x[0].shape(), (Shape{10, 4, 2, 2}));
  EXPECT_EQ(rgba.get(0).x[0].to_vector<float>()[15], 255.0f);  // alpha plane of the first image

  touch(dir + "/birds/b.png");
  expect_error<ValueError>(
      [&] { utils::image_dataset_from_directory(dir, {.label_mode = "binary", .verbose = false}); },
      {"there must be exactly 2 class_names", "'birds', 'cats', 'dogs'"});
}

TEST(ImageDataset, ValidationSplitSubsets) {
  const std::string dir = two_class_tree("split", 10);
  const utils::ImageDatasetOptions o{
      .batch_size = 8, .image_size = {{2, 2}}, .seed = 1337, .validation_split = 0.25, .verbose = false};
  auto opts = [&](const std::string& subset) {
    utils::ImageDatasetOptions x = o;
    x.subset = subset;
    return x;
  };
  auto train = utils::image_dataset_from_directory(dir, opts("training"));
  auto val = utils::image_dataset_from_directory(dir, opts("validation"));
  // int(0.25 * 20) = 5 files for validation: the last 5 of the shuffled list.
  EXPECT_EQ(train.num_samples(), 15);
  EXPECT_EQ(val.num_samples(), 5);
  std::set<std::string> all(train.file_paths().begin(), train.file_paths().end());
  for (const auto& p : val.file_paths()) EXPECT_TRUE(all.insert(p).second) << p << " is in both subsets";
  EXPECT_EQ(all.size(), 20u);
  // Same seed, same split; "both" gives the same two lists; another seed differs.
  auto [t2, v2] = utils::image_dataset_from_directory_both(dir, opts("both"));
  EXPECT_EQ(t2.file_paths(), train.file_paths());
  EXPECT_EQ(v2.file_paths(), val.file_paths());
  utils::ImageDatasetOptions other = opts("training");
  other.seed = 7;
  EXPECT_NE(utils::image_dataset_from_directory(dir, other).file_paths(), train.file_paths());
  // The split follows index_directory's shuffle exactly.
  const auto idx = utils::index_directory(dir, "inferred", {".bmp", ".gif", ".jpeg", ".jpg", ".png"}, {}, true, 1337);
  EXPECT_EQ(std::vector<std::string>(idx.file_paths.begin(), idx.file_paths.begin() + 15), train.file_paths());
  EXPECT_EQ(std::vector<int32_t>(idx.labels.begin() + 15, idx.labels.end()), val.labels());

  // Reshuffling between epochs keeps the files of each batch set but changes the order.
  std::multiset<float> first, second;
  for (int64_t i = 0; i < train.size(); ++i)
    for (float v : train.get(i).x[0].to_vector<float>()) first.insert(v);
  const std::vector<float> before = train.get(0).x[0].to_vector<float>();
  train.on_epoch_end();
  for (int64_t i = 0; i < train.size(); ++i)
    for (float v : train.get(i).x[0].to_vector<float>()) second.insert(v);
  EXPECT_EQ(first, second);
  EXPECT_NE(train.get(0).x[0].to_vector<float>(), before);

  expect_error<ValueError>(
      [&] {
        utils::ImageDatasetOptions x = opts("training");
        x.seed.reset();
        utils::image_dataset_from_directory(dir, x);
      },
      {"you must provide a `seed`"});
  expect_error<ValueError>([&] { utils::image_dataset_from_directory(dir, {.subset = "training"}); },
                           {"If `subset` is set, `validation_split` must be set"});
  expect_error<ValueError>([&] { utils::image_dataset_from_directory(dir, {.validation_split = 1.5}); },
                           {"`validation_split` must be between 0 and 1"});
  expect_error<ValueError>([&] { utils::image_dataset_from_directory(dir, opts("both")); },
                           {"image_dataset_from_directory_both"});
  expect_error<ValueError>([&] { utils::image_dataset_from_directory(dir, opts("testing")); },
                           {"`subset` must be either"});
}

TEST(ImageDataset, ArgumentErrors) {
  const std::string dir = two_class_tree("errors", 1);
  expect_error<ValueError>([&] { utils::image_dataset_from_directory(dir, {.label_mode = "sparse"}); },
                           {"`label_mode` argument must be one of", "sparse"});
  expect_error<ValueError>([&] { utils::image_dataset_from_directory(dir, {.color_mode = "cmyk"}); },
                           {"color_mode", "cmyk"});
  expect_error<ValueError>([&] { utils::image_dataset_from_directory(dir, {.interpolation = "cubic"}); },
                           {"Argument `interpolation` should be one of", "cubic"});
  expect_error<ValueError>([&] { utils::image_dataset_from_directory(dir, {.interpolation = "gaussian"}); },
                           {"not implemented"});
  expect_error<ValueError>(
      [&] { utils::image_dataset_from_directory(dir, {.crop_to_aspect_ratio = true, .pad_to_aspect_ratio = true}); },
      {"Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio`"});
  expect_error<ValueError>([&] { utils::image_dataset_from_directory(dir, {.image_size = {{0, 4}}}); }, {"image_size"});
  expect_error<ValueError>([&] { utils::image_dataset_from_directory(dir, {.labels = "from_files"}); }, {"labels"});
  const std::string empty = fresh_dir("empty");
  fs::create_directories(empty + "/a");
  touch(empty + "/a/readme.txt");
  expect_error<ValueError>(
      [&] { utils::image_dataset_from_directory(empty, {.verbose = false}); },
      {"No images found in directory", "Allowed formats: ('.bmp', '.gif', '.jpeg', '.jpg', '.png')"});
  // A corrupt file stops the batch with an error naming it.
  const std::string bad = fresh_dir("bad");
  touch(bad + "/a/broken.png");
  auto ds = utils::image_dataset_from_directory(bad, {.verbose = false});
  expect_error<ValueError>([&] { ds.get(0); }, {"image_dataset_from_directory", "broken.png", "not a PNG or JPEG"});
}

TEST(ImageDataset, ResizeAsTfImageResize) {
  // A 2x2 grey image [[0, 10], [20, 30]] to 4x4, bilinear with half-pixel centres (no
  // antialiasing, edges clamped): along each axis the samples sit at -0.25, 0.25, 0.75,
  // 1.25, i.e. weights (1, 0), (0.75, 0.25), (0.25, 0.75), (0, 1).
  const std::string dir = fresh_dir("resize");
  png(dir + "/a/img.png", Tensor::from_vector<float>({0, 10, 20, 30}, Shape{2, 2, 1}));
  auto ds = utils::image_dataset_from_directory(
      dir, {.color_mode = "grayscale", .image_size = {{4, 4}}, .shuffle = false, .verbose = false});
  testing::expect_allclose(
      ds.get(0).x[0].reshape({4, 4}),
      Tensor::from_vector<float>({0, 2.5, 7.5, 10, 5, 7.5, 12.5, 15, 15, 17.5, 22.5, 25, 20, 22.5, 27.5, 30},
                                 Shape{4, 4}),
      1e-5, 0);
  // Nearest, 2x2 -> 1x1 (downsampling samples (0 + 0.5) * 2 = 1): pixel (1, 1).
  auto nn = utils::image_dataset_from_directory(dir, {.color_mode = "grayscale",
                                                      .image_size = {{1, 1}},
                                                      .shuffle = false,
                                                      .interpolation = "nearest",
                                                      .verbose = false});
  EXPECT_EQ(nn.get(0).x[0].to_vector<float>(), (std::vector<float>{30}));
  // Area, 2x2 -> 1x1: the mean.
  auto area = utils::image_dataset_from_directory(
      dir,
      {.color_mode = "grayscale", .image_size = {{1, 1}}, .shuffle = false, .interpolation = "area", .verbose = false});
  EXPECT_FLOAT_EQ(area.get(0).x[0].to_vector<float>()[0], 15.0f);
}

TEST(ImageDataset, CropAndPadToAspectRatio) {
  const std::string dir = fresh_dir("aspect");
  std::vector<float> v;
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 6; ++x) v.push_back(static_cast<float>(y * 10 + x));
  png(dir + "/a/grid.png", Tensor::from_vector(v, Shape{4, 6, 1}));
  // crop_to_aspect_ratio = smart_resize: the centred 4x4 (columns 1..4), then 4 -> 2.
  auto crop = utils::image_dataset_from_directory(dir, {.color_mode = "grayscale",
                                                        .image_size = {{2, 2}},
                                                        .shuffle = false,
                                                        .crop_to_aspect_ratio = true,
                                                        .verbose = false});
  testing::expect_allclose(crop.get(0).x[0].reshape({4}), Tensor::from_vector<float>({6.5f, 8.5f, 26.5f, 28.5f}), 1e-5,
                           0);
  EXPECT_EQ(crop.get(0).x[0].reshape({4}).to_vector<float>(),
            utils::smart_resize(Tensor::from_vector(v, Shape{4, 6, 1}), {2, 2}).reshape({4}).to_vector<float>());
  // pad_to_aspect_ratio = tf.image.resize_with_pad: 4x6 into 6x6 needs no resize (ratio
  // max(6/6, 4/6) = 1), then one zero row above and below.
  auto pad = utils::image_dataset_from_directory(dir, {.color_mode = "grayscale",
                                                       .image_size = {{6, 6}},
                                                       .shuffle = false,
                                                       .pad_to_aspect_ratio = true,
                                                       .verbose = false});
  const std::vector<float> p = pad.get(0).x[0].to_vector<float>();
  std::vector<float> expected(6, 0.0f);
  expected.insert(expected.end(), v.begin(), v.end());
  expected.insert(expected.end(), 6, 0.0f);
  EXPECT_EQ(p, expected);
  // Into 3x3: ratio max(6/3, 4/3) = 2, resized to 2x3 (bilinear 4 -> 2 rows, 6 -> 3
  // columns at 0.5, 2.5, 4.5), padding floor((3 - 2) / 2) = 0 rows above, zeros below.
  auto pad3 = utils::image_dataset_from_directory(dir, {.color_mode = "grayscale",
                                                        .image_size = {{3, 3}},
                                                        .shuffle = false,
                                                        .pad_to_aspect_ratio = true,
                                                        .verbose = false});
  testing::expect_allclose(pad3.get(0).x[0].reshape({9}),
                           Tensor::from_vector<float>({5.5f, 7.5f, 9.5f, 25.5f, 27.5f, 29.5f, 0, 0, 0}), 1e-5, 0);
}

TEST(ImageDataset, FitLearnsFromAFolder) {
  // Two classes of 12x12 grey images: a bright bar on the left half or on the right half,
  // on noise. A small model trained from the folder with worker threads must separate them.
  const std::string dir = fresh_dir("fit");
  for (int i = 0; i < 40; ++i)
    for (int cls = 0; cls < 2; ++cls) {
      Tensor noise = testing::random_tensor({12, 12, 1}, static_cast<uint64_t>(100 + i * 2 + cls), 0.0, 60.0);
      std::vector<float> px = noise.to_vector<float>();
      for (int y = 0; y < 12; ++y)
        for (int x = cls == 0 ? 1 : 7; x < (cls == 0 ? 5 : 11); ++x) px[static_cast<size_t>(y * 12 + x)] += 180.0f;
      png(dir + (cls == 0 ? "/left/" : "/right/") + std::to_string(i) + ".png",
          Tensor::from_vector(px, Shape{12, 12, 1}));
    }
  utils::set_random_seed(3);
  auto [train, val] = utils::image_dataset_from_directory_both(dir, {.label_mode = "binary",
                                                                     .color_mode = "grayscale",
                                                                     .batch_size = 8,
                                                                     .image_size = {{12, 12}},
                                                                     .seed = 5,
                                                                     .validation_split = 0.25,
                                                                     .verbose = false,
                                                                     .workers = 2});
  EXPECT_EQ(train.num_samples(), 60);
  Sequential model({Input({12, 12, 1}), layers::Rescaling(1.0 / 255), layers::Flatten(), layers::Dense(8, "relu"),
                    layers::Dense(1, "sigmoid")});
  model.compile(optimizers::Adam({.learning_rate = 0.01}), "binary_crossentropy", {"accuracy"});
  const auto history = model.fit(train, {.epochs = 8, .verbose = 0});
  EXPECT_GE(history.history.at("accuracy").back(), 0.95);
  EXPECT_GE(model.evaluate(val, {.verbose = 0}).at("accuracy"), 0.9);
}

}  // namespace
}  // namespace keras

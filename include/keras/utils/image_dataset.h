// keras.utils.image_dataset_from_directory (keras/src/utils/image_dataset_utils.py and
// dataset_utils.py): a folder of images as a PyDataset that fit / evaluate / predict
// read batch by batch, decoding on the dataset's worker threads while the model trains.
//
//   main_directory/
//     class_a/  a_1.jpg  a_2.png  nested/a_3.jpg
//     class_b/  b_1.jpg ...
//
//   auto [train, val] = utils::image_dataset_from_directory_both(
//       "main_directory", {.image_size = {{64, 64}}, .seed = 1337, .validation_split = 0.2, .subset = "both"});
//   model.fit(train, {.epochs = 10});
//   model.evaluate(val);
//   train.class_names();  // {"class_a", "class_b"}
//
// Files are listed as Keras lists them (sub-folders in sorted order, each walked
// recursively with folders and files sorted; extensions .bmp .gif .jpeg .jpg .png in any
// case), then shuffled with numpy's RandomState(seed).shuffle, reproduced exactly, so for
// the same folder and seed the same files land in training and validation as in Keras.
// Each epoch after the first, the training order is reshuffled with a generator seeded by
// (seed, epoch) (Keras's tf.data buffered shuffle cannot be reproduced). Only PNG and JPEG
// files can be decoded; a .bmp or .gif file stops training with a ValueError naming it.
//
// Batches: x float32 (batch, height, width, channels) with values 0..255 (channels first:
// (batch, channels, height, width)); y int32 (batch,) for label_mode "int", float32
// (batch, num_classes) one-hot for "categorical", float32 (batch, 1) for "binary", none
// without labels. The last batch may be smaller. Resizing follows tf.image.resize
// (half-pixel centres, no antialiasing), the arithmetic of keras/ops/image.h.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "keras/utils/py_dataset.h"

namespace keras::utils {

/// image_dataset_from_directory's `labels`: "inferred" (from the sub-folder names),
/// std::nullopt (no labels), or one integer per file, in the order of the sorted walk.
struct DatasetLabels {
  enum class Kind { inferred, none, given };
  Kind kind = Kind::inferred;
  std::vector<int64_t> values{};
  DatasetLabels(const char* s);                                                       // NOLINT: "inferred" only
  DatasetLabels(std::nullopt_t) : kind(Kind::none) {}                                 // NOLINT
  DatasetLabels(std::vector<int64_t> v) : kind(Kind::given), values(std::move(v)) {}  // NOLINT
};

/// Keyword arguments in Keras's order, with its defaults.
struct ImageDatasetOptions {
  DatasetLabels labels = "inferred";
  /// "int", "categorical", "binary" (exactly two classes), or std::nullopt (no labels).
  std::optional<std::string> label_mode = "int";
  /// With labels "inferred": the sub-folders to use, in this order (a subset of them);
  /// empty: all, sorted.
  std::vector<std::string> class_names{};
  /// "grayscale" (1 channel), "rgb" (3) or "rgba" (4).
  std::string color_mode = "rgb";
  int64_t batch_size = 32;
  /// (height, width) every image is resized to.
  std::array<int64_t, 2> image_size{256, 256};
  bool shuffle = true;
  /// Needed with validation_split and shuffle; without one a random seed is drawn.
  std::optional<uint64_t> seed{};
  /// Fraction (0, 1) held out for validation: the last int(split * n) files.
  double validation_split = 0.0;
  /// "training", "validation" or "both" (image_dataset_from_directory_both); "" for all.
  std::string subset{};
  /// "bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5" (Keras's
  /// "gaussian" and "mitchellcubic" are refused: not implemented).
  std::string interpolation = "bilinear";
  /// Also walk into symlinked sub-folders.
  bool follow_links = false;
  /// Crop the largest centred window of the target's aspect ratio, then resize (smart_resize).
  bool crop_to_aspect_ratio = false;
  /// Resize to fit inside image_size keeping the aspect ratio, then pad with zeros to it
  /// (tf.image.resize_with_pad).
  bool pad_to_aspect_ratio = false;
  /// "channels_last" or "channels_first"; "" is "channels_last".
  std::string data_format{};
  /// Print "Found N files belonging to K classes." and the files each subset uses.
  bool verbose = true;
  /// Threads decoding batches ahead of training (PyDataset's workers; 1: decode in the
  /// training thread between steps) and how many batches they may prepare ahead.
  int workers = 2;
  int max_queue_size = 10;
};

/// The PyDataset image_dataset_from_directory returns.
class ImageDataset : public PyDataset {
 public:
  struct Config {
    std::vector<std::string> file_paths;
    std::vector<int32_t> labels;  // empty without labels
    std::vector<std::string> class_names;
    std::optional<std::string> label_mode;
    int channels = 3;
    int64_t batch_size = 32;
    std::array<int64_t, 2> image_size{256, 256};
    bool shuffle = false;
    uint64_t seed = 0;
    std::string interpolation = "bilinear";
    bool crop_to_aspect_ratio = false, pad_to_aspect_ratio = false, channels_first = false;
    int workers = 1, max_queue_size = 10;
  };
  explicit ImageDataset(Config config);

  int64_t size() const override;
  /// Batch `index`: its files decoded, converted and resized (safe from several threads).
  DataBatch get(int64_t index) override;
  /// Reshuffles the order of the files for the next epoch (when shuffling).
  void on_epoch_end() override;

  /// Class names, index = label: the class folders; for given labels their distinct
  /// values, sorted, as strings (as Keras); empty without labels.
  const std::vector<std::string>& class_names() const { return c_.class_names; }
  /// The files, in the order of the first epoch (Keras's file_paths).
  const std::vector<std::string>& file_paths() const { return c_.file_paths; }
  /// Their integer labels (empty without labels).
  const std::vector<int32_t>& labels() const { return c_.labels; }
  /// The number of images.
  int64_t num_samples() const { return static_cast<int64_t>(c_.file_paths.size()); }

 private:
  Config c_;
  std::vector<int64_t> order_;
  int64_t epoch_ = 0;
};

/// One dataset: all files, or subset "training" / "validation" of validation_split.
/// ValueError for subset "both" (use image_dataset_from_directory_both), bad arguments
/// (in Keras's wording), a missing directory or no images.
ImageDataset image_dataset_from_directory(const std::string& directory, ImageDatasetOptions options = {});
/// subset "both": (training, validation), split as Keras splits them; the validation set
/// is not shuffled. options.subset must be "both" or "".
std::pair<ImageDataset, ImageDataset> image_dataset_from_directory_both(const std::string& directory,
                                                                        ImageDatasetOptions options = {});

/// dataset_utils.index_directory: the files under `directory` with one of `formats` as
/// extension (lower-cased), their labels and the class names, shuffled with numpy's
/// RandomState(seed).shuffle when `shuffle` (Keras's exact order). For tests and tools.
struct DirectoryIndex {
  std::vector<std::string> file_paths;
  std::vector<int32_t> labels;  // empty for labels std::nullopt
  std::vector<std::string> class_names;
};
DirectoryIndex index_directory(const std::string& directory, const DatasetLabels& labels,
                               const std::vector<std::string>& formats,
                               const std::vector<std::string>& class_names = {}, bool shuffle = true,
                               std::optional<uint64_t> seed = {}, bool follow_links = false);

}  // namespace keras::utils

// keras/src/utils/image_dataset_utils.py (image_dataset_from_directory) and
// dataset_utils.py (index_directory, get_training_or_validation_split,
// check_validation_split_arg), with numpy's RandomState shuffle reproduced so that a
// folder splits the same way as in Keras.
#include "keras/utils/image_dataset.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <set>

#include "keras/errors.h"
#include "utils/image/codec.h"
#include "utils/names.h"
#include "utils/shuffle_order.h"

namespace keras::utils {

using keras::detail::cat;
namespace fs = std::filesystem;

DatasetLabels::DatasetLabels(const char* s) {
  if (std::string(s ? s : "") != "inferred")
    throw ValueError(cat("`labels` argument should be \"inferred\", std::nullopt (no labels) or a list of integer ",
                         "labels, one per image file. Received: labels=", s ? s : "(null)"));
}

namespace {

const std::vector<std::string> kAllowlistFormats{".bmp", ".gif", ".jpeg", ".jpg", ".png"};
const char* kAllowlistText = "('.bmp', '.gif', '.jpeg', '.jpg', '.png')";

// os.path.join for relative parts.
std::string py_join(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (a.back() == '/') return a + b;
  return a + "/" + b;
}

bool has_format(const std::string& name, const std::vector<std::string>& formats) {
  const std::string l = ascii_lower(name);
  return std::any_of(formats.begin(), formats.end(), [&](const std::string& f) {
    return l.size() >= f.size() && l.compare(l.size() - f.size(), f.size(), f) == 0;
  });
}

// os.walk(top, followlinks) as (root, files) pairs: symlinks to folders are entered only
// with follow_links (each real folder once, so a symlink loop ends).
void walk(const std::string& root, bool follow_links, std::set<fs::path>& seen,
          std::vector<std::pair<std::string, std::vector<std::string>>>& out) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(root, ec);
  if (!ec && !seen.insert(canonical).second) return;
  std::vector<std::string> files, dirs;
  fs::directory_iterator it(root, ec), end;
  if (ec) return;  // os.walk ignores folders it cannot list
  for (; it != end; it.increment(ec)) {
    if (ec) break;
    const fs::directory_entry& e = *it;
    const std::string name = e.path().filename().string();
    std::error_code ec2;
    if (e.is_directory(ec2)) {
      if (follow_links || !e.is_symlink(ec2)) dirs.push_back(name);
    } else {
      files.push_back(name);
    }
  }
  out.emplace_back(root, files);
  std::sort(dirs.begin(), dirs.end());
  for (const std::string& d : dirs) walk(py_join(root, d), follow_links, seen, out);
}

}  // namespace

DirectoryIndex index_directory(const std::string& directory, const DatasetLabels& labels,
                               const std::vector<std::string>& formats, const std::vector<std::string>& class_names_in,
                               bool shuffle, std::optional<uint64_t> seed, bool follow_links) {
  std::error_code ec;
  if (!fs::is_directory(directory, ec))
    throw ValueError(cat("index_directory: directory ", directory, " does not exist or is not a folder"));
  std::vector<std::string> subdirs;
  if (labels.kind == DatasetLabels::Kind::inferred) {
    for (fs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      std::error_code ec2;
      if (it->is_directory(ec2) && !name.empty() && name[0] != '.') subdirs.push_back(name);
    }
    std::sort(subdirs.begin(), subdirs.end());
    if (!class_names_in.empty()) {
      const std::set<std::string> have(subdirs.begin(), subdirs.end());
      for (const std::string& c : class_names_in)
        if (!have.count(c)) {
          std::string expected = "[";
          for (size_t i = 0; i < subdirs.size(); ++i) expected += cat(i ? ", " : "", "'", subdirs[i], "'");
          std::string received = "[";
          for (size_t i = 0; i < class_names_in.size(); ++i)
            received += cat(i ? ", " : "", "'", class_names_in[i], "'");
          throw ValueError(cat("The `class_names` passed did not match the names of the subdirectories of the target ",
                               "directory. Expected: ", expected,
                               "] (or a subset of it), but received: class_names=", received, "]"));
        }
      subdirs = class_names_in;  // keep the given order
    }
  } else {
    if (!class_names_in.empty())
      throw ValueError(labels.kind == DatasetLabels::Kind::none
                           ? "When `labels=None` (no labels), argument `class_names` cannot be specified."
                           : "When argument `labels` is specified, argument `class_names` cannot be specified (the "
                             "`class_names` will be the sorted list of labels).");
    subdirs = {""};
  }

  DirectoryIndex index;
  std::vector<std::string> filenames;
  std::vector<int32_t> inferred;
  for (size_t k = 0; k < subdirs.size(); ++k) {
    const std::string dirpath = py_join(directory, subdirs[k]);
    std::vector<std::pair<std::string, std::vector<std::string>>> tree;
    std::set<fs::path> seen;
    walk(dirpath, follow_links, seen, tree);
    std::stable_sort(tree.begin(), tree.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [root, files] : tree) {
      std::sort(files.begin(), files.end());
      for (const std::string& f : files) {
        if (!has_format(f, formats)) continue;
        // Keras's relative path: the class folder's name joined with the path below it.
        std::string below = root.size() > dirpath.size() ? root.substr(dirpath.size()) : "";
        while (!below.empty() && below.front() == '/') below.erase(0, 1);
        filenames.push_back(py_join(subdirs[k], py_join(below, f)));
        inferred.push_back(static_cast<int32_t>(k));
      }
    }
  }

  if (labels.kind == DatasetLabels::Kind::inferred) {
    index.labels = std::move(inferred);
    index.class_names = subdirs;
  } else if (labels.kind == DatasetLabels::Kind::given) {
    if (labels.values.size() != filenames.size())
      throw ValueError(cat("Expected the lengths of `labels` to match the number of files in the target directory. ",
                           "len(labels) is ", labels.values.size(), " while we found ", filenames.size(),
                           " files in directory ", directory, "."));
    const std::set<int64_t> distinct(labels.values.begin(), labels.values.end());
    for (int64_t v : distinct) index.class_names.push_back(std::to_string(v));
    for (int64_t v : labels.values) {
      if (v < INT32_MIN || v > INT32_MAX) throw ValueError(cat("index_directory: label ", v, " does not fit in int32"));
      index.labels.push_back(static_cast<int32_t>(v));
    }
  }
  for (const std::string& f : filenames) index.file_paths.push_back(py_join(directory, f));

  if (shuffle) {
    const uint64_t s = seed ? *seed : random_seed();
    if (s > 0xffffffffull) throw ValueError(cat("Seed must be between 0 and 2**32 - 1. Received: seed=", s));
    const std::vector<int64_t> perm = numpy_shuffle_permutation(static_cast<int64_t>(index.file_paths.size()), s);
    std::vector<std::string> paths(index.file_paths.size());
    for (size_t i = 0; i < perm.size(); ++i) paths[i] = index.file_paths[static_cast<size_t>(perm[i])];
    index.file_paths.swap(paths);
    if (!index.labels.empty()) {
      std::vector<int32_t> l(index.labels.size());
      for (size_t i = 0; i < perm.size(); ++i) l[i] = index.labels[static_cast<size_t>(perm[i])];
      index.labels.swap(l);
    }
  }
  return index;
}

// ---------------------------------------------------------------------------------------

ImageDataset::ImageDataset(Config config)
    : PyDataset({.workers = config.workers, .use_multiprocessing = false, .max_queue_size = config.max_queue_size}),
      c_(std::move(config)) {
  if (c_.batch_size <= 0)
    throw ValueError(
        cat("image_dataset_from_directory: batch_size must be positive. Received: batch_size=", c_.batch_size));
  order_.resize(c_.file_paths.size());
  for (size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<int64_t>(i);
}

int64_t ImageDataset::size() const { return (num_samples() + c_.batch_size - 1) / c_.batch_size; }

namespace {

// One image as float32 (height, width, channels) of the target size.
std::vector<float> load_one(const std::string& path, const ImageDataset::Config& c) {
  using namespace image_detail;
  Decoded d = decode_any(read_image_file(path), path);
  const int ch = c.channels;
  const std::vector<uint8_t> px = to_channels(d, ch);
  int64_t h = d.height, w = d.width;
  d = Decoded{};  // free the decoded copy early
  const int64_t th = c.image_size[0], tw = c.image_size[1];
  std::vector<float> f(px.begin(), px.end());
  if (c.crop_to_aspect_ratio) {
    // smart_resize's crop (keras/src/utils/image_utils.py), then resize.
    int64_t crop_h = static_cast<int64_t>(static_cast<double>(w * th) / static_cast<double>(tw));
    crop_h = std::max<int64_t>(std::min(h, crop_h), 1);
    int64_t crop_w = static_cast<int64_t>(static_cast<double>(h * tw) / static_cast<double>(th));
    crop_w = std::max<int64_t>(std::min(w, crop_w), 1);
    const auto top = static_cast<int64_t>(static_cast<double>(h - crop_h) / 2);
    const auto left = static_cast<int64_t>(static_cast<double>(w - crop_w) / 2);
    if (crop_h != h || crop_w != w) {
      std::vector<float> crop(static_cast<size_t>(crop_h * crop_w * ch));
      for (int64_t y = 0; y < crop_h; ++y)
        std::copy_n(f.begin() + ((top + y) * w + left) * ch, crop_w * ch, crop.begin() + y * crop_w * ch);
      f.swap(crop);
      h = crop_h;
      w = crop_w;
    }
    return resize_hwc(f, h, w, ch, th, tw, c.interpolation, false);
  }
  if (c.pad_to_aspect_ratio) {
    // tf.image.resize_with_pad, in float32 as TensorFlow computes it.
    const float ratio =
        std::max(static_cast<float>(w) / static_cast<float>(tw), static_cast<float>(h) / static_cast<float>(th));
    const float rh_f = static_cast<float>(h) / ratio, rw_f = static_cast<float>(w) / ratio;
    const int64_t rh = std::max<int64_t>(1, static_cast<int64_t>(std::floor(rh_f)));
    const int64_t rw = std::max<int64_t>(1, static_cast<int64_t>(std::floor(rw_f)));
    const int64_t top = std::max<int64_t>(0, static_cast<int64_t>(std::floor((static_cast<float>(th) - rh_f) / 2)));
    const int64_t left = std::max<int64_t>(0, static_cast<int64_t>(std::floor((static_cast<float>(tw) - rw_f) / 2)));
    const std::vector<float> r = resize_hwc(f, h, w, ch, rh, rw, c.interpolation, false);
    std::vector<float> out(static_cast<size_t>(th * tw * ch), 0.0f);
    for (int64_t y = 0; y < rh && top + y < th; ++y)
      std::copy_n(r.begin() + y * rw * ch, std::min(rw, tw - left) * ch, out.begin() + ((top + y) * tw + left) * ch);
    return out;
  }
  return resize_hwc(f, h, w, ch, th, tw, c.interpolation, false);
}

}  // namespace

DataBatch ImageDataset::get(int64_t index) {
  if (index < 0 || index >= size())
    throw ValueError(cat("ImageDataset: batch index ", index, " out of range [0, ", size(), ")"));
  const int64_t begin = index * c_.batch_size, end = std::min(num_samples(), begin + c_.batch_size);
  const int64_t n = end - begin, th = c_.image_size[0], tw = c_.image_size[1], ch = c_.channels;
  const int64_t per_image = th * tw * ch;
  std::vector<float> x(static_cast<size_t>(n * per_image));
  for (int64_t i = 0; i < n; ++i) {
    const std::string& path = c_.file_paths[static_cast<size_t>(order_[static_cast<size_t>(begin + i)])];
    std::vector<float> img;
    try {
      img = load_one(path, c_);
    } catch (const IOError& e) {
      throw IOError(cat("image_dataset_from_directory: ", e.what()));
    } catch (const ValueError& e) {
      throw ValueError(cat("image_dataset_from_directory: ", e.what()));
    }
    float* dst = x.data() + i * per_image;
    if (!c_.channels_first) {
      std::copy(img.begin(), img.end(), dst);
    } else {
      for (int64_t p = 0; p < th * tw; ++p)
        for (int64_t k = 0; k < ch; ++k) dst[k * th * tw + p] = img[static_cast<size_t>(p * ch + k)];
    }
  }
  DataBatch batch;
  batch.x = {c_.channels_first ? Tensor::from_vector(x, Shape{n, ch, th, tw})
                               : Tensor::from_vector(x, Shape{n, th, tw, ch})};
  if (c_.label_mode) {
    std::vector<int32_t> l(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
      l[static_cast<size_t>(i)] = c_.labels[static_cast<size_t>(order_[static_cast<size_t>(begin + i)])];
    if (*c_.label_mode == "int") {
      batch.y = {Tensor::from_vector(l, Shape{n})};
    } else if (*c_.label_mode == "binary") {
      std::vector<float> b(l.begin(), l.end());
      batch.y = {Tensor::from_vector(b, Shape{n, 1})};
    } else {
      const auto k = static_cast<int64_t>(c_.class_names.size());
      std::vector<float> onehot(static_cast<size_t>(n * k), 0.0f);
      for (int64_t i = 0; i < n; ++i) onehot[static_cast<size_t>(i * k + l[static_cast<size_t>(i)])] = 1.0f;
      batch.y = {Tensor::from_vector(onehot, Shape{n, k})};
    }
  }
  return batch;
}

void ImageDataset::on_epoch_end() {
  ++epoch_;
  if (!c_.shuffle) return;
  for (size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<int64_t>(i);
  std::seed_seq seq{static_cast<uint32_t>(c_.seed), static_cast<uint32_t>(c_.seed >> 32),
                    static_cast<uint32_t>(epoch_)};
  std::mt19937_64 rng(seq);
  std::shuffle(order_.begin(), order_.end(), rng);
}

// ---------------------------------------------------------------------------------------

namespace {

struct Prepared {
  DirectoryIndex index;
  ImageDataset::Config base;
  double split = 0.0;
};

Prepared prepare(const std::string& directory, ImageDatasetOptions& o) {
  const char* fn = "image_dataset_from_directory";
  if (o.label_mode && *o.label_mode != "int" && *o.label_mode != "categorical" && *o.label_mode != "binary")
    throw ValueError(cat("`label_mode` argument must be one of \"int\", \"categorical\", \"binary\", or None. ",
                         "Received: label_mode=", *o.label_mode));
  if (o.labels.kind == DatasetLabels::Kind::none || !o.label_mode) {
    o.labels = std::nullopt;
    o.label_mode = std::nullopt;
  }
  const int channels = image_detail::channels_of_color_mode(o.color_mode, fn);
  if (o.image_size[0] <= 0 || o.image_size[1] <= 0)
    throw ValueError(cat("Invalid `image_size` value. Expected a tuple of 2 positive integers. Received: image_size=(",
                         o.image_size[0], ", ", o.image_size[1], ")"));
  o.interpolation = [](std::string s) {
    for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  }(o.interpolation);
  static const std::vector<std::string> supported{"bilinear", "nearest",  "bicubic",  "area",
                                                  "lanczos3", "lanczos5", "gaussian", "mitchellcubic"};
  if (std::find(supported.begin(), supported.end(), o.interpolation) == supported.end())
    throw ValueError(
        cat("Argument `interpolation` should be one of ('bilinear', 'nearest', 'bicubic', 'area', ",
            "'lanczos3', 'lanczos5', 'gaussian', 'mitchellcubic'). Received: interpolation=", o.interpolation));
  if (o.interpolation == "gaussian" || o.interpolation == "mitchellcubic")
    throw ValueError(cat(fn, ": interpolation \"", o.interpolation,
                         "\" is not implemented here; use bilinear, nearest, bicubic, area, lanczos3 or lanczos5"));
  if (o.crop_to_aspect_ratio && o.pad_to_aspect_ratio)
    throw ValueError("Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be set to `True`.");
  if (o.batch_size <= 0) throw ValueError(cat(fn, ": batch_size must be positive. Received: ", o.batch_size));
  std::string data_format = o.data_format.empty() ? "channels_last" : o.data_format;
  if (data_format != "channels_last" && data_format != "channels_first")
    throw ValueError(cat("The `data_format` argument must be one of {\"channels_first\", \"channels_last\"}. ",
                         "Received: data_format=", o.data_format));
  // check_validation_split_arg
  const double vs = o.validation_split;
  if (vs != 0.0 && !(vs > 0.0 && vs < 1.0))
    throw ValueError(cat("`validation_split` must be between 0 and 1, received: ", vs));
  if ((vs != 0.0 || !o.subset.empty()) && !(vs != 0.0 && !o.subset.empty()))
    throw ValueError("If `subset` is set, `validation_split` must be set, and inversely.");
  if (!o.subset.empty() && o.subset != "training" && o.subset != "validation" && o.subset != "both")
    throw ValueError(cat("`subset` must be either \"training\", \"validation\" or \"both\", received: ", o.subset));
  if (vs != 0.0 && o.shuffle && !o.seed)
    throw ValueError(
        "If using `validation_split` and shuffling the data, you must provide a `seed` argument, to make sure that "
        "there is no overlap between the training and validation subset.");
  if (!o.seed) o.seed = random_seed();

  Prepared p;
  p.index = index_directory(directory, o.labels, kAllowlistFormats, o.class_names, o.shuffle, o.seed, o.follow_links);
  if (o.verbose) {
    if (!o.label_mode) std::cout << "Found " << p.index.file_paths.size() << " files.\n";
    else
      std::cout << "Found " << p.index.file_paths.size() << " files belonging to " << p.index.class_names.size()
                << " classes.\n";
  }
  if (o.label_mode == "binary" && p.index.class_names.size() != 2) {
    std::string names;
    for (size_t i = 0; i < p.index.class_names.size(); ++i)
      names += cat(i ? ", " : "", "'", p.index.class_names[i], "'");
    throw ValueError(cat("When passing `label_mode=\"binary\"`, there must be exactly 2 class_names. Received: ",
                         "class_names=[", names, "]"));
  }
  if (o.label_mode) {
    const auto k = static_cast<int64_t>(p.index.class_names.size());
    for (int32_t l : p.index.labels)
      if (*o.label_mode != "int" && (l < 0 || l >= k))
        throw ValueError(cat(fn, ": label ", l, " is outside [0, ", k, ") and cannot be encoded as label_mode=\"",
                             *o.label_mode, "\""));
  }
  if (!o.label_mode) p.index.labels.clear();
  ImageDataset::Config& c = p.base;
  c.class_names = p.index.class_names;
  c.label_mode = o.label_mode;
  c.channels = channels;
  c.batch_size = o.batch_size;
  c.image_size = o.image_size;
  c.shuffle = o.shuffle;
  c.seed = *o.seed;
  c.interpolation = o.interpolation;
  c.crop_to_aspect_ratio = o.crop_to_aspect_ratio;
  c.pad_to_aspect_ratio = o.pad_to_aspect_ratio;
  c.channels_first = data_format == "channels_first";
  c.workers = o.workers;
  c.max_queue_size = o.max_queue_size;
  p.split = vs;
  return p;
}

// get_training_or_validation_split: training is the first n - int(split * n) files.
ImageDataset::Config subset_config(const Prepared& p, const std::string& subset, bool verbose) {
  ImageDataset::Config c = p.base;
  const auto n = static_cast<int64_t>(p.index.file_paths.size());
  int64_t begin = 0, end = n;
  if (p.split != 0.0) {
    const auto num_val = static_cast<int64_t>(p.split * static_cast<double>(n));
    const int64_t num_train = n - num_val;
    if (subset == "training") {
      end = num_train;
      if (verbose) std::cout << "Using " << num_train << " files for training.\n";
    } else {
      begin = num_train;
      if (verbose) std::cout << "Using " << num_val << " files for validation.\n";
    }
  }
  c.file_paths.assign(p.index.file_paths.begin() + begin, p.index.file_paths.begin() + end);
  if (!p.index.labels.empty()) c.labels.assign(p.index.labels.begin() + begin, p.index.labels.begin() + end);
  return c;
}

}  // namespace

ImageDataset image_dataset_from_directory(const std::string& directory, ImageDatasetOptions options) {
  if (options.subset == "both")
    throw ValueError(
        "image_dataset_from_directory: subset=\"both\" gives two datasets; call image_dataset_from_directory_both");
  Prepared p = prepare(directory, options);
  ImageDataset::Config c = subset_config(p, options.subset, options.verbose);
  if (c.file_paths.empty())
    throw ValueError(cat("No images found in directory ", directory, ". Allowed formats: ", kAllowlistText));
  return ImageDataset(std::move(c));
}

std::pair<ImageDataset, ImageDataset> image_dataset_from_directory_both(const std::string& directory,
                                                                        ImageDatasetOptions options) {
  if (options.subset.empty()) options.subset = "both";
  if (options.subset != "both")
    throw ValueError(cat("image_dataset_from_directory_both: subset must be \"both\" (or empty). Received: subset=",
                         options.subset));
  Prepared p = prepare(directory, options);
  ImageDataset::Config train = subset_config(p, "training", options.verbose);
  ImageDataset::Config val = subset_config(p, "validation", options.verbose);
  if (train.file_paths.empty())
    throw ValueError(cat("No training images found in directory ", directory, ". Allowed formats: ", kAllowlistText));
  if (val.file_paths.empty())
    throw ValueError(cat("No validation images found in directory ", directory, ". Allowed formats: ", kAllowlistText));
  val.shuffle = false;
  return {ImageDataset(std::move(train)), ImageDataset(std::move(val))};
}

}  // namespace keras::utils

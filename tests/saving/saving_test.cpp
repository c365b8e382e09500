// Saving and loading: round trips through every format, Keras's exact layout, and
// the safety of reading damaged or hostile files.
#include "keras/saving/saving.h"

#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "saving/hdf5/reader.h"
#include "saving/hdf5/writer.h"
#include "saving/zip_archive.h"
#include "test_utils.h"

namespace keras::saving {
namespace {

using namespace layers;
namespace fs = std::filesystem;

std::string tmp(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("keras_saving_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return (dir / name).string();
}

Sequential small_cnn() {
  return Sequential({Input({8, 8, 1}), Conv2D(4, 3, {.activation = "relu"}), MaxPooling2D(), Flatten(), Dropout(0.2),
                     Dense(3, "softmax")});
}

Model small_functional() {
  auto a = Input({4}, {.batch_size = {}, .dtype = DType::float32, .name = "a"});
  auto b = Input({3}, {.batch_size = {}, .dtype = DType::float32, .name = "b"});
  LayerHandle shared = Dense(5, "tanh", {.name = "shared"});
  auto h = Concatenate()({shared(Dense(4)(a)), Dense(5)(b)});
  auto out1 = Dense(2, "softmax", {.name = "cls"})(h);
  auto out2 = Dense(1, {.name = "reg"})(Add()({Dense(1)(h), Dense(1)(h)}));
  return Model({a, b}, {out1, out2}, "two_heads");
}

void train_briefly(Model& m, const TensorList& x, const TensorList& y) {
  m.fit(x, y, {.batch_size = 8, .epochs = 2, .verbose = 0});
}

TEST(Saving, RoundTripSequentialAllFormats) {
  utils::set_random_seed(5);
  Sequential m = small_cnn();
  m.compile(optimizers::Adam({.learning_rate = 0.01}), "sparse_categorical_crossentropy", {"accuracy"});
  Tensor x = testing::random_tensor({16, 8, 8, 1}, 1);
  Tensor y = Tensor::from_vector<int64_t>(std::vector<int64_t>(16, 1));
  train_briefly(m, {x}, {y});
  const Tensor want = m.predict(x, {.batch_size = 32, .verbose = 0, .callbacks = {}});

  for (const std::string file : {"cnn.keras", "cnn.h5"}) {
    SCOPED_TRACE(file);
    m.save(tmp(file));
    auto loaded = load_model(tmp(file));
    EXPECT_EQ(loaded->class_name(), "Sequential");
    EXPECT_EQ(loaded->predict(x, {.batch_size = 32, .verbose = 0, .callbacks = {}}).to_vector<float>(), want.to_vector<float>());
    // compile config round-trips: the loaded model trains right away, with the same metric names.
    ASSERT_TRUE(loaded->compiled());
    EXPECT_EQ(loaded->optimizer()->class_name(), "Adam");
    EXPECT_DOUBLE_EQ(loaded->optimizer()->learning_rate(), 0.01);
    const auto logs = loaded->evaluate(x, y, {.batch_size = 16, .verbose = 0, .callbacks = {}});
    EXPECT_TRUE(logs.count("accuracy"));
  }
  // Weights only.
  m.save_weights(tmp("cnn.weights.h5"));
  Sequential fresh = small_cnn();
  fresh.load_weights(tmp("cnn.weights.h5"));
  EXPECT_EQ(fresh.predict(x, {.batch_size = 32, .verbose = 0, .callbacks = {}}).to_vector<float>(), want.to_vector<float>());
  // A legacy .h5 also serves as a weights file.
  Sequential fresh2 = small_cnn();
  fresh2.load_weights(tmp("cnn.h5"));
  EXPECT_EQ(fresh2.predict(x, {.batch_size = 32, .verbose = 0, .callbacks = {}}).to_vector<float>(), want.to_vector<float>());
}

TEST(Saving, RoundTripFunctionalWithSharedLayersAndTwoOutputs) {
  utils::set_random_seed(6);
  Model m = small_functional();
  m.compile(models::CompileOptions{.optimizer = "rmsprop",
                           .loss = {},
                           .losses = {"sparse_categorical_crossentropy", losses::MeanSquaredError()},
                           .loss_weights = {1.0, 0.3},
                           .metrics = {},
                           .output_metrics = {{"accuracy"}, {"mae"}}});
  TensorList x{testing::random_tensor({12, 4}, 1), testing::random_tensor({12, 3}, 2)};
  TensorList y{Tensor::from_vector<int64_t>(std::vector<int64_t>(12, 1)), testing::random_tensor({12, 1}, 3)};
  train_briefly(m, x, y);
  const TensorList want = m.predict(x, {.batch_size = 32, .verbose = 0, .callbacks = {}});
  for (const std::string file : {"f.keras", "f.h5"}) {
    SCOPED_TRACE(file);
    m.save(tmp(file));
    auto loaded = load_model(tmp(file));
    EXPECT_EQ(loaded->name(), "two_heads");
    EXPECT_EQ(loaded->output_names(), (std::vector<std::string>{"cls", "reg"}));
    EXPECT_EQ(loaded->get_layer("shared")->inbound_nodes().size(), 1u);
    const TensorList got = loaded->predict(x, {.batch_size = 32, .verbose = 0, .callbacks = {}});
    for (size_t i = 0; i < 2; ++i) EXPECT_EQ(got[i].to_vector<float>(), want[i].to_vector<float>());
  }
  auto loaded = load_model(tmp("f.keras"));
  const auto logs = loaded->evaluate(x, y, {.batch_size = 12, .verbose = 0, .callbacks = {}});
  EXPECT_TRUE(logs.count("cls_accuracy") && logs.count("reg_mae")) << "metrics after reload";
  EXPECT_NEAR(logs.at("loss"), logs.at("cls_loss") + 0.3 * logs.at("reg_loss"), 1e-5);
}

TEST(Saving, NestedModels) {
  utils::set_random_seed(7);
  LayerHandle inner = Sequential({Dense(4, "relu"), Dense(2)}, "inner");
  auto x = Input({3});
  Model mid(x, Dense(1)(inner(x)), "mid");
  Sequential outer({Input({3}), LayerHandle(std::move(mid)), Activation("sigmoid")}, "outer");
  Tensor data = testing::random_tensor({5, 3}, 4);
  const auto want = outer.predict(data, {.batch_size = 32, .verbose = 0, .callbacks = {}}).to_vector<float>();
  for (const std::string file : {"nested.keras", "nested.h5"}) {
    SCOPED_TRACE(file);
    outer.save(tmp(file));
    EXPECT_EQ(load_model(tmp(file))->predict(data, {.batch_size = 32, .verbose = 0, .callbacks = {}}).to_vector<float>(), want);
  }
  // The weights file nests the inner models as Keras does.
  outer.save_weights(tmp("nested.weights.h5"));
  auto root = hdf5::File::open(tmp("nested.weights.h5")).root();
  EXPECT_TRUE(root.get("layers/functional/layers/sequential/layers/dense/vars").has("0"));
}

// ---- Keras's layout, key for key

/// The structure of a JSON value: keys (recursively), with values only where they are
/// structural (class names); numbers and names that legitimately differ are ignored.
void json_structure(const nlohmann::json& j, const std::string& path, std::set<std::string>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "shared_object_id" || it.key() == "date_saved") continue;
      out.insert(path + "/" + it.key());
      if (it.key() == "class_name" && it->is_string()) out.insert(path + "/class_name=" + it->get<std::string>());
      json_structure(*it, path + "/" + it.key(), out);
    }
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) json_structure(j[i], path + "[" + std::to_string(i) + "]", out);
  }
}

void h5_structure(const hdf5::Object& o, const std::string& path, std::set<std::string>& out) {
  for (const auto& a : o.attribute_names()) out.insert(path + "@" + a);
  for (const auto& k : o.keys()) {
    const auto child = o.get(k);
    if (child.is_dataset()) {
      out.insert(path + "/" + k + " " + child.shape().to_string() + " " + std::string(dtype_name(child.dtype())));
    } else {
      out.insert(path + "/" + k + "/");
      h5_structure(child, path + "/" + k, out);
    }
  }
}

void expect_same(const std::set<std::string>& ours, const std::set<std::string>& keras, const std::string& what) {
  for (const auto& k : keras) EXPECT_TRUE(ours.count(k)) << what << ": Keras has " << k << ", our file does not";
  for (const auto& k : ours) EXPECT_TRUE(keras.count(k)) << what << ": our file has " << k << ", Keras's does not";
}

TEST(Saving, FilesFollowKerasLayout) {
  for (const std::string name : {"model_mnist_cnn", "model_two_in_two_out", "merge_rank3_mix", "dropout_identity",
                                 "bilstm_concat_seq", "model_encoder_decoder", "masking_lstm_functional",
                                 "embedding_mask_lstm", "gru_state", "timedistributed_conv2d"}) {
    SCOPED_TRACE(name);
    const std::string dir = testing::data_dir() + "/keras_cases/" + name;
    auto model = load_model(dir + "/model.keras");
    model->save(tmp(name + ".keras"));
    ZipReader ours(tmp(name + ".keras")), theirs(dir + "/model.keras");
    EXPECT_EQ(ours.names(), theirs.names());
    auto config = [](const ZipReader& z) {
      const auto b = z.read("config.json", 1 << 26);
      return nlohmann::json::parse(std::string(b.begin(), b.end()));
    };
    std::set<std::string> a, b;
    json_structure(config(ours), "", a);
    json_structure(config(theirs), "", b);
    expect_same(a, b, "config.json");
    std::set<std::string> ha, hb;
    h5_structure(hdf5::File::from_bytes(ours.read("model.weights.h5", 1 << 30), "ours").root(), "", ha);
    h5_structure(hdf5::File::from_bytes(theirs.read("model.weights.h5", 1 << 30), "keras").root(), "", hb);
    expect_same(ha, hb, "model.weights.h5");
    // The legacy file too (Keras could not write one for some cases).
    if (!std::filesystem::exists(dir + "/model.h5")) continue;
    auto legacy = load_model(dir + "/model.h5");
    legacy->save(tmp(name + ".h5"));
    std::set<std::string> la, lb;
    h5_structure(hdf5::File::open(tmp(name + ".h5")).root(), "", la);
    h5_structure(hdf5::File::open(dir + "/model.h5").root(), "", lb);
    expect_same(la, lb, "legacy .h5");
  }
}

TEST(Saving, ReadsTfKeras2LegacyFiles) {
  // Laid out as tf.keras 2.x wrote them: "batch_input_shape", dtype strings, nodes as
  // [[name, node, tensor, kwargs]], fixed-length byte-string attributes, ":0" names.
  const std::string dir = testing::data_dir() + "/keras2";
  auto seq = load_model(dir + "/sequential_tf2.h5");
  testing::expect_allclose(seq->predict(load_npy(dir + "/sequential_tf2_input.npy"), {.batch_size = 32, .verbose = 0, .callbacks = {}}),
                           load_npy(dir + "/sequential_tf2_output.npy"), 1e-5, 1e-5, "tf.keras Sequential");
  ASSERT_TRUE(seq->compiled());  // from training_config
  EXPECT_EQ(seq->optimizer()->class_name(), "Adam");
  auto fn = load_model(dir + "/functional_tf2.h5");
  testing::expect_allclose(fn->predict(TensorList{load_npy(dir + "/functional_tf2_input_0.npy"), load_npy(dir + "/functional_tf2_input_1.npy")},
                                       {.batch_size = 32, .verbose = 0, .callbacks = {}})[0],
                           load_npy(dir + "/functional_tf2_output.npy"), 1e-5, 1e-5, "tf.keras functional");
}

// ---- bad files

TEST(Saving, MismatchErrorsNameLayerAndShapes) {
  Sequential a({Input({4}), Dense(3, {.name = "d"})});
  a.save_weights(tmp("a.weights.h5"));
  Sequential b({Input({5}), Dense(3, {.name = "d"})});
  testing::expect_error<ValueError>([&] { b.load_weights(tmp("a.weights.h5")); }, {"\"d\"", "(5, 3)", "(4, 3)"});
  Sequential c({Input({4}), Dense(3), Dense(2)});
  testing::expect_error<std::exception>([&] { c.load_weights(tmp("a.weights.h5")); }, {});
  testing::expect_error<ValueError>([&] { a.save(tmp("x.weights.h5")); }, {"save_weights"});
  testing::expect_error<ValueError>([&] { a.save(tmp("x.pb")); }, {".keras"});
}

TEST(Saving, SaveIsAtomic) {
  Sequential good({Input({2}), Dense(1)});
  good.save(tmp("atomic.keras"));
  const auto before = fs::file_size(tmp("atomic.keras"));
  // A model whose layer cannot be serialized fails half-way through the save.
  Sequential bad({Input({2}), Activation(activations::Activation("custom", [](const Tensor& t) { return t; }))});
  EXPECT_THROW(bad.save(tmp("atomic.keras")), std::exception);
  EXPECT_EQ(fs::file_size(tmp("atomic.keras")), before);
  EXPECT_NO_THROW(load_model(tmp("atomic.keras")));
  for (const auto& e : fs::directory_iterator(fs::path(tmp("atomic.keras")).parent_path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << e.path();
}

std::vector<uint8_t> file_bytes(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_bytes(const std::string& p, const std::vector<uint8_t>& b) {
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

/// Loading must give a keras exception (or succeed), never crash or hang.
void expect_no_crash(const std::string& path) {
  try {
    auto m = load_model(path);
    if (m) m->summary_string();
  } catch (const std::exception&) {
  }
}

TEST(Saving, DamagedFilesGiveExceptions) {
  const std::string dir = testing::data_dir() + "/keras_cases/model_two_in_two_out";
  for (const std::string& src : {dir + "/model.keras", dir + "/model.h5"}) {
    SCOPED_TRACE(src);
    const auto bytes = file_bytes(src);
    // Truncations.
    // (An HDF5 file may end in unused space, so cuts stay well inside the data.)
    for (size_t cut : {size_t{0}, size_t{3}, size_t{100}, bytes.size() / 3, bytes.size() / 2}) {
      write_bytes(tmp("cut"), std::vector<uint8_t>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(cut)));
      EXPECT_THROW(load_model(tmp("cut")), std::exception) << "cut at " << cut;
    }
    // Random byte flips (a deterministic mini-fuzz; CI also runs libFuzzer).
    uint64_t s = 12345;
    for (int round = 0; round < 300; ++round) {
      auto mutated = bytes;
      for (int k = 0; k < 1 + round % 8; ++k) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        mutated[(s >> 33) % mutated.size()] ^= static_cast<uint8_t>(1u << ((s >> 20) % 8));
      }
      write_bytes(tmp("flip"), mutated);
      expect_no_crash(tmp("flip"));
    }
  }
  testing::expect_error<IOError>([] { load_model("/nonexistent/model.keras"); }, {"Cannot open"});
}

TEST(Saving, AFlippedBitInAnEntryIsRefusedByItsCrc) {
  // Keras stores entries uncompressed, so a flipped bit in model.weights.h5 used to load
  // silently wrong weights. Every byte of the weights entry's data, one bit each time.
  const std::string src = testing::data_dir() + "/keras_cases/dense_relu/model.keras";
  const auto bytes = file_bytes(src);
  const std::vector<uint8_t> weights = ZipReader(src).read("model.weights.h5", 1 << 26);
  const auto at = std::search(bytes.begin(), bytes.end(), weights.begin(), weights.end());
  ASSERT_NE(at, bytes.end()) << "the weights are stored uncompressed";
  const size_t begin = static_cast<size_t>(at - bytes.begin());
  int refused = 0;
  for (size_t i = begin; i < begin + weights.size(); i += 7) {
    auto mutated = bytes;
    mutated[i] ^= static_cast<uint8_t>(1u << (i % 8));
    write_bytes(tmp("crc.keras"), mutated);
    testing::expect_error<IOError>([] { load_model(tmp("crc.keras")); }, {"model.weights.h5 is damaged", "CRC-32"});
    ++refused;
  }
  EXPECT_GT(refused, 50);
  EXPECT_NO_THROW(load_model(src));
}

TEST(Saving, HdfFeaturesWeDoNotReadAreRefusedNotTakenAsZeros) {
  // A dataset whose layout message is replaced by an external-files message (its values
  // would come from any file on the machine) or a filter pipeline (compressed data):
  // refused by name, never loaded as zeros.
  std::vector<uint8_t> bytes;
  {
    hdf5::Writer w("ext.h5");
    w.root().write_dataset("w", Tensor::from_vector(std::vector<float>{1, 2, 3}, Shape{3}));
    bytes = w.bytes();
  }
  // A version-1 object header message: type, size 24, flags, 3 reserved, then a version-3
  // contiguous layout (3, 1).
  const std::vector<uint8_t> layout_head{0x08, 0x00, 0x18, 0x00};
  size_t at = 0;
  for (auto it = bytes.begin();
       (it = std::search(it, bytes.end(), layout_head.begin(), layout_head.end())) != bytes.end(); ++it)
    if (static_cast<size_t>(it - bytes.begin()) + 10 <= bytes.size() && it[8] == 3 && it[9] == 1) {
      at = static_cast<size_t>(it - bytes.begin());
      break;
    }
  ASSERT_GT(at, 0u) << "no contiguous layout message found";
  EXPECT_EQ(hdf5::File::from_bytes(bytes, "plain.h5").root().get("w").read().to_vector<float>(),
            (std::vector<float>{1, 2, 3}));
  for (const auto& [type, words] :
       std::vector<std::pair<uint8_t, std::string>>{{0x07, "external files"}, {0x0B, "filter pipeline"}}) {
    auto patched = bytes;
    patched[at] = type;
    testing::expect_error<IOError>([&] { hdf5::File::from_bytes(patched, "hostile.h5").root().get("w").read(); },
                                   {"hostile.h5", "/w", words});
  }
}

TEST(Saving, AStringTensorIsRefusedAsAWeightDataset) {
  // Its bytes are std::string objects: written as numbers they would be garbage.
  hdf5::Writer w("strings.h5");
  testing::expect_error<TypeError>(
      [&] { w.root().write_dataset("vocabulary", Tensor::from_vector<std::string>({"a", "b"}, Shape{2})); },
      {"string tensor", "\"vocabulary\"", "(2,)"});
}

/// Rewrites the config.json of a .keras archive.
void with_config(const std::string& src, const std::string& dst, const std::function<void(nlohmann::ordered_json&)>& edit) {
  ZipReader z(src);
  const auto cb = z.read("config.json", 1 << 26);
  auto config = nlohmann::ordered_json::parse(std::string(cb.begin(), cb.end()));
  edit(config);
  const std::string text = config.dump();
  write_bytes(dst, make_zip({{"metadata.json", z.read("metadata.json", 1 << 20)},
                             {"config.json", std::vector<uint8_t>(text.begin(), text.end())},
                             {"model.weights.h5", z.read("model.weights.h5", 1 << 30)}}));
}

TEST(Saving, AWeightsEntryBiggerThanTheModelCanFillIsRefusedBeforeItIsRead) {
  // 9 MiB of weights for a model of a few hundred bytes: refused on the sizes alone.
  const std::string src = testing::data_dir() + "/keras_cases/dense_relu/model.keras";
  ZipReader z(src);
  auto weights = z.read("model.weights.h5", 1 << 30);
  weights.resize(weights.size() + (9u << 20), 0);
  write_bytes(tmp("padded.keras"), make_zip({{"metadata.json", z.read("metadata.json", 1 << 20)},
                                             {"config.json", z.read("config.json", 1 << 20)},
                                             {"model.weights.h5", weights}}));
  testing::expect_error<IOError>([&] { load_model(tmp("padded.keras")); },
                                 {"model.weights.h5 is ", "more than the", "the model's weights can fill"});
  // A config asking for far more than the archive's bytes can hold: the budget follows
  // the bytes really in the archive (a few KB here), not the sizes it states.
  with_config(src, tmp("wide.keras"), [](auto& c) { c["config"]["layers"][1]["config"]["units"] = 1 << 22; });
  testing::expect_error<IOError>([&] { load_model(tmp("wide.keras")); }, {"more memory"});
}

/// A zip written by hand whose last entry, deflated, claims `claimed_size` bytes through
/// zip64 extra fields (libzip's writer never lies, so the forgery is built here).
std::vector<uint8_t> zip_with_forged_size(const std::vector<std::pair<std::string, std::vector<uint8_t>>>& stored,
                                          const std::string& name, const std::vector<uint8_t>& data,
                                          uint64_t claimed_size) {
  std::vector<uint8_t> out, directory;
  auto put = [](std::vector<uint8_t>& b, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  auto add = [&](const std::string& n, const std::vector<uint8_t>& payload, bool deflated) {
    std::vector<uint8_t> body = payload;
    if (deflated) {  // raw deflate (no zlib header), as zip stores it
      z_stream z{};
      deflateInit2(&z, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
      body.resize(deflateBound(&z, static_cast<uLong>(payload.size())));
      z.next_in = const_cast<Bytef*>(payload.data());
      z.avail_in = static_cast<uInt>(payload.size());
      z.next_out = body.data();
      z.avail_out = static_cast<uInt>(body.size());
      deflate(&z, Z_FINISH);
      body.resize(z.total_out);
      deflateEnd(&z);
    }
    const uint32_t crc = static_cast<uint32_t>(crc32(0, payload.data(), static_cast<uInt>(payload.size())));
    const uint64_t offset = out.size();
    std::vector<uint8_t> extra;
    if (deflated) {  // zip64: both sizes in the extra field, 0xFFFFFFFF in the header
      put(extra, 0x0001, 2), put(extra, 16, 2), put(extra, claimed_size, 8), put(extra, body.size(), 8);
    }
    auto header = [&](std::vector<uint8_t>& b, bool central) {
      put(b, central ? 0x02014b50 : 0x04034b50, 4);
      if (central) put(b, 45, 2);
      put(b, 45, 2), put(b, 0, 2), put(b, deflated ? 8 : 0, 2), put(b, 0, 2), put(b, 0x21, 2), put(b, crc, 4);
      put(b, deflated ? 0xFFFFFFFF : body.size(), 4), put(b, deflated ? 0xFFFFFFFF : payload.size(), 4);
      put(b, n.size(), 2), put(b, extra.size(), 2);
      if (central) put(b, 0, 2), put(b, 0, 2), put(b, 0, 2), put(b, 0, 4), put(b, offset, 4);
      b.insert(b.end(), n.begin(), n.end());
      b.insert(b.end(), extra.begin(), extra.end());
    };
    header(out, false);
    out.insert(out.end(), body.begin(), body.end());
    header(directory, true);
  };
  for (const auto& [n, payload] : stored) add(n, payload, false);
  add(name, data, true);
  const uint64_t directory_at = out.size(), entries = stored.size() + 1;
  out.insert(out.end(), directory.begin(), directory.end());
  put(out, 0x06054b50, 4), put(out, 0, 2), put(out, 0, 2), put(out, entries, 2), put(out, entries, 2);
  put(out, directory.size(), 4), put(out, directory_at, 4), put(out, 0, 2);
  return out;
}

TEST(Saving, AForgedZip64SizeIsRefusedBeforeAnythingIsInflated) {
  // The weights entry (a few KB deflated) claims 6 GiB: refused on the sizes, at once,
  // where it used to allocate 6 GiB and fail with std::bad_alloc tens of seconds later.
  const std::string src = testing::data_dir() + "/keras_cases/dense_relu/model.keras";
  ZipReader z(src);
  const auto weights = z.read("model.weights.h5", 1 << 30);
  const uint64_t six_gib = uint64_t{6} << 30;
  write_bytes(tmp("zip64.keras"), zip_with_forged_size({{"metadata.json", z.read("metadata.json", 1 << 20)},
                                                        {"config.json", z.read("config.json", 1 << 20)}},
                                                       "model.weights.h5", weights, six_gib));
  ZipReader forged(tmp("zip64.keras"));
  ASSERT_EQ(forged.size("model.weights.h5"), six_gib) << "libzip reads the zip64 size";
  testing::expect_error<IOError>([&] { load_model(tmp("zip64.keras")); },
                                 {"model.weights.h5 is 6442450944 bytes", "the model's weights can fill"});
  // Read directly with a limit that allows it, the ratio gives the forgery away.
  testing::expect_error<IOError>([&] { forged.read("model.weights.h5", uint64_t{1} << 40); },
                                 {"model.weights.h5", "impossible compression ratio"});
  // The same archive with the true size loads: the forgery, not the hand-made zip, is refused.
  write_bytes(tmp("zip64_true.keras"), zip_with_forged_size({{"metadata.json", z.read("metadata.json", 1 << 20)},
                                                             {"config.json", z.read("config.json", 1 << 20)}},
                                                            "model.weights.h5", weights, weights.size()));
  EXPECT_NO_THROW(load_model(tmp("zip64_true.keras")));
}

TEST(Saving, HostileConfigs) {
  const std::string src = testing::data_dir() + "/keras_cases/dense_relu/model.keras";
  // Absurd sizes fail before the memory is taken.
  with_config(src, tmp("huge.keras"), [](auto& c) { c["config"]["layers"][1]["config"]["units"] = 4000000000LL; });
  testing::expect_error<IOError>([&] { load_model(tmp("huge.keras")); }, {"more memory"});
  // Node and tensor indices are checked against their range before they are narrowed
  // (2^63 used to wrap through static_cast<int> and load).
  const std::string two = testing::data_dir() + "/keras_cases/model_two_in_two_out/model.keras";
  for (const nlohmann::ordered_json& index : {nlohmann::ordered_json(9223372036854775808ULL),
                                              nlohmann::ordered_json(int64_t{1} << 40), nlohmann::ordered_json(-1)}) {
    SCOPED_TRACE(index.dump());
    with_config(two, tmp("index.keras"), [&](auto& c) {
      for (auto& l : c["config"]["layers"])
        if (!l["inbound_nodes"].empty()) {
          l["inbound_nodes"][0]["args"][0]["config"]["keras_history"][1] = index;
          break;
        }
    });
    testing::expect_error<IOError>([&] { load_model(tmp("index.keras")); }, {"out of range"});
    with_config(two, tmp("output.keras"), [&](auto& c) { c["config"]["output_layers"][1][2] = index; });
    testing::expect_error<IOError>([&] { load_model(tmp("output.keras")); }, {"out of range"});
  }
  // Messages name the layer and argument, in our words, quoting hostile strings short.
  with_config(two, tmp("kwargs.keras"), [&](auto& c) {
    for (auto& l : c["config"]["layers"])
      if (!l["inbound_nodes"].empty()) {
        l["inbound_nodes"][0]["kwargs"] = "evil";
        break;
      }
  });
  try {
    load_model(tmp("kwargs.keras"));
    ADD_FAILURE() << "a string kwargs loaded";
  } catch (const std::exception& e) {
    EXPECT_EQ(std::string(e.what()).find("json.exception"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("kwargs"), std::string::npos) << e.what();
  }
  with_config(src, tmp("dtype.keras"),
              [](auto& c) { c["config"]["layers"][1]["config"]["dtype"] = std::string(10000, 'x'); });
  try {
    load_model(tmp("dtype.keras"));
    ADD_FAILURE() << "a 10 KB dtype loaded";
  } catch (const std::exception& e) {
    EXPECT_LT(std::string(e.what()).size(), 600u) << std::string(e.what()).substr(0, 300);
  }
  const std::string conv = testing::data_dir() + "/keras_cases/conv2d_same_stride2/model.keras";
  with_config(conv, tmp("strides.keras"), [](auto& c) {
    c["config"]["layers"][1]["config"]["strides"] = {int64_t{1} << 40, int64_t{1} << 40};
  });
  testing::expect_error<ValueError>([&] { load_model(tmp("strides.keras")); }, {"conv2d", "strides"});
  // Unknown classes are named.
  with_config(src, tmp("unknown.keras"), [](auto& c) { c["config"]["layers"][1]["class_name"] = "EvilLayer"; });
  testing::expect_error<ValueError>([&] { load_model(tmp("unknown.keras")); }, {"EvilLayer"});
  // Wrong types.
  with_config(src, tmp("types.keras"), [](auto& c) { c["config"]["layers"][1]["config"]["units"] = "many"; });
  testing::expect_error<IOError>([&] { load_model(tmp("types.keras")); }, {"units", "integer"});
  // Deep nesting never reaches the parser's recursion.
  {
    ZipReader z(src);
    std::string deep(100000, '[');
    write_bytes(tmp("deep.keras"), make_zip({{"config.json", std::vector<uint8_t>(deep.begin(), deep.end())},
                                             {"model.weights.h5", z.read("model.weights.h5", 1 << 30)}}));
    testing::expect_error<IOError>([&] { load_model(tmp("deep.keras")); }, {"nested"});
  }
  // A Lambda (or any class) the program did not register cannot run code.
  with_config(src, tmp("lambda.keras"), [](auto& c) {
    auto& layer = c["config"]["layers"][1];
    layer["class_name"] = "Lambda";
    layer["config"] = {{"name", "evil"},
                       {"function", {{"class_name", "__lambda__"}, {"config", {{"code", "4wEAAAAAAAAA"}}}}}};
  });
  testing::expect_error<ValueError>([&] { load_model(tmp("lambda.keras")); }, {"Lambda", "Python code", "never runs"});
}

// Keras never refuses a model over its training settings: a compile_config naming what
// this library cannot rebuild (here AdamW and a custom metric class, written as Keras 3
// writes them) loads the model with its weights, uncompiled, with a one-line warning.
TEST(Saving, UnusableCompileConfigLoadsUncompiledWithAWarning) {
  const std::string src = testing::data_dir() + "/keras_cases/dense_relu/model.keras";
  const auto reference = load_model(src);
  const Tensor x = random::uniform(Shape({3, 8}), -1.0, 1.0, 7);
  const Tensor expected = reference->predict(x, {.verbose = 0});
  auto keras_object = [](const std::string& module, const std::string& cls, nlohmann::ordered_json config) {
    return nlohmann::ordered_json{
        {"module", module}, {"class_name", cls}, {"config", std::move(config)}, {"registered_name", nullptr}};
  };
  // A user's own optimizer and metric classes (every Keras 3 optimizer and metric loads now).
  const auto custom = keras_object("my_package", "MyOptimizer", {{"name", "my_optimizer"}, {"learning_rate", 0.001}});
  const auto custom_metric =
      keras_object("keras.metrics", "MyStreamingMetric", {{"name", "my_metric"}, {"dtype", "float32"}});
  struct Case {
    std::string file;
    nlohmann::ordered_json optimizer, metrics;
    std::string named;  // what the warning names
  };
  const std::vector<Case> cases{
      {"custom.keras", custom, nullptr, "MyOptimizer"},
      {"custom_metric.keras", "adam", nlohmann::ordered_json::array({custom_metric}), "'MyStreamingMetric'"},
      {"by_output.keras", "adam", nullptr, "'nosuch' names no output"}};  // a loss dict by output name
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    with_config(src, tmp(c.file), [&](auto& config) {
      config["compile_config"] = {{"optimizer", c.optimizer},
                                  {"loss", c.file == "by_output.keras" ? nlohmann::ordered_json{{"nosuch", "mse"}}
                                                                       : nlohmann::ordered_json("mean_squared_error")},
                                  {"loss_weights", nullptr},
                                  {"metrics", c.metrics},
                                  {"weighted_metrics", nullptr},
                                  {"run_eagerly", false},
                                  {"steps_per_execution", 1},
                                  {"jit_compile", false}};
    });
    ::testing::internal::CaptureStderr();
    const auto model = load_model(tmp(c.file));
    const std::string warning = ::testing::internal::GetCapturedStderr();
    ASSERT_TRUE(model);
    EXPECT_FALSE(model->compiled());
    EXPECT_NE(warning.find("loaded uncompiled"), std::string::npos) << warning;
    EXPECT_NE(warning.find(c.named), std::string::npos) << warning;
    EXPECT_EQ(std::count(warning.begin(), warning.end(), '\n'), 1) << warning;
    testing::expect_allclose(model->predict(x, {.verbose = 0}), expected, 0.0, 0.0);
    // Compiled here, it trains and saves as any model.
    model->compile({.optimizer = "adam", .loss = "mse"});
    EXPECT_TRUE(model->compiled());
  }
  // What the library knows still compiles, with no warning.
  with_config(src, tmp("known.keras"), [&](auto& config) {
    config["compile_config"] = {{"optimizer", "adam"}, {"loss", "mean_squared_error"}, {"metrics", nullptr}};
  });
  ::testing::internal::CaptureStderr();
  const auto model = load_model(tmp("known.keras"));
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_TRUE(model->compiled());
}

}  // namespace
}  // namespace keras::saving

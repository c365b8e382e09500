// keras.callbacks.TensorBoard (keras/src/callbacks/tensorboard.py): the event files are
// read back by an independent reader, tests/tools/read_tfevents.py (python3-protobuf with
// message classes built from a hand-written descriptor, its own CRC-32C), and every value
// is compared with what fit() returned.
#include "keras/callbacks/tensorboard.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "callbacks/tensorboard/crc32c.h"
#include "callbacks/tensorboard/event_file_writer.h"
#include "callbacks/tensorboard/events.h"
#include "callbacks/tensorboard/proto.h"
#include "keras/callbacks/lambda_callback.h"
#include "keras/saving/saving.h"
#include "test_utils.h"

namespace keras::callbacks {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::expect_error;

std::string fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(testing::temp_dir()) / "tensorboard" / name;
  fs::remove_all(dir);
  return dir.string();
}

/// Runs the independent reader on `log_dir`: its exit status and output.
std::pair<int, std::string> run_reader(const std::string& log_dir) {
  const std::string python = "/usr/bin/python3";
  const std::string reader = testing::data_dir() + "/../tools/read_tfevents.py";
  if (!fs::exists(python)) return {-1, "The TensorBoard tests need /usr/bin/python3 (scripts/install_deps.sh)"};
  const std::string cmd = python + " " + reader + " '" + log_dir + "' 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return {-1, "cannot run " + cmd};
  std::string out;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  return {pclose(pipe), out};
}

/// The reader's rows (one JSON object per summary value); a failure when it fails.
std::vector<json> read_events(const std::string& log_dir) {
  const auto [rc, out] = run_reader(log_dir);
  if (rc != 0) {
    ADD_FAILURE() << "read_tfevents.py failed (it needs /usr/bin/python3 with python3-protobuf, see "
                     "scripts/install_deps.sh):\n"
                  << out;
    return {};
  }
  std::vector<json> rows;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) rows.push_back(json::parse(line));
  return rows;
}

const json* find(const std::vector<json>& rows, const std::string& dir, const std::string& tag, int64_t step) {
  for (const auto& r : rows)
    if (r.value("dir", "") == dir && r.value("tag", "") == tag && r.value("step", int64_t{-1}) == step) return &r;
  return nullptr;
}

size_t count_tag_prefix(const std::vector<json>& rows, const std::string& prefix) {
  size_t n = 0;
  for (const auto& r : rows)
    if (r.value("tag", "").rfind(prefix, 0) == 0) ++n;
  return n;
}

TEST(TensorBoard, Crc32cKnownVectors) {
  using tensorboard::crc32c;
  // RFC 3720 (iSCSI) B.4 and the usual check value.
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(crc32c(std::string(32, '\xFF')), 0x62A8AB43u);
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
  EXPECT_EQ(crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(crc32c(""), 0u);
  // TFRecord's mask: rotate right by 15, add 0xa282ead8.
  const uint32_t c = 0xE3069283u;
  EXPECT_EQ(tensorboard::masked_crc32c("123456789"), ((c >> 15) | (c << 17)) + 0xa282ead8u);
}

TEST(TensorBoard, RecordsAndEventsEncodeAsProtobuf) {
  // A TFRecord: length (LE uint64), masked CRC of it, data, masked CRC of the data.
  const std::string r = tensorboard::tfrecord("abc");
  ASSERT_EQ(r.size(), 3u + 16u);
  EXPECT_EQ(r.substr(0, 8), std::string("\x03\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(r.substr(12, 3), "abc");
  const uint32_t data_crc = tensorboard::masked_crc32c("abc");
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(static_cast<uint8_t>(r[static_cast<size_t>(15 + i)]), (data_crc >> (8 * i)) & 0xFF);
  // The protobuf encoding guide's example: field 1 = 150 is 08 96 01.
  tensorboard::ProtoWriter w;
  w.varint(1, 150);
  EXPECT_EQ(w.str(), "\x08\x96\x01");
  // Event{wall_time: 1.5, file_version: "brain.Event:2"} as python3-protobuf serializes it.
  EXPECT_EQ(tensorboard::file_version_event(1.5), std::string("\t\0\0\0\0\0\0\xf8?\x1a\rbrain.Event:2", 24));
}

TEST(TensorBoard, HistogramsUseTensorFlowsDefaultBuckets) {
  const std::vector<double> values{-1.0, 0.0, 0.5, 2.0, 2.0};
  const auto h = tensorboard::make_histogram(values);
  EXPECT_EQ(h.min, -1.0);
  EXPECT_EQ(h.max, 2.0);
  EXPECT_EQ(h.num, 5.0);
  EXPECT_EQ(h.sum, 3.5);
  EXPECT_EQ(h.sum_squares, 9.25);
  ASSERT_EQ(h.bucket.size(), h.bucket_limit.size());
  // Bucket j holds [limit[j-1], limit[j]): every value lies in a bucket with a count.
  double total = 0;
  for (size_t j = 0; j < h.bucket.size(); ++j) {
    total += h.bucket[j];
    if (j) {
      EXPECT_LT(h.bucket_limit[j - 1], h.bucket_limit[j]);
    }
  }
  EXPECT_EQ(total, 5.0);
  for (const double x : values) {
    const size_t j =
        static_cast<size_t>(std::upper_bound(h.bucket_limit.begin(), h.bucket_limit.end(), x) - h.bucket_limit.begin());
    ASSERT_LT(j, h.bucket.size());
    EXPECT_GT(h.bucket[j], 0.0) << x;
  }
  // 0 falls in the bucket ending at 1e-12; 0.5 in the one ending at the first 1e-12 * 1.1^k > 0.5.
  double limit = 1e-12;
  while (limit <= 0.5) limit *= 1.1;
  EXPECT_NE(std::find(h.bucket_limit.begin(), h.bucket_limit.end(), limit), h.bucket_limit.end());
  EXPECT_NE(std::find(h.bucket_limit.begin(), h.bucket_limit.end(), 1e-12), h.bucket_limit.end());
  // Empty runs are collapsed: far fewer than the ~1550 default buckets.
  EXPECT_LT(h.bucket.size(), 12u);
  EXPECT_EQ(h.bucket_limit.back(), std::numeric_limits<double>::max());
}

struct Data {
  Tensor x = testing::random_tensor({64, 4}, 21), y;
  Tensor val_x = testing::random_tensor({16, 4}, 22), val_y;
  Data() {
    const Tensor w = testing::random_tensor({4, 2}, 23);
    y = ops::matmul(x, w);
    val_y = ops::matmul(val_x, w);
  }
};

models::Sequential tiny_model() {
  models::Sequential m({keras::Input({4}), layers::Dense(2, {.kernel_initializer = initializers::GlorotUniform(3)})});
  m.compile(optimizers::SGD({.learning_rate = 0.05}), "mse", {"mae"});
  return m;
}

TEST(TensorBoard, FitWritesWhatKerasWrites) {
  Data data;
  auto m = tiny_model();
  const std::string dir = fresh_dir("fit");
  auto tb = std::make_shared<TensorBoard>(
      TensorBoardOptions{.log_dir = dir, .histogram_freq = 1, .write_images = true, .update_freq = 2});
  // The batch logs, numbered as Keras's _global_train_batch (from 1).
  std::map<int64_t, Logs> batch_logs;
  int64_t global = 0;
  auto recorder = std::make_shared<LambdaCallback>(
      LambdaCallbackOptions{.on_train_batch_end = [&](int64_t, const Logs& logs) { batch_logs[++global] = logs; }});
  const auto history = m.fit(data.x, data.y,
                             {.batch_size = 16,
                              .epochs = 3,
                              .verbose = 0,
                              .callbacks = {tb, recorder},
                              .validation_data = models::ValidationData(data.val_x, data.val_y),
                              .shuffle = false});
  const std::vector<json> rows = read_events(dir);
  ASSERT_FALSE(rows.empty());

  // One file per folder, each starting with the file_version event; Keras's file names.
  for (const std::string sub : {"train", "validation"}) {
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(fs::path(dir) / sub)) files.push_back(e.path().filename().string());
    ASSERT_EQ(files.size(), 1u) << sub;
    EXPECT_EQ(files[0].rfind("events.out.tfevents.", 0), 0u) << files[0];
    EXPECT_EQ(files[0].substr(files[0].size() - 3), ".v2") << files[0];
    const auto first = std::find_if(rows.begin(), rows.end(), [&](const json& r) { return r["dir"] == sub; });
    ASSERT_NE(first, rows.end());
    EXPECT_EQ((*first)["kind"], "file_version");
    EXPECT_EQ((*first)["value"], "brain.Event:2");
  }

  // Epoch scalars: train/ "epoch_<name>", validation/ "epoch_<name without val_>", step = epoch.
  ASSERT_EQ(history.history.count("val_mae"), 1u);
  for (const auto& [key, values] : history.history) {
    const bool val = key.rfind("val_", 0) == 0;
    for (int e = 0; e < 3; ++e) {
      const json* r = find(rows, val ? "validation" : "train", "epoch_" + (val ? key.substr(4) : key), e);
      ASSERT_NE(r, nullptr) << key << " " << e;
      EXPECT_EQ((*r)["kind"], "scalar");
      EXPECT_EQ((*r)["plugin"], "scalars");
      EXPECT_EQ((*r)["data_class"], 1);
      EXPECT_EQ((*r)["value"].get<double>(), static_cast<double>(static_cast<float>(values[static_cast<size_t>(e)])))
          << key << " " << e;
    }
  }
  for (int e = 0; e < 3; ++e) {
    const json* lr = find(rows, "train", "epoch_learning_rate", e);
    ASSERT_NE(lr, nullptr);
    EXPECT_EQ((*lr)["value"].get<double>(), static_cast<double>(0.05f));
    // evaluation_<name>_vs_iterations at step = optimizer.iterations (4 batches an epoch).
    for (const std::string name : {"loss", "mae"}) {
      const json* ev = find(rows, "validation", "evaluation_" + name + "_vs_iterations", 4 * (e + 1));
      ASSERT_NE(ev, nullptr) << name << " " << e;
      EXPECT_EQ((*ev)["value"].get<double>(),
                static_cast<double>(static_cast<float>(history.history.at("val_" + name)[static_cast<size_t>(e)])));
    }
  }
  EXPECT_EQ(count_tag_prefix(rows, "evaluation_"), 6u);
  EXPECT_EQ(count_tag_prefix(rows, "epoch_"), 3u * (history.history.size() + 1));

  // update_freq=2: "batch_<name>" every second global batch, with that batch's logs.
  ASSERT_EQ(batch_logs.size(), 12u);
  for (const auto& [step, logs] : batch_logs) {
    for (const auto& [name, value] : logs) {
      const json* r = find(rows, "train", "batch_" + name, step);
      if (step % 2) {
        EXPECT_EQ(r, nullptr) << name << " " << step;
        continue;
      }
      ASSERT_NE(r, nullptr) << name << " " << step;
      EXPECT_EQ((*r)["value"].get<double>(), static_cast<double>(static_cast<float>(value))) << name << " " << step;
    }
  }
  EXPECT_EQ(count_tag_prefix(rows, "batch_"), 6u * batch_logs.at(2).size());

  // Histograms of every weight at every epoch; the last ones hold the final weights.
  const auto weights = m.weights();
  ASSERT_EQ(weights.size(), 2u);
  for (const Variable& w : weights) {
    const std::string tag = w.path() + "/histogram";
    const std::vector<double> v = w.value().to_vector<double>();
    for (int e = 0; e < 3; ++e) {
      const json* r = find(rows, "train", tag, e);
      ASSERT_NE(r, nullptr) << tag << " " << e;
      EXPECT_EQ((*r)["kind"], "histogram");
      EXPECT_EQ((*r)["num"].get<double>(), static_cast<double>(v.size()));
      EXPECT_EQ((*r)["bucket_total"].get<double>(), static_cast<double>(v.size()));
    }
    const json* last = find(rows, "train", tag, 2);
    EXPECT_EQ((*last)["min"].get<double>(), *std::min_element(v.begin(), v.end()));
    EXPECT_EQ((*last)["max"].get<double>(), *std::max_element(v.begin(), v.end()));
    double sum = 0;
    for (const double x : v) sum += x;
    EXPECT_NEAR((*last)["sum"].get<double>(), sum, 1e-12);
  }
  EXPECT_EQ(weights[0].path().substr(weights[0].path().size() - 7), "/kernel");

  // write_images: the (4, 2) kernel drawn as 2 x 4 (the longer side across), the (2,)
  // bias as a 2 x 1 column; pixels = clip(w * 255.5, 0, 255) truncated.
  for (const Variable& w : weights) {
    const json* r = find(rows, "train", w.path() + "/image", 2);
    ASSERT_NE(r, nullptr) << w.path();
    EXPECT_EQ((*r)["plugin"], "images");
    EXPECT_EQ((*r)["data_class"], 3);
    const json& img = (*r)["images"];
    ASSERT_EQ(img.size(), 1u);
    const bool kernel = w.shape().rank() == 2;
    EXPECT_EQ((*r)["strings"][0], kernel ? "4" : "1");  // width, then height
    EXPECT_EQ((*r)["strings"][1], "2");
    EXPECT_EQ(img[0]["width"], kernel ? 4 : 1);
    EXPECT_EQ(img[0]["height"], 2);
    EXPECT_EQ(img[0]["color_type"], 0);
    const std::vector<float> v = w.value().to_vector<float>();
    const auto px = img[0]["pixels"].get<std::vector<int>>();
    ASSERT_EQ(px.size(), v.size());
    for (size_t i = 0; i < 2; ++i) {
      for (size_t j = 0; j < (kernel ? 4u : 1u); ++j) {
        const float x = kernel ? v[j * 2 + i] : v[i];  // image (i, j) = kernel (j, i)
        EXPECT_EQ(px[i * (kernel ? 4 : 1) + j], static_cast<int>(std::clamp(x * 255.5f, 0.0f, 255.0f)));
      }
    }
  }

  // The model config for the graph dashboard: tag "keras", step 0, plugin graph_keras_model.
  const json* graph = find(rows, "train", "keras", 0);
  ASSERT_NE(graph, nullptr);
  EXPECT_EQ((*graph)["plugin"], "graph_keras_model");
  EXPECT_EQ((*graph)["content"], "1");
  EXPECT_EQ((*graph)["dtype"], 7);
  EXPECT_EQ((*graph)["shape"], json::array());
  const json config = json::parse((*graph)["strings"][0].get<std::string>());
  EXPECT_EQ(config["class_name"], "Sequential");
  EXPECT_EQ(config, json::parse(saving::model_config(m).dump()));
}

TEST(TensorBoard, EpochUpdatesOnlyAndNewFilesEachFit) {
  Data data;
  auto m = tiny_model();
  const std::string dir = fresh_dir("epoch");
  auto tb = std::make_shared<TensorBoard>(
      TensorBoardOptions{.log_dir = dir, .write_graph = false, .write_steps_per_second = true});
  m.fit(data.x, data.y, {.batch_size = 32, .epochs = 2, .verbose = 0, .callbacks = {tb}});
  m.fit(data.x, data.y, {.batch_size = 32, .epochs = 1, .verbose = 0, .callbacks = {tb}});
  const double loss =
      m.evaluate(data.val_x, data.val_y, {.batch_size = 16, .verbose = 0, .callbacks = {tb}}).at("loss");
  const auto rows = read_events(dir);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(count_tag_prefix(rows, "batch_"), 0u);  // update_freq="epoch"
  EXPECT_EQ(find(rows, "train", "keras", 0), nullptr);
  size_t train_files = 0;
  for (const auto& e : fs::directory_iterator(fs::path(dir) / "train")) train_files += e.is_regular_file();
  EXPECT_EQ(train_files, 2u);  // Keras makes new writers for every fit
  EXPECT_EQ(count_tag_prefix(rows, "epoch_loss"), 3u);
  EXPECT_EQ(count_tag_prefix(rows, "epoch_steps_per_second"), 3u);
  for (int e = 0; e < 2; ++e)
    EXPECT_GT((*find(rows, "train", "epoch_steps_per_second", e))["value"].get<double>(), 0.0);
  // evaluate() alone: evaluation_loss_vs_iterations at the optimizer's 6 updates.
  const json* ev = find(rows, "validation", "evaluation_loss_vs_iterations", 6);
  ASSERT_NE(ev, nullptr);
  EXPECT_EQ((*ev)["value"].get<double>(), static_cast<double>(static_cast<float>(loss)));
}

TEST(TensorBoard, EmbeddingsProjectorConfigAndCheckpoints) {
  models::Sequential m(
      {keras::Input({3}), layers::Embedding(10, 2, {.name = "emb"}), layers::Flatten(), layers::Dense(1)});
  m.compile(optimizers::SGD(), "mse");
  const Tensor x = Tensor::from_vector(std::vector<float>{1, 2, 3, 4, 5, 6}, Shape{2, 3});
  const Tensor y = testing::random_tensor({2, 1}, 5);
  const std::string dir = fresh_dir("emb");
  auto tb = std::make_shared<TensorBoard>(
      TensorBoardOptions{.log_dir = dir,
                         .embeddings_freq = 2,
                         .embeddings_metadata = std::map<std::string, std::string>{{"emb", "m.tsv"}}});
  m.fit(x, y, {.batch_size = 2, .epochs = 3, .verbose = 0, .callbacks = {tb}});
  std::ifstream in(fs::path(dir) / "projector_config.pbtxt");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(),
            "embeddings {\n  tensor_name: \"layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE\"\n"
            "  metadata_path: \"m.tsv\"\n}\n");
  EXPECT_TRUE(fs::exists(fs::path(dir) / "train" / "keras_embedding.ckpt-0.weights.h5"));
  EXPECT_FALSE(fs::exists(fs::path(dir) / "train" / "keras_embedding.ckpt-1.weights.h5"));
  EXPECT_TRUE(fs::exists(fs::path(dir) / "train" / "keras_embedding.ckpt-2.weights.h5"));

  auto bad = std::make_shared<TensorBoard>(
      TensorBoardOptions{.log_dir = fresh_dir("emb_bad"),
                         .embeddings_freq = 1,
                         .embeddings_metadata = std::map<std::string, std::string>{{"nope", "m.tsv"}}});
  expect_error<ValueError>([&] { m.fit(x, y, {.batch_size = 2, .epochs = 1, .verbose = 0, .callbacks = {bad}}); },
                           {"TensorBoard", "embeddings_metadata", "nope"});
}

TEST(TensorBoard, ConfigRoundTripAndBadArguments) {
  TensorBoard tb({.log_dir = "runs/a",
                  .histogram_freq = 2,
                  .write_graph = false,
                  .update_freq = "batch",
                  .embeddings_metadata = "meta.tsv"});
  const auto c = tb.get_config();
  std::vector<std::string> keys;
  for (const auto& [k, v] : c.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"log_dir", "histogram_freq", "write_graph", "write_images",
                                            "write_steps_per_second", "update_freq", "profile_batch", "embeddings_freq",
                                            "embeddings_metadata"}));
  EXPECT_EQ(c["update_freq"], 1);  // Keras stores "batch" as 1
  EXPECT_EQ(c["embeddings_metadata"], "meta.tsv");
  EXPECT_EQ(TensorBoard::from_config(c)->get_config(), c);
  const auto d = TensorBoard().get_config();
  EXPECT_EQ(d["log_dir"], "logs");
  EXPECT_EQ(d["update_freq"], "epoch");
  EXPECT_EQ(d["write_graph"], true);
  EXPECT_TRUE(d["embeddings_metadata"].is_null());
  EXPECT_EQ(TensorBoard::from_config(d)->get_config(), d);

  expect_error<ValueError>([] { TensorBoard({.update_freq = "sometimes"}); },
                           {"TensorBoard", "update_freq", "sometimes"});
  expect_error<ValueError>([] { TensorBoard({.update_freq = 0}); }, {"TensorBoard", "update_freq=0"});
  expect_error<ValueError>([] { TensorBoard({.update_freq = ""}); }, {"TensorBoard", "update_freq=\"\""});
  expect_error<ValueError>([] { TensorBoard({.histogram_freq = -1}); }, {"TensorBoard", "histogram_freq", "-1"});
  expect_error<ValueError>([] { TensorBoard({.embeddings_freq = -2}); }, {"TensorBoard", "embeddings_freq", "-2"});
  expect_error<ValueError>([] { TensorBoard({.profile_batch = 5}); }, {"TensorBoard", "profile_batch=5", "must be 0"});
  expect_error<ValueError>([] { TensorBoard({.profile_batch = -1}); }, {"TensorBoard", "profile_batch"});
  expect_error<ValueError>([] { TensorBoard({.log_dir = ""}); }, {"TensorBoard", "log_dir"});
  expect_error<ValueError>(
      [] {
        TensorBoard::from_config(nlohmann::ordered_json{{"log_dirs", "x"}});
      },
      {"TensorBoard", "log_dirs"});
  expect_error<ValueError>(
      [] {
        TensorBoard::from_config(nlohmann::ordered_json{{"histogram_freq", "x"}});
      },
      {"TensorBoard", "wrong type"});
}

TEST(TensorBoard, TheReaderChecksTheFraming) {
  // The reader is the test's oracle: show that it rejects a damaged record.
  const std::string dir = fresh_dir("framing");
  std::string path;
  {
    tensorboard::EventFileWriter w(dir);
    w.write_event(tensorboard::scalar_event(1.0, 3, "x", 0.25));
    w.close();
    path = w.path();
  }
  auto [rc, out] = run_reader(dir);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("\"tag\": \"x\", \"step\": 3"), std::string::npos) << out;
  EXPECT_NE(out.find("\"value\": 0.25"), std::string::npos) << out;
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-6, std::ios::end);
    f.put('\x7f');
  }
  std::tie(rc, out) = run_reader(dir);
  EXPECT_NE(rc, 0);
  EXPECT_NE(out.find("bad data CRC"), std::string::npos) << out;
}

TEST(TensorBoard, UnwritableLogDirIsAnIOError) {
  const std::string file = fresh_dir("blocker");
  fs::create_directories(fs::path(file).parent_path());
  std::ofstream(file) << "a file, not a folder";
  expect_error<IOError>([&] { tensorboard::EventFileWriter w(file + "/train"); }, {"TensorBoard", "blocker"});
}

}  // namespace
}  // namespace keras::callbacks

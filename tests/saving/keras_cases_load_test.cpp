// Every reference case of ../shared/keras_cases (copied to tests/data/keras_cases) is
// loaded from its model.keras and its model.h5, run, and compared with the outputs real
// Keras computed. Cases that use layers this library does not have yet are reported as
// skipped, by name.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "keras/saving/saving.h"
#include "test_utils.h"

namespace keras::saving {
namespace {

std::vector<std::string> all_cases() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(testing::data_dir() + "/keras_cases"))
    if (e.is_directory()) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

class KerasCaseFiles : public ::testing::TestWithParam<std::string> {};

TEST_P(KerasCaseFiles, LoadAndPredict) {
  const std::string name = GetParam();
  const std::string dir = testing::data_dir() + "/keras_cases/" + name;
  std::ifstream meta_file(dir + "/meta.json");
  const auto meta = nlohmann::json::parse(meta_file);
  std::string missing;
  for (const auto& cls : meta.at("layers"))
    if (!is_known_layer_class(cls.get<std::string>())) missing += (missing.empty() ? "" : ", ") + cls.get<std::string>();
  if (!missing.empty()) GTEST_SKIP() << "layers not implemented yet: " << missing;

  const auto c = testing::load_case(name);
  for (const std::string file : {"model.keras", "model.h5"}) {
    if (!std::filesystem::exists(dir + "/" + file)) continue;  // Keras itself cannot read some .h5 files back
    SCOPED_TRACE(file);
    auto model = load_model(dir + "/" + file);
    const TensorList out = model->predict(c.inputs, {.batch_size = 32, .verbose = 0, .callbacks = {}});
    ASSERT_EQ(out.size(), c.outputs.size());
    for (size_t i = 0; i < out.size(); ++i)
      testing::expect_allclose(out[i], c.outputs[i], c.atol, c.rtol, name + "/" + file + " output " + std::to_string(i));

    // The same through the command-line tool.
    const std::string out_dir = testing::temp_dir();
    std::string cmd = std::string(KERASCPP_PATH) + " predict " + dir + "/" + file;
    for (size_t i = 0; i < c.inputs.size(); ++i) cmd += " --input " + dir + "/input_" + std::to_string(i) + ".npy";
    for (size_t i = 0; i < c.outputs.size(); ++i)
      cmd += " --output " + out_dir + "/" + name + "_" + std::to_string(i) + ".npy";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    for (size_t i = 0; i < c.outputs.size(); ++i)
      testing::expect_allclose(load_npy(out_dir + "/" + name + "_" + std::to_string(i) + ".npy"), c.outputs[i], c.atol,
                               c.rtol, name + "/" + file + " via kerascpp, output " + std::to_string(i));
  }
}

TEST(Kerascpp, ErrorsAreOneLineAndNonZero) {
  const std::string tool = KERASCPP_PATH;
  const std::string err = testing::temp_dir() + "/stderr.txt";
  auto run = [&](const std::string& args) {
    const int rc = std::system((tool + " " + args + " 2> " + err + " > /dev/null").c_str());
    std::ifstream in(err);
    std::string all((std::istreambuf_iterator<char>(in)), {});
    return std::pair{rc, all};
  };
  const std::string model = testing::data_dir() + "/keras_cases/model_two_in_two_out/model.keras";
  auto [rc1, msg1] = run("predict " + model + " --input " + testing::data_dir() +
                         "/keras_cases/model_two_in_two_out/input_0.npy --output /tmp/x.npy");
  EXPECT_NE(rc1, 0);
  EXPECT_NE(msg1.find("2 input(s)"), std::string::npos) << msg1;
  EXPECT_EQ(std::count(msg1.begin(), msg1.end(), '\n'), 1) << msg1;
  auto [rc2, msg2] = run("summary /nonexistent.keras");
  EXPECT_NE(rc2, 0);
  EXPECT_NE(msg2.find("/nonexistent.keras"), std::string::npos);
  EXPECT_EQ(std::count(msg2.begin(), msg2.end(), '\n'), 1) << msg2;
  auto [rc3, msg3] = run("frobnicate");
  EXPECT_EQ(rc3 >> 8, 2);  // usage errors exit with 2
  // convert: .h5 -> .keras -> .h5 keeps the numbers.
  const std::string dir = testing::data_dir() + "/keras_cases/model_mnist_cnn";
  const std::string k = testing::temp_dir() + "/converted.keras", h = testing::temp_dir() + "/converted.h5";
  ASSERT_EQ(std::system((tool + " convert " + dir + "/model.h5 " + k).c_str()), 0);
  ASSERT_EQ(std::system((tool + " convert " + k + " " + h).c_str()), 0);
  const auto c = testing::load_case("model_mnist_cnn");
  testing::expect_allclose(load_model(h)->predict(c.inputs[0], {.batch_size = 32, .verbose = 0, .callbacks = {}}),
                           c.outputs[0], c.atol, c.rtol, "converted twice");
}

TEST(Kerascpp, StandardInputAndEveryOutputOrNone) {
  const std::string tool = KERASCPP_PATH, dir = testing::data_dir() + "/keras_cases/model_two_in_two_out";
  const std::string out = testing::temp_dir() + "/two_outputs";
  std::filesystem::create_directories(out);
  const std::string base = tool + " predict " + dir + "/model.keras --input - --input " + dir + "/input_1.npy";
  // The second output cannot be written: neither appears.
  EXPECT_NE(std::system((base + " --output " + out + "/a.npy --output /nonexistent/b.npy < " + dir +
                         "/input_0.npy 2> /dev/null")
                            .c_str()),
            0);
  EXPECT_FALSE(std::filesystem::exists(out + "/a.npy"));
  for (const auto& e : std::filesystem::directory_iterator(out)) ADD_FAILURE() << "left behind: " << e.path();
  // Both can: the first input read from standard input gives Keras's numbers.
  ASSERT_EQ(
      std::system((base + " --output " + out + "/a.npy --output " + out + "/b.npy < " + dir + "/input_0.npy").c_str()),
      0);
  const auto c = testing::load_case("model_two_in_two_out");
  testing::expect_allclose(load_npy(out + "/a.npy"), c.outputs[0], c.atol, c.rtol, "output 0 from stdin");
  testing::expect_allclose(load_npy(out + "/b.npy"), c.outputs[1], c.atol, c.rtol, "output 1 from stdin");
}

INSTANTIATE_TEST_SUITE_P(AllCases, KerasCaseFiles, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace keras::saving

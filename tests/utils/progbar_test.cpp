#include "keras/utils/progbar.h"

#include <regex>
#include <sstream>

#include "test_utils.h"

namespace keras::utils {
namespace {

TEST(Progbar, OneLineWhenNotATerminal) {
  std::ostringstream out;
  Progbar bar(1875, {.width = 20, .verbose = 1, .interval = 0.05, .unit_name = "step", .dynamic_display = false}, &out);
  for (int64_t i = 1; i < 1875; ++i) bar.update(i, {{"accuracy", 0.5}, {"loss", 1.25}});
  EXPECT_EQ(out.str(), "");  // nothing until the bar completes
  bar.update(1875, {{"accuracy", 0.8212}, {"loss", 0.5044}});
  const std::regex line("1875/1875 (━){20} \\d+s \\d+(us|ms|s)/step - accuracy: 0\\.8212 - loss: 0\\.5044\n");
  EXPECT_TRUE(std::regex_match(out.str(), line)) << out.str();
}

TEST(Progbar, RedrawsInPlaceOnATerminal) {
  std::ostringstream out;
  Progbar bar(4, {.width = 20, .verbose = 1, .interval = 0.0, .unit_name = "step", .dynamic_display = true}, &out);
  bar.update(1, {{"loss", 2.0}});
  bar.update(4, {{"loss", 1.0}});
  const std::string s = out.str();
  EXPECT_EQ(s.front(), '\r');
  EXPECT_NE(s.find("\x1b[1m1/4\x1b[0m"), std::string::npos);
  EXPECT_NE(s.find("loss: 1.0000"), std::string::npos);
  EXPECT_EQ(s.back(), '\n');
  EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), 1);
}

TEST(Progbar, TimeFormat) {
  EXPECT_EQ(format_time_per_unit(0.003, "step"), "3ms/step");
  EXPECT_EQ(format_time_per_unit(2.4, "step"), "2s/step");
  EXPECT_EQ(format_time_per_unit(0.000012, "step"), "12us/step");
}

}  // namespace
}  // namespace keras::utils

// keras.utils.Progbar: Keras 3's progress bar,
//   1875/1875 ━━━━━━━━━━━━━━━━━━━━ 6s 3ms/step - accuracy: 0.8212 - loss: 0.5044
// redrawn in place on a terminal; when stdout is not a terminal only the final line of
// each bar is printed, so logs stay readable.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace keras::utils {

struct ProgbarOptions {
  int width = 20;
  int verbose = 1;
  double interval = 0.05;  // seconds between redraws
  std::string unit_name = "step";
  std::optional<bool> dynamic_display{};  // default: stdout is a terminal
};

class Progbar {
 public:
  explicit Progbar(std::optional<int64_t> target, ProgbarOptions options = {}, std::ostream* out = nullptr);

  /// Shows progress `current` of target with the given (name, value) pairs, which are
  /// displayed as given (our logs already hold running means).
  void update(int64_t current, const std::vector<std::pair<std::string, double>>& values = {},
              std::optional<bool> finalize = {});

 private:
  double estimate_step_duration(int64_t current, double now) const;
  std::string format_values() const;

  std::optional<int64_t> target_;
  ProgbarOptions o_;
  std::ostream* out_;
  bool dynamic_;
  std::vector<std::pair<std::string, double>> values_;
  std::chrono::steady_clock::time_point start_;
  double last_update_ = -1e9;
  mutable std::optional<double> time_after_first_step_;
  size_t prev_width_ = 0;
};

/// "3ms/step", "12us/step", "2s/step" (Keras's _format_time).
std::string format_time_per_unit(double seconds, const std::string& unit_name);

}  // namespace keras::utils

#include "keras/utils/progbar.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace keras::utils {

namespace {
const char* kBar = "\xE2\x94\x81";  // '━' (U+2501), Keras 3's bar character

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}
}  // namespace

std::string format_time_per_unit(double t, const std::string& unit) {
  if (t >= 1 || t == 0) return fixed(t, 0) + "s/" + unit;
  if (t >= 1e-3) return fixed(t * 1e3, 0) + "ms/" + unit;
  return fixed(t * 1e6, 0) + "us/" + unit;
}

Progbar::Progbar(std::optional<int64_t> target, ProgbarOptions options, std::ostream* out)
    : target_(target), o_(std::move(options)), out_(out ? out : &std::cout), start_(std::chrono::steady_clock::now()) {
  dynamic_ = o_.dynamic_display.value_or(out_ == &std::cout && isatty(STDOUT_FILENO));
}

double Progbar::estimate_step_duration(int64_t current, double now) const {
  if (current <= 0) return 0;
  // The first step (compilation, warm-up) is left out once there are more.
  if (time_after_first_step_ && current > 1) return (now - *time_after_first_step_) / static_cast<double>(current - 1);
  if (current == 1) time_after_first_step_ = now;
  return now / static_cast<double>(current);
}

std::string Progbar::format_values() const {
  std::string s;
  for (const auto& [k, v] : values_) {
    s += " - " + k + ": ";
    if (std::fabs(v) > 1e-3 || v == 0) {
      s += fixed(v, 4);
    } else {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.4e", v);
      s += buf;
    }
  }
  return s;
}

void Progbar::update(int64_t current, const std::vector<std::pair<std::string, double>>& values,
                     std::optional<bool> finalize_opt) {
  const bool finalize = finalize_opt.value_or(target_ && current >= *target_);
  for (const auto& kv : values) {
    bool found = false;
    for (auto& existing : values_)
      if (existing.first == kv.first) existing.second = kv.second, found = true;
    if (!found) values_.push_back(kv);
  }
  const double now = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double per_unit = estimate_step_duration(current, now);
  if (o_.verbose == 0) return;

  if (o_.verbose == 2 || !dynamic_) {
    // One line when the bar completes (no escape codes: this goes to a log).
    if (!finalize) return;
    std::ostringstream line;
    if (target_ && *target_ > 0) {
      const int digits = static_cast<int>(std::log10(static_cast<double>(*target_))) + 1;
      char count[64];
      std::snprintf(count, sizeof count, "%*lld/%lld", digits, static_cast<long long>(current),
                    static_cast<long long>(*target_));
      line << count << " ";
      if (o_.verbose == 1)
        for (int i = 0; i < o_.width; ++i) line << kBar;
      line << (o_.verbose == 1 ? " " : "- ") << fixed(now, 0) << "s " << format_time_per_unit(per_unit, o_.unit_name);
    } else {
      line << current << "/Unknown " << fixed(now, 0) << "s " << format_time_per_unit(per_unit, o_.unit_name);
    }
    line << format_values() << "\n";
    *out_ << line.str() << std::flush;
    return;
  }

  if (now - last_update_ < o_.interval && !finalize) return;
  last_update_ = now;
  std::string bar, info;
  size_t visible = 0;  // printed width without escape codes (the bar character is one column)
  if (target_ && *target_ > 0) {
    const int digits = static_cast<int>(std::log10(static_cast<double>(*target_))) + 1;
    char count[64];
    std::snprintf(count, sizeof count, "%*lld/%lld", digits, static_cast<long long>(current),
                  static_cast<long long>(*target_));
    bar = std::string("\x1b[1m") + count + "\x1b[0m ";
    visible += std::string(count).size() + 1;
    const int done = static_cast<int>(o_.width * std::min(1.0, static_cast<double>(current) / *target_));
    if (done > 0) {
      bar += "\x1b[32m";
      for (int i = 0; i < done; ++i) bar += kBar;
      bar += "\x1b[0m";
    }
    bar += "\x1b[37m";
    for (int i = done; i < o_.width; ++i) bar += kBar;
    bar += "\x1b[0m";
    visible += static_cast<size_t>(o_.width);
  } else {
    char count[64];
    std::snprintf(count, sizeof count, "%7lld/Unknown", static_cast<long long>(current));
    bar = count;
    visible += bar.size();
  }
  std::string when;
  if (target_ && *target_ > 0 && !finalize) {
    const double eta = per_unit * static_cast<double>(*target_ - current);
    char buf[64];
    if (eta > 3600)
      std::snprintf(buf, sizeof buf, "%d:%02d:%02d", static_cast<int>(eta / 3600), static_cast<int>(std::fmod(eta, 3600) / 60),
                    static_cast<int>(std::fmod(eta, 60)));
    else if (eta > 60)
      std::snprintf(buf, sizeof buf, "%d:%02d", static_cast<int>(eta / 60), static_cast<int>(std::fmod(eta, 60)));
    else
      std::snprintf(buf, sizeof buf, "%ds", static_cast<int>(eta));
    when = buf;
  } else {
    when = fixed(now, 0) + "s";
  }
  info = " \x1b[1m" + when + "\x1b[0m " + format_time_per_unit(per_unit, o_.unit_name) + format_values();
  visible += 1 + when.size() + 1 + format_time_per_unit(per_unit, o_.unit_name).size() + format_values().size();

  std::string message = "\r" + bar + info;
  if (prev_width_ > visible) message += std::string(prev_width_ - visible, ' ');
  if (finalize) message += "\n";
  prev_width_ = visible;
  *out_ << message << std::flush;
}

}  // namespace keras::utils

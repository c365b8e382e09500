#include "keras/tensor/device.h"

#include <atomic>
#include <cstdlib>
#include <mutex>

#include "keras/config/config.h"
#include "keras/errors.h"

namespace keras {

std::string Device::to_string() const {
  switch (type) {
    case DeviceType::cpu: return "cpu";
    case DeviceType::cuda: return "cuda:" + std::to_string(index);
    case DeviceType::extension: return "extension:" + std::to_string(index);
  }
  return "unknown:" + std::to_string(index);
}

namespace {
/// Empty outside any scope, which means the process default.
thread_local std::optional<Device> current_default;

/// "cpu", "cuda", "cuda:N" (what Device::to_string writes for them).
Device parse_device(const std::string& text, const char* source) {
  if (text == "cpu") return Device::cpu();
  if (text == "cuda") return Device::cuda(0);
  if (text.rfind("cuda:", 0) == 0 && text.size() > 5 && text.size() < 9 &&
      text.find_first_not_of("0123456789", 5) == std::string::npos)
    return Device::cuda(std::stoi(text.substr(5)));
  throw ValueError(detail::cat(source, ": unknown device '", text, "' (expected cpu, cuda or cuda:N)"));
}

std::mutex process_default_mutex;
std::optional<Device> process_default;  // set_default_device's, else KERAS_DEVICE's
// Every tensor factory asks, so the common answer (the CPU, settled) is read without the lock.
std::atomic<bool> settled_on_cpu{false};

Device process_default_device() {
  if (settled_on_cpu.load(std::memory_order_acquire)) return Device::cpu();
  std::lock_guard<std::mutex> lock(process_default_mutex);
  static bool environment_read = false;
  if (!environment_read) {
    environment_read = true;
    if (const char* env = std::getenv("KERAS_DEVICE"); env && *env && !process_default)
      process_default = parse_device(env, "KERAS_DEVICE");
  }
  settled_on_cpu.store(!process_default || process_default->is_cpu(), std::memory_order_release);
  return process_default.value_or(Device::cpu());
}
}  // namespace

Device default_device() {
  if (current_default) return *current_default;
  return process_default_device();
}

namespace config {
void set_default_device(Device device) {
  process_default_device();  // KERAS_DEVICE is read first, so that this call wins over it
  std::lock_guard<std::mutex> lock(process_default_mutex);
  process_default = device;
  settled_on_cpu.store(device.is_cpu(), std::memory_order_release);
}
Device get_default_device() { return process_default_device(); }
}  // namespace config

DeviceScope::DeviceScope(Device device) : previous_(current_default) { current_default = device; }
DeviceScope::~DeviceScope() { current_default = previous_; }

}  // namespace keras

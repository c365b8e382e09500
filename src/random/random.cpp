#include "keras/random/random.h"

#include <atomic>

#include "backend/backend.h"

namespace keras::random {

namespace {
constexpr uint64_t kDefaultSeed = 1337;
std::atomic<uint64_t> g_state{kDefaultSeed};

uint64_t splitmix(uint64_t& s) {
  uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

Tensor draw(const Shape& shape, std::optional<uint64_t> seed, std::optional<Device> device,
            void (backend::Backend::*fn)(Tensor&, double, double, uint64_t), double a, double b) {
  Tensor t = Tensor::empty(shape, DType::float32, device);
  (backend::backend_for(t).*fn)(t, a, b, seed ? *seed : next_seed());
  return t;
}
}  // namespace

void set_global_seed(uint64_t seed) { g_state = seed; }

uint64_t next_seed() {
  uint64_t s = g_state.fetch_add(0x9E3779B97F4A7C15ull);
  return splitmix(s);
}

Tensor uniform(const Shape& shape, double minval, double maxval, std::optional<uint64_t> seed,
               std::optional<Device> device) {
  if (!(minval <= maxval)) throw ValueError(detail::cat("random.uniform: minval=", minval, " > maxval=", maxval));
  return draw(shape, seed, device, &backend::Backend::random_uniform, minval, maxval);
}

Tensor normal(const Shape& shape, double mean, double stddev, std::optional<uint64_t> seed,
              std::optional<Device> device) {
  return draw(shape, seed, device, &backend::Backend::random_normal, mean, stddev);
}

Tensor truncated_normal(const Shape& shape, double mean, double stddev, std::optional<uint64_t> seed,
                        std::optional<Device> device) {
  return draw(shape, seed, device, &backend::Backend::random_truncated_normal, mean, stddev);
}

SeedGenerator::SeedGenerator(std::optional<uint64_t> seed) : state_(seed) {}

uint64_t SeedGenerator::next() {
  if (!state_) return next_seed();
  return splitmix(*state_);
}

}  // namespace keras::random

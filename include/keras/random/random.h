// Random tensors (keras.random). Every draw takes a seed; without one it takes the next
// seed from a global sequence that keras::utils::set_random_seed() restarts, so a
// program that sets the seed repeats exactly. The global sequence starts from a fixed
// seed, so even an unseeded program repeats from run to run.
#pragma once

#include <cstdint>
#include <optional>

#include "keras/tensor/tensor.h"

namespace keras::random {

/// Restarts the global seed sequence.
void set_global_seed(uint64_t seed);
/// Next seed of the global sequence.
uint64_t next_seed();

// `device`: where the draw is made (the backend of that device draws it; the numbers are
// the same on every device); left out, the current default device (keras::DeviceScope).
Tensor uniform(const Shape& shape, double minval = 0.0, double maxval = 1.0, std::optional<uint64_t> seed = {},
               std::optional<Device> device = {});
Tensor normal(const Shape& shape, double mean = 0.0, double stddev = 1.0, std::optional<uint64_t> seed = {},
              std::optional<Device> device = {});
/// Normal draws, redrawn beyond two standard deviations.
Tensor truncated_normal(const Shape& shape, double mean = 0.0, double stddev = 1.0,
                        std::optional<uint64_t> seed = {}, std::optional<Device> device = {});

/// A stream of seeds (keras.random.SeedGenerator): a layer with `seed` set draws a new,
/// reproducible seed on every call; without one it follows the global sequence.
class SeedGenerator {
 public:
  explicit SeedGenerator(std::optional<uint64_t> seed = {});
  uint64_t next();

 private:
  std::optional<uint64_t> state_;
};

}  // namespace keras::random

// The shuffles (NumPy's and Python's) that Keras's dataset utilities rely on, reproduced exactly so that
// a shuffled split or window order is the one Keras makes for the same seed.
#pragma once
#include <cstdint>
#include <vector>

namespace keras::utils {

/// The permutation numpy.random.RandomState(seed).shuffle applies to range(n).
std::vector<int64_t> numpy_shuffle_permutation(int64_t n, uint64_t seed);
/// The permutation Python's random.seed(seed); random.shuffle(list(range(n))) applies
/// (keras.utils.split_dataset shuffles this way). ValueError for n >= 2**32.
std::vector<int64_t> python_shuffle_permutation(int64_t n, uint64_t seed);
/// np.random.randint(1e6) from a fresh random device: Keras's seed when none is given.
uint64_t random_seed();

}  // namespace keras::utils

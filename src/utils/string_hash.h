// The string hashes behind TensorFlow's tf.strings.to_hash_bucket_fast / _strong, which
// Keras's Hashing layer calls, so that a string lands in the same bin as in Python Keras.
#pragma once
#include <cstdint>
#include <string_view>

namespace keras::utils {

/// FarmHash Fingerprint64 (farmhashna::Hash64) of the bytes of s: TensorFlow's
/// Fingerprint64, hence to_hash_bucket_fast(s, n) == farmhash_fingerprint64(s) % n.
uint64_t farmhash_fingerprint64(std::string_view s);

/// SipHash-2-4 of the bytes of s under the 128-bit key (k0, k1), k0 being the key's first
/// 8 bytes read little-endian (highwayhash::SipHash, TensorFlow's StrongKeyedHash):
/// to_hash_bucket_strong(s, n, key=[k0, k1]) == siphash_keyed(k0, k1, s) % n. TensorFlow
/// keeps the key as int64; a negative key element is its two's complement here.
uint64_t siphash_keyed(uint64_t k0, uint64_t k1, std::string_view s);

}  // namespace keras::utils

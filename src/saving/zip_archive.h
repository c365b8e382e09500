// The zip container of .keras files (libzip, which OSS-Fuzz exercises): reading entries
// with size limits (no zip bombs), and writing an archive in memory.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace keras::saving {

class ZipReader {
 public:
  /// Opens `path` (IOError if it is not a readable zip archive).
  explicit ZipReader(const std::string& path);
  ~ZipReader();
  ZipReader(const ZipReader&) = delete;
  ZipReader& operator=(const ZipReader&) = delete;

  bool has(const std::string& name) const;
  std::vector<std::string> names() const;
  /// Uncompressed size as the directory states it.
  uint64_t size(const std::string& name) const;
  /// What the entry's data occupies in the archive (its compressed size; for a stored
  /// entry, as Keras writes them, the same as size()).
  uint64_t size_in_archive(const std::string& name) const;
  /// The whole entry; IOError if it is larger than `max_bytes` or its data is damaged.
  std::vector<uint8_t> read(const std::string& name, uint64_t max_bytes) const;

 private:
  std::string path_;
  void* zip_ = nullptr;
};

/// A zip archive of the given entries, stored uncompressed (as Keras writes .keras files).
std::vector<uint8_t> make_zip(const std::vector<std::pair<std::string, std::vector<uint8_t>>>& entries);

}  // namespace keras::saving

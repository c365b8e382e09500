// Writing HDF5 files with libhdf5, laid out as h5py lays out Keras's files (old-style
// groups, variable-length string attributes, contiguous datasets). The file is built in
// memory (libhdf5's core driver) and handed back as bytes, so callers can put it in a
// zip or write it atomically.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "keras/tensor/tensor.h"

namespace keras::saving::hdf5 {

class Writer;

class WriteGroup {
 public:
  WriteGroup create_group(const std::string& name) const;
  void write_dataset(const std::string& name, const Tensor& value) const;
  /// A scalar variable-length string attribute.
  void set_attribute(const std::string& name, const std::string& value, bool utf8 = true) const;
  /// A 1-D variable-length string attribute (an empty list is written as Keras does:
  /// an empty float64 array).
  void set_attribute(const std::string& name, const std::vector<std::string>& values) const;

 private:
  friend class Writer;
  WriteGroup(std::shared_ptr<void> file, int64_t id);
  std::shared_ptr<void> file_;    // keeps the file open while a group is in use
  std::shared_ptr<void> handle_;  // closes the group
  int64_t id_;
};

class Writer {
 public:
  explicit Writer(const std::string& name);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  WriteGroup root() const;
  /// Flushes and returns the whole file.
  std::vector<uint8_t> bytes();

 private:
  std::string name_;
  std::shared_ptr<void> file_;
  int64_t id_ = -1;
};

}  // namespace keras::saving::hdf5

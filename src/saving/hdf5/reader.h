// A bounds-checked reader for the part of HDF5 that Keras files use. Model files are
// untrusted input and libhdf5 is not hardened against malformed files (it has a long
// list of crash bugs on crafted input), so reading goes through this code instead:
// every offset, count and size is checked against the file before use, recursion and
// allocation are bounded, and anything unexpected is an IOError. Writing (trusted) uses
// libhdf5 (writer.h).
//
// Supported: superblock versions 0-3; object header versions 1 and 2 with continuation
// blocks; old-style groups (symbol tables: v1 B-trees, local heaps) and compact
// new-style groups (link messages); attributes in the object header; datasets with
// contiguous or compact layout; fixed-point, IEEE float, fixed-length and
// variable-length string types (variable-length data in global heaps). Other features
// (chunked/filtered datasets, dense attribute or link storage) give a clear IOError.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keras/tensor/tensor.h"

namespace keras::saving::hdf5 {

struct FileData;  // the bytes and parsed superblock, shared by every handle

/// A scalar or array attribute value: strings or numbers.
struct AttributeValue {
  std::vector<std::string> strings;  // string types
  std::vector<double> numbers;       // numeric types
  bool is_string = false;
  Shape shape;                       // () for scalars
  /// The single string of a string attribute (ValueError-free: IOError if not one string).
  const std::string& as_string(const std::string& what) const;
};

class Object {
 public:
  bool is_group() const;
  bool is_dataset() const;
  /// Child names of a group, sorted (as HDF5 lists them).
  std::vector<std::string> keys() const;
  bool has(const std::string& name) const;
  /// The child object `name` (a path with '/' is walked); IOError if missing.
  Object get(const std::string& path) const;
  std::vector<std::string> attribute_names() const;
  std::optional<AttributeValue> attribute(const std::string& name) const;
  /// A dataset's shape and element type.
  Shape shape() const;
  DType dtype() const;
  /// A dataset's values as a CPU tensor (numeric types only).
  Tensor read() const;

 private:
  friend class File;
  Object(std::shared_ptr<const FileData> file, uint64_t address, std::string path);
  void parse() const;

  std::shared_ptr<const FileData> file_;
  uint64_t address_ = 0;
  std::string path_;
  struct Parsed;
  mutable std::shared_ptr<const Parsed> parsed_;
};

class File {
 public:
  /// Reads the file at `path` (IOError if unreadable or not HDF5).
  static File open(const std::string& path);
  /// Parses HDF5 bytes already in memory (the weights file inside a .keras zip).
  static File from_bytes(std::vector<uint8_t> bytes, std::string name);
  Object root() const;

 private:
  std::shared_ptr<const FileData> data_;
};

}  // namespace keras::saving::hdf5

// See reader.h. Field layouts follow the HDF5 File Format Specification (version 3.0),
// sections II (superblock), III.A (B-trees v1), III.D-E (local / global heaps),
// IV.A (object headers) and IV.A.2 (header messages).
#include "saving/hdf5/reader.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace keras::saving::hdf5 {

using keras::detail::cat;

namespace {

constexpr uint64_t kUndefined = ~uint64_t{0};
constexpr int kMaxBtreeDepth = 64;
constexpr size_t kMaxMessages = 1u << 16;
constexpr size_t kMaxContinuations = 1024;
constexpr size_t kMaxLinks = 1u << 20;
constexpr int64_t kMaxRank = 32;

[[noreturn]] void fail(const std::string& file, const std::string& what) {
  throw IOError(cat(file, ": invalid or unsupported HDF5 file: ", what));
}

}  // namespace

struct FileData {
  std::vector<uint8_t> bytes;
  std::string name;
  int offset_size = 8, length_size = 8;
  uint64_t base = 0;
  uint64_t root = 0;

  [[noreturn]] void fail(const std::string& what) const { hdf5::fail(name, what); }

  /// File position of an HDF5 address, checked to leave `need` bytes.
  uint64_t at(uint64_t address, uint64_t need, const char* what) const {
    if (address == kUndefined) fail(cat("undefined address for ", what));
    const uint64_t pos = base + address;
    if (pos < base || pos > bytes.size() || need > bytes.size() - pos)
      fail(cat(what, " at address ", address, " (+", need, " bytes) lies outside the file (", bytes.size(), " bytes)"));
    return pos;
  }
};

namespace {

/// Little-endian reads within [pos, end) of the file.
class Cursor {
 public:
  Cursor(const FileData& f, uint64_t pos, uint64_t end) : f_(f), pos_(pos), end_(end) {
    if (end_ > f_.bytes.size() || pos_ > end_) f_.fail("a block extends past the end of the file");
  }
  uint64_t pos() const { return pos_; }
  uint64_t remaining() const { return end_ - pos_; }
  void need(uint64_t n, const char* what) const {
    if (n > end_ - pos_) f_.fail(cat("truncated ", what));
  }
  uint64_t uint(int n, const char* what) {
    need(static_cast<uint64_t>(n), what);
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(f_.bytes[pos_ + static_cast<uint64_t>(i)]) << (8 * i);
    pos_ += static_cast<uint64_t>(n);
    return v;
  }
  uint8_t u8(const char* w) { return static_cast<uint8_t>(uint(1, w)); }
  uint16_t u16(const char* w) { return static_cast<uint16_t>(uint(2, w)); }
  uint32_t u32(const char* w) { return static_cast<uint32_t>(uint(4, w)); }
  uint64_t offset(const char* w) {
    const uint64_t v = uint(f_.offset_size, w);
    return (f_.offset_size < 8 && v == (uint64_t{1} << (8 * f_.offset_size)) - 1) ? kUndefined : v;
  }
  uint64_t length(const char* w) { return uint(f_.length_size, w); }
  void skip(uint64_t n, const char* what) {
    need(n, what);
    pos_ += n;
  }
  const uint8_t* data() const { return f_.bytes.data() + pos_; }
  void signature(const char* sig, const char* what) {
    need(4, what);
    if (std::memcmp(data(), sig, 4) != 0) f_.fail(cat("bad signature for ", what, " (expected ", sig, ")"));
    pos_ += 4;
  }

 private:
  const FileData& f_;
  uint64_t pos_, end_;
};

struct Message {
  uint16_t type = 0;
  uint8_t flags = 0;
  uint64_t pos = 0, size = 0;  // file position and size of the message data
};

struct Datatype {
  int cls = -1;         // 0 fixed-point, 1 float, 3 string, 9 variable-length
  uint32_t size = 0;
  bool is_signed = false;
  bool big_endian = false;
  int str_pad = 0;      // 0 null-terminated, 1 null-padded, 2 space-padded
  bool vlen_string = false;
};

Datatype parse_datatype(const FileData& f, Cursor c) {
  Datatype t;
  const uint8_t class_version = c.u8("datatype");
  t.cls = class_version & 0x0f;
  const uint32_t bits = static_cast<uint32_t>(c.uint(3, "datatype"));
  t.size = c.u32("datatype size");
  switch (t.cls) {
    case 0:  // fixed-point
      t.big_endian = bits & 1;
      t.is_signed = bits & 8;
      if (t.size != 1 && t.size != 2 && t.size != 4 && t.size != 8) f.fail(cat("integer of ", t.size, " bytes"));
      break;
    case 1:  // floating point
      t.big_endian = bits & 1;
      if (bits & 0x40) f.fail("VAX floating point");
      if (t.size != 2 && t.size != 4 && t.size != 8) f.fail(cat("float of ", t.size, " bytes"));
      break;
    case 3:  // fixed-length string
      t.str_pad = static_cast<int>(bits & 0x0f);
      if (t.size == 0 || t.size > (1u << 24)) f.fail(cat("string of ", t.size, " bytes"));
      break;
    case 9: {  // variable-length
      const uint32_t kind = bits & 0x0f;
      if (kind != 1) f.fail("variable-length sequences (only variable-length strings are supported)");
      t.vlen_string = true;
      t.str_pad = static_cast<int>((bits >> 4) & 0x0f);
      break;
    }
    default:
      f.fail(cat("datatype class ", t.cls, " (supported: integer, float, string)"));
  }
  if (t.big_endian) f.fail("big-endian data");
  return t;
}

Shape parse_dataspace(const FileData& f, Cursor c) {
  const uint8_t version = c.u8("dataspace");
  const uint8_t rank = c.u8("dataspace");
  const uint8_t flags = c.u8("dataspace");
  if (rank > kMaxRank) f.fail(cat("dataspace of rank ", static_cast<int>(rank)));
  if (version == 1) {
    c.skip(5, "dataspace");
  } else if (version == 2) {
    const uint8_t type = c.u8("dataspace");
    if (type == 2) return Shape{0};  // null dataspace: no elements
  } else {
    f.fail(cat("dataspace version ", static_cast<int>(version)));
  }
  Shape s;
  uint64_t total = 1;
  for (int i = 0; i < rank; ++i) {
    const uint64_t d = c.length("dataspace dimension");
    if (d > (uint64_t{1} << 40) || (d && total > (uint64_t{1} << 40) / d)) f.fail("dataspace too large");
    total *= std::max<uint64_t>(d, 1);
    s.push_back(static_cast<int64_t>(d));
  }
  (void)flags;  // maximum dimensions (flag bit 0) are not needed for reading
  return s;
}

std::string clean_string(const uint8_t* p, size_t n, int pad) {
  std::string s(reinterpret_cast<const char*>(p), n);
  if (pad == 2) {
    while (!s.empty() && s.back() == ' ') s.pop_back();
  } else {
    const auto z = s.find('\0');
    if (z != std::string::npos) s.resize(z);
  }
  return s;
}

/// The bytes of object `index` in the global heap collection at `address`.
std::pair<const uint8_t*, uint64_t> global_heap_object(const FileData& f, uint64_t address, uint32_t index) {
  const uint64_t start = f.at(address, 8 + static_cast<uint64_t>(f.length_size), "global heap");
  Cursor head(f, start, f.bytes.size());
  head.signature("GCOL", "global heap");
  if (head.u8("global heap") != 1) f.fail("global heap version");
  head.skip(3, "global heap");
  const uint64_t size = head.length("global heap size");
  if (size > f.bytes.size() - start) f.fail("global heap collection past the end of the file");
  Cursor c(f, head.pos(), start + size);
  while (c.remaining() >= 8 + static_cast<uint64_t>(f.length_size)) {
    const uint16_t idx = c.u16("global heap object");
    c.skip(6, "global heap object");
    const uint64_t n = c.length("global heap object");
    if (idx == 0) break;  // free space
    c.need(n, "global heap object");
    if (idx == index) return {c.data(), n};
    const uint64_t padded = (n + 7) / 8 * 8;
    if (padded > c.remaining()) break;
    c.skip(padded, "global heap object");
  }
  f.fail(cat("global heap object ", index, " not found"));
}

/// Reads `count` string elements of type t starting at cursor c.
std::vector<std::string> read_strings(const FileData& f, Cursor c, const Datatype& t, uint64_t count) {
  std::vector<std::string> out;
  if (count > c.remaining()) f.fail("string data truncated");
  out.reserve(static_cast<size_t>(count));
  for (uint64_t i = 0; i < count; ++i) {
    if (t.vlen_string) {
      const uint32_t len = c.u32("variable-length string");
      const uint64_t heap = c.offset("variable-length string");
      const uint32_t index = c.u32("variable-length string");
      if (len == 0 || heap == kUndefined || heap == 0) {
        out.emplace_back();
        continue;
      }
      auto [p, n] = global_heap_object(f, heap, index);
      if (len > n) f.fail("variable-length string longer than its heap object");
      out.push_back(clean_string(p, len, t.str_pad));
    } else {
      c.need(t.size, "string");
      out.push_back(clean_string(c.data(), t.size, t.str_pad));
      c.skip(t.size, "string");
    }
  }
  return out;
}

double read_number(const uint8_t* p, const Datatype& t) {
  uint64_t bits = 0;
  for (uint32_t i = 0; i < t.size; ++i) bits |= static_cast<uint64_t>(p[i]) << (8 * i);
  if (t.cls == 1) {
    if (t.size == 4) {
      float v;
      const uint32_t b = static_cast<uint32_t>(bits);
      std::memcpy(&v, &b, 4);
      return v;
    }
    if (t.size == 8) {
      double v;
      std::memcpy(&v, &bits, 8);
      return v;
    }
    return detail::read_as_double(p, DType::float16);
  }
  if (t.is_signed && t.size < 8) {
    const uint64_t sign = uint64_t{1} << (8 * t.size - 1);
    if (bits & sign) return static_cast<double>(static_cast<int64_t>(bits | ~((sign << 1) - 1)));
  }
  return t.is_signed ? static_cast<double>(static_cast<int64_t>(bits)) : static_cast<double>(bits);
}

DType dtype_for(const Datatype& t) {
  if (t.cls == 1) return t.size == 4 ? DType::float32 : t.size == 8 ? DType::float64 : DType::float16;
  if (t.cls == 0) {
    if (t.size == 1 && !t.is_signed) return DType::uint8;
    if (t.size <= 4 && (t.is_signed || t.size < 4)) return DType::int32;
    return DType::int64;
  }
  return DType::uint8;  // strings are not tensors; callers check
}

/// Where a dataset's bytes are (from its data layout message).
struct Layout {
  int layout_class = -1;  // 0 compact, 1 contiguous
  uint64_t data_pos = 0, data_size = 0;
  bool data_allocated = true;
};

}  // namespace

// ---- Object

struct Object::Parsed {
  std::vector<Message> messages;
  bool group = false, dataset = false;
  std::map<std::string, uint64_t> links;  // child name -> object header address
  std::map<std::string, Message> attributes;
  Shape shape;
  Datatype type;
  Layout layout;
};

const std::string& AttributeValue::as_string(const std::string& what) const {
  if (!is_string || strings.size() != 1) throw IOError(cat(what, ": expected a single string attribute"));
  return strings[0];
}

Object::Object(std::shared_ptr<const FileData> file, uint64_t address, std::string path)
    : file_(std::move(file)), address_(address), path_(std::move(path)) {}

namespace {

/// Every header message of the object at `address` (both header versions, continuations followed).
std::vector<Message> read_messages(const FileData& f, uint64_t address) {
  std::vector<Message> out;
  const uint64_t start = f.at(address, 16, "object header");
  std::vector<std::pair<uint64_t, uint64_t>> blocks;  // (file position, size)
  std::set<uint64_t> seen_blocks;
  bool v2 = false;
  bool track_order = false;
  Cursor head(f, start, f.bytes.size());
  if (std::memcmp(f.bytes.data() + start, "OHDR", 4) == 0) {
    v2 = true;
    head.skip(4, "object header");
    if (head.u8("object header") != 2) f.fail("object header version");
    const uint8_t flags = head.u8("object header");
    track_order = flags & 0x04;
    if (flags & 0x20) head.skip(16, "object header times");
    if (flags & 0x10) head.skip(4, "object header attribute limits");
    const uint64_t size = head.uint(1 << (flags & 3), "object header size");
    head.need(size + 4, "object header");
    blocks.push_back({head.pos(), size});
  } else {
    if (head.u8("object header") != 1) f.fail(cat("object header version at address ", address));
    head.skip(1, "object header");
    head.u16("object header");  // message count (we stop at the end of the blocks instead)
    head.u32("object header");
    const uint32_t size = head.u32("object header size");
    head.skip(4, "object header");  // alignment
    head.need(size, "object header");
    blocks.push_back({head.pos(), size});
  }
  for (size_t b = 0; b < blocks.size(); ++b) {
    if (b > kMaxContinuations) f.fail("too many object header continuation blocks");
    Cursor c(f, blocks[b].first, blocks[b].first + blocks[b].second);
    if (v2 && b > 0) c.signature("OCHK", "object header continuation");
    const uint64_t header_bytes = v2 ? 4u + (track_order ? 2u : 0u) : 8u;
    const uint64_t tail = v2 && b > 0 ? 4 : 0;  // continuation blocks end with a checksum
    while (c.remaining() >= header_bytes + tail) {
      Message m;
      if (v2) {
        m.type = c.u8("message");
        m.size = c.u16("message");
        m.flags = c.u8("message");
        if (track_order) c.skip(2, "message");
      } else {
        m.type = c.u16("message");
        m.size = c.u16("message");
        m.flags = c.u8("message");
        c.skip(3, "message");
      }
      c.need(m.size, "message data");
      m.pos = c.pos();
      c.skip(m.size, "message data");
      if (m.type == 0x10) {  // continuation
        Cursor cc(f, m.pos, m.pos + m.size);
        const uint64_t addr = cc.offset("continuation");
        const uint64_t len = cc.length("continuation");
        const uint64_t pos = f.at(addr, len, "object header continuation");
        if (!seen_blocks.insert(pos).second) f.fail("object header continuation loop");
        blocks.push_back({pos, len});
        continue;
      }
      if (m.type != 0) out.push_back(m);
      if (out.size() > kMaxMessages) f.fail("too many object header messages");
    }
  }
  return out;
}

std::string local_heap_name(const FileData& f, uint64_t heap_address, uint64_t offset) {
  const uint64_t pos = f.at(heap_address, 8 + 2 * static_cast<uint64_t>(f.length_size) + static_cast<uint64_t>(f.offset_size),
                            "local heap");
  Cursor c(f, pos, f.bytes.size());
  c.signature("HEAP", "local heap");
  c.skip(4, "local heap");
  const uint64_t size = c.length("local heap");
  c.length("local heap");
  const uint64_t data = c.offset("local heap data");
  if (offset >= size) f.fail("link name outside the local heap");
  const uint64_t start = f.at(data, size, "local heap data");
  const uint8_t* p = f.bytes.data() + start + offset;
  const uint64_t max = size - offset;
  const void* z = std::memchr(p, 0, static_cast<size_t>(max));
  if (!z) f.fail("unterminated link name");
  return std::string(reinterpret_cast<const char*>(p), static_cast<const uint8_t*>(z) - p);
}

void read_btree_group(const FileData& f, uint64_t address, uint64_t heap, int depth, std::set<uint64_t>& seen,
                      std::map<std::string, uint64_t>& links) {
  if (depth > kMaxBtreeDepth) f.fail("group B-tree too deep");
  if (!seen.insert(address).second) f.fail("group B-tree loop");
  const uint64_t pos = f.at(address, 8, "group B-tree node");
  Cursor c(f, pos, f.bytes.size());
  c.signature("TREE", "group B-tree node");
  if (c.u8("B-tree") != 0) f.fail("B-tree node is not a group node");
  const uint8_t level = c.u8("B-tree");
  const uint16_t entries = c.u16("B-tree");
  c.offset("B-tree");
  c.offset("B-tree");
  std::vector<uint64_t> children;
  c.length("B-tree key");
  for (uint16_t i = 0; i < entries; ++i) {
    children.push_back(c.offset("B-tree child"));
    c.length("B-tree key");
  }
  for (uint64_t child : children) {
    if (level > 0) {
      read_btree_group(f, child, heap, depth + 1, seen, links);
      continue;
    }
    const uint64_t spos = f.at(child, 8, "symbol table node");
    Cursor s(f, spos, f.bytes.size());
    s.signature("SNOD", "symbol table node");
    if (s.u8("symbol table node") != 1) f.fail("symbol table node version");
    s.skip(1, "symbol table node");
    const uint16_t n = s.u16("symbol table node");
    for (uint16_t i = 0; i < n; ++i) {
      const uint64_t name_offset = s.offset("symbol table entry");
      const uint64_t header = s.offset("symbol table entry");
      s.skip(24, "symbol table entry");
      links[local_heap_name(f, heap, name_offset)] = header;
      if (links.size() > kMaxLinks) f.fail("too many links in a group");
    }
  }
}

/// Data layout message (0x0008), versions 1 to 4; compact and contiguous layouts only.
void parse_layout(const FileData& f, Cursor c, Layout& l) {
  const uint8_t version = c.u8("layout");
  if (version == 3 || version == 4) {
    l.layout_class = c.u8("layout");
    if (l.layout_class == 0) {
      l.data_size = c.u16("compact layout");
      c.need(l.data_size, "compact data");
      l.data_pos = c.pos();
    } else if (l.layout_class == 1) {
      const uint64_t addr = c.offset("contiguous layout");
      l.data_size = c.length("contiguous layout");
      if (addr == kUndefined) l.data_allocated = false;
      else l.data_pos = f.at(addr, l.data_size, "dataset data");
    } else {
      f.fail(cat("dataset layout class ", l.layout_class, " (chunked or virtual datasets are not supported)"));
    }
  } else if (version == 1 || version == 2) {
    const uint8_t rank = c.u8("layout");
    l.layout_class = c.u8("layout");
    c.skip(5, "layout");
    uint64_t addr = kUndefined;
    if (l.layout_class != 0) addr = c.offset("layout");
    if (rank > kMaxRank + 1) f.fail("layout rank");
    c.skip(4u * rank, "layout dimensions");
    if (l.layout_class == 0) {
      l.data_size = c.u32("compact layout");
      c.need(l.data_size, "compact data");
      l.data_pos = c.pos();
    } else if (l.layout_class == 1) {
      if (addr == kUndefined) l.data_allocated = false;
      else l.data_pos = f.at(addr, 0, "dataset data");
      l.data_size = kUndefined;  // from the dataspace
    } else {
      f.fail("chunked datasets are not supported");
    }
  } else {
    f.fail(cat("layout message version ", static_cast<int>(version)));
  }
}

/// Attribute message (0x000C): only the name now; the value is read when asked for.
std::string parse_attribute_name(const FileData& f, Cursor c) {
  const uint8_t version = c.u8("attribute");
  c.skip(1, "attribute");
  const uint16_t name_size = c.u16("attribute");
  c.skip(4, "attribute");
  if (version == 3) c.skip(1, "attribute");
  if (version < 1 || version > 3) f.fail("attribute message version");
  c.need(name_size, "attribute name");
  return clean_string(c.data(), name_size, 0);
}

/// Link message (0x0006) of a compact new-style group: adds a hard link to `links`
/// (soft and external links are skipped).
void parse_link(const FileData& f, Cursor c, std::map<std::string, uint64_t>& links) {
  if (c.u8("link") != 1) f.fail("link message version");
  const uint8_t flags = c.u8("link");
  uint8_t type = 0;
  if (flags & 0x08) type = c.u8("link");
  if (flags & 0x04) c.skip(8, "link");
  if (flags & 0x10) c.skip(1, "link");
  const uint64_t name_len = c.uint(1 << (flags & 3), "link name length");
  c.need(name_len, "link name");
  std::string name(reinterpret_cast<const char*>(c.data()), name_len);
  c.skip(name_len, "link name");
  if (type == 0) links[name] = c.offset("hard link");
}

/// Link info (0x0002) and attribute info (0x0015) messages: dense storage (a fractal heap
/// address that is defined) is not supported.
void require_compact_storage(const FileData& f, Cursor c, const Message& m, const char* what, const char* unsupported) {
  c.skip(2, what);
  if (m.size >= 2 + static_cast<uint64_t>(f.offset_size) && c.offset(what) != kUndefined) f.fail(unsupported);
}

}  // namespace

void Object::parse() const {
  if (parsed_) return;
  const FileData& f = *file_;
  auto p = std::make_shared<Parsed>();
  p->messages = read_messages(f, address_);
  bool has_space = false, has_type = false, has_layout = false;
  for (const auto& m : p->messages) {
    Cursor c(f, m.pos, m.pos + m.size);
    const bool shared = m.flags & 0x02;
    switch (m.type) {
      case 0x0001:
        if (shared) f.fail("shared dataspace messages");
        p->shape = parse_dataspace(f, c);
        has_space = true;
        break;
      case 0x0003:
        if (shared) f.fail("committed (shared) datatypes");
        p->type = parse_datatype(f, c);
        has_type = true;
        break;
      case 0x0008: {
        parse_layout(f, c, p->layout);
        has_layout = true;
        break;
      }
      case 0x000C:  // attribute
        p->attributes[parse_attribute_name(f, c)] = m;
        break;
      case 0x0011: {  // symbol table: an old-style group
        const uint64_t btree = c.offset("symbol table");
        const uint64_t heap = c.offset("symbol table");
        std::set<uint64_t> seen;
        read_btree_group(f, btree, heap, 0, seen, p->links);
        p->group = true;
        break;
      }
      case 0x0006:  // link message: a compact new-style group
        parse_link(f, c, p->links);
        p->group = true;
        break;
      case 0x0002:  // link info
        require_compact_storage(f, c, m, "link info", "groups with dense link storage");
        p->group = true;
        break;
      case 0x0015:  // attribute info
        require_compact_storage(f, c, m, "attribute info", "dense attribute storage");
        break;
      // Features whose data we would silently not read: refused, never taken as zeros.
      case 0x0007:  // external data files: the values live in other files (any path on the machine)
        f.fail(cat("dataset ", path_, " stored in external files (refused: it could name any file)"));
      case 0x000B:  // filter pipeline (compression and the like)
        f.fail(cat("dataset ", path_, " with a filter pipeline (compressed or filtered datasets are not supported)"));
      default:
        // A message the writer marked "fail if unknown" (flag bit 3) that this reader does not know.
        if (m.flags & 0x08)
          f.fail(cat("object ", path_, " needs HDF5 message type ", m.type, ", which this reader does not support"));
        break;
    }
  }
  if (has_layout) {
    if (!has_space || !has_type) f.fail(cat("dataset ", path_, " lacks its dataspace or datatype"));
    p->dataset = true;
  }
  parsed_ = p;
}

bool Object::is_group() const {
  parse();
  return parsed_->group || (!parsed_->dataset);
}

bool Object::is_dataset() const {
  parse();
  return parsed_->dataset;
}

std::vector<std::string> Object::keys() const {
  parse();
  std::vector<std::string> out;
  for (const auto& [k, v] : parsed_->links) out.push_back(k);
  return out;
}

bool Object::has(const std::string& name) const {
  parse();
  return parsed_->links.count(name) > 0;
}

Object Object::get(const std::string& path) const {
  Object cur = *this;
  size_t start = 0;
  int steps = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string part = path.substr(start, end - start);
    start = end + 1;
    if (part.empty()) continue;
    if (++steps > 256) throw IOError(cat(file_->name, ": path too deep: ", path));
    cur.parse();
    auto it = cur.parsed_->links.find(part);
    if (it == cur.parsed_->links.end())
      throw IOError(cat(file_->name, ": no object '", part, "' in group '", cur.path_.empty() ? "/" : cur.path_, "'"));
    cur = Object(file_, it->second, cur.path_ + "/" + part);
  }
  return cur;
}

std::vector<std::string> Object::attribute_names() const {
  parse();
  std::vector<std::string> out;
  for (const auto& [k, v] : parsed_->attributes) out.push_back(k);
  return out;
}

std::optional<AttributeValue> Object::attribute(const std::string& name) const {
  parse();
  auto it = parsed_->attributes.find(name);
  if (it == parsed_->attributes.end()) return std::nullopt;
  const FileData& f = *file_;
  const Message& m = it->second;
  Cursor c(f, m.pos, m.pos + m.size);
  const uint8_t version = c.u8("attribute");
  c.skip(1, "attribute");
  const uint16_t name_size = c.u16("attribute");
  const uint16_t type_size = c.u16("attribute");
  const uint16_t space_size = c.u16("attribute");
  if (version == 3) c.skip(1, "attribute");
  auto pad = [&](uint64_t n) { return version == 1 ? (n + 7) / 8 * 8 : n; };
  c.skip(pad(name_size), "attribute name");
  c.need(type_size, "attribute datatype");
  const Datatype t = parse_datatype(f, Cursor(f, c.pos(), c.pos() + type_size));
  c.skip(pad(type_size), "attribute datatype");
  c.need(space_size, "attribute dataspace");
  const Shape shape = parse_dataspace(f, Cursor(f, c.pos(), c.pos() + space_size));
  c.skip(pad(space_size), "attribute dataspace");
  AttributeValue v;
  v.shape = shape;
  const uint64_t count = static_cast<uint64_t>(shape.num_elements());
  if (t.cls == 3 || t.cls == 9) {
    v.is_string = true;
    v.strings = read_strings(f, c, t, count);
  } else {
    if (t.size == 0 || count > c.remaining() / t.size) f.fail(cat("attribute '", name, "' data truncated"));
    for (uint64_t i = 0; i < count; ++i) v.numbers.push_back(read_number(c.data() + i * t.size, t));
  }
  return v;
}

Shape Object::shape() const {
  parse();
  if (!parsed_->dataset) throw IOError(cat(file_->name, ": '", path_, "' is not a dataset"));
  return parsed_->shape;
}

DType Object::dtype() const {
  parse();
  if (!parsed_->dataset) throw IOError(cat(file_->name, ": '", path_, "' is not a dataset"));
  if (parsed_->type.cls != 0 && parsed_->type.cls != 1)
    throw IOError(cat(file_->name, ": dataset '", path_, "' does not hold numbers"));
  return dtype_for(parsed_->type);
}

Tensor Object::read() const {
  const DType dt = dtype();
  const Parsed& p = *parsed_;
  const FileData& f = *file_;
  const uint64_t count = static_cast<uint64_t>(p.shape.num_elements());
  const uint64_t need = count * p.type.size;
  // Every check comes before the allocation: a forged shape must not take memory.
  if (!p.layout.data_allocated || count == 0) {
    // Never written: the fill value, zero. Keras always writes its weights, so only a
    // small unwritten dataset is believable.
    if (need > (uint64_t{16} << 20)) f.fail(cat("dataset '", path_, "' claims ", need, " bytes but stores none"));
    return Tensor::zeros(p.shape, dt, Device::cpu());
  }
  if (p.layout.data_size != kUndefined && p.layout.data_size < need)
    f.fail(cat("dataset '", path_, "' holds ", p.layout.data_size, " bytes, its shape needs ", need));
  if (p.layout.data_pos > f.bytes.size() || need > f.bytes.size() - p.layout.data_pos)
    f.fail(cat("dataset '", path_, "' data runs past the end of the file"));
  Tensor out = Tensor::empty(p.shape, dt, Device::cpu());  // written through raw_data below
  const uint8_t* src = f.bytes.data() + p.layout.data_pos;
  const bool direct = (dt == DType::float32 && p.type.size == 4) || (dt == DType::float64 && p.type.size == 8) ||
                      (dt == DType::int64 && p.type.size == 8 && p.type.is_signed) ||
                      (dt == DType::uint8 && p.type.size == 1);
  if (direct) {
    std::memcpy(out.raw_data(), src, static_cast<size_t>(need));
  } else {
    char* dst = static_cast<char*>(out.raw_data());
    for (uint64_t i = 0; i < count; ++i)
      detail::write_from_double(dst + i * dtype_size(dt), dt, read_number(src + i * p.type.size, p.type));
  }
  return out;
}

// ---- File

File File::from_bytes(std::vector<uint8_t> bytes, std::string name) {
  auto d = std::make_shared<FileData>();
  d->bytes = std::move(bytes);
  d->name = std::move(name);
  static const uint8_t kSig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  uint64_t at = 0;
  bool found = false;
  for (uint64_t off = 0; off + 8 <= d->bytes.size(); off = off ? off * 2 : 512) {
    if (std::memcmp(d->bytes.data() + off, kSig, 8) == 0) {
      at = off;
      found = true;
      break;
    }
  }
  if (!found) fail(d->name, "no HDF5 signature");
  Cursor c(*d, at + 8, d->bytes.size());
  const uint8_t version = c.u8("superblock");
  if (version == 0 || version == 1) {
    c.skip(4, "superblock");
    d->offset_size = c.u8("superblock");
    d->length_size = c.u8("superblock");
  } else if (version == 2 || version == 3) {
    d->offset_size = c.u8("superblock");
    d->length_size = c.u8("superblock");
  } else {
    fail(d->name, cat("superblock version ", static_cast<int>(version)));
  }
  auto valid = [](int n) { return n == 2 || n == 4 || n == 8; };
  if (!valid(d->offset_size) || !valid(d->length_size)) fail(d->name, "unsupported offset or length size");
  if (version <= 1) {
    c.skip(1, "superblock");
    c.skip(4 + 4, "superblock");  // group K values, consistency flags
    if (version == 1) c.skip(4, "superblock");
    d->base = c.offset("superblock base address");
    c.offset("superblock");
    c.offset("superblock");
    c.offset("superblock");
    c.offset("root symbol table entry");
    d->root = c.offset("root object header");
  } else {
    c.skip(1, "superblock");
    d->base = c.offset("superblock base address");
    c.offset("superblock");
    c.offset("superblock");
    d->root = c.offset("root object header");
  }
  if (d->base == kUndefined || d->base > d->bytes.size()) fail(d->name, "bad base address");
  File file;
  file.data_ = d;
  return file;
}

File File::open(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw IOError(cat("Cannot open ", path, ": ", ec.message()));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IOError(cat("Cannot open ", path));
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  if (size && !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
    throw IOError(cat("Cannot read ", path));
  return from_bytes(std::move(bytes), path);
}

Object File::root() const { return Object(data_, data_->root, ""); }

}  // namespace keras::saving::hdf5

#include "backend/cpu/onednn/kernel_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <vector>

namespace keras::backend::cpu::onednn {

namespace fs = std::filesystem;

namespace {

constexpr uint64_t kFormatVersion = 1;  // bump when the file layout or the key changes
constexpr char kMagic[8] = {'K', 'C', 'P', 'P', 'K', 'R', 'N', '1'};
constexpr const char* kExtension = ".kpack";

struct FileHeader {
  char magic[8];
  uint64_t key;
  uint64_t payload_bytes;
  uint64_t payload_hash;
  char reserved[32];
};
static_assert(sizeof(FileHeader) == 64, "the payload starts 64 bytes in: aligned for oneDNN");

std::atomic<uint64_t> g_limit{uint64_t{2} << 30};
std::atomic<uint64_t> g_hits{0}, g_writes{0};
std::atomic<bool> g_warned{false};

constexpr uint64_t kOdd1 = 0x9E3779B97F4A7C15ull, kOdd2 = 0xC2B2AE3D27D4EB4Full, kOdd3 = 0x94D049BB133111EBull;

uint64_t rotate(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

// Spreads every input bit over the whole word.
uint64_t finish(uint64_t h) {
  h ^= h >> 31;
  h *= kOdd3;
  h ^= h >> 29;
  h *= kOdd1;
  h ^= h >> 32;
  return h;
}

// Four independent lanes over 32-byte steps (they pipeline), the tail byte by byte.
uint64_t hash_chunk(const unsigned char* p, size_t n, uint64_t seed) {
  uint64_t lane[4] = {seed + kOdd1, seed ^ kOdd2, rotate(seed, 21) + kOdd3, ~seed};
  size_t i = 0;
  for (; i + 32 <= n; i += 32)
    for (int j = 0; j < 4; ++j) {
      uint64_t w;
      std::memcpy(&w, p + i + 8 * static_cast<size_t>(j), 8);
      lane[j] = rotate(lane[j] ^ (w * kOdd2), 29) * kOdd1;
    }
  uint64_t h = n * kOdd3;
  for (uint64_t l : lane) h = finish(h ^ l) + kOdd2;
  for (; i < n; ++i) h = rotate(h ^ p[i], 23) * kOdd1;
  return finish(h);
}

void warn_once(const std::string& dir, const std::string& why) {
  if (g_warned.exchange(true)) return;
  std::cerr << "keras: cannot write the kernel cache in " << dir << " (" << why
            << "); packed kernels stay in memory only\n";
}

void append_md(std::vector<uint64_t>& words, const dnnl::memory::desc& md) {
  const dnnl_memory_desc_t& d = md.data;
  const auto n = static_cast<size_t>(d.ndims);
  words.push_back(static_cast<uint64_t>(d.ndims));
  for (size_t i = 0; i < n; ++i) {
    words.push_back(static_cast<uint64_t>(d.dims[i]));
    words.push_back(static_cast<uint64_t>(d.padded_dims[i]));
    words.push_back(static_cast<uint64_t>(d.padded_offsets[i]));
    words.push_back(static_cast<uint64_t>(d.format_desc.blocking.strides[i]));
  }
  words.push_back(static_cast<uint64_t>(d.data_type));
  words.push_back(static_cast<uint64_t>(d.offset0));
  words.push_back(static_cast<uint64_t>(d.format_kind));
  const auto blocks = static_cast<size_t>(d.format_desc.blocking.inner_nblks);
  words.push_back(blocks);
  for (size_t i = 0; i < blocks && i < DNNL_MAX_NDIMS; ++i) {
    words.push_back(static_cast<uint64_t>(d.format_desc.blocking.inner_blks[i]));
    words.push_back(static_cast<uint64_t>(d.format_desc.blocking.inner_idxs[i]));
  }
  words.push_back(d.extra.flags);
  words.push_back(static_cast<uint64_t>(d.extra.compensation_mask));
  words.push_back(static_cast<uint64_t>(d.extra.asymm_compensation_mask));
  words.push_back(std::bit_cast<uint32_t>(d.extra.scale_adjust));
}

std::string file_name(uint64_t key) {
  static const char* digits = "0123456789abcdef";
  std::string name(16, '0');
  for (int i = 15; i >= 0; --i, key >>= 4) name[static_cast<size_t>(i)] = digits[key & 15];
  name += kExtension;
  return name;
}

bool write_all(int fd, const void* data, size_t n) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// Removes the least recently used cache files until the directory holds at most the
// limit, and temporaries an interrupted writer left over an hour ago.
void trim(const fs::path& dir) {
  struct File {
    fs::file_time_type time;
    uint64_t bytes;
    fs::path path;
  };
  std::vector<File> files;
  uint64_t total = 0;
  std::error_code ec;
  const auto stale_before = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    const std::string name = p.filename().string();
    std::error_code e;
    if (!it->is_regular_file(e)) continue;
    const auto time = it->last_write_time(e);
    if (e) continue;
    if (name.starts_with(".") && name.find(".tmp.") != std::string::npos) {
      if (time < stale_before) fs::remove(p, e);
      continue;
    }
    if (p.extension() != kExtension) continue;
    const uint64_t bytes = it->file_size(e);
    if (e) continue;
    files.push_back({time, bytes, p});
    total += bytes;
  }
  const uint64_t limit = g_limit.load(std::memory_order_relaxed);
  if (total <= limit) return;
  std::sort(files.begin(), files.end(), [](const File& a, const File& b) { return a.time < b.time; });
  for (const File& f : files) {
    if (total <= limit) break;
    std::error_code e;
    if (fs::remove(f.path, e)) total -= f.bytes;
  }
}

}  // namespace

uint64_t content_hash(const void* data, size_t n) {
  constexpr size_t kChunk = size_t{1} << 20;
  const auto* p = static_cast<const unsigned char*>(data);
  const size_t chunks = n == 0 ? 1 : (n + kChunk - 1) / kChunk;
  std::vector<uint64_t> parts(chunks);
#pragma omp parallel for schedule(static) if (chunks > 1)
  for (size_t c = 0; c < chunks; ++c) {
    const size_t begin = c * kChunk;
    parts[c] = hash_chunk(p + begin, std::min(kChunk, n - begin), c);
  }
  uint64_t h = finish(n + kOdd2);
  for (uint64_t part : parts) h = finish(rotate(h, 17) ^ part) * kOdd1 + kOdd3;
  return finish(h);
}

std::optional<uint64_t> packed_kernel_key(const void* source, const dnnl::memory::desc& user_md,
                                          const dnnl::memory::desc& packed_md) {
  if (user_md.data.format_kind != dnnl_blocked || packed_md.data.format_kind != dnnl_blocked) return std::nullopt;
  const dnnl_version_t* v = dnnl_version();
  std::vector<uint64_t> words{kFormatVersion,
                              static_cast<uint64_t>(v->major),
                              static_cast<uint64_t>(v->minor),
                              static_cast<uint64_t>(v->patch),
                              v->hash != nullptr ? content_hash(v->hash, std::strlen(v->hash)) : 0,
                              static_cast<uint64_t>(dnnl::get_effective_cpu_isa())};
  append_md(words, user_md);
  append_md(words, packed_md);
  const size_t source_bytes = user_md.get_size();
  words.push_back(source_bytes);
  words.push_back(content_hash(source, source_bytes));
  return content_hash(words.data(), words.size() * sizeof(uint64_t));
}

std::optional<PackedBytes> load_packed_kernel(const std::string& dir, uint64_t key, size_t bytes) {
  const std::string path = (fs::path(dir) / file_name(key)).string();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  const size_t file_bytes = sizeof(FileHeader) + bytes;
  // Only a regular file of exactly the expected size is mapped: nothing is read past it.
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || static_cast<uint64_t>(st.st_size) != file_bytes) {
    ::close(fd);
    return std::nullopt;
  }
  void* base = ::mmap(nullptr, file_bytes, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  if (base == MAP_FAILED) {
    ::close(fd);
    return std::nullopt;
  }
  std::shared_ptr<const void> mapping(base,
                                      [file_bytes](const void* p) { ::munmap(const_cast<void*>(p), file_bytes); });
  FileHeader header;
  std::memcpy(&header, base, sizeof header);
  auto* payload = static_cast<char*>(base) + sizeof(FileHeader);
  const bool valid = std::memcmp(header.magic, kMagic, sizeof kMagic) == 0 && header.key == key &&
                     header.payload_bytes == bytes && header.payload_hash == content_hash(payload, bytes);
  if (!valid) {
    ::close(fd);
    std::error_code ec;
    fs::remove(path, ec);  // damaged or foreign: packed again and rewritten
    return std::nullopt;
  }
  ::futimens(fd, nullptr);  // recently used (a read-only directory keeps its old times)
  ::close(fd);
  g_hits.fetch_add(1, std::memory_order_relaxed);
  return PackedBytes{std::move(mapping), payload};
}

bool store_packed_kernel(const std::string& dir, uint64_t key, const void* data, size_t bytes) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    warn_once(dir, ec.message());
    return false;
  }
  static std::atomic<uint64_t> serial{0};
  const fs::path target = fs::path(dir) / file_name(key);
  std::string tmp_name = ".";  // appended, not operator+: GCC 12 warns falsely (-Wrestrict) on the latter
  tmp_name += file_name(key);
  tmp_name += ".tmp.";
  tmp_name += std::to_string(::getpid());
  tmp_name += ".";
  tmp_name += std::to_string(serial.fetch_add(1));
  const fs::path tmp = fs::path(dir) / tmp_name;
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    warn_once(dir, std::strerror(errno));
    return false;
  }
  FileHeader header{};
  std::memcpy(header.magic, kMagic, sizeof kMagic);
  header.key = key;
  header.payload_bytes = bytes;
  header.payload_hash = content_hash(data, bytes);
  const bool written = write_all(fd, &header, sizeof header) && write_all(fd, data, bytes);
  const int saved_errno = errno;
  if (::close(fd) != 0 || !written) {
    fs::remove(tmp, ec);
    warn_once(dir, std::strerror(written ? errno : saved_errno));
    return false;
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    warn_once(dir, ec.message());
    return false;
  }
  g_writes.fetch_add(1, std::memory_order_relaxed);
  trim(dir);
  return true;
}

void set_kernel_cache_limit(uint64_t bytes) { g_limit.store(bytes, std::memory_order_relaxed); }
uint64_t kernel_cache_hits() { return g_hits.load(std::memory_order_relaxed); }
uint64_t kernel_cache_writes() { return g_writes.load(std::memory_order_relaxed); }

}  // namespace keras::backend::cpu::onednn

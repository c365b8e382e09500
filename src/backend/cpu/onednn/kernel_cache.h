// Convolution kernels packed into oneDNN's layout, kept on disk between processes
// (keras::config::kernel_cache_dir). A fresh process's first call at inference spends
// much of its time packing every kernel into the layout its primitive wants, in fresh
// memory; a packed copy mapped from a file in the page cache costs neither.
//
// A file is `<dir>/<key>.kpack`: a 64-byte header (magic, key, payload size, payload
// hash) and the packed bytes. The key hashes everything that decides those bytes: the
// source kernel's bytes and layout, the packed layout, the oneDNN version and the CPU's
// instruction set, so a changed weight, library or machine looks for another file. A file
// is untrusted: it is used only when its size, header and payload hash all agree (else it
// is removed and packed again). Files are written under a temporary name and renamed, so
// a reader sees a whole file or none; when the directory holds more than its limit, the
// least recently used files (by modification time, touched on use) go.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <oneapi/dnnl/dnnl.hpp>
#include <optional>
#include <string>

namespace keras::backend::cpu::onednn {

/// Bytes of a packed kernel and what keeps them alive (a mapped file or a tensor).
struct PackedBytes {
  std::shared_ptr<const void> owner;
  void* data = nullptr;
};

/// A 64-bit hash of `n` bytes, the same on every thread count (chunks of 1 MiB are
/// hashed in parallel and combined in order).
uint64_t content_hash(const void* data, size_t n);

/// The cache key of `source` (layout `user_md`) packed into `packed_md`; nullopt when the
/// packed layout is not a plain blocked one (such kernels are not cached).
std::optional<uint64_t> packed_kernel_key(const void* source, const dnnl::memory::desc& user_md,
                                          const dnnl::memory::desc& packed_md);

/// The packed bytes stored under `key` in `dir`, mapped read-only, when a whole valid
/// file of `bytes` payload bytes is there; nullopt otherwise (a damaged file is removed).
std::optional<PackedBytes> load_packed_kernel(const std::string& dir, uint64_t key, size_t bytes);

/// Stores `bytes` bytes under `key` in `dir` (created if missing), then trims the
/// directory to its limit. Returns false, changing nothing else, when it cannot write.
bool store_packed_kernel(const std::string& dir, uint64_t key, const void* data, size_t bytes);

/// The most bytes of cache files a directory keeps (2 GiB unless set; for tests).
void set_kernel_cache_limit(uint64_t bytes);

/// Files found valid and used / written, since the process started (for tests).
uint64_t kernel_cache_hits();
uint64_t kernel_cache_writes();

}  // namespace keras::backend::cpu::onednn

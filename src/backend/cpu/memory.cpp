// CPU memory: a caching allocator, and copy / fill / cast.
//
// Why cache: fresh pages cost ~1 us per 4 KB on this kind of VM (page faults), and a
// training step frees and reallocates the same activation sizes every time (a
// MobileNetV2 training step at batch 16 touches 3.4 GB: 1.8 s with the earlier fixed
// 2 GB cache, 0.67 s with this policy). Freed blocks are kept in per-size free lists
// (sizes rounded up so that near sizes share a list) and handed out again, newest first;
// a request of 1 MiB or more with no block of its size takes the smallest cached block
// of up to twice its size, so that fewer distinct blocks serve a network's many shapes
// (InceptionV3 predicting batch 16: 890 MB resident with exact sizes only, 606 MB so);
// up to four times for tensors declared short-lived (a graph at inference).
//
// The statistics count tensors' bytes (rounded sizes): a tensor served by a larger cached
// block counts as its own size in `current` and `peak`, the block as a whole in `cached`
// once it is back.
//
// How much is kept: up to twice the most ever in use at once (at least kMinCache). A
// loop that repeats one pattern of sizes needs at most the sum over sizes of each size's
// largest simultaneous count, which can exceed the peak in use (sizes peak at different
// times) but rarely twice it, so such a loop is served from the cache from its second
// iteration on. Past the limit, the blocks freed longest ago go back to the system
// first: sizes no longer asked for (another batch size, another model) leave before the
// ones in use. config::release_cached_memory() empties the cache.
//
// Where blocks come from: blocks of 4 MiB or more are their own whole 2 MiB pages marked
// for transparent huge pages; blocks from 64 KiB to 4 MiB are cut from 32 MiB slabs of
// huge pages (the first predict of InceptionV3 at batch 1 took 20,000 page faults, most
// of its time, for its packed kernels and activations of a few hundred KB each); smaller
// ones come from malloc. A slab's block given back to the system has its pages released
// (MADV_DONTNEED) and its address range retired; the slab is unmapped once all its blocks
// are back. The statistics count blocks, not the slabs' uncut or retired ranges.
#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "backend/allocation_lifetime.h"
#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/parallel.h"

namespace keras::backend::cpu {

namespace {

constexpr size_t kAlignment = 64;
constexpr size_t kMinCache = size_t{1} << 30;
constexpr size_t kBestFitMin = size_t{1} << 20;
constexpr size_t kHugePage = size_t{2} << 20, kHugeMin = size_t{4} << 20;
constexpr size_t kSlabMin = size_t{64} << 10, kSlabSize = size_t{32} << 20;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

/// Whether blocks of this rounded size are cut from slabs. Not under AddressSanitizer,
/// which sees a slab as one allocation and so would miss overruns between its blocks.
bool from_slab(size_t rounded) { return !kSanitized && rounded >= kSlabMin && rounded < kHugeMin; }

size_t round_size(size_t n) {
  if (n <= 4096) return (std::max<size_t>(n, 1) + kAlignment - 1) / kAlignment * kAlignment;
  // Round to 1/8 of the next power of two: at most 12.5% waste, few distinct sizes (and
  // from 64 KiB on, whole 4 KB pages, which a slab's blocks need).
  size_t p = 4096;
  while (p < n) p <<= 1;
  const size_t step = p / 8;
  const size_t rounded = (n + step - 1) / step * step;
  // Big blocks in whole huge pages (see system_alloc).
  return rounded >= kHugeMin ? (rounded + kHugePage - 1) / kHugePage * kHugePage : rounded;
}

/// Memory from the system. Blocks of 4 MiB or more are whole 2 MiB pages, aligned and
/// marked for transparent huge pages (Linux's usual THP mode is "madvise"): one page
/// fault per 2 MiB instead of 512, and faults were most of a block's first use. First
/// predict of a fresh process at batch 16: MobileNetV2 911 -> 224 ms, InceptionV3
/// 1586 -> 858 ms, ResNet50 1196 -> 739 ms (its steady time 555 -> 392 ms too).
void* system_alloc(size_t size) {
#ifdef MADV_HUGEPAGE
  if (size >= kHugeMin && size % kHugePage == 0) {
    void* p = std::aligned_alloc(kHugePage, size);
    if (p) madvise(p, size, MADV_HUGEPAGE);  // advice only: failure leaves normal pages
    return p;
  }
#endif
  return std::aligned_alloc(kAlignment, size);
}

class CachingAllocator {
 public:
  void* allocate(size_t nbytes) {
    const size_t size = round_size(nbytes);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      // The block of this size freed last, or for a big block the smallest cached one of
      // up to twice the size (four times for a short-lived tensor, see
      // backend/allocation_lifetime.h): fewer distinct blocks serve a network's many shapes.
      const size_t fit = allocation_lifetime() == AllocationLifetime::short_lived ? 4 : 2;
      const size_t largest = size >= kBestFitMin ? fit * size : size;
      if (auto it = free_.lower_bound(size); it != free_.end() && it->first <= largest) {
        const size_t block = it->first;
        void* p = it->second.back().ptr;
        it->second.pop_back();
        if (it->second.empty()) free_.erase(it);
        if (block != size) larger_[p] = block;
        cached_ -= block;
        note_in_use(size, block);  // the statistics count tensors' bytes, not the slack of a larger block
        return p;
      }
    }
    if (from_slab(size)) {
      for (int attempt = 0; attempt < 2; ++attempt) {
        {
          std::lock_guard<std::mutex> lock(mutex_);
          if (void* p = cut_from_slab(size)) {
            note_in_use(size, size);
            return p;
          }
        }
        if (attempt == 0) release_cached();  // no new slab: give the cache back and try once more
      }
      throw std::bad_alloc();
    }
    void* p = system_alloc(size);
    if (!p) {
      release_cached();
      p = system_alloc(size);
      if (!p) throw std::bad_alloc();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    note_in_use(size, size);
    return p;
  }

  void deallocate(void* p, size_t nbytes) {
    if (!p) return;
    const size_t size = round_size(nbytes);
    size_t block = size;
    std::vector<void*> evicted;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!larger_.empty())
        if (auto it = larger_.find(p); it != larger_.end()) {
          block = it->second;
          larger_.erase(it);
        }
      in_use_ -= size;
      blocks_in_use_ -= block;
      free_[block].push_back({p, ++clock_});
      cached_ += block;
      // In blocks, as cached_ is: the blocks a call's tensors held, larger ones included.
      const size_t limit = std::max(kMinCache, 2 * blocks_peak_);
      while (cached_ > limit) evict_oldest(evicted);
    }
    give_back(evicted);
  }

  void release_cached() {
    std::vector<void*> evicted;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto& [size, list] : free_)
        for (const Block& b : list) evicted.push_back(to_system(b.ptr, size));
      free_.clear();
      cached_ = 0;
    }
    give_back(evicted);
  }

  config::MemoryInfo info() {
    std::lock_guard<std::mutex> lock(mutex_);
    return {static_cast<int64_t>(in_use_), static_cast<int64_t>(peak_), static_cast<int64_t>(cached_)};
  }

  void reset_peak() {
    std::lock_guard<std::mutex> lock(mutex_);
    peak_ = in_use_;
    blocks_peak_ = blocks_in_use_;
  }

 private:
  struct Block {
    void* ptr;
    uint64_t freed_at;  // clock_ when freed
  };
  /// 32 MiB of huge pages that blocks are cut from in order; `returned` bytes of the cut
  /// ones are back (their pages released).
  struct Slab {
    size_t cut = 0, returned = 0;
  };

  /// A block of `size` from the current slab, or from a new one (under mutex_).
  void* cut_from_slab(size_t size) {
    if (!current_ || slabs_[current_].cut + size > kSlabSize) {
      void* base = std::aligned_alloc(kHugePage, kSlabSize);
      if (!base) return nullptr;
      if (current_) {  // the previous slab is unmapped when its last block comes back
        auto old = slabs_.find(current_);
        if (old->second.returned == old->second.cut) {
          std::free(old->first);
          slabs_.erase(old);
        }
      }
#ifdef MADV_HUGEPAGE
      madvise(base, kSlabSize, MADV_HUGEPAGE);  // advice only: failure leaves normal pages
#endif
      current_ = static_cast<char*>(base);
      slabs_[current_] = Slab{};
    }
    Slab& slab = slabs_[current_];
    void* p = current_ + slab.cut;
    slab.cut += size;
    return p;
  }

  /// Gives a cached block of `size` back to the system (under mutex_): a slab's block
  /// has its pages released here (the current slab may be cut again at once); the
  /// memory to std::free (a malloc'd block, or a slab with all its blocks back) is
  /// returned, freed outside the lock by give_back, or null.
  void* to_system(void* p, size_t size) {
    if (!from_slab(size)) return p;
    auto it = std::prev(slabs_.upper_bound(static_cast<char*>(p)));
    Slab& slab = it->second;
    slab.returned += size;
    if (slab.returned < slab.cut || it->first == current_) {
      madvise(p, size, MADV_DONTNEED);
      if (slab.returned == slab.cut) slab = Slab{};  // the current slab, all back: cut it from its start again
      return nullptr;
    }
    void* base = it->first;
    slabs_.erase(it);
    return base;
  }

  static void give_back(const std::vector<void*>& blocks) {
    for (void* p : blocks)
      if (p) std::free(p);
  }

  /// A tensor of `size` bytes (rounded) now holds a block of `block` bytes.
  void note_in_use(size_t size, size_t block) {
    in_use_ += size;
    peak_ = std::max(peak_, in_use_);
    blocks_in_use_ += block;
    blocks_peak_ = std::max(blocks_peak_, blocks_in_use_);
  }

  // Gives the block freed longest ago (each list is oldest first) to the system via `out`.
  void evict_oldest(std::vector<void*>& out) {
    auto oldest = free_.end();
    for (auto it = free_.begin(); it != free_.end();) {
      if (it->second.empty()) {
        it = free_.erase(it);
        continue;
      }
      if (oldest == free_.end() || it->second.front().freed_at < oldest->second.front().freed_at) oldest = it;
      ++it;
    }
    out.push_back(to_system(oldest->second.front().ptr, oldest->first));
    oldest->second.pop_front();
    cached_ -= oldest->first;
    if (oldest->second.empty()) free_.erase(oldest);
  }

  std::mutex mutex_;
  std::map<size_t, std::deque<Block>> free_;   // by rounded size, oldest first, none empty
  std::unordered_map<void*, size_t> larger_;   // blocks handed out for a smaller size: their size
  std::map<char*, Slab> slabs_;                // by base address
  char* current_ = nullptr;                    // the slab blocks are cut from
  size_t cached_ = 0, in_use_ = 0, peak_ = 0;  // bytes (rounded sizes)
  size_t blocks_in_use_ = 0, blocks_peak_ = 0;  // the same in whole blocks (the cache's limit)
  uint64_t clock_ = 0;
};

CachingAllocator& allocator() {
  static auto* a = new CachingAllocator();  // never destroyed: tensors may outlive static destructors
  return *a;
}

template <class T>
void fill_typed(void* p, int64_t n, T v) {
  T* d = static_cast<T*>(p);
#pragma omp parallel for simd if (n > kParallelThreshold)
  for (int64_t i = 0; i < n; ++i) d[i] = v;
}

template <class From, class To>
void cast_typed(const void* src, void* dst, int64_t n) {
  const From* s = static_cast<const From*>(src);
  To* d = static_cast<To*>(dst);
#pragma omp parallel for if (n > kParallelThreshold)
  for (int64_t i = 0; i < n; ++i) {
    if constexpr (std::is_same_v<To, bool>)
      d[i] = s[i] != From(0);
    else
      d[i] = static_cast<To>(s[i]);
  }
}

template <class From>
bool cast_from(const Tensor& src, Tensor& dst) {
  const int64_t n = src.size();
  switch (dst.dtype()) {
    case DType::float32: cast_typed<From, float>(src.raw_data(), dst.raw_data(), n); return true;
    case DType::float64: cast_typed<From, double>(src.raw_data(), dst.raw_data(), n); return true;
    case DType::int32: cast_typed<From, int32_t>(src.raw_data(), dst.raw_data(), n); return true;
    case DType::int64: cast_typed<From, int64_t>(src.raw_data(), dst.raw_data(), n); return true;
    case DType::uint8: cast_typed<From, uint8_t>(src.raw_data(), dst.raw_data(), n); return true;
    case DType::bool_: cast_typed<From, bool>(src.raw_data(), dst.raw_data(), n); return true;
    default: return false;
  }
}

}  // namespace

void* CpuBackend::allocate(size_t nbytes) { return allocator().allocate(nbytes); }
void CpuBackend::deallocate(void* ptr, size_t nbytes) { allocator().deallocate(ptr, nbytes); }
config::MemoryInfo CpuBackend::memory_info() { return allocator().info(); }
void CpuBackend::reset_peak_memory() { allocator().reset_peak(); }
void CpuBackend::release_cached_memory() { allocator().release_cached(); }

void copy_elements(const void* src, void* dst, size_t nbytes, DType dtype) {
  if (src == dst || nbytes == 0) return;
  if (dtype != DType::string) {
    std::memcpy(dst, src, nbytes);
    return;
  }
  // std::string objects are copied by assignment, never bytewise.
  const auto* s = static_cast<const std::string*>(src);
  std::copy(s, s + nbytes / sizeof(std::string), static_cast<std::string*>(dst));
}

void CpuBackend::copy(const Tensor& src, Tensor& dst) {
  if (src.nbytes() != dst.nbytes() || src.dtype() != dst.dtype()) {
    if (src.dtype() == DType::string || dst.dtype() == DType::string)
      throw TypeError(keras::detail::cat("Cannot copy a ", dtype_name(src.dtype()), " tensor into a ",
                                         dtype_name(dst.dtype()), " tensor"));
    if (src.nbytes() != dst.nbytes()) throw RuntimeError("internal: copy between tensors of different sizes");
  }
  copy_elements(src.raw_data(), dst.raw_data(), src.nbytes(), src.dtype());
}

void CpuBackend::fill(Tensor& dst, double value) {
  const int64_t n = dst.size();
  if (dst.dtype() == DType::string) throw TypeError("Cannot fill a string tensor with a number");
  void* p = dst.raw_data();
  switch (dst.dtype()) {
    case DType::float32: fill_typed<float>(p, n, static_cast<float>(value)); return;
    case DType::float64: fill_typed<double>(p, n, value); return;
    case DType::int32: fill_typed<int32_t>(p, n, static_cast<int32_t>(value)); return;
    case DType::int64: fill_typed<int64_t>(p, n, static_cast<int64_t>(value)); return;
    case DType::uint8: fill_typed<uint8_t>(p, n, static_cast<uint8_t>(value)); return;
    case DType::bool_: fill_typed<uint8_t>(p, n, value != 0 ? 1 : 0); return;
    default:
      for (int64_t i = 0; i < n; ++i)
        keras::detail::write_from_double(static_cast<char*>(p) + i * static_cast<int64_t>(dtype_size(dst.dtype())),
                                         dst.dtype(), value);
  }
}

namespace {

// 16-bit float conversions, vectorised: mixed precision converts every activation the
// backend widens, so these run as often as the kernels themselves.
KERAS_SIMD_CLONES void float_to_bfloat16(const float* s, uint16_t* d, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    uint32_t u;
    std::memcpy(&u, s + i, 4);
    const uint32_t rounded = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;                              // to nearest even
    d[i] = static_cast<uint16_t>((u & 0x7fffffffu) > 0x7f800000u ? (u >> 16) | 0x40u : rounded);  // NaN stays NaN
  }
}

KERAS_SIMD_CLONES void bfloat16_to_float(const uint16_t* s, float* d, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t u = static_cast<uint32_t>(s[i]) << 16;
    std::memcpy(d + i, &u, 4);
  }
}

#ifdef __FLT16_MAX__
// GCC's _Float16 converts with F16C where the clone's target has it.
KERAS_SIMD_CLONES void float_to_float16(const float* s, uint16_t* d, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const _Float16 h = static_cast<_Float16>(s[i]);
    std::memcpy(d + i, &h, 2);
  }
}

KERAS_SIMD_CLONES void float16_to_float(const uint16_t* s, float* d, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    _Float16 h;
    std::memcpy(&h, s + i, 2);
    d[i] = static_cast<float>(h);
  }
}
#endif

/// Runs convert(s, d, n) over src -> dst in parallel chunks.
template <class S, class D>
void convert_chunks(const Tensor& src, Tensor& dst, void (*convert)(const S*, D*, int64_t)) {
  const auto* s = static_cast<const S*>(src.raw_data());
  auto* d = static_cast<D*>(dst.raw_data());
  parallel_for(src.size(), kParallelThreshold, [&](int64_t b, int64_t e) { convert(s + b, d + b, e - b); });
}

/// float32 <-> bfloat16 / float16 in parallel chunks; false for other pairs.
bool cast_half(const Tensor& src, Tensor& dst) {
  const DType from = src.dtype(), to = dst.dtype();
  if (from == DType::float32 && to == DType::bfloat16) convert_chunks(src, dst, float_to_bfloat16);
  else if (from == DType::bfloat16 && to == DType::float32) convert_chunks(src, dst, bfloat16_to_float);
#ifdef __FLT16_MAX__
  else if (from == DType::float32 && to == DType::float16) convert_chunks(src, dst, float_to_float16);
  else if (from == DType::float16 && to == DType::float32) convert_chunks(src, dst, float16_to_float);
#endif
  else return false;
  return true;
}

}  // namespace

void CpuBackend::cast(const Tensor& src, Tensor& dst) {
  if (cast_half(src, dst)) return;
  if (src.dtype() == DType::string || dst.dtype() == DType::string) {
    if (src.dtype() == dst.dtype()) return copy(src, dst);
    throw TypeError(keras::detail::cat("Cannot cast a ", dtype_name(src.dtype()), " tensor to ",
                                       dtype_name(dst.dtype()), " (strings are not parsed as numbers)"));
  }
  bool done = false;
  switch (src.dtype()) {
    case DType::float32: done = cast_from<float>(src, dst); break;
    case DType::float64: done = cast_from<double>(src, dst); break;
    case DType::int32: done = cast_from<int32_t>(src, dst); break;
    case DType::int64: done = cast_from<int64_t>(src, dst); break;
    case DType::uint8: done = cast_from<uint8_t>(src, dst); break;
    case DType::bool_: done = cast_from<bool>(src, dst); break;
    default: break;
  }
  if (done) return;
  // Other pairs with a 16-bit float: element by element through double.
  const int64_t n = src.size();
  const size_t ss = dtype_size(src.dtype()), ds = dtype_size(dst.dtype());
  const char* s = static_cast<const char*>(src.raw_data());
  char* d = static_cast<char*>(dst.raw_data());
  for (int64_t i = 0; i < n; ++i)
    keras::detail::write_from_double(d + static_cast<size_t>(i) * ds, dst.dtype(),
                                     keras::detail::read_as_double(s + static_cast<size_t>(i) * ss, src.dtype()));
}

}  // namespace keras::backend::cpu

// DataParallel on MPI (see keras/distribution/data_parallel.h). Every collective is
// started non-blocking and waited for by polling with a deadline, so a lost process makes
// the survivors stop with a message instead of hanging; gradient buckets are started in
// gradient_ready while backward runs, and each later gradient_ready polls the ones in
// flight (Open MPI progresses a non-blocking collective only inside MPI calls).
#include "keras/distribution/data_parallel.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "keras/errors.h"

#if KERAS_HAS_MPI
#include <mpi.h>
#endif

namespace keras::distribution {

using keras::detail::cat;
using Clock = std::chrono::steady_clock;

namespace {

/// The first of these environment variables an MPI launcher sets (Open MPI, then the PMI
/// ones of MPICH, Intel MPI and Slurm), as an integer; `fallback` without any.
int env_int(std::initializer_list<const char*> names, int fallback) {
  for (const char* name : names)
    if (const char* v = std::getenv(name); v && *v) {
      char* end = nullptr;
      const long n = std::strtol(v, &end, 10);
      if (end && *end == 0 && n > 0 && n < (1l << 24)) return static_cast<int>(n);
    }
  return fallback;
}

double timeout_from_env(double fallback) {
  if (const char* v = std::getenv("KERAS_COLLECTIVE_TIMEOUT"); v && *v) {
    char* end = nullptr;
    const double t = std::strtod(v, &end);
    if (end && *end == 0 && t > 0) return t;
  }
  return fallback;
}

}  // namespace

int DataParallel::launched_processes() {
  return env_int({"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MV2_COMM_WORLD_SIZE"}, 1);
}

#if KERAS_HAS_MPI

namespace {

void check_mpi(int rc, const char* what) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING] = {};
  int len = 0;
  MPI_Error_string(rc, text, &len);
  throw RuntimeError(cat("DataParallel: ", what, " failed: ", std::string(text, static_cast<size_t>(len))));
}

/// MPI is initialised once per process and finalised at exit (a process that ends
/// without MPI_Finalize makes mpirun report the job as failed).
void ensure_mpi_initialized() {
  static const bool done = [] {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
      int provided = 0;
      // Calls come from one thread at a time (the training loop's).
      check_mpi(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread");
      std::atexit([] {
        int finalized = 0;
        MPI_Finalized(&finalized);
        if (!finalized) MPI_Finalize();
      });
    }
    return true;
  }();
  (void)done;
}

MPI_Datatype mpi_type(DType dtype) {
  switch (dtype) {
    case DType::float32:
      return MPI_FLOAT;
    case DType::float64:
      return MPI_DOUBLE;
    case DType::int32:
      return MPI_INT32_T;
    case DType::int64:
      return MPI_INT64_T;
    default:
      return MPI_DATATYPE_NULL;
  }
}

/// The dtype a gradient is summed in: float64 stays, other floats go through float32
/// (a 16-bit sum over many processes would lose the small contributions).
DType sum_dtype(DType d) { return d == DType::float64 ? DType::float64 : DType::float32; }

}  // namespace

struct DataParallel::Impl {
  MPI_Comm comm = MPI_COMM_NULL;
  int size = 1, rank = 0;
  double timeout = 300;
  int64_t bucket_bytes = 0;

  // The share of the global batch this process computed (set by shard_batch): its
  // gradient is weighted by it, so the sum over processes is the global batch's mean.
  double share = 1.0;

  /// One gradient inside a bucket.
  struct Entry {
    size_t index = 0;
    int64_t offset = 0, count = 0;
    Shape shape;
    DType dtype = DType::float32;
    Device device = Device::cpu();
  };
  struct Bucket {
    DType dtype = DType::float32;  // float32 or float64
    std::vector<std::byte> data;
    std::vector<Entry> entries;
    MPI_Request request = MPI_REQUEST_NULL;
    int64_t count() const { return static_cast<int64_t>(data.size() / dtype_size(dtype)); }
  };
  std::deque<Bucket> buckets;  // this step's, in the order they were started
  Bucket open_f32, open_f64;   // being filled
  // Buckets' memory is kept from step to step: fresh pages for megabytes of gradients
  // every step cost more in page faults than the all-reduce itself.
  std::vector<std::vector<std::byte>> spare;
  std::vector<std::byte> take_spare() {
    if (spare.empty()) return {};
    std::vector<std::byte> v = std::move(spare.back());
    spare.pop_back();
    v.clear();
    return v;
  }
  void recycle() {
    for (auto& b : buckets) spare.push_back(std::move(b.data));
    buckets.clear();
  }
  std::vector<bool> reported;  // indices gradient_ready has seen this step
  bool in_backward = false;    // between the first gradient_ready and reduce_gradients
  Clock::time_point first_start;
  DataParallelStats stats;
  std::string step_label() const { return cat("step ", stats.steps + 1); }

  /// Polls `req` until it completes; past the deadline, says so and aborts the job.
  /// Open MPI moves a collective on only inside MPI calls, on every process, so the
  /// polling is tight at first (yielding the core to any other runnable process, as when
  /// more processes than cores share a machine): a sleep between polls would add its
  /// wake-up delay to every round of the all-reduce. A wait longer than 50 ms is a slow
  /// peer, not a slow message: then it sleeps between polls, 1 ms at most.
  void wait(MPI_Request& req, const char* what) {
    if (req == MPI_REQUEST_NULL) return;
    const auto begin = Clock::now();
    const auto deadline = begin + std::chrono::duration<double>(timeout);
    const auto spin_until = begin + std::chrono::milliseconds(50);
    auto pause = std::chrono::microseconds(20);
    for (;;) {
      int done = 0;
      check_mpi(MPI_Test(&req, &done, MPI_STATUS_IGNORE), what);
      if (done) return;
      const auto now = Clock::now();
      if (now > deadline) abort_lost(what);
      if (now < spin_until) {
        std::this_thread::yield();
        continue;
      }
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::microseconds(1000));
    }
  }

  [[noreturn]] void abort_lost(const char* what) {
    std::string who = "another process is lost or hung";
    if (rank == 0) {
      drain_arrivals();
      std::string late;
      for (int r = 1; r < size; ++r)
        if (arrived[static_cast<size_t>(r)] < stats.steps + 1) late += cat(late.empty() ? "" : ", ", r);
      if (!late.empty()) who = cat("rank(s) ", late, " did not reach this step (lost or hung)");
    }
    std::fprintf(stderr,
                 "keras: DataParallel rank %d of %d: %s did not complete within %.0f s (%s): %s. Aborting the job "
                 "(set KERAS_COLLECTIVE_TIMEOUT to wait longer).\n",
                 rank, size, what, timeout, step_label().c_str(), who.c_str());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 3);
    std::_Exit(3);
  }

  // Arrivals: at each training step every other process tells rank 0 it got there (one
  // small message), so that when a step times out rank 0 can name who never came.
  static constexpr int kArrivalTag = 7301;
  std::vector<int64_t> arrived;    // rank 0: the last step each process announced
  std::deque<int64_t> sent_steps;  // the buffers of recent announcements (kept alive)

  void announce_step() {
    const int64_t step = stats.steps + 1;
    if (rank == 0) {
      drain_arrivals();
      return;
    }
    sent_steps.push_back(step);
    if (sent_steps.size() > 64) sent_steps.pop_front();  // long delivered (eager, 8 bytes)
    MPI_Request req = MPI_REQUEST_NULL;
    check_mpi(MPI_Isend(&sent_steps.back(), 1, MPI_INT64_T, 0, kArrivalTag, comm, &req), "MPI_Isend");
    MPI_Request_free(&req);
  }

  void drain_arrivals() {
    arrived.resize(static_cast<size_t>(size), 0);
    for (;;) {
      int flag = 0;
      MPI_Status st;
      check_mpi(MPI_Iprobe(MPI_ANY_SOURCE, kArrivalTag, comm, &flag, &st), "MPI_Iprobe");
      if (!flag) return;
      int64_t step = 0;
      check_mpi(MPI_Recv(&step, 1, MPI_INT64_T, st.MPI_SOURCE, kArrivalTag, comm, MPI_STATUS_IGNORE), "MPI_Recv");
      auto& a = arrived[static_cast<size_t>(st.MPI_SOURCE)];
      a = std::max(a, step);
    }
  }

  void start(Bucket& b, bool early) {
    if (b.entries.empty()) return;
    if (b.count() > INT32_MAX)  // MPI counts are ints
      throw ValueError(cat("DataParallel: a bucket of ", b.count(), " values is more than one all-reduce can take; ",
                           "use a smaller bucket_bytes (", bucket_bytes, ")"));
    if (buckets.empty()) first_start = Clock::now();
    buckets.push_back(std::move(b));
    b = Bucket{};
    b.dtype = buckets.back().dtype;
    b.data = take_spare();
    Bucket& s = buckets.back();
    stats.gradient_bytes += static_cast<int64_t>(s.data.size());
    ++stats.buckets;
    if (early) ++stats.buckets_started_early;
    check_mpi(MPI_Iallreduce(MPI_IN_PLACE, s.data.data(), static_cast<int>(s.count()), mpi_type(s.dtype), MPI_SUM, comm,
                             &s.request),
              "MPI_Iallreduce of gradients");
  }

  /// Lets the collectives in flight progress (Open MPI moves them on inside MPI calls only).
  void poke() {
    for (auto& b : buckets) {
      if (b.request == MPI_REQUEST_NULL) continue;
      int done = 0;
      check_mpi(MPI_Test(&b.request, &done, MPI_STATUS_IGNORE), "MPI_Test of gradients");
    }
  }

  void add(size_t index, const Tensor& grad, bool early) {
    const DType d = sum_dtype(grad.dtype());
    Bucket& b = d == DType::float64 ? open_f64 : open_f32;
    b.dtype = d;
    Tensor g = grad.detach();
    if (g.device() != Device::cpu()) g = g.to(Device::cpu());
    if (g.dtype() != d) g = g.astype(d);
    Entry e{index, b.count(), g.size(), grad.shape(), grad.dtype(), grad.device()};
    const size_t bytes = g.nbytes();
    const size_t at = b.data.size();
    b.data.resize(at + bytes);
    if (d == DType::float32) {
      const float* src = g.data<float>();
      float* dst = reinterpret_cast<float*>(b.data.data() + at);
      const auto w = static_cast<float>(share);
      for (int64_t i = 0; i < e.count; ++i) dst[i] = src[i] * w;
    } else {
      const double* src = g.data<double>();
      double* dst = reinterpret_cast<double*>(b.data.data() + at);
      for (int64_t i = 0; i < e.count; ++i) dst[i] = src[i] * share;
    }
    b.entries.push_back(std::move(e));
    if (static_cast<int64_t>(b.data.size()) >= bucket_bytes) start(b, early);
  }
};

DataParallel::DataParallel(DataParallelOptions options) : options_(options), impl_(std::make_unique<Impl>()) {
  if (options_.bucket_bytes <= 0)
    throw ValueError(cat("DataParallel: bucket_bytes must be positive, got ", options_.bucket_bytes));
  if (!(options_.timeout_seconds > 0))
    throw ValueError(cat("DataParallel: timeout_seconds must be positive, got ", options_.timeout_seconds));
  // One process without a launcher: nothing to join (MPI's singleton start-up would
  // only cost time); every hook is then a no-op, as SingleProcess's.
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (launched_processes() > 1 || initialized) {
    ensure_mpi_initialized();
    check_mpi(MPI_Comm_dup(MPI_COMM_WORLD, &impl_->comm), "MPI_Comm_dup");
    MPI_Comm_size(impl_->comm, &impl_->size);
    MPI_Comm_rank(impl_->comm, &impl_->rank);
  }
  impl_->timeout = timeout_from_env(options_.timeout_seconds);
  impl_->bucket_bytes = options_.bucket_bytes;
  impl_->share = 1.0 / impl_->size;
}

DataParallel::~DataParallel() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized && impl_->comm != MPI_COMM_NULL) MPI_Comm_free(&impl_->comm);
}

bool DataParallel::available() { return true; }
int DataParallel::num_replicas() const { return impl_->size; }
int DataParallel::rank() const { return impl_->rank; }

BatchShard DataParallel::shard_batch(int64_t batch_size) const {
  const BatchShard s = Distribution::shard_batch(batch_size);
  impl_->share = static_cast<double>(s.size()) / static_cast<double>(batch_size);
  return s;
}

void DataParallel::gradient_ready(size_t index, const Tensor& grad) {
  if (impl_->size == 1 || !grad.defined()) return;
  Impl& m = *impl_;
  if (!m.in_backward) {
    m.in_backward = true;
    m.reported.clear();
  }
  if (index >= m.reported.size()) m.reported.resize(index + 1, false);
  if (m.reported[index]) return;
  m.reported[index] = true;
  m.poke();
  m.add(index, grad, /*early=*/true);
}

void DataParallel::reduce_gradients(TensorList& grads) {
  Impl& m = *impl_;
  if (m.size == 1) return;
  // From here on the communication is not hidden behind backward: what it did not
  // start yet (the late buckets' start-up included) and the waiting are the step's cost.
  const auto wait_begin = Clock::now();
  const bool any_early = !m.buckets.empty();
  m.announce_step();
  if (!m.in_backward) m.reported.clear();
  m.reported.resize(std::max(m.reported.size(), grads.size()), false);
  // What backward did not report, in index order (the same on every process).
  for (size_t i = 0; i < grads.size(); ++i)
    if (grads[i].defined() && !m.reported[i]) m.add(i, grads[i], /*early=*/false);
  m.start(m.open_f32, false);
  m.start(m.open_f64, false);
  for (auto& b : m.buckets) m.wait(b.request, "the all-reduce of gradients");
  const auto end = Clock::now();
  m.stats.wait_seconds += std::chrono::duration<double>(end - wait_begin).count();
  m.stats.reduce_seconds += std::chrono::duration<double>(end - (any_early ? m.first_start : wait_begin)).count();
  for (auto& b : m.buckets)
    for (const auto& e : b.entries) {
      if (e.index >= grads.size())
        throw RuntimeError(cat("DataParallel: a gradient was reported for index ", e.index, " of ", grads.size()));
      Tensor sum = Tensor::empty(e.shape, b.dtype, Device::cpu());
      std::memcpy(sum.raw_data(), b.data.data() + e.offset * static_cast<int64_t>(dtype_size(b.dtype)), sum.nbytes());
      if (e.dtype != b.dtype) sum = sum.astype(e.dtype);
      if (e.device != Device::cpu()) sum = sum.to(e.device);
      grads[e.index] = sum;
    }
  m.recycle();
  m.in_backward = false;
  ++m.stats.steps;
}

void DataParallel::reduce_metric_states(std::span<double> states) {
  Impl& m = *impl_;
  if (m.size == 1 || states.empty()) return;
  MPI_Request req = MPI_REQUEST_NULL;
  check_mpi(
      MPI_Iallreduce(MPI_IN_PLACE, states.data(), static_cast<int>(states.size()), MPI_DOUBLE, MPI_SUM, m.comm, &req),
      "MPI_Iallreduce of metrics");
  m.wait(req, "the all-reduce of metric states");
}

void DataParallel::broadcast(TensorList& values) {
  Impl& m = *impl_;
  if (m.size == 1) return;
  for (Tensor& t : values) {
    // Strings (a lookup layer's vocabulary) are not sent: every process built them from
    // the same data or file, and MPI has no type for them.
    if (!t.defined() || t.dtype() == DType::string) continue;
    Tensor host = t.device() == Device::cpu() ? t.detach().clone() : t.to(Device::cpu());
    const size_t bytes = host.nbytes();
    if (bytes > static_cast<size_t>(INT32_MAX))
      throw ValueError(cat("DataParallel: broadcast of a tensor of ", bytes, " bytes (at most 2 GiB each)"));
    MPI_Request req = MPI_REQUEST_NULL;
    check_mpi(MPI_Ibcast(host.raw_data(), static_cast<int>(bytes), MPI_BYTE, 0, m.comm, &req), "MPI_Ibcast");
    m.wait(req, "the broadcast of weights from rank 0");
    host.note_written();
    t = t.device() == Device::cpu() ? host : host.to(t.device());
  }
}

Tensor DataParallel::all_gather_rows(const Tensor& local) {
  Impl& m = *impl_;
  if (m.size == 1) return local;
  Tensor host = local.device() == Device::cpu() ? local.detach() : local.to(Device::cpu());
  if (host.rank() < 1) throw ValueError("DataParallel: all_gather_rows needs a tensor with a batch axis");
  // Rows per process first (they may differ by one), then the data.
  std::vector<int64_t> rows(static_cast<size_t>(m.size));
  int64_t mine = host.dim(0);
  MPI_Request req = MPI_REQUEST_NULL;
  check_mpi(MPI_Iallgather(&mine, 1, MPI_INT64_T, rows.data(), 1, MPI_INT64_T, m.comm, &req), "MPI_Iallgather");
  m.wait(req, "the gather of predictions");
  int64_t row_elems = 1;
  for (int64_t a = 1; a < host.rank(); ++a) row_elems *= host.dim(a);
  const int64_t rb = row_elems * static_cast<int64_t>(dtype_size(host.dtype()));
  std::vector<int> counts(static_cast<size_t>(m.size)), displs(static_cast<size_t>(m.size));
  int64_t total = 0;
  for (int r = 0; r < m.size; ++r) {
    const int64_t b = rows[static_cast<size_t>(r)] * rb;
    if (total + b > INT32_MAX) throw ValueError("DataParallel: all_gather_rows of more than 2 GiB");
    counts[static_cast<size_t>(r)] = static_cast<int>(b);
    displs[static_cast<size_t>(r)] = static_cast<int>(total);
    total += b;
  }
  std::vector<int64_t> dims = host.shape().dims();
  int64_t all_rows = 0;
  for (int64_t r : rows) all_rows += r;
  dims[0] = all_rows;
  Tensor out = Tensor::empty(Shape(dims), host.dtype(), Device::cpu());
  check_mpi(MPI_Iallgatherv(host.raw_data(), static_cast<int>(host.nbytes()), MPI_BYTE, out.raw_data(), counts.data(),
                            displs.data(), MPI_BYTE, m.comm, &req),
            "MPI_Iallgatherv");
  m.wait(req, "the gather of predictions");
  return local.device() == Device::cpu() ? out : out.to(local.device());
}

Tensor DataParallel::all_reduce_sum(const Tensor& t) {
  Impl& m = *impl_;
  if (m.size == 1) return t;
  const DType d = t.dtype() == DType::float64 || t.dtype() == DType::int64 || t.dtype() == DType::int32
                      ? t.dtype()
                      : DType::float32;
  if (!is_floating(t.dtype()) && t.dtype() != DType::int32 && t.dtype() != DType::int64)
    throw ValueError(cat("DataParallel: all_reduce_sum of a ", dtype_name(t.dtype()), " tensor"));
  Tensor host = t.detach().to(Device::cpu()).astype(d).clone();
  MPI_Request req = MPI_REQUEST_NULL;
  check_mpi(
      MPI_Iallreduce(MPI_IN_PLACE, host.raw_data(), static_cast<int>(host.size()), mpi_type(d), MPI_SUM, m.comm, &req),
      "MPI_Iallreduce");
  m.wait(req, "an all-reduce");
  if (d != t.dtype()) host = host.astype(t.dtype());
  return t.device() == Device::cpu() ? host : host.to(t.device());
}

void DataParallel::barrier() {
  Impl& m = *impl_;
  if (m.size == 1) return;
  MPI_Request req = MPI_REQUEST_NULL;
  check_mpi(MPI_Ibarrier(m.comm, &req), "MPI_Ibarrier");
  m.wait(req, "a barrier");
}

DataParallelStats DataParallel::stats() const { return impl_->stats; }

#else  // built without MPI: one process only

struct DataParallel::Impl {};

DataParallel::DataParallel(DataParallelOptions options) : options_(options), impl_(std::make_unique<Impl>()) {
  if (launched_processes() > 1)
    throw RuntimeError(cat("DataParallel: this program was started as one of ", launched_processes(),
                           " MPI processes, but keras-cpp was built without MPI (install libopenmpi-dev and "
                           "rebuild); each process would train alone"));
}
DataParallel::~DataParallel() = default;
bool DataParallel::available() { return false; }
int DataParallel::num_replicas() const { return 1; }
int DataParallel::rank() const { return 0; }
BatchShard DataParallel::shard_batch(int64_t batch_size) const { return {0, batch_size}; }
void DataParallel::gradient_ready(size_t, const Tensor&) {}
void DataParallel::reduce_gradients(TensorList&) {}
void DataParallel::reduce_metric_states(std::span<double>) {}
void DataParallel::broadcast(TensorList&) {}
Tensor DataParallel::all_gather_rows(const Tensor& local) { return local; }
Tensor DataParallel::all_reduce_sum(const Tensor& t) { return t; }
void DataParallel::barrier() {}
DataParallelStats DataParallel::stats() const { return {}; }

#endif

}  // namespace keras::distribution

#include "keras/variables/variable.h"

#include <algorithm>
#include <mutex>
#include <vector>

#include "backend/allocation_lifetime.h"
#include "backend/backend.h"
#include "keras/autograd/node.h"
#include "keras/constraints/constraints.h"
#include "keras/ops/core.h"
#include "keras/regularizers/regularizers.h"
#include "keras/tensor/storage.h"

namespace keras {

Variable::Variable(const Tensor& initial_value, std::string name, bool trainable) : state_(std::make_shared<State>()) {
  state_->value = initial_value.detach().clone();
  state_->name = std::move(name);
  state_->path = state_->name;
  state_->trainable = trainable;
  state_->value.impl()->storage->track_writes();
  if (trainable && is_floating(state_->value.dtype())) state_->value.set_requires_grad(true);
}

const Tensor& Variable::raw() const {
  if (!state_) throw RuntimeError("Use of an undefined Variable");
  return state_->value;
}

const Tensor& Variable::value() const {
  AutocastScope* scope = AutocastScope::current();
  if (scope == nullptr || !scope->dtype() || !state_ || !state_->autocast) return raw();
  const DType stored = state_->value.dtype();
  if (stored == *scope->dtype() || !is_floating(stored)) return raw();
  return scope->read(*this);
}

void Variable::set_autocast(bool autocast) {
  if (!state_) throw RuntimeError("Use of an undefined Variable");
  state_->autocast = autocast;
}

// ---- AutocastScope

namespace {
thread_local AutocastScope* t_autocast_scope = nullptr;
}  // namespace

AutocastScope::AutocastScope(std::optional<DType> dtype) : dtype_(dtype), outer_(t_autocast_scope) {
  if (dtype_ && !is_floating(*dtype_))
    throw ValueError(
        detail::cat("AutocastScope can only be used with a floating-point target dtype, such as "
                    "'float16'. Received: dtype=",
                    dtype_name(*dtype_)));
  t_autocast_scope = this;
}

AutocastScope::~AutocastScope() { t_autocast_scope = outer_; }

AutocastScope* AutocastScope::current() { return t_autocast_scope; }

namespace {

/// Casts of variables made outside any gradient tape (predict), kept while the variable's
/// storage keeps its version: inference with fixed weights casts each weight once, not
/// once per call. Under a tape the cast is recorded afresh (gradients flow through it).
/// A kept cast's storage tracks writes too (it has a version, and is never written
/// after), so a backend may keep what it derives from it: the oneDNN convolution its
/// kernel packed into a blocked layout (mixed_bfloat16 inference reordered every
/// bfloat16 kernel on every call before).
class CastCache {
 public:
  static Tensor tracked_cast(const Tensor& value, DType dtype) {
    backend::AllocationLifetimeScope kept(backend::AllocationLifetime::long_lived);  // kept across calls
    Tensor cast = ops::cast(value, dtype);
    cast.impl()->storage->track_writes();
    return cast;
  }

  Tensor get(const Tensor& value, DType dtype) {
    const std::shared_ptr<Storage>& storage = value.impl()->storage;
    const uint64_t version = storage->version();
    if (version == 0) return ops::cast(value, dtype);  // a storage that does not track writes
    std::lock_guard<std::mutex> lock(mutex_);
    for (Entry& e : entries_)
      if (e.source.lock() == storage && e.byte_offset == value.impl()->byte_offset && e.dtype == dtype) {
        if (e.version != version) e.cast = tracked_cast(value, dtype), e.version = version;
        return e.cast;
      }
    std::erase_if(entries_, [](const Entry& e) { return e.source.expired(); });
    entries_.push_back(Entry{storage, value.impl()->byte_offset, version, dtype, tracked_cast(value, dtype)});
    return entries_.back().cast;
  }

 private:
  struct Entry {
    std::weak_ptr<Storage> source;
    size_t byte_offset = 0;
    uint64_t version = 0;
    DType dtype;
    Tensor cast;
  };
  std::mutex mutex_;
  std::vector<Entry> entries_;
};

CastCache& cast_cache() {
  static auto* c = new CastCache();  // never destroyed: tensors may outlive static destructors
  return *c;
}

}  // namespace

const Tensor& AutocastScope::read(const Variable& v) {
  auto it = cast_.find(v.id());
  if (it == cast_.end()) {
    const Tensor& raw = v.raw();
    it =
        cast_
            .emplace(v.id(), autograd::should_record({&raw}) ? ops::cast(raw, *dtype_) : cast_cache().get(raw, *dtype_))
            .first;
  }
  return it->second;
}

void Variable::assign(const Tensor& v) {
  Tensor& cur = state_->value;
  if (v.shape() != cur.shape())
    throw ValueError(detail::cat("Variable '", state_->path, "' has shape ", cur.shape().to_string(),
                                 "; cannot assign a value of shape ", v.shape().to_string()));
  Tensor src = v.dtype() == cur.dtype() ? v : v.detach().astype(cur.dtype());
  if (src.device() != cur.device()) src = src.to(cur.device());
  backend::backend_for(cur).copy(src, cur);
  note_written();
}

void Variable::note_written() { raw().note_written(); }

void Variable::to(Device device) {
  Tensor& cur = state_->value;
  if (cur.device() == device) return;
  Tensor moved = cur.detach().to(device);
  if (cur.requires_grad()) moved.set_requires_grad(true);
  moved.impl()->storage->track_writes();
  cur = std::move(moved);
}

const std::string& Variable::name() const { return state_->name; }
const std::string& Variable::path() const { return state_->path; }
void Variable::set_path(std::string path) { state_->path = std::move(path); }
bool Variable::trainable() const { return state_->trainable; }

void Variable::set_trainable(bool trainable) {
  state_->trainable = trainable;
  if (is_floating(state_->value.dtype())) state_->value.set_requires_grad(trainable);
}

void Variable::set_regularizer(const regularizers::Regularizer& r) {
  state_->regularizer = r ? std::make_shared<const regularizers::Regularizer>(r) : nullptr;
}

void Variable::set_constraint(const constraints::Constraint& c) {
  state_->constraint = c ? std::make_shared<const constraints::Constraint>(c) : nullptr;
}

}  // namespace keras

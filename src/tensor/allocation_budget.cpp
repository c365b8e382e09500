#include "tensor/allocation_budget.h"

#include "keras/errors.h"

namespace keras::detail {

namespace {
thread_local AllocationBudget* g_budget = nullptr;
}

AllocationBudget::AllocationBudget(uint64_t bytes, std::string what)
    : outer_(g_budget), remaining_(bytes), what_(std::move(what)) {
  g_budget = this;
}

AllocationBudget::~AllocationBudget() { g_budget = outer_; }

void charge_allocation(uint64_t bytes) {
  for (AllocationBudget* b = g_budget; b; b = b->outer_) {
    if (bytes > b->remaining_)
      throw IOError(cat(b->what_, " asks for more memory than it can justify (", bytes,
                        " more bytes); the file is damaged or hostile"));
    b->remaining_ -= bytes;
  }
}

}  // namespace keras::detail

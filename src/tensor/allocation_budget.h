// A cap on the memory a piece of work may allocate on this thread. Loading a model
// file runs under one: the layers a config describes are built (allocated) before the
// weights are read, so a hostile config asking for terabytes must fail with an IOError
// instead of exhausting memory.
#pragma once

#include <cstdint>
#include <string>

namespace keras::detail {

class AllocationBudget {
 public:
  AllocationBudget(uint64_t bytes, std::string what);
  ~AllocationBudget();
  AllocationBudget(const AllocationBudget&) = delete;
  AllocationBudget& operator=(const AllocationBudget&) = delete;

 private:
  AllocationBudget* outer_;
  uint64_t remaining_;
  std::string what_;
  friend void charge_allocation(uint64_t bytes);
};

/// Counts `bytes` against the innermost active budget (IOError when it runs out).
void charge_allocation(uint64_t bytes);

}  // namespace keras::detail

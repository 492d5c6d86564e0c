#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/model/workflow.hpp"

namespace flowrun {

/// The main graph of a workflow as flat index arrays (compressed rows), built in O(steps +
/// edges). Needs naming unknown steps are left out: validation reports them.
class Dag {
 public:
  explicit Dag(const Workflow& workflow);

  std::size_t size() const { return need_counts_.size(); }
  /// How many direct needs step `step` has (duplicates counted).
  std::uint32_t need_count(std::size_t step) const { return need_counts_[step]; }
  /// The steps that directly need `step`.
  std::span<const std::uint32_t> dependents(std::size_t step) const {
    return {dependents_.data() + offsets_[step], dependents_.data() + offsets_[step + 1]};
  }

 private:
  std::vector<std::uint32_t> need_counts_;
  std::vector<std::uint32_t> offsets_;
  std::vector<std::uint32_t> dependents_;
};

/// Step indexes in an order where every step comes after its needs (Kahn's algorithm:
/// the roots in file order, then breadth-first). Steps on a cycle are left out.
std::vector<std::uint32_t> execution_order(const Dag& dag);

}  // namespace flowrun

#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/model/workflow.hpp"

namespace flowrun {

/// Finds a step of a list by its id. An open-addressing table of 32-bit positions: 4 bytes
/// a slot, where a std::unordered_map spends a heap node of about 40 bytes per step (at
/// 10 000 steps, 128 KB instead of ~480 KB, which counted in the peak memory of a run).
/// The first of several steps with one id is the one found (validation reports the rest).
/// The index points into `steps`, which must outlive it unchanged.
class StepIndex {
 public:
  explicit StepIndex(const std::vector<Step>& steps);

  /// Position in the list of the step with this id.
  std::optional<std::uint32_t> find(std::string_view id) const;

 private:
  static constexpr std::uint32_t kEmpty = UINT32_MAX;
  std::size_t slot_of(std::string_view id) const;

  const std::vector<Step>& steps_;
  std::vector<std::uint32_t> slots_;
  std::size_t mask_ = 0;
};

}  // namespace flowrun

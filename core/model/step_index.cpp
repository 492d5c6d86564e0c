#include "core/model/step_index.hpp"

#include <bit>
#include <functional>

namespace flowrun {

StepIndex::StepIndex(const std::vector<Step>& steps) : steps_(steps) {
  // At most half full, so that probes stay short.
  std::size_t capacity = std::bit_ceil(std::max<std::size_t>(8, steps.size() * 2));
  slots_.assign(capacity, kEmpty);
  mask_ = capacity - 1;
  for (std::uint32_t i = 0; i < steps.size(); ++i) {
    std::size_t slot = slot_of(steps[i].id);
    if (slots_[slot] == kEmpty) slots_[slot] = i;
  }
}

// The slot holding `id`, or the empty slot where it would go.
std::size_t StepIndex::slot_of(std::string_view id) const {
  std::size_t slot = std::hash<std::string_view>{}(id)&mask_;
  while (slots_[slot] != kEmpty && steps_[slots_[slot]].id != id) slot = (slot + 1) & mask_;
  return slot;
}

std::optional<std::uint32_t> StepIndex::find(std::string_view id) const {
  std::uint32_t found = slots_[slot_of(id)];
  if (found == kEmpty) return std::nullopt;
  return found;
}

}  // namespace flowrun

#include "core/engine/dag.hpp"

#include "core/model/step_index.hpp"

namespace flowrun {

Dag::Dag(const Workflow& workflow) {
  const std::size_t n = workflow.steps.size();
  StepIndex index(workflow.steps);
  // Two passes over the edges: count the dependents of each step, then place them.
  need_counts_.assign(n, 0);
  offsets_.assign(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (const Need& need : workflow.steps[i].needs) {
      auto found = index.find(need.id);
      if (!found) continue;
      ++need_counts_[i];
      ++offsets_[*found + 1];
    }
  }
  for (std::size_t i = 0; i < n; ++i) offsets_[i + 1] += offsets_[i];
  dependents_.resize(offsets_[n]);
  std::vector<std::uint32_t> fill(offsets_.begin(), offsets_.end() - 1);
  for (std::size_t i = 0; i < n; ++i) {
    for (const Need& need : workflow.steps[i].needs) {
      auto found = index.find(need.id);
      if (!found) continue;
      dependents_[fill[*found]++] = static_cast<std::uint32_t>(i);
    }
  }
}

std::vector<std::uint32_t> execution_order(const Dag& dag) {
  std::vector<std::uint32_t> remaining(dag.size());
  std::vector<std::uint32_t> order;
  order.reserve(dag.size());
  for (std::size_t i = 0; i < dag.size(); ++i) {
    remaining[i] = dag.need_count(i);
    if (remaining[i] == 0) order.push_back(static_cast<std::uint32_t>(i));
  }
  for (std::size_t head = 0; head < order.size(); ++head) {
    for (std::uint32_t dependent : dag.dependents(order[head])) {
      if (--remaining[dependent] == 0) order.push_back(dependent);
    }
  }
  return order;
}

}  // namespace flowrun

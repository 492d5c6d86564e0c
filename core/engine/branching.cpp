#include "core/engine/branching.hpp"

#include <algorithm>

#include "core/util/text.hpp"

namespace flowrun {
namespace {

bool lists(std::string_view list, std::string_view id) {
  for (std::size_t start = 0; start <= list.size();) {
    std::size_t end = list.find(',', start);
    if (end == std::string_view::npos) end = list.size();
    if (list.substr(start, end - start) == id) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

Branches::Branches(const Workflow& workflow) : workflow_(workflow) {
  for (std::uint32_t i = 0; i < workflow.steps.size(); ++i) {
    const Step& step = workflow.steps[i];
    if (step.action.kind != ActionKind::Type || step.action.type != StepType::Branch) continue;
    rules_.emplace(i, branch_rules(step));
    targets_.emplace(i, branch_targets(step));
  }
}

Branches::Choice Branches::choose(std::uint32_t step, StepExpressions& expressions,
                                  const RunState& state) const {
  Choice choice;
  auto found = rules_.find(step);
  if (found == rules_.end()) return choice;
  for (std::size_t i = 0; i < found->second.size(); ++i) {
    const BranchRule& rule = found->second[i];
    if (rule.condition) {
      std::string cause;
      std::optional<bool> holds = expressions.evaluate_condition(*rule.condition, state, cause);
      if (!holds) {
        choice.ok = false;
        choice.cause = "branch rule " + std::to_string(i + 1) + ": " + cause;
        return choice;
      }
      if (!*holds) continue;
    }
    choice.next = join(rule.targets, ",");
    return choice;
  }
  return choice;
}

std::string Branches::not_taken(std::uint32_t branch, std::uint32_t dependent,
                                const RunState& state) const {
  auto found = targets_.find(branch);
  if (found == targets_.end() || state.steps[branch].status != StepStatus::Succeeded) return {};
  const std::string& id = workflow_.steps[dependent].id;
  if (std::find(found->second.begin(), found->second.end(), id) == found->second.end()) return {};
  std::string next;
  if (const StepDetails* details = state.find_details(branch)) {
    for (const auto& [key, value] : details->outputs) {
      if (key == "next") next = value;
    }
  }
  if (lists(next, id)) return {};
  const std::string& branch_id = workflow_.steps[branch].id;
  return next.empty() ? "branch '" + branch_id + "' took no path"
                      : "branch '" + branch_id + "' took '" + next + "'";
}

}  // namespace flowrun

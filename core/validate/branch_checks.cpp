#include "core/validate/branch_checks.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/model/branch.hpp"
#include "core/util/text.hpp"

namespace flowrun {
namespace {

std::uint32_t span_of(const std::string& text) {
  return static_cast<std::uint32_t>(std::max<std::size_t>(1, text.size()));
}

void check_list(const Workflow& workflow, const std::vector<Step>& steps,
                Diagnostics& diagnostics) {
  std::vector<std::string> ids;
  for (const Step& step : steps) ids.push_back(step.id);
  for (const Step& step : steps) {
    for (const BranchRule& rule : branch_rules(step)) {
      for (std::size_t i = 0; i < rule.targets.size(); ++i) {
        const std::string& target = rule.targets[i];
        SourcePos pos = rule.targets_pos[i].is_known() ? rule.targets_pos[i] : rule.pos;
        auto first = std::find(rule.targets.begin(), rule.targets.begin() + i, target);
        if (first != rule.targets.begin() + i) {
          diagnostics.warning(
              "duplicate-need", workflow.file, pos,
              fmt::format("branch '{}' names '{}' twice in one rule", step.id, target),
              span_of(target));
          continue;
        }
        auto found = std::find_if(steps.begin(), steps.end(),
                                  [&](const Step& other) { return other.id == target; });
        if (found == steps.end()) {
          auto& diag = diagnostics.error(
              "unknown-branch-target", workflow.file, pos,
              fmt::format("branch '{}' leads to unknown step '{}'", step.id, target),
              span_of(target));
          if (auto match = closest_match(target, ids)) {
            diag.note(fmt::format("did you mean '{}'?", *match));
          }
          continue;
        }
        if (std::none_of(found->needs.begin(), found->needs.end(),
                         [&](const Need& need) { return need.id == step.id; })) {
          diagnostics
              .error("branch-target-not-dependent", workflow.file, pos,
                     fmt::format("branch '{}' leads to '{}', but '{}' does not need '{}'", step.id,
                                 target, target, step.id),
                     span_of(target))
              .note(fmt::format("add '{}' to the 'needs' of '{}': a branch chooses among the "
                                "steps that directly follow it",
                                step.id, target),
                    found->pos);
        }
      }
    }
  }
}

}  // namespace

void check_branches(const Workflow& workflow, Diagnostics& diagnostics) {
  check_list(workflow, workflow.steps, diagnostics);
  for (const auto* list : {&workflow.on_success, &workflow.on_failure, &workflow.on_cancel,
                           &workflow.on_exit, &workflow.on_late}) {
    check_list(workflow, *list, diagnostics);
  }
}

}  // namespace flowrun

#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/model/workflow.hpp"

namespace flowrun {

/// One rule of a `type: branch` step: when `condition` holds (no condition: the default,
/// always last), the paths to `targets` are taken and the other targets are skipped.
struct BranchRule {
  std::optional<std::string> condition;  ///< `if:`, as written
  SourcePos condition_pos;
  std::vector<std::string> targets;  ///< `next`: step ids
  std::vector<SourcePos> targets_pos;
  SourcePos pos;  ///< the rule's mapping
};

/// The rules of a branch step, in order (kept in `type_config["branches"]` by the loader so
/// that Step stays small); empty for other steps.
std::vector<BranchRule> branch_rules(const Step& step);

/// Every step id named by any rule of `step`, each once, in order of appearance.
std::vector<std::string> branch_targets(const Step& step);

/// `type_config["branches"]` for `rules` (what the loader stores).
nlohmann::json branch_rules_json(const std::vector<BranchRule>& rules);

}  // namespace flowrun
